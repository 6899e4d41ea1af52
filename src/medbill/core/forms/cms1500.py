"""The CMS-1500 (02/12) paper claim, filled from a :class:`~medbill.core.claim.Claim`.

Two renderings share one set of field values:

- ``mode="print"``: text only, on the NUCC 10-cpi / 6-lpi grid, for the
  pre-printed red form (the scanner drops the red and reads our black text);
- ``mode="replica"``: the same text over a grid and labels we draw ourselves,
  for review and the archive.

Claims with more than six service lines continue on further pages: every page
repeats the claim's header items, carries "PAGE n OF m" at the top right and,
as payers ask, "CONTINUED" in item 28 on all but the last page, which carries
the total. Values follow the NUCC 1500 reference instructions: names as
LAST, FIRST, MIDDLE INITIAL; dates as MM DD YYYY (item 24A as MM DD YY); no
dollar signs, dashes or decimal points in amounts and identifiers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.pdfgen.canvas import Canvas

from medbill.core.charset import to_x12_text
from medbill.core.claim import Address, Claim, OtherCoverage, PersonName, Provider, ServiceLine
from medbill.core.forms._cms1500_replica import draw_replica
from medbill.core.forms._grid import (
    FIELDS,
    LINE_FIELDS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SERVICE_LINES_PER_PAGE,
    SHADED_FIELDS,
    PrintAlignment,
    service_line_rows,
)
from medbill.core.money import Money

__all__ = [
    "Cms1500Error",
    "Cms1500Page",
    "Placed",
    "cms1500_pages",
    "render_cms1500",
    "render_cms1500_batch",
]

DATA_FONT = "Courier"
DATA_SIZE = 11
# Courier advances 0.6 em: 6.6 pt at 11 pt, so 0.6 pt of character spacing keeps
# every character on the 10-per-inch grid while leaving air inside the boxes.
DATA_CHAR_SPACE = 0.6

_INSURANCE_TYPE = {
    "medicare": "1.medicare",
    "medicaid": "1.medicaid",
    "tricare": "1.tricare",
    "champus": "1.tricare",
    "champva": "1.champva",
    "commercial": "1.group",
    "bcbs": "1.group",
    "hmo": "1.group",
    "ppo": "1.group",
    "group": "1.group",
    "feca": "1.feca",
    "black_lung": "1.feca",
}
_RELATIONSHIP = {"self": "6.self", "spouse": "6.spouse", "child": "6.child", "other": "6.other"}
_LETTERS = "ABCDEFGHIJKL"


class Cms1500Error(ValueError):
    """The claim cannot go on a CMS-1500; ``field`` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Placed:
    """One piece of text at a grid position: ``item`` is the 1500 item it fills."""

    item: str
    line: int
    col: int
    text: str


@dataclass(frozen=True, slots=True)
class Cms1500Page:
    number: int
    of: int
    fields: tuple[Placed, ...]

    def value(self, item: str) -> str | None:
        """The text printed for ``item`` on this page (``"24D.1"`` for line 1's code)."""
        for placed in self.fields:
            if placed.item == item:
                return placed.text
        return None


# -- text conventions -----------------------------------------------------------------------


def _clean(text: str | None) -> str:
    """Upper case, single spaces, no punctuation the OCR readers reject, and the letters
    the 837P would send (``to_x12_text``: Đorđević -> DORDEVIC), so paper and
    electronic claims name the patient alike."""
    if not text:
        return ""
    out = to_x12_text(text).upper().replace(".", "").replace("#", "")
    return " ".join(out.split())


def _item19(claim: Claim) -> str:
    """Item 19 (additional claim information): each attachment as the NUCC instructs,
    PWK, report type, transmission and control number without spaces (the claim's first,
    then its lines'), then the note; items three spaces apart."""
    items = [a.box19() for a in claim.attachments]
    items += [a.box19() for line in claim.lines for a in line.attachments if a.box19() not in items]
    items.append(_clean(claim.note))
    return "   ".join(_clean(item) if item.startswith("PWK") else item for item in items if item)


def _name(name: PersonName | None) -> str:
    """``LAST, FIRST, M`` (the suffix follows the last name)."""
    if name is None or not name.last:
        return ""
    last = f"{name.last} {name.suffix}" if name.suffix else name.last
    parts = [last]
    if name.first:
        parts.append(name.first)
    if name.middle:
        parts.append(name.middle[0])
    return _clean(", ".join(parts))


def _provider_name(provider: Provider) -> str:
    """``FIRST M LAST CREDENTIAL``, as items 17 and 31 print a clinician."""
    n = provider.name
    parts = [n.first, n.middle[0] if n.middle else None, n.last, n.suffix, provider.credential]
    return _clean(" ".join(p for p in parts if p)).replace(",", "")


def _date8(value: date | None) -> str:
    return value.strftime("%m %d %Y") if value else ""


def _date6(value: date | None) -> str:
    return value.strftime("%m %d %y") if value else ""


def _zip(value: str | None) -> str:
    return (value or "").replace("-", "")


def _amount(value: Money) -> str:
    """``  185 00``: eight characters, dollars and cents split where the form splits them."""
    text = f"{value.amount:8.2f}".replace(".", " ")
    if len(text) > 8:
        raise Cms1500Error("amount", f"{value.format()} does not fit the form's amount boxes")
    return text


def _units(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return text


def _city_line(address: Address | None) -> str:
    if address is None:
        return ""
    return _clean(f"{address.city} {address.state} {_zip(address.zip)}")


def _phone(number: str | None) -> tuple[str, str]:
    digits = "".join(c for c in (number or "") if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return "", ""
    return digits[:3], f"{digits[3:6]} {digits[6:]}"


# -- the claim, item by item ----------------------------------------------------------------


class _Page:
    def __init__(self) -> None:
        self.fields: list[Placed] = []

    def put(self, item: str, text: str | None, key: str | None = None) -> None:
        if not text:
            return
        spot = FIELDS[key or item]
        self.fields.append(Placed(item, spot.line, spot.col, text[: spot.width]))

    def mark(self, item: str) -> None:
        self.put(item, "X")

    def put_line(self, index: int, item: str, text: str | None, line_no: int) -> None:
        if not text:
            return
        col, width = LINE_FIELDS[item]
        shaded, service = service_line_rows(index)
        row = shaded if item in SHADED_FIELDS else service
        self.fields.append(Placed(f"{item}.{line_no}", row, col, text[:width]))


def _other_coverage(claim: Claim) -> OtherCoverage | None:
    return claim.other_coverage[0] if claim.other_coverage else None


def _amount_paid(claim: Claim) -> Money:
    """Item 29: what other payers already paid on this claim (their adjudications)."""
    return sum(
        (c.adjudication.paid for c in claim.other_coverage if c.adjudication is not None),
        Money(0),
    )


def _check(claim: Claim) -> None:
    if not claim.lines:
        raise Cms1500Error("lines", "a claim needs at least one service line")
    if len(claim.diagnoses) > 12:
        raise Cms1500Error("diagnoses", "item 21 holds at most 12 diagnoses (A-L)")
    for i, line in enumerate(claim.lines):
        for p in line.dx_pointers:
            if not 1 <= p <= len(claim.diagnoses):
                raise Cms1500Error(f"lines[{i}].dx_pointers", f"pointer {p} names no diagnosis")
        if len(line.modifiers) > 4:
            raise Cms1500Error(f"lines[{i}].modifiers", "item 24D holds at most 4 modifiers")


def _header(page: _Page, claim: Claim, signed_on: date | None) -> None:
    """Everything except the service lines and totals: the same on every page."""
    payer = claim.payer
    page.put("payer.name", _clean(payer.name))
    if payer.address:
        page.put("payer.line1", _clean(payer.address.line1))
        page.put("payer.line2", _clean(payer.address.line2))
        page.put("payer.city", _city_line(payer.address))
    page.mark(_INSURANCE_TYPE.get(payer.type or "", "1.other"))

    sub, pat = claim.subscriber, claim.patient
    page.put("1a", _clean(sub.member_id).replace("-", ""))
    page.put("2", _name(pat.name))
    page.put("3.dob", _date8(pat.dob))
    if pat.sex in ("M", "F"):
        page.mark("3.male" if pat.sex == "M" else "3.female")
    page.put("4", _name(sub.name))
    if pat.address:
        page.put("5.street", _clean(" ".join(filter(None, (pat.address.line1, pat.address.line2)))))
        page.put("5.city", _clean(pat.address.city))
        page.put("5.state", _clean(pat.address.state))
        page.put("5.zip", _zip(pat.address.zip))
    area, number = _phone(claim.extras.get("patient_phone") if claim.extras else None)
    page.put("5.phone_area", area)
    page.put("5.phone", number)
    page.mark(_RELATIONSHIP[pat.relationship_to_subscriber])
    sub_addr = sub.address or (pat.address if pat.is_subscriber else None)
    if sub_addr:
        page.put("7.street", _clean(" ".join(filter(None, (sub_addr.line1, sub_addr.line2)))))
        page.put("7.city", _clean(sub_addr.city))
        page.put("7.state", _clean(sub_addr.state))
        page.put("7.zip", _zip(sub_addr.zip))

    other = _other_coverage(claim)
    if other is not None:
        page.put("9", _name(other.subscriber.name))
        page.put("9a", _clean(other.subscriber.group_number or other.subscriber.member_id))
        page.put("9d", _clean(other.payer.name))
    causes = set(claim.related_causes)
    page.mark("10a.yes" if "EM" in causes else "10a.no")
    page.mark("10b.yes" if "AA" in causes else "10b.no")
    if "AA" in causes:
        page.put("10b.state", _clean(claim.accident_state))
    page.mark("10c.yes" if "OA" in causes else "10c.no")
    page.put("10d", _clean(claim.extras.get("claim_codes") if claim.extras else None))

    group = sub.group_number
    if not group and payer.type == "medicare" and other is None:
        group = "NONE"  # Medicare: no insurance primary to Medicare
    page.put("11", _clean(group))
    page.put("11a.dob", _date8(sub.dob))
    if sub.sex in ("M", "F"):
        page.mark("11a.male" if sub.sex == "M" else "11a.female")
    page.put("11c", _clean(sub.group_name or payer.name))
    page.mark("11d.yes" if other is not None else "11d.no")

    if claim.release_of_information == "Y":
        page.put("12", "SIGNATURE ON FILE")
    if claim.benefits_assigned:
        page.put("13", "SIGNATURE ON FILE")

    if claim.onset_date:
        page.put("14.date", _date8(claim.onset_date))
        page.put("14.qual", "431")  # onset of current symptoms or illness
    if claim.initial_treatment_date:
        page.put("15.qual", "454")  # initial treatment
        page.put("15.date", _date8(claim.initial_treatment_date))
    ref = claim.referring_provider
    if ref is not None:
        page.put("17.qual", "DN")  # referring provider
        page.put("17", _provider_name(ref))
        page.put("17b", ref.npi)
    page.put("19", _item19(claim))
    page.mark("20.no")

    page.put("21.ind", "0")  # ICD-10-CM
    for i, code in enumerate(claim.diagnoses):
        page.put(f"21.{_LETTERS[i]}", code.replace(".", "").upper())
    if claim.frequency_code in ("7", "8"):
        page.put("22.code", claim.frequency_code)
        page.put("22.ref", _clean(claim.original_claim_ref))
    page.put("23", _clean(claim.prior_authorization or claim.referral_number))

    bp = claim.billing_provider
    page.put("25", (bp.tin or "").replace("-", ""))
    page.mark("25.ein")
    # Item 26 is the 837P's patient control number (CLM01), kept as written (hyphens too):
    # the payer echoes it in the 835 (CLP01), which is how the payment finds its claim.
    page.put("26", _clean(claim.claim_id))
    page.mark("27.yes" if claim.assignment_accepted else "27.no")

    rendering = claim.rendering_provider
    if claim.provider_signature_on_file:
        if rendering is not None:
            page.put("31.name", _provider_name(rendering))
        page.put("31", "SIGNATURE ON FILE")
        page.put("31.date", _date6(signed_on))

    facility = claim.service_facility
    f_name = facility.name if facility else bp.name
    f_addr = facility.address if facility and facility.address else bp.address
    f_npi = facility.npi if facility else bp.npi
    page.put("32.name", _clean(f_name))
    if f_addr:
        page.put("32.street", _clean(f_addr.line1))
        page.put("32.city", _city_line(f_addr))
    page.put("32a", f_npi)

    area, number = _phone(bp.contact_phone)
    page.put("33.phone_area", area)
    page.put("33.phone", number)
    page.put("33.name", _clean(bp.name))
    if bp.address:
        page.put("33.street", _clean(" ".join(filter(None, (bp.address.line1, bp.address.line2)))))
        page.put("33.city", _city_line(bp.address))
    page.put("33a", bp.npi)
    if bp.taxonomy:
        page.put("33b", f"ZZ{bp.taxonomy}")  # ZZ: provider taxonomy


def _service_line(page: _Page, index: int, claim: Claim, line: ServiceLine) -> None:
    n = line.line or index + 1
    start = line.date_of_service or claim.date_of_service
    end = line.date_of_service_end or start
    if line.ndc:
        supplemental = f"N4{line.ndc.replace('-', '')}"
        if line.ndc_quantity is not None:
            supplemental += f" {line.ndc_unit or 'UN'}{_units(line.ndc_quantity)}"
        page.put_line(index, "24.supplemental", supplemental, n)
    rendering = line.rendering_provider or claim.rendering_provider
    if rendering is not None and rendering.taxonomy:
        page.put_line(index, "24I.qual", "ZZ", n)
        page.put_line(index, "24J.other", rendering.taxonomy, n)
    page.put_line(index, "24A.from", _date6(start), n)
    page.put_line(index, "24A.to", _date6(end), n)
    page.put_line(index, "24B", line.place_of_service or claim.place_of_service, n)
    page.put_line(index, "24C", "Y" if claim.extras.get("emergency") else "", n)
    page.put_line(index, "24D", line.code, n)
    for m, modifier in enumerate(line.modifiers):
        page.put_line(index, f"24D.mod{m + 1}", modifier, n)
    page.put_line(index, "24E", "".join(_LETTERS[p - 1] for p in line.dx_pointers[:4]), n)
    page.put_line(index, "24F", _amount(line.charge), n)
    page.put_line(index, "24G", _units(line.units), n)
    npi = rendering.npi if rendering is not None else claim.billing_provider.npi
    page.put_line(index, "24J", npi, n)


def cms1500_pages(
    claim: Claim, *, amount_paid: Money | None = None, signed_on: date | None = None
) -> list[Cms1500Page]:
    """Lay out ``claim`` as CMS-1500 pages: six service lines each.

    ``amount_paid`` fills item 29 (default: what prior payers paid, from the
    claim's other coverages); ``signed_on`` dates item 31 (default: the claim's
    submission date, else today). Raises :class:`Cms1500Error` naming the field when the
    claim cannot fit the form (more than 12 diagnoses, a pointer to nothing).
    """
    _check(claim)
    # Item 31 is dated the day the form is signed: the submission date, else today.
    signed_on = signed_on or claim.submission_date or date.today()
    paid = _amount_paid(claim) if amount_paid is None else amount_paid
    chunks = [
        claim.lines[i : i + SERVICE_LINES_PER_PAGE]
        for i in range(0, len(claim.lines), SERVICE_LINES_PER_PAGE)
    ]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page = _Page()
        _header(page, claim, signed_on)
        if len(chunks) > 1:
            page.put("page", f"PAGE {number} OF {len(chunks)}")
        for index, line in enumerate(chunk):
            _service_line(page, index, claim, line)
        if number == len(chunks):
            page.put("28", _amount(claim.total_charge))
            if paid:
                page.put("29", _amount(paid))
        else:
            page.put("28", "CONTINUED")
        pages.append(Cms1500Page(number, len(chunks), tuple(page.fields)))
    return pages


# -- PDF --------------------------------------------------------------------------------------


def _draw_fields(canvas: Canvas, fields: Iterable[Placed], align: PrintAlignment) -> None:
    canvas.setFillColorRGB(0, 0, 0)
    for placed in fields:
        # One text object per field, so readers (and our tests) see each item on its own.
        text = canvas.beginText(align.x(placed.col), align.baseline(placed.line))
        text.setFont(DATA_FONT, DATA_SIZE)
        text.setCharSpace(DATA_CHAR_SPACE)
        text.textOut(placed.text)
        canvas.drawText(text)


def render_cms1500(
    claim: Claim,
    *,
    mode: str = "print",
    alignment: PrintAlignment | None = None,
    amount_paid: Money | None = None,
    signed_on: date | None = None,
) -> bytes:
    """The claim as a CMS-1500 PDF (bytes): ``mode`` is ``"print"`` or ``"replica"``."""
    return render_cms1500_batch(
        [claim], mode=mode, alignment=alignment, amount_paid=amount_paid, signed_on=signed_on
    )


def render_cms1500_batch(
    claims: Sequence[Claim],
    *,
    mode: str = "print",
    alignment: PrintAlignment | None = None,
    amount_paid: Money | None = None,
    signed_on: date | None = None,
) -> bytes:
    """Several claims in one PDF, one after the other (a print run for the red forms).

    Every claim is laid out before anything is drawn, so one claim that cannot go
    on the form stops the run with its :class:`Cms1500Error` (the claim id prefixed
    to the field) instead of printing half a batch.
    """
    if mode not in ("print", "replica"):
        raise Cms1500Error("mode", "expected print or replica")
    if not claims:
        raise Cms1500Error("claims", "nothing to print")
    align = alignment or PrintAlignment()
    laid_out = []
    for claim in claims:
        try:
            laid_out.append(cms1500_pages(claim, amount_paid=amount_paid, signed_on=signed_on))
        except Cms1500Error as exc:
            if len(claims) == 1:
                raise
            raise Cms1500Error(f"{claim.claim_id}.{exc.field}", exc.problem) from None
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    first = claims[0]
    canvas.setTitle(
        f"CMS-1500 claim {first.claim_id}"
        if len(claims) == 1
        else f"CMS-1500 claims ({len(claims)})"
    )
    canvas.setAuthor(first.billing_provider.name or "medbill")
    canvas.setSubject("Health insurance claim form (02/12)")
    for pages in laid_out:
        for page in pages:
            if mode == "replica":
                draw_replica(canvas, align)
            _draw_fields(canvas, page.fields, align)
            canvas.showPage()
    canvas.save()
    return buf.getvalue()
