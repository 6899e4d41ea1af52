"""837P professional claims (005010X222A1): writer, batching and reader.

``write_837p`` turns claim documents into one interchange (bytes) with the
control numbers the caller supplies (the caller persists them and never reuses
one). Every claim is checked first (``check_claim``), so a bad claim raises
``X12WriteError`` naming the claim and field before any byte exists; its text is
fitted to the elements first (``fit_claim``: character set, separators, lengths).
``screen_claims`` splits a batch into the claims a file can carry and those held
out with the reason, so that one bad claim never sinks a batch.
``plan_batches`` splits claims into files per clearinghouse route and claim
count; ``read_837p`` (in ``_m837p_read``) reads an 837P back into documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from medbill.core.attachments import Attachment
from medbill.core.claim import (
    Address,
    CasAdjustment,
    Claim,
    OtherCoverage,
    Payer,
    PersonName,
    Provider,
    ServiceLine,
    Subscriber,
)
from medbill.core.money import Money
from medbill.core.x12._m837p_carried import as_carried_by_837p
from medbill.core.x12._m837p_check import (
    StructureChecker,
    check_claim,
    filing_indicator,
    is_medicare_secondary,
    npi_is_valid,
    other_medicare_is_secondary,
)
from medbill.core.x12._m837p_fit import ELEMENTS, ClaimFitter, FieldFit, Fitted, fit_claim
from medbill.core.x12._m837p_read import ReadClaim, read_837p
from medbill.core.x12._segments import (
    ControlNumbers,
    Delimiters,
    InterchangeEnvelope,
    SegmentWriter,
    X12WriteError,
    iter_segments,
)

__all__ = [
    "VERSION_837P",
    "ELEMENTS",
    "Batch",
    "ClaimFitter",
    "FieldFit",
    "Fitted",
    "HeldClaim",
    "ReadClaim",
    "Screened",
    "Submitter",
    "as_carried_by_837p",
    "batch_reference",
    "check_claim",
    "fit_claim",
    "is_medicare_secondary",
    "npi_is_valid",
    "other_medicare_is_secondary",
    "payer_responsibility",
    "plan_batches",
    "read_837p",
    "screen_claims",
    "write_837p",
]

VERSION_837P = "005010X222A1"

# Patient's relationship to the subscriber: 2000C PAT01 and 2320 SBR02.
RELATIONSHIP_CODES = {"self": "18", "spouse": "01", "child": "19", "other": "G8"}
ORDER_CODES = {"primary": "P", "secondary": "S", "tertiary": "T"}


@dataclass(frozen=True, slots=True)
class Submitter:
    """Loop 1000A/1000B: who sends the file and which clearinghouse or payer receives it."""

    name: str
    submitter_id: str
    contact_name: str
    contact_phone: str | None = None
    contact_email: str | None = None
    receiver_name: str = ""
    receiver_id: str = ""


@dataclass(frozen=True, slots=True)
class Batch:
    """The claims of one 837P file: one route, at most the route's claim count."""

    route: str
    claims: tuple[Claim, ...]
    payers: tuple[str, ...] = field(default=())


def payer_responsibility(claim: Claim) -> str:
    """Whether the claim goes to the patient's primary, secondary or tertiary payer.

    The claim's own payer takes the first order its other coverages leave free.
    """
    taken = {oc.order for oc in claim.other_coverage}
    for order in ("primary", "secondary", "tertiary"):
        if order not in taken:
            return order
    raise X12WriteError(
        "other coverages fill primary, secondary and tertiary",
        claim_id=claim.claim_id,
        field="other_coverage",
    )


def plan_batches(
    claims: Iterable[Claim],
    route_of: Callable[[Claim], str] | None = None,
    max_claims: int = 5000,
) -> list[Batch]:
    """Group claims into files: one route per file, at most ``max_claims`` claims each.

    ``route_of`` names the clearinghouse route of a claim (by default its payer
    id); claims keep their order within a route.
    """
    if max_claims < 1:
        raise ValueError("max_claims must be at least 1")
    key = route_of or (lambda c: c.payer.payer_id or "")
    routes: dict[str, list[Claim]] = {}
    for claim in claims:
        routes.setdefault(key(claim), []).append(claim)
    batches = []
    for route, members in routes.items():
        for start in range(0, len(members), max_claims):
            chunk = tuple(members[start : start + max_claims])
            payers = tuple(dict.fromkeys(c.payer.payer_id or "" for c in chunk))
            batches.append(Batch(route, chunk, payers))
    return batches


def write_837p(
    claims: Sequence[Claim],
    envelope: InterchangeEnvelope,
    control: ControlNumbers,
    submitter: Submitter,
    created: datetime,
    *,
    delimiters: Delimiters | None = None,
    line_ending: str = "\n",
    reference: str | None = None,
) -> bytes:
    """One interchange holding one 837P transaction set with every claim.

    Claims are grouped under their billing provider (2000A). ``reference``
    (BHT03) defaults to the transaction control number.
    """
    if not claims:
        raise X12WriteError("no claims to write", segment="ST")
    return _write(claims, envelope, control, submitter, created, delimiters, line_ending, reference)


def _write(
    claims: Sequence[Claim],
    envelope: InterchangeEnvelope,
    control: ControlNumbers,
    submitter: Submitter,
    created: datetime,
    delimiters: Delimiters | None,
    line_ending: str,
    reference: str | None,
) -> bytes:
    _check_submitter(submitter)
    d = delimiters or Delimiters()
    fitter = ClaimFitter(d)
    checker = StructureChecker()
    fitted = []
    for claim in claims:
        checker.check(claim)
        if fitter.fits_as_it_is(claim):
            fitted.append(claim)
            continue
        fit = fitter.fit(claim)
        for problem in fit.fits:
            if problem.blocks:
                raise problem.error(claim.claim_id)
        fitted.append(fit.claim)
    seen: set[str] = set()
    for claim in claims:
        if claim.claim_id in seen:
            raise X12WriteError(
                "appears twice in one file", claim_id=claim.claim_id, field="claim_id"
            )
        seen.add(claim.claim_id)
    w = SegmentWriter(d, line_ending)
    w.open_interchange(envelope, control, created, "HC", VERSION_837P)
    w.open_transaction("837", control.transaction, VERSION_837P)
    w.add(
        "BHT",
        "0019",
        "00",
        reference or f"{control.transaction:04d}",
        created.strftime("%Y%m%d"),
        created.strftime("%H%M"),
        "CH",
    )
    w.add("NM1", "41", "2", submitter.name, "", "", "", "", "46", submitter.submitter_id)
    contact = []
    if submitter.contact_phone:
        contact += ["TE", submitter.contact_phone]
    if submitter.contact_email:
        contact += ["EM", submitter.contact_email]
    w.add("PER", "IC", submitter.contact_name, *contact)
    w.add("NM1", "40", "2", submitter.receiver_name, "", "", "", "", "46", submitter.receiver_id)
    body = _Body(w)
    body.claims(fitted)
    w.close_transaction()
    w.close_interchange()
    text = w.text()
    if not text.isascii():
        _refuse_non_ascii(w, body.starts)
    return text.encode("ascii")


def _refuse_non_ascii(w: SegmentWriter, starts: list[tuple[int, str]]) -> None:
    """Name the claim and element of a character outside the X12 set that fitting missed."""
    d = w.delimiters
    for index, part in enumerate(w._parts):
        if part.isascii():
            continue
        owner = next((cid for first, cid in reversed(starts) if first <= index), None)
        bad = next(ch for ch in part if not ch.isascii())
        element = part[: part.index(bad)].count(d.element)
        raise X12WriteError(
            f"character U+{ord(bad):04X} is outside the X12 character set",
            claim_id=owner,
            segment=part.split(d.element, 1)[0],
            element=element or None,
        )


@dataclass(frozen=True, slots=True)
class HeldClaim:
    """A claim kept out of a file, the field at fault and why (no patient data)."""

    claim_id: str
    field: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Screened:
    """Claims split into those a file can carry (fitted) and those held out.

    ``fits`` lists, per claim id, the text the writer shortened or rewrote.
    """

    ready: tuple[Claim, ...]
    held: tuple[HeldClaim, ...]
    fits: tuple[tuple[str, FieldFit], ...]


def screen_claims(claims: Iterable[Claim], delimiters: Delimiters | None = None) -> Screened:
    """Which claims can be written with ``delimiters``; the others held out with the reason.

    A claim fails on its first problem: a structural one (``check_claim``), a field
    that does not fit its element, or a claim id already in the batch.
    """
    ready: list[Claim] = []
    held: list[HeldClaim] = []
    fits: list[tuple[str, FieldFit]] = []
    seen: set[str] = set()
    fitter = ClaimFitter(delimiters)
    checker = StructureChecker()
    for claim in claims:
        try:
            checker.check(claim)
            payer_responsibility(claim)
            if claim.claim_id in seen:
                raise X12WriteError(
                    "appears twice in one batch", claim_id=claim.claim_id, field="claim_id"
                )
            fit = fitter.fit(claim)
            problem = next((f for f in fit.fits if f.blocks), None)
            if problem is not None:
                raise problem.error(claim.claim_id)
        except X12WriteError as exc:
            held.append(HeldClaim(claim.claim_id, exc.field, exc.reason))
            continue
        seen.add(claim.claim_id)
        ready.append(fit.claim)
        fits.extend((claim.claim_id, f) for f in fit.fits)
    return Screened(tuple(ready), tuple(held), tuple(fits))


def batch_reference(data: bytes | str) -> str:
    """The 837P's BHT03 (its originator's batch reference), which a 277CA echoes in 2200B
    TRN02; the ISA13 for a file without one."""
    isa = ""
    for seg in iter_segments(data):
        if seg.id == "ISA":
            isa = seg[13]
        elif seg.id == "BHT":
            return seg[3] or isa
    return isa


def _check_submitter(s: Submitter) -> None:
    for name in ("name", "submitter_id", "contact_name", "receiver_name", "receiver_id"):
        if not getattr(s, name):
            raise X12WriteError(f"submitter.{name} is required", segment="NM1")
    if not (s.contact_phone or s.contact_email):
        raise X12WriteError("submitter needs a contact phone or e-mail", segment="PER")


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class _Body:
    """Renders the hierarchical levels under one ST."""

    def __init__(self, w: SegmentWriter) -> None:
        self.w = w
        self.hl = 0
        self.starts: list[tuple[int, str]] = []  # (first segment index, claim id)
        # Dates and amounts recur claim after claim; each is rendered once per file.
        self._dates: dict[date, str] = {}
        self._amounts: dict[Money, str] = {}
        self._numbers: dict[Decimal, str] = {}
        # Segments of an (immutable) address, payer or provider already written in this
        # file, by the object's identity (the object is kept, so its id is not reused).
        self._blocks: dict[tuple[int, str], tuple[object, list[str]]] = {}
        # Segments made of values alone (diagnoses, a service line's SV1, its dates), by
        # those values: a batch repeats them claim after claim.
        self._repeats: dict[tuple[object, ...], list[str]] = {}

    def d8(self, day: date) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = _d8(day)
        return text

    def amount(self, money: Money) -> str:
        text = self._amounts.get(money)
        if text is None:
            text = self._amounts[money] = money.x12()
        return text

    def number(self, value: Decimal) -> str:
        text = self._numbers.get(value)
        if text is None:
            text = _num(value)
            if value and value.is_finite():  # -0 and 0 are equal keys that print apart
                self._numbers[value] = text
        return text

    def repeat(self, key: tuple[object, ...], render: Callable[[], None]) -> None:
        """Write what ``render`` writes for the values in ``key``, or copy it from the last
        time (``key`` holds every value the segments are made of, and their segment id)."""
        try:
            parts = self._repeats.get(key)
        except TypeError:  # a list where the document has a tuple: not kept
            render()
            return
        if parts is not None:
            self.w.add_rendered(parts)
            return
        start = self.w.count
        render()
        self._repeats[key] = self.w.rendered_since(start)

    def block(self, obj: object, kind: str, render: Callable[[], None]) -> None:
        """Write what ``render`` writes for ``obj``, or copy it from the last time."""
        key = (id(obj), kind)
        hit = self._blocks.get(key)
        if hit is not None and hit[0] is obj:
            self.w.add_rendered(hit[1])
            return
        start = self.w.count
        render()
        self._blocks[key] = (obj, self.w.rendered_since(start))

    def claims(self, claims: Sequence[Claim]) -> None:
        groups: dict[tuple[object, ...], list[Claim]] = {}
        for claim in claims:
            groups.setdefault(_provider_key(claim), []).append(claim)
        for members in groups.values():
            self.hl += 1
            parent = self.hl
            claim = members[0]
            try:
                self.billing_provider(claim)
                for claim in members:
                    self.claim(claim, parent)
            except X12WriteError as exc:
                if exc.claim_id is not None:
                    raise
                # The segment writer knows the element; the claim is known here.
                raise X12WriteError(
                    exc.message,
                    claim_id=claim.claim_id,
                    field=exc.field,
                    segment=exc.segment,
                    element=exc.element,
                ) from None

    # -- 2000A / 2010AA / 2010AB ------------------------------------------------------------

    def billing_provider(self, claim: Claim) -> None:
        w, bp = self.w, claim.billing_provider
        w.add("HL", str(self.hl), "", "20", "1")
        if bp.taxonomy:
            w.add("PRV", "BI", "PXC", bp.taxonomy)
        w.add("NM1", "85", "2", bp.name, "", "", "", "", "XX", bp.npi)
        assert bp.address is not None
        self.address(bp.address)
        w.add("REF", "EI", bp.tin)
        if bp.contact_name and bp.contact_phone:
            w.add("PER", "IC", bp.contact_name, "TE", bp.contact_phone)
        if bp.pay_to_address is not None and bp.pay_to_address != bp.address:
            w.add("NM1", "87", "2")
            self.address(bp.pay_to_address)

    def address(self, addr: Address) -> None:
        self.block(addr, "N3", lambda: self._address(addr))

    def _address(self, addr: Address) -> None:
        self.w.add("N3", addr.line1, addr.line2 or "")
        self.w.add("N4", addr.city, addr.state, addr.zip)

    def person_name(
        self, entity: str, name: PersonName, qualifier: str, ident: str | None, kind: str = "1"
    ) -> None:
        self.w.add(
            "NM1",
            entity,
            kind,
            name.last,
            name.first or "",
            name.middle or "",
            "",
            name.suffix or "",
            qualifier if ident else "",
            ident or "",
        )

    # -- 2000B / 2000C ------------------------------------------------------------------------

    def claim(self, claim: Claim, parent: int) -> None:
        w, sub, pat = self.w, claim.subscriber, claim.patient
        self.starts.append((w.count, claim.claim_id))
        self.hl += 1
        sub_hl = self.hl
        w.add("HL", str(sub_hl), str(parent), "22", "0" if pat.is_subscriber else "1")
        order = payer_responsibility(claim) if claim.other_coverage else "primary"
        w.add(
            "SBR",
            ORDER_CODES[order],
            "18" if pat.is_subscriber else "",
            sub.group_number or "",
            sub.group_name or "",
            sub.medicare_secondary_type
            if sub.medicare_secondary_type and is_medicare_secondary(claim)
            else "",
            "",
            "",
            "",
            filing_indicator(claim, claim.payer.type, "payer.type"),
        )
        self.person_name("IL", sub.name, "MI", sub.member_id)
        if sub.address is not None:
            self.address(sub.address)
        if pat.is_subscriber:
            assert sub.dob is not None
            w.add("DMG", "D8", self.d8(sub.dob), sub.sex)
        self.block(claim.payer, "PR", lambda: self.payer(claim.payer))
        if not pat.is_subscriber:
            self.hl += 1
            w.add("HL", str(self.hl), str(sub_hl), "23", "0")
            w.add("PAT", RELATIONSHIP_CODES[pat.relationship_to_subscriber])
            self.person_name("QC", pat.name, "", None)
            assert pat.address is not None and pat.dob is not None
            self.address(pat.address)
            w.add("DMG", "D8", self.d8(pat.dob), pat.sex)
        self.claim_info(claim)

    def payer(self, payer: Payer) -> None:
        self.w.add("NM1", "PR", "2", payer.name, "", "", "", "", "PI", payer.payer_id)
        if payer.address is not None:
            self.address(payer.address)

    # -- 2300 ------------------------------------------------------------------------------

    def claim_info(self, claim: Claim) -> None:
        w = self.w
        causes = list(claim.related_causes)
        clm11 = None
        if causes:
            clm11 = [
                causes[0],
                causes[1] if len(causes) > 1 else "",
                "",
                claim.accident_state if "AA" in causes else "",
            ]
        w.add_composites(
            "CLM",
            claim.claim_id,
            self.amount(claim.total_charge),
            "",
            "",
            [claim.place_of_service, "B", claim.frequency_code],
            "Y" if claim.provider_signature_on_file else "N",
            "A" if claim.assignment_accepted else "C",
            "Y" if claim.benefits_assigned else "N",
            claim.release_of_information,
            "",
            clm11,
        )
        for qualifier, day in (
            ("431", claim.onset_date),
            ("454", claim.initial_treatment_date),
            ("439", claim.accident_date),
        ):
            if day is not None:
                w.add("DTP", qualifier, "D8", self.d8(day))
        if claim.attachments:
            _pwk(w, claim.attachments)
        if claim.frequency_code in ("7", "8"):
            w.add("REF", "F8", claim.original_claim_ref)
        if claim.referral_number:
            w.add("REF", "9F", claim.referral_number)
        if claim.prior_authorization:
            w.add("REF", "G1", claim.prior_authorization)
        if claim.note:
            w.add("NTE", "ADD", claim.note)
        amb = claim.ambulance
        if amb is not None:
            w.add(
                "CR1",
                "LB" if amb.weight_lbs else "",
                _num(amb.weight_lbs) if amb.weight_lbs else "",
                "",
                amb.transport_reason,
                "DH",
                _num(amb.miles),
            )
            if amb.conditions:
                w.add("CRC", "07", "Y", *amb.conditions[:5])
        self.repeat(("HI", claim.diagnoses), lambda: self.diagnoses(claim.diagnoses))
        if claim.referring_provider is not None:
            self.provider("DN", claim.referring_provider, with_taxonomy=False)
        if (
            claim.rendering_provider is not None
            and claim.rendering_provider.npi != claim.billing_provider.npi
        ):
            self.provider("82", claim.rendering_provider, with_taxonomy=True)
        if claim.service_facility is not None:
            f = claim.service_facility
            w.add("NM1", "77", "2", f.name, "", "", "", "", "XX" if f.npi else "", f.npi)
            assert f.address is not None
            self.address(f.address)
        if amb is not None:
            w.add("NM1", "PW", "2")
            self.address(amb.pickup)
            w.add("NM1", "45", "2", amb.dropoff_name)
            self.address(amb.dropoff)
        others = sorted(claim.other_coverage, key=lambda c: c.order)
        for oc in others:
            self.other_coverage(claim, oc)
        # Only prior payers that adjudicated lines write line adjudications (2430).
        by_line = [oc for oc in others if oc.adjudication is not None and oc.adjudication.lines]
        for line in claim.lines:
            self.service_line(claim, line, by_line)

    def diagnoses(self, codes: tuple[str, ...]) -> None:
        dx = [["ABK" if i == 0 else "ABF", code] for i, code in enumerate(codes)]
        self.w.add_composites("HI", *dx)

    def provider(self, entity: str, p: Provider, with_taxonomy: bool) -> None:
        self.block(
            p,
            entity if with_taxonomy else entity + "-",
            lambda: self._provider(entity, p, with_taxonomy),
        )

    def _provider(self, entity: str, p: Provider, with_taxonomy: bool) -> None:
        self.person_name(entity, p.name, "XX", p.npi)
        if with_taxonomy and p.taxonomy:
            self.w.add("PRV", "PE", "PXC", p.taxonomy)

    # -- 2320 / 2330A / 2330B -----------------------------------------------------------------

    def other_coverage(self, claim: Claim, oc: OtherCoverage) -> None:
        w, adj = self.w, oc.adjudication
        sub: Subscriber = oc.subscriber
        w.add(
            "SBR",
            ORDER_CODES[oc.order],
            RELATIONSHIP_CODES[oc.relationship_to_subscriber],
            sub.group_number,
            sub.group_name,
            sub.medicare_secondary_type if other_medicare_is_secondary(oc) else "",
            "",
            "",
            "",
            filing_indicator(claim, oc.payer.type, "other_coverage.payer.type"),
        )
        if adj is not None:
            _cas(w, adj.adjustments)
            w.add("AMT", "D", self.amount(adj.paid))
            if adj.patient_responsibility is not None:
                w.add("AMT", "EAF", self.amount(adj.patient_responsibility))
        w.add(
            "OI",
            "",
            "",
            "Y" if claim.benefits_assigned else "N",
            "P",
            "",
            claim.release_of_information,
        )
        self.person_name("IL", sub.name, "MI", sub.member_id)
        if sub.address is not None:
            self.address(sub.address)
        w.add("NM1", "PR", "2", oc.payer.name, "", "", "", "", "PI", oc.payer.payer_id)
        if oc.payer.address is not None:
            self.address(oc.payer.address)
        if adj is not None and adj.paid_date is not None and not adj.lines:
            w.add("DTP", "573", "D8", self.d8(adj.paid_date))
        if adj is not None and adj.payer_claim_number:
            w.add("REF", "F8", adj.payer_claim_number)

    # -- 2400 and below -----------------------------------------------------------------------

    def sv1(self, line: ServiceLine, pos: str | None) -> None:
        proc = ["HC", line.code, *line.modifiers]
        if line.description:
            proc += [""] * (6 - len(proc)) + [line.description]
        self.w.add_composites(
            "SV1",
            proc,
            self.amount(line.charge),
            line.unit_basis,
            self.number(line.units),
            pos,
            "",
            [str(p) for p in line.dx_pointers],
        )

    def service_dates(self, start: date, end: date | None) -> None:
        if end:
            self.w.add("DTP", "472", "RD8", f"{self.d8(start)}-{self.d8(end)}")
        else:
            self.w.add("DTP", "472", "D8", self.d8(start))

    def service_line(
        self, claim: Claim, line: ServiceLine, others: Sequence[OtherCoverage]
    ) -> None:
        w = self.w
        w.add("LX", str(line.line))
        pos = line.place_of_service if line.place_of_service != claim.place_of_service else ""
        key = (
            "SV1",
            line.code,
            line.modifiers,
            line.description,
            line.charge,
            line.unit_basis,
            line.units,
            pos,
            line.dx_pointers,
        )
        self.repeat(key, lambda: self.sv1(line, pos))
        if line.attachments:
            _pwk(w, line.attachments)
        start = line.date_of_service or claim.date_of_service
        assert start is not None
        end = line.date_of_service_end
        if end == start:
            end = None
        self.repeat(("DTP472", start, end), lambda: self.service_dates(start, end))
        if line.prior_authorization:
            w.add("REF", "G1", line.prior_authorization)
        if line.line_control_number:
            w.add("REF", "6R", line.line_control_number)
        if line.ndc:
            w.add("LIN", "", "N4", line.ndc.replace("-", ""))
            assert line.ndc_quantity is not None
            w.add_composites("CTP", "", "", "", self.number(line.ndc_quantity), [line.ndc_unit])
        # A line's rendering provider is sent only when it differs from the claim's.
        if (
            line.rendering_provider is not None
            and line.rendering_provider != claim.rendering_provider
        ):
            self.provider("82", line.rendering_provider, with_taxonomy=True)
        for oc in others:
            adj = oc.adjudication
            assert adj is not None
            for la in adj.lines:
                if la.line != line.line:
                    continue
                w.add_composites(
                    "SVD",
                    oc.payer.payer_id,
                    self.amount(la.paid),
                    ["HC", la.code, *la.modifiers],
                    "",
                    self.number(la.units),
                )
                _cas(w, la.adjustments)
                paid_date = la.paid_date or adj.paid_date
                assert paid_date is not None
                w.add("DTP", "573", "D8", self.d8(paid_date))


def _pwk(w: SegmentWriter, attachments: Sequence[Attachment]) -> None:
    """PWK segments (2300 or 2400): report type, transmission, and the control number
    (PWK05 AC, PWK06) whenever there is one."""
    for a in attachments:
        if a.control_number:
            w.add("PWK", a.report_type, a.transmission, "", "", "AC", a.control_number)
        else:
            w.add("PWK", a.report_type, a.transmission)


def _cas(w: SegmentWriter, adjustments: Sequence[CasAdjustment]) -> None:
    """CAS segments: one per group, up to six reason/amount/quantity triples each."""
    groups: dict[str, list[CasAdjustment]] = {}
    for a in adjustments:
        groups.setdefault(a.group, []).append(a)
    for group, items in groups.items():
        for start in range(0, len(items), 6):
            triples: list[str] = []
            for a in items[start : start + 6]:
                triples += [a.reason, a.amount.x12(), _num(a.quantity) if a.quantity else ""]
            w.add("CAS", group, *triples)


def _provider_key(claim: Claim) -> tuple[object, ...]:
    bp = claim.billing_provider
    return (
        bp.npi,
        bp.tin,
        bp.name,
        bp.address,
        bp.taxonomy,
        bp.pay_to_address,
        bp.contact_name,
        bp.contact_phone,
    )


def total_charge(claims: Iterable[Claim]) -> Money:
    """The sum of CLM02 over claims."""
    return sum((c.total_charge for c in claims), Money(0))
