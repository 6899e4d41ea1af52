"""835 Health Care Claim Payment/Advice (005010X221A1): reader and writer, sans-IO.

``read_835(data)`` takes the bytes of a file and returns one ``Remittance`` per
ST..SE set (several sets in one ISA, several ISAs in one file). It never raises
for content problems: what is wrong is listed in ``Remittance.problems`` with
the segment position, as errors (the file must not be posted) or warnings.
Only a file that is not X12 at all raises ``X12ParseError``.

Repairs the reader makes, each reported as a warning so a biller can see it:

* a bare ``ST..SE`` body without ISA/GS is read with delimiters guessed from
  the ST segment;
* a composite written with ``>`` while ISA16 declares another component
  separator (``HC>99213``) is split on ``>`` when its first part is a known
  product/service qualifier;
* an SVC whose SVC01 holds only the qualifier and whose procedure code sits in
  SVC02 (``SVC*HC*24599.00*...``: an element separator where a component
  separator belongs) is shifted back into place; a code written as a number
  (``24599.00``) loses the ``.00``;
* a BPR one ``*`` short (the payment date in BPR15, BPR16 absent, no bank data)
  takes its date from BPR15;
* an empty SVC02/SVC03 reads as zero (the claim totals then decide whether the
  file balances), and elements past SVC07 are ignored.

A BPR16 that is not a date leaves ``payment_date`` empty (a warning):
``Remittance.effective_date`` then falls back to DTM*405.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from medbill.core.money import ZERO, Money
from medbill.core.x12._m835_write import write_835
from medbill.core.x12._remittance import (
    CLAIM_STATUS,
    GROUP_CODES,
    Adjustment,
    ClaimPayment,
    Contact,
    EntityName,
    Party,
    Procedure,
    ProviderAdjustment,
    ProviderSummary,
    ReadProblem,
    Remittance,
    ServicePayment,
)
from medbill.core.x12._segments import (
    Delimiters,
    Segment,
    X12ParseError,
    iter_segments,
    read_interchanges,
)

__all__ = [
    "Adjustment",
    "ClaimPayment",
    "Contact",
    "EntityName",
    "Party",
    "Procedure",
    "ProviderAdjustment",
    "ProviderSummary",
    "ReadProblem",
    "Remittance",
    "ServicePayment",
    "CLAIM_STATUS",
    "GROUP_CODES",
    "read_835",
    "write_835",
]

PRODUCT_QUALIFIERS = frozenset({"AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK", "N1", "N2", "N3"})
_CENT = Decimal("0.01")
_MONEY_CACHE: dict[str, Money] = {}
_DATE_CACHE: dict[str, date] = {}
_PROCEDURE_CACHE: dict[tuple[str, str], Procedure] = {}
_PAD = [""] * 32
_GROUPS_5010 = frozenset({"CO", "CR", "OA", "PI", "PR"})
_UNITS_CACHE: dict[str, Decimal] = {str(n): Decimal(n) for n in range(100)}


def _money_fast(text: str) -> Money:
    """Money from X12 R-type text; cached, since remittances repeat amounts a lot."""
    cached = _MONEY_CACHE.get(text)
    if cached is not None:
        return cached
    value = Money(Decimal(text))
    if len(_MONEY_CACHE) < 65536:
        _MONEY_CACHE[text] = value
    return value


def read_835(data: bytes | str) -> list[Remittance]:
    """Every 835 transaction set in ``data``, one ``Remittance`` each.

    Problems in the file (bad amounts, counts that do not match, repaired
    segments) are listed on each remittance; see the module docstring.
    """
    # A large file makes millions of small objects and no cycles: the cyclic collector
    # would only rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_835(data)
    finally:
        if collecting:
            gc.enable()


def _read_835(data: bytes | str) -> list[Remittance]:
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    out: list[Remittance] = []
    if "ISA" not in text[:4096]:
        delimiters = Delimiters.guess(text)
        if delimiters is None:
            raise X12ParseError("no ISA segment and no ST segment: this is not an X12 file",
                                position=1)
        for st, body, se, problems in _bare_sets(iter_segments(text, delimiters)):
            problems.insert(0, ReadProblem(
                "warning", "no ISA/GS envelope: read as a bare transaction set with "
                "delimiters taken from the ST segment", st.position, "ST"))
            out.append(_Reader(st, body, se, problems).read())
        return out
    for interchange in read_interchanges(text):
        # Counts and control numbers that do not match are the sender's bookkeeping: the
        # set was read whole (its SE is there), so they are warnings, not a reason to hold.
        env_problems = [ReadProblem("warning", e.message, e.position, e.segment, e.element)
                        for e in interchange.problems]
        for tx in interchange.transactions:
            if tx.set_id != "835":
                continue
            problems = [p for p in env_problems
                        if p.position is None or tx.st.position <= p.position <= tx.se.position]
            if tx.version and not tx.version.startswith("005010X221"):
                problems.append(ReadProblem("warning", f"GS08 {tx.version} is not 005010X221A1",
                                            tx.gs.position, "GS", 8))
            reader = _Reader(tx.st, tx.segments, tx.se, problems)
            reader.version = tx.version
            reader.sender = interchange.sender
            reader.receiver = interchange.receiver
            reader.interchange_control = interchange.control_number
            out.append(reader.read())
    return out


def _bare_sets(segments: Iterable[Segment]) -> Iterator[tuple[Segment, list[Segment], Segment,
                                                               list[ReadProblem]]]:
    st: Segment | None = None
    body: list[Segment] = []
    for seg in segments:
        if seg.id == "ST":
            st, body = seg, []
        elif seg.id == "SE" and st is not None:
            problems = []
            if seg[1] != str(len(body) + 2):
                problems.append(ReadProblem(
                    "warning", f"SE01 says {seg[1]} segments but the set has {len(body) + 2}",
                    seg.position, "SE", 1))
            yield st, body, seg, problems
            st = None
        elif st is not None:
            body.append(seg)
    if st is not None:
        raise X12ParseError("file ends inside a transaction set: SE is missing",
                            position=st.position, segment="ST")


class _Reader:
    """Walks one ST..SE body; keeps the loop it is in and collects problems."""

    def __init__(self, st: Segment, body: list[Segment], se: Segment,
                 problems: list[ReadProblem]) -> None:
        self.st, self.body, self.se = st, body, se
        self.problems = problems
        self.version = ""
        self.sender = self.receiver = self.interchange_control = ""

    # -- small readers ----------------------------------------------------------------------

    def problem(self, severity: str, seg: Segment, message: str, element: int | None = None):
        self.problems.append(ReadProblem(severity, message, seg.position, seg.id, element))

    def money(self, seg: Segment, index: int, required: bool = True) -> Money | None:
        text = seg[index]
        if not text:
            if required:
                self.problem("warning", seg, f"{seg.id}{index:02d} is empty; read as 0", index)
                return ZERO
            return None
        try:
            return _money_fast(text)
        except (InvalidOperation, ValueError):
            self.problem("error", seg, f"{seg.id}{index:02d} is not an amount", index)
            return ZERO

    def decimal(self, seg: Segment, index: int) -> Decimal | None:
        text = seg[index]
        if not text:
            return None
        cached = _UNITS_CACHE.get(text)
        if cached is not None:
            return cached
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.problem("error", seg, f"{seg.id}{index:02d} is not a number", index)
            return None
        return value

    def date(self, seg: Segment, index: int) -> date | None:
        text = seg[index]
        if not text:
            return None
        if len(text) == 8 and text.isdigit():
            try:
                return date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                pass
        self.problem("warning", seg, f"{seg.id}{index:02d} {text!r} is not a date (CCYYMMDD)",
                     index)
        return None

    def composite(self, seg: Segment, index: int) -> list[str]:
        parts = seg.components(index)
        if len(parts) == 1 and ">" in parts[0] and seg.delimiters.component != ">":
            head = parts[0].split(">")
            if head[0] in PRODUCT_QUALIFIERS or seg.id == "PLB":
                self.problem("warning", seg, f"composite written with '>' although ISA16 is "
                             f"{seg.delimiters.component!r}; split on '>'", index)
                return head
        return parts

    def procedure(self, seg: Segment, index: int) -> Procedure:
        parts = self.composite(seg, index)
        parts += [""] * (8 - len(parts))
        return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m), parts[6])

    # -- the walk ---------------------------------------------------------------------------

    def read(self) -> Remittance:
        body = self.body
        bpr = body[0] if body and body[0].id == "BPR" else None
        if bpr is None:
            self.problems.append(ReadProblem("error", "BPR must be the first segment after ST",
                                             self.st.position, "ST"))
            bpr = Segment(["BPR"], self.st.position, self.st.delimiters)
        total = self.money(bpr, 2) or ZERO
        payment_date = self._payment_date(bpr)
        head: dict[str, object] = {"references": [], "trace": None, "currency": "",
                                   "production": None}
        parties: dict[str, Party] = {}
        headers: list[ProviderSummary] = []
        claims: list[ClaimPayment] = []
        plbs: list[ProviderAdjustment] = []
        header_number = ""
        i, n = 1, len(body)
        while i < n:
            seg = body[i]
            sid = seg.id
            if sid == "CLP":
                claim, i = self._claim(body, i, header_number)
                claims.append(claim)
                continue
            if sid == "N1":
                party, i = self._party(body, i)
                parties.setdefault(party.entity, party)
                continue
            if sid == "LX":
                header_number = seg[1]
                headers.append(ProviderSummary(seg[1], position=seg.position))
            elif sid in ("TS3", "TS2") and headers:
                last = headers[-1]
                values = tuple(seg.elements[1:])
                headers[-1] = ProviderSummary(
                    last.number, values if sid == "TS3" else last.ts3,
                    values if sid == "TS2" else last.ts2, last.position)
            elif sid == "TRN":
                head["trace"] = seg
            elif sid == "CUR":
                head["currency"] = seg[2]
            elif sid == "REF":
                head["references"].append((seg[1], seg[2]))  # type: ignore[union-attr]
            elif sid == "DTM":
                if seg[1] == "405":
                    head["production"] = self.date(seg, 2)
            elif sid == "PLB":
                plbs.extend(self._plb(seg))
            else:
                self.problem("warning", seg, f"{sid} is not expected here; ignored")
            i += 1
        trn = head["trace"]
        if trn is None:
            self.problems.append(ReadProblem("error", "TRN (reassociation trace number) is "
                                             "missing", self.st.position, "ST"))
        for entity, loop in (("PR", "1000A payer"), ("PE", "1000B payee")):
            if entity not in parties:
                self.problems.append(ReadProblem("error", f"loop {loop} (N1*{entity}) is missing",
                                                 self.st.position, "ST"))
        return Remittance(
            control_number=self.st[2],
            handling=bpr[1],
            total_paid=total,
            credit_debit=bpr[3],
            method=bpr[4],
            payment_date=payment_date,
            trace_number=trn[2] if isinstance(trn, Segment) else "",
            trace_originator=trn[3] if isinstance(trn, Segment) else "",
            payer=parties.get("PR") or Party("PR", ""),
            payee=parties.get("PE") or Party("PE", ""),
            claims=tuple(claims),
            provider_adjustments=tuple(plbs),
            headers=tuple(headers),
            payment_format=bpr[5],
            bank_details=tuple(bpr[k] for k in range(6, 16)) if any(
                bpr[k] for k in range(6, 15)) else (),
            currency=str(head["currency"]),
            production_date=head["production"],  # type: ignore[arg-type]
            references=tuple(head["references"]),  # type: ignore[arg-type]
            trace_type=trn[1] if isinstance(trn, Segment) else "",
            version=self.version,
            sender=self.sender,
            receiver=self.receiver,
            interchange_control=self.interchange_control,
            problems=tuple(self.problems),
            position=self.st.position,
        )

    def _payment_date(self, bpr: Segment) -> date | None:
        if bpr[16]:
            return self.date(bpr, 16)
        text = bpr[15]
        if (len(bpr) == 16 and len(text) == 8 and text.isdigit()
                and not any(bpr[k] for k in range(6, 15))):
            self.problem("warning", bpr, "payment date found in BPR15 (one '*' short); "
                         "read as BPR16", 16)
            return self.date(bpr, 15)
        if bpr.id == "BPR" and len(bpr) > 1:
            self.problem("error", bpr, "BPR16 payment date is missing", 16)
        return None

    def _party(self, body: list[Segment], i: int) -> tuple[Party, int]:
        n1 = body[i]
        lines: list[str] = []
        city = state = zip_ = ""
        refs: list[tuple[str, str]] = []
        contacts: list[Contact] = []
        i += 1
        while i < len(body) and body[i].id in ("N3", "N4", "REF", "PER", "RDM"):
            seg = body[i]
            if seg.id == "N3":
                lines += [v for v in seg.elements[1:3] if v]
            elif seg.id == "N4":
                city, state, zip_ = seg[1], seg[2], seg[3]
            elif seg.id == "REF":
                refs.append((seg[1], seg[2]))
            elif seg.id == "PER":
                numbers = tuple((seg[k], seg[k + 1]) for k in (3, 5, 7) if seg[k + 1])
                contacts.append(Contact(seg[1], seg[2], numbers, seg.position))
            i += 1
        party = Party(n1[1], n1[2], n1[3], n1[4], tuple(lines), city, state, zip_,
                      tuple(refs), tuple(contacts), n1.position)
        if not party.name:
            self.problem("warning", n1, "N102 name is empty", 2)
        return party, i

    def _amount(self, seg: Segment, text: str, index: int) -> Money:
        """The amount in ``text`` (element ``index`` of ``seg``): cached, else read with care."""
        value = _MONEY_CACHE.get(text)
        if value is None:
            value = self.money(seg, index)
            if value is None:
                value = ZERO
        return value

    def _cas(self, seg: Segment, into: list[Adjustment]) -> None:
        e = seg.elements
        if len(e) == 4 and e[1] in _GROUPS_5010 and e[2]:
            # The common case: one reason and amount, no quantity.
            amount = _MONEY_CACHE.get(e[3])
            if amount is not None:
                into.append(Adjustment(e[1], e[2], amount, None, seg.position))
                return
        if len(e) < 21:
            e = e + _PAD[len(e) : 21]
        group = e[1]
        if group not in GROUP_CODES:
            self.problem("error", seg, f"CAS01 group code {group!r} is not CO, CR, OA, PI or PR",
                         1)
        elif group == "OI":
            self.problem("warning", seg, "CAS01 group OI is not a 5010 group code", 1)
        found = False
        for k in (2, 5, 8, 11, 14, 17):
            reason = e[k]
            if not reason:
                if e[k + 1]:
                    self.problem("error", seg, f"CAS{k:02d} reason code is empty", k)
                continue
            found = True
            amount = self._amount(seg, e[k + 1], k + 1)
            qty = self.decimal(seg, k + 2) if e[k + 2] else None
            into.append(Adjustment(group, reason, amount, qty, seg.position))
        if not found:
            self.problem("error", seg, "CAS has no reason code", 2)

    def _date(self, seg: Segment, text: str, index: int) -> date | None:
        value = _DATE_CACHE.get(text)
        if value is None:
            value = self.date(seg, index)
            if value is not None and len(_DATE_CACHE) < 65536:
                _DATE_CACHE[text] = value
        return value

    def _claim(self, body: list[Segment], i: int, header_number: str) -> tuple[ClaimPayment, int]:
        clp = body[i]
        c = clp.elements
        if len(c) < 15:
            c = c + _PAD[len(c) : 15]
        if not c[1]:
            self.problem("error", clp, "CLP01 claim submitter's identifier is empty", 1)
        status = c[2]
        if status not in CLAIM_STATUS:
            self.problem("error", clp, f"CLP02 claim status {status!r} is not a 5010 code", 2)
        charge = self._amount(clp, c[3], 3)
        paid = self._amount(clp, c[4], 4)
        start = end = received = None
        inpatient: tuple[str, ...] = ()
        outpatient: tuple[str, ...] = ()
        adjustments: list[Adjustment] = []
        names: list[EntityName] = []
        refs: list[tuple[str, str]] = []
        amounts: list[tuple[str, Money]] = []
        quantities: list[tuple[str, Decimal]] = []
        services: list[ServicePayment] = []
        i += 1
        n = len(body)
        while i < n:
            seg = body[i]
            e = seg.elements
            sid = e[0]
            if sid == "SVC":
                svc, i = self._service(body, i)
                services.append(svc)
                continue
            if sid == "CAS":
                self._cas(seg, adjustments)
            elif sid == "NM1":
                if len(e) < 10:
                    e = e + _PAD[len(e) : 10]
                names.append(EntityName(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9],
                                        seg.position))
            elif sid == "DTM":
                qual = e[1]
                text = e[2] if len(e) > 2 else ""
                if qual == "232":
                    start = self._date(seg, text, 2)
                elif qual == "233":
                    end = self._date(seg, text, 2)
                elif qual == "050":
                    received = self._date(seg, text, 2)
            elif sid == "REF":
                refs.append((e[1], e[2] if len(e) > 2 else ""))
            elif sid == "AMT":
                amounts.append((e[1], self.money(seg, 2) or ZERO))
            elif sid == "QTY":
                quantities.append((e[1], self.decimal(seg, 2) or Decimal(0)))
            elif sid == "MIA":
                inpatient = tuple(e[1:])
            elif sid == "MOA":
                outpatient = tuple(e[1:])
            elif sid in ("CLP", "LX", "PLB", "SE"):
                break
            elif sid != "PER":
                self.problem("warning", seg, f"{sid} is not expected in a claim payment; ignored")
            i += 1
        claim = ClaimPayment(
            c[1], status, charge, paid,
            self._amount(clp, c[5], 5) if c[5] else None,
            c[6], c[7], c[8], c[9], c[11],
            tuple(adjustments), tuple(names), inpatient, outpatient, start, end, received,
            tuple(refs), tuple(amounts), tuple(quantities), tuple(services), header_number,
            clp.position,
        )
        if not any(nm.entity == "QC" for nm in names):
            self.problem("error", clp, "NM1*QC patient name is missing from the claim payment")
        return claim, i

    def _service(self, body: list[Segment], i: int) -> tuple[ServicePayment, int]:
        svc = body[i]
        v = svc.elements
        first = v[1] if len(v) > 1 else ""
        if first in PRODUCT_QUALIFIERS:
            svc = self._repair_svc(svc)
            v = svc.elements
        if len(v) > 8:
            self.problem("warning", svc, f"SVC has {len(v) - 1} elements; SVC08 and after "
                         "ignored")
        if len(v) < 9:
            v = v + _PAD[len(v) : 9]
        key = (svc.delimiters.component, v[1])
        procedure = _PROCEDURE_CACHE.get(key)
        if procedure is None:
            procedure = self.procedure(svc, 1)
            if not procedure.code:
                self.problem("error", svc, "SVC01 procedure code is empty", 1)
            elif len(_PROCEDURE_CACHE) < 65536 and ">" not in v[1]:
                _PROCEDURE_CACHE[key] = procedure
        charge = self._amount(svc, v[2], 2)
        paid = self._amount(svc, v[3], 3)
        service_date = service_start = service_end = None
        adjustments: list[Adjustment] = []
        refs: list[tuple[str, str]] = []
        amounts: list[tuple[str, Money]] = []
        quantities: list[tuple[str, Decimal]] = []
        remarks: list[tuple[str, str]] = []
        lcn = ""
        i += 1
        n = len(body)
        while i < n:
            seg = body[i]
            e = seg.elements
            sid = e[0]
            if sid == "CAS":
                self._cas(seg, adjustments)
            elif sid == "DTM":
                qual = e[1]
                text = e[2] if len(e) > 2 else ""
                if qual == "472":
                    service_date = _DATE_CACHE.get(text)
                    if service_date is None:
                        service_date = self._date(seg, text, 2)
                elif qual == "150":
                    service_start = self._date(seg, text, 2)
                elif qual == "151":
                    service_end = self._date(seg, text, 2)
            elif sid == "REF":
                ref = (e[1], e[2] if len(e) > 2 else "")
                refs.append(ref)
                if ref[0] == "6R":
                    lcn = ref[1]
            elif sid == "AMT":
                amounts.append((e[1], self._amount(seg, e[2] if len(e) > 2 else '', 2)))
            elif sid == "QTY":
                quantities.append((e[1], self.decimal(seg, 2) or Decimal(0)))
            elif sid == "LQ":
                remarks.append((e[1], e[2] if len(e) > 2 else ""))
            else:
                break
            i += 1
        service = ServicePayment(
            procedure, charge, paid, v[4],
            self.decimal(svc, 5) if v[5] else None,
            self.procedure(svc, 6) if v[6] else None,
            self.decimal(svc, 7) if v[7] else None,
            service_date, service_start, service_end,
            tuple(adjustments), lcn, tuple(refs), tuple(amounts), tuple(quantities),
            tuple(remarks), svc.position,
        )
        return service, i

    def _repair_svc(self, svc: Segment) -> Segment:
        """SVC*HC*24599.00*... : the component separator written as an element separator."""
        first = svc[1]
        if first in PRODUCT_QUALIFIERS and len(svc) > 3:
            code = svc[2]
            if code.endswith(".00") and code[:-3].isdigit():
                code = code[:-3]
            self.problem("warning", svc, "SVC01 holds only the qualifier and the procedure code "
                         "sits in SVC02 (element separator used inside the composite); "
                         "elements shifted back", 1)
            comp = svc.delimiters.component
            elements = ["SVC", f"{first}{comp}{code}", *svc.elements[3:]]
            return Segment(elements, svc.position, svc.delimiters)
        return svc

    def _plb(self, seg: Segment) -> list[ProviderAdjustment]:
        out = []
        fiscal = self.date(seg, 2)
        for k in range(3, 15, 2):
            if not seg[k]:
                continue
            parts = self.composite(seg, k)
            reason, reference = parts[0], parts[1] if len(parts) > 1 else ""
            amount = self.money(seg, k + 1) or ZERO
            out.append(ProviderAdjustment(seg[1], fiscal, reason, reference, amount,
                                          seg.position))
        if not out:
            self.problem("error", seg, "PLB has no adjustment", 3)
        return out
