"""837P reader: an interchange (bytes) back into claim documents.

It reads what ``write_837p`` writes into equal documents, and reads partners'
files leniently: segments it has no use for are skipped, and defects a billing
office should know about (composites written with the wrong separator, an
encounter instead of a claim, a place of service without its qualifier,
ICD-9 diagnoses, 4010-era attachment codes) are listed in ``ReadClaim.notes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from medbill.core.attachments import Attachment
from medbill.core.claim import (
    CasAdjustment,
    PersonName,
)
from medbill.core.money import Money, MoneyError
from medbill.core.x12._m837p_docs import ReadClaim, finish_claim
from medbill.core.x12._records import record_builder
from medbill.core.x12._segments import (
    Delimiters,
    Segment,
    X12ParseError,
    check_segment_lengths,
    iter_segments,
    read_interchanges,
)

__all__ = ["ReadClaim", "read_837p"]

_RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child", "G8": "other"}
_ORDERS = {"P": "primary", "S": "secondary", "T": "tertiary"}
_FILING = {
    "MB": "medicare",
    "MA": "medicare_a",
    "MC": "medicaid",
    "CI": "commercial",
    "BL": "bcbs",
    "CH": "tricare",
    "VA": "champva",
    "WC": "workers_comp",
    "HM": "hmo",
    "12": "ppo",
    "13": "pos",
    "14": "epo",
    "15": "indemnity",
    "16": "medicare_advantage",
    "AM": "auto",
    "LM": "liability",
    "FI": "federal_employees",
    "OF": "other_federal",
    "TV": "title_v",
    "DS": "disability",
    "11": "other",
}
_PWK_5010 = {"AA", "BM", "EL", "EM", "FT", "FX"}
_ONE = Decimal(1)


# Values repeat across the claims of a file (dates of service, charges, units); parsing
# each distinct text once is a large part of reading fast. Values are immutable.
@lru_cache(maxsize=4096)
def _parse_date(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


_parse_money = lru_cache(maxsize=4096)(Money)
_parse_decimal = lru_cache(maxsize=1024)(Decimal)


def _date(seg: Segment, index: int, text: str | None = None) -> date | None:
    """Element ``index`` as a date (the start of a range); ``text`` is that element, when
    the caller has it at hand."""
    text = (seg[index] if text is None else text).split("-")[0]
    try:
        return _parse_date(text)
    except ValueError:
        raise seg.error(f"{text[:20]!r} is not a date", index) from None


def _money(seg: Segment, index: int, text: str | None = None) -> Money:
    if text is None:
        text = seg[index]
    try:
        return _parse_money(text or "0")
    except MoneyError:
        raise seg.error(f"{text[:20]!r} is not an amount", index) from None


def _dec(
    seg: Segment, index: int, default: Decimal | None = None, text: str | None = None
) -> Decimal | None:
    if text is None:
        text = seg[index]
    if not text:
        return default
    try:
        value = _parse_decimal(text)
    except InvalidOperation:
        value = None
    # An R element has at most 15 digits: NaN or 1E+999999999 is no quantity.
    if value is None or not value.is_finite() or not -16 < value.adjusted() < 15:
        raise seg.error(f"{text[:20]!r} is not a number", index) from None
    return value


def _is_count(text: str) -> bool:
    """A line number or pointer: ASCII digits, few enough for any count (int() takes
    other scripts' digits too, and refuses superscripts)."""
    return 0 < len(text) <= 6 and text.isascii() and text.isdigit()


_person_name = record_builder(PersonName)


def _name(e: list[str]) -> PersonName:
    return _person_name(e[3], e[4] or None, e[5] or None, e[7] or None)


class _Claim:
    """Mutable state while the segments of one claim go by."""

    def __init__(self, seg: Segment, ctx: dict[str, Any], provider: dict[str, Any] | None) -> None:
        self.seg = seg
        self.ctx = ctx
        self.provider = provider  # the billing provider loop's values, shared by its claims
        self.fields: dict[str, Any] = {}
        self.lines: list[dict[str, Any]] = []
        self.other: list[dict[str, Any]] = []
        self.diagnoses: list[str] = []
        self.code_set = "ICD-10-CM"
        self.notes: list[str] = []


def read_837p(data: bytes | str | Iterable[Segment], strict: bool = False) -> list[ReadClaim]:
    """Every claim in an 837P interchange (or several), in file order.

    Lenient by default: envelope count and control number problems go into each claim's
    ``notes``; ``strict`` raises them instead. A structural error always raises
    X12ParseError with the segment position.
    """
    out: list[ReadClaim] = []
    if isinstance(data, bytes | str):
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        found = _rows_of(text)
        if found is None:
            _read(iter_segments(text), strict, out)
        elif not _read_plain(*found, out):
            # The envelope has something to report or refuse: read_interchanges says what.
            rows, d = found
            _read([Segment(e, i, d) for i, e in enumerate(rows, 1)], strict, out)
    else:
        _read(data, strict, out)
    return out


def _rows_of(text: str) -> tuple[list[list[str]], Delimiters] | None:
    """The element lists of a file with one interchange, and its delimiters; None when
    the incremental reader must read it (several interchanges, a bad identifier)."""
    start = text.find("ISA")
    if start < 0 or len(text) - start < 106:
        return None
    try:
        d = Delimiters.from_isa(text[start:])
    except X12ParseError:
        return None
    pieces = text[start:].split(d.segment)
    check_segment_lengths(pieces)
    rows: list[list[str]] = []
    append = rows.append
    element = d.element
    known: set[str] = set()  # identifiers already checked: a file uses a few dozen
    for index, raw in enumerate(pieces):
        raw = raw.strip("\r\n\t ")
        if not raw:
            continue
        elements = raw.split(element)
        sid = elements[0]
        if sid not in known:
            if sid == "IEA" and any(p.strip("\r\n\t ") for p in pieces[index + 1 :]):
                return None  # another interchange follows
            if sid == "ISA" and rows:
                return None  # an interchange inside this one
            if not (2 <= len(sid) <= 3 and sid.isalnum() and sid.isupper()):
                return None  # let the reader report it with its position
            if sid not in ("ISA", "IEA"):
                known.add(sid)
        append(elements)
    return rows, d


def _el(e: list[str], index: int) -> str:
    return e[index] if index < len(e) else ""


def _read_plain(rows: list[list[str]], d: Delimiters, out: list[ReadClaim]) -> bool:
    """Read a well-formed interchange without a ``Segment`` per segment; False (nothing
    read) for anything ``read_interchanges`` would report or refuse, and for sets that
    are not professional claims, so that ``_read`` says what is wrong. Both hand each set's
    segments to the same ``_Reader.read_rows``.
    """
    ids = [e[0] for e in rows]
    n = len(ids)
    # ``_rows_of`` saw one ISA (the first segment) and no IEA before the last segment.
    if ids[-1] != "IEA":
        return False
    sets = []
    i = 1
    while i < n - 1:
        if ids[i] != "GS":
            return False
        gs, count = rows[i], 0
        version = _el(gs, 8)
        if "X223" in version or "X224" in version:
            return False
        i += 1
        while ids[i] == "ST":
            try:
                se = ids.index("SE", i)
            except ValueError:
                return False
            for envelope in ("ST", "GS", "GE"):
                if envelope in ids[i + 1 : se]:
                    return False
            st = rows[i]
            if (
                _el(st, 1) != "837"
                or _el(rows[se], 1) != str(se - i + 1)
                or _el(rows[se], 2) != _el(st, 2)
            ):
                return False
            sets.append((gs, st, i, se))
            count += 1
            i = se + 1
        if ids[i] != "GE" or _el(rows[i], 1) != str(count) or _el(rows[i], 2) != _el(gs, 6):
            return False
        i += 1
    control = _el(rows[0], 13)
    if _el(rows[-1], 2) != control:
        return False
    positions = range(1, n + 1)  # the ISA is segment 1
    for gs, st, start, end in sets:
        claims = _Reader().read_rows(rows, start + 1, end, positions, d)
        cache: dict[str, Any] = {}
        for c in claims:
            out.append(finish_claim(c, control, _el(gs, 6), _el(st, 2), _el(gs, 8), [], cache))
    return True


def _read(segments: Iterable[Segment], strict: bool, out: list[ReadClaim]) -> None:
    for ic in read_interchanges(segments, strict=strict):
        env_notes = [str(p) for p in ic.problems]
        for tx in ic.transactions:
            if tx.set_id != "837":
                raise tx.st.error(f"expected an 837 transaction set, found {tx.set_id}", 1)
            if "X223" in tx.version or "X224" in tx.version:
                raise tx.gs.error(
                    f"GS08 {tx.version} is an institutional or dental claim; "
                    "this reads professional claims (005010X222)",
                    8,
                )
            body = tx.segments
            claims = _Reader().read_rows(
                [s.elements for s in body],
                0,
                len(body),
                [s.position for s in body],
                tx.st.delimiters,
            )
            cache: dict[str, Any] = {}
            for c in claims:
                out.append(
                    finish_claim(
                        c,
                        ic.control_number,
                        tx.gs[6],
                        tx.control_number,
                        tx.version,
                        env_notes,
                        cache,
                    )
                )


_PAD = 13


class _Reader:
    """The 837P body of one transaction set, segment by segment, into claims."""

    def __init__(self) -> None:
        self.ctx: dict[str, Any] = {}
        self.provider_ctx: dict[str, Any] | None = None
        self.claims: list[_Claim] = []
        self.loop = ""
        self.claim: _Claim | None = None
        self.line: dict[str, Any] | None = None
        self.other: dict[str, Any] | None = None
        self.bht_notes: list[str] = []

    _IDS = (
        "BHT",
        "HL",
        "PRV",
        "SBR",
        "PAT",
        "DMG",
        "NM1",
        "REF",
        "PER",
        "CLM",
        "DTP",
        "HI",
        "NTE",
        "CR1",
        "CRC",
        "PWK",
        "CAS",
        "AMT",
        "LX",
        "SV1",
        "LIN",
        "CTP",
        "SVD",
    )

    def _handlers(self) -> dict[str, Any]:
        handlers = {sid: getattr(self, f"_{sid}") for sid in self._IDS}
        handlers["N3"] = handlers["N4"] = self._address
        return handlers

    def read_rows(
        self, rows: list[list[str]], start: int, end: int, positions: Sequence[int], d: Delimiters
    ) -> list[_Claim]:
        """The claims of ``rows[start:end]``, the elements of a set's segments after ST;
        ``positions[i]`` is the position of ``rows[i]`` in the file.

        One ``Segment`` stands for each row in turn while its handler runs: handlers
        keep a copy when they keep a segment (``_CLM``, ``_LX``).
        """
        get = self._handlers().get
        # Handlers index elements directly: ``e + pads[len(e)]`` has _PAD elements, the
        # absent ones "".
        pads = [[""] * (_PAD - n) for n in range(_PAD)]
        seg = Segment([], 0, d)
        for i in range(start, end):
            e = rows[i]
            handler = get(e[0])
            if handler is not None:
                seg.elements = e
                seg.position = positions[i]
                n = len(e)
                handler(seg, e if n >= _PAD else e + pads[n])
        return self.claims

    # -- header and hierarchy ---------------------------------------------------------------

    def _BHT(self, seg: Segment, e: list[str]) -> None:
        self.ctx["created"] = _date(seg, 4)
        if e[6] == "RP":
            self.bht_notes.append("BHT06=RP: an encounter report, not a claim for payment")

    def _HL(self, seg: Segment, e: list[str]) -> None:
        level = e[3]
        self.claim = self.line = self.other = None
        if level == "20":
            self.ctx = {"created": self.ctx.get("created")}
            self.provider_ctx = None
            self.loop = "2000A"
        elif level == "22":
            # Each subscriber starts from what its billing provider loop set.
            if self.provider_ctx is None:
                self.provider_ctx = self.ctx
            self.ctx = dict(self.provider_ctx)
            self.loop = "2000B"
        elif level == "23":
            self.loop = "2000C"
        else:
            raise seg.error(f"unknown hierarchical level code {level!r}", 3)

    def _PRV(self, seg: Segment, e: list[str]) -> None:
        if self.loop == "2000A":
            self.ctx["bp_taxonomy"] = e[3]
        elif self.loop in ("2310B", "2420A") and self.current_provider is not None:
            self.current_provider["taxonomy"] = e[3]

    def _SBR(self, seg: Segment, e: list[str]) -> None:
        if self.loop.startswith("2000"):
            self.ctx.update(
                sub_order=_ORDERS.get(e[1], "primary"),
                sub_group=e[3] or None,
                sub_group_name=e[4] or None,
                payer_type=_FILING.get(e[9]),
                sub_msp=e[5] or None,
            )
            return
        if self.claim is None:
            where = f"in loop {self.loop}" if self.loop else "before the first HL"
            raise seg.error(
                f"SBR {where}: a subscriber's SBR follows its HL*22, and another "
                "payer's SBR (loop 2320) follows the claim's CLM"
            )
        self.other = {
            "order": _ORDERS.get(e[1], "secondary"),
            "rel": _RELATIONSHIPS.get(e[2], "other"),
            "group": e[3] or None,
            "group_name": e[4] or None,
            "msp": e[5] or None,
            "type": _FILING.get(e[9]),
            "cas": [],
            "paid": None,
        }
        self.claim.other.append(self.other)
        self.loop = "2320"

    def _PAT(self, seg: Segment, e: list[str]) -> None:
        self.ctx["pat_rel"] = _RELATIONSHIPS.get(e[1], "other")

    def _DMG(self, seg: Segment, e: list[str]) -> None:
        who = "pat" if self.loop == "2010CA" else "sub"
        self.ctx[f"{who}_dob"] = _date(seg, 2)
        self.ctx[f"{who}_sex"] = e[3] or None

    # -- names and addresses ----------------------------------------------------------------

    current_provider: dict[str, Any] | None = None

    def _NM1(self, seg: Segment, e: list[str]) -> None:
        entity = e[1]
        c = self.claim
        self.current_provider = None
        if entity == "85":
            self.loop = "2010AA"
            self.ctx.update(bp_name=e[3], bp_npi=e[9] or None)
        elif entity == "87":
            self.loop = "2010AB"
        elif entity == "IL" and self.loop == "2320" and self.other is not None:
            self.loop = "2330A"
            self.other.update(sub_name=_name(e), sub_id=e[9] or None)
        elif entity == "IL":
            self.loop = "2010BA"
            self.ctx.update(sub_name=_name(e), sub_id=e[9] or None)
        elif entity == "PR" and self.other is not None:
            self.loop = "2330B"
            self.other.update(payer_name=e[3], payer_id=e[9] or None)
        elif entity == "PR":
            self.loop = "2010BB"
            self.ctx.update(payer_name=e[3], payer_id=e[9] or None)
        elif entity == "QC":
            self.loop = "2010CA"
            self.ctx["pat_name"] = _name(e)
        elif c is None:
            self.loop = "other"
        elif entity in ("DN", "82", "77", "PW", "45") and self.line is None:
            self.loop = {"DN": "2310A", "82": "2310B", "77": "2310C", "PW": "2310E", "45": "2310F"}[
                entity
            ]
            if entity in ("DN", "82"):
                self.current_provider = {"name": _name(e), "npi": e[9] or None}
                c.fields["referring" if entity == "DN" else "rendering"] = self.current_provider
            elif entity == "77":
                c.fields["facility"] = {"name": e[3], "npi": e[9] or None}
            else:
                c.fields.setdefault("ambulance", {})[
                    "dropoff_name" if entity == "45" else "pickup_name"
                ] = e[3] or None
        elif entity == "82" and self.line is not None:
            self.loop = "2420A"
            self.current_provider = {"name": _name(e), "npi": e[9] or None}
            self.line["rendering"] = self.current_provider
        else:
            self.loop = "other"

    _ADDRESS_KEYS = {
        "2010AA": "bp_address",
        "2010AB": "pay_to",
        "2010BA": "sub_address",
        "2010BB": "payer_address",
        "2010CA": "pat_address",
    }

    def _address(self, seg: Segment, e: list[str]) -> None:
        key = self._ADDRESS_KEYS.get(self.loop)
        if key is not None:
            target = self.ctx
        elif self.loop in ("2330A", "2330B") and self.other is not None:
            target, key = self.other, "sub_address" if self.loop == "2330A" else "payer_address"
        elif self.loop == "2310C" and self.claim is not None:
            target, key = self.claim.fields["facility"], "address"
        elif self.loop in ("2310E", "2310F") and self.claim is not None:
            target = self.claim.fields["ambulance"]
            key = "pickup" if self.loop == "2310E" else "dropoff"
        else:
            return
        parts = target.setdefault(key, {})
        if e[0] == "N3":
            parts.update(line1=e[1], line2=e[2] or None)
        else:
            parts.update(city=e[1], state=e[2], zip=e[3])

    def _REF(self, seg: Segment, e: list[str]) -> None:
        q, value = e[1], e[2]
        if self.loop == "2010AA" and q in ("EI", "SY"):
            self.ctx["bp_tin"] = value
        elif self.line is not None and self.loop == "2400":
            if q == "6R":
                self.line["control"] = value
            elif q == "G1":
                self.line["prior_auth"] = value
        elif self.loop == "2300" and self.claim is not None:
            key = {"F8": "original_ref", "9F": "referral", "G1": "prior_auth"}.get(q)
            if key:
                self.claim.fields[key] = value
        elif self.loop == "2330B" and self.other is not None and q == "F8":
            self.other["payer_claim_number"] = value

    def _PER(self, seg: Segment, e: list[str]) -> None:
        if self.loop == "2010AA" and e[3] == "TE":
            self.ctx.update(bp_contact=e[2] or None, bp_phone=e[4] or None)

    # -- claim ------------------------------------------------------------------------------

    def _CLM(self, seg: Segment, e: list[str]) -> None:
        self.claim = _Claim(
            Segment(seg.elements, seg.position, seg.delimiters), dict(self.ctx), self.provider_ctx
        )
        self.claim.notes.extend(self.bht_notes)
        self.claims.append(self.claim)
        self.loop = "2300"
        self.line = self.other = None

    def _DTP(self, seg: Segment, e: list[str]) -> None:
        q = e[1]
        if self.line is not None and q == "472":
            self.line["start"] = _date(seg, 3, e[3])
            if e[2] == "RD8" and "-" in e[3]:
                self.line["end"] = _date(
                    Segment(["DTP", "", "", e[3].split("-")[1]], seg.position, seg.delimiters), 3
                )
        elif self.line is not None and q == "573" and self.line.get("svd"):
            self.line["svd"][-1]["paid_date"] = _date(seg, 3)
        elif self.loop == "2300" and self.claim is not None:
            key = {"431": "onset", "454": "initial", "439": "accident"}.get(q)
            if key:
                self.claim.fields[key] = _date(seg, 3)
        elif self.loop == "2330B" and self.other is not None and q == "573":
            self.other["paid_date"] = _date(seg, 3)

    def _HI(self, seg: Segment, e: list[str]) -> None:
        c = self.claim
        if c is None:
            return
        comp = seg.delimiters.component
        for i, value in enumerate(seg.elements[1:], 1):
            parts = value.split(comp)
            qual, code = parts[0], parts[1] if len(parts) > 1 else ""
            if qual in ("ABK", "ABF", "BK", "BF"):
                c.diagnoses.append(code)
                if qual in ("BK", "BF"):
                    c.code_set = "ICD-9-CM"
            elif not code and value[:2] in ("AB", "BK", "BF"):
                c.notes.append(
                    f"HI{i:02d} {value!r} has no diagnosis qualifier: the composite "
                    f"was written with another separator than ISA16 "
                    f"{seg.delimiters.component!r} (segment {seg.position})"
                )

    def _NTE(self, seg: Segment, e: list[str]) -> None:
        if self.loop == "2300" and self.claim is not None and e[1] == "ADD":
            self.claim.fields["note"] = e[2]

    def _CR1(self, seg: Segment, e: list[str]) -> None:
        if self.claim is not None and self.line is None:
            self.claim.fields.setdefault("ambulance", {}).update(
                weight=_dec(seg, 2), reason=e[4] or "A", miles=_dec(seg, 6, Decimal(0))
            )

    def _CRC(self, seg: Segment, e: list[str]) -> None:
        if self.claim is not None and self.line is None and e[1] == "07":
            self.claim.fields.setdefault("ambulance", {})["conditions"] = tuple(
                e for e in seg.elements[3:] if e
            )

    def _PWK(self, seg: Segment, e: list[str]) -> None:
        if self.claim is None:
            return
        if e[2] not in _PWK_5010:
            self.claim.notes.append(
                f"PWK02={e[2]} is not a 5010 attachment transmission code (segment {seg.position})"
            )
            return
        found = Attachment(e[1], e[2], e[6] or None)
        if self.line is not None:
            self.line.setdefault("attachments", []).append(found)
        else:
            self.claim.fields.setdefault("attachments", []).append(found)

    def _CAS(self, seg: Segment, e: list[str]) -> None:
        items = []
        for i in range(2, len(seg), 3):
            if seg[i]:
                items.append(CasAdjustment(e[1], seg[i], _money(seg, i + 1), _dec(seg, i + 2)))
        if self.line is not None and self.line.get("svd"):
            self.line["svd"][-1]["cas"].extend(items)
        elif self.other is not None:
            self.other["cas"].extend(items)

    def _AMT(self, seg: Segment, e: list[str]) -> None:
        if self.loop == "2320" and self.other is not None:
            if e[1] == "D":
                self.other["paid"] = _money(seg, 2)
            elif e[1] == "EAF":
                self.other["patient_resp"] = _money(seg, 2)

    # -- lines ------------------------------------------------------------------------------

    def _LX(self, seg: Segment, e: list[str]) -> None:
        if self.claim is None:
            raise seg.error("LX before any CLM")
        self.line = {
            "number": int(e[1]) if _is_count(e[1]) else len(self.claim.lines) + 1,
            "svd": [],
            "seg": Segment(seg.elements, seg.position, seg.delimiters),
        }
        self.claim.lines.append(self.line)
        self.loop = "2400"
        self.other = None

    def _SV1(self, seg: Segment, e: list[str]) -> None:
        if self.line is None:
            raise seg.error("SV1 outside a service line (LX missing)")
        comp = seg.delimiters.component
        comps = e[1].split(comp)
        qualifier = comps[0]
        if qualifier not in ("HC", "ER", "IV", "WK") and self.claim is not None:
            self.claim.notes.append(
                f"SV101 {e[1]!r} has no procedure qualifier: the composite was written "
                f"with another separator than ISA16 {seg.delimiters.component!r} "
                f"(segment {seg.position})"
            )
        pointers = tuple([int(p) for p in e[7].split(comp) if _is_count(p)])
        line = self.line
        line["code"] = comps[1] if len(comps) > 1 else comps[0]
        line["modifiers"] = tuple(m for m in comps[2:6] if m) if len(comps) > 2 else ()
        line["description"] = comps[6] if len(comps) > 6 and comps[6] else None
        line["charge"] = _money(seg, 2, e[2])
        line["basis"] = e[3] or "UN"
        line["units"] = _dec(seg, 4, _ONE, e[4])
        line["pos"] = e[5] or None
        line["pointers"] = pointers

    def _LIN(self, seg: Segment, e: list[str]) -> None:
        if self.line is not None and e[2] == "N4":
            self.line["ndc"] = e[3]
            self.loop = "2410"

    def _CTP(self, seg: Segment, e: list[str]) -> None:
        if self.line is not None and self.loop == "2410":
            self.line.update(ndc_qty=_dec(seg, 4), ndc_unit=seg.component(5, 1) or None)

    def _SVD(self, seg: Segment, e: list[str]) -> None:
        if self.line is None:
            raise seg.error("SVD outside a service line")
        comps = seg.components(3)
        self.line["svd"].append(
            {
                "payer_id": e[1],
                "paid": _money(seg, 2),
                "code": comps[1] if len(comps) > 1 else comps[0],
                "mods": tuple(m for m in comps[2:6] if m),
                "units": _dec(seg, 5, Decimal(1)),
                "cas": [],
                "paid_date": None,
            }
        )
        self.loop = "2430"
