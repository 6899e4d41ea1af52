"""The 835 walk: one ST..SE set, as rows of elements, into a ``Remittance``.

``read_835`` (in ``m835``) hands each set over as ``rows`` (the element lists of
the whole interchange or of the set alone) with the index of its ST. Working on
plain lists, with a segment's position computed from its index, spares a
``Segment`` object per segment; records are built with ``record_builder``.
"""

from __future__ import annotations

import datetime
from datetime import date
from decimal import Decimal, InvalidOperation

from medbill.core.money import ZERO, Money
from medbill.core.x12._records import record_builder
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

__all__ = ["NotPlain", "SetReader", "ValueCache"]

PRODUCT_QUALIFIERS = frozenset({"AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK", "N1", "N2", "N3"})
# Envelope segments: inside a set they mean its SE is missing.
ENVELOPE = frozenset({"ST", "GS", "GE", "ISA", "IEA"})
_UNITS_CACHE: dict[str, Decimal] = {str(n): Decimal(n) for n in range(100)}
_PAD = [""] * 32
_GROUPS_5010 = frozenset({"CO", "CR", "OA", "PI", "PR"})
# Segments of a claim or service payment read by their first element: one with no
# elements at all (``DTM~``) is reported and skipped.
_NEEDS_ELEMENTS = frozenset({"DTM", "REF", "AMT", "QTY", "LQ"})

_adjustment = record_builder(Adjustment)
_entity_name = record_builder(EntityName)
_service_payment = record_builder(ServicePayment)
_claim_payment = record_builder(ClaimPayment)


class NotPlain(Exception):
    """The set is not one the fast path reads exactly the way ``read_interchanges`` would
    (an envelope segment inside a set, a bad segment identifier): read the file again
    through the segment reader, which reports it."""


def _element(e: list[str], index: int) -> str:
    return e[index] if index < len(e) else ""


class ValueCache:
    """Values already read from one file, by their text: remittances repeat amounts, dates
    and procedures a lot, and each distinct text is read once. The caller keeps one per
    file (``read_835``); the values are immutable."""

    __slots__ = ("money", "dates", "procedures")

    def __init__(self) -> None:
        self.money: dict[str, Money] = {}
        self.dates: dict[str, date] = {}
        self.procedures: dict[tuple[str, str], Procedure] = {}


def _money_fast(cache: dict[str, Money], text: str) -> Money:
    """Money from X12 R-type text, read once per distinct text."""
    cached = cache.get(text)
    if cached is not None:
        return cached
    value = Money(Decimal(text))
    if len(cache) < 65536:
        cache[text] = value
    return value


class SetReader:
    """Walks one ST..SE set in ``rows``; keeps the loop it is in and collects problems.

    ``offset`` turns a row index into the segment's position in the file.
    """

    def __init__(
        self,
        rows: list[list[str]],
        offset: int,
        component: str,
        problems: list[ReadProblem],
        cache: ValueCache | None = None,
    ) -> None:
        self.rows = rows
        self.cache = cache if cache is not None else ValueCache()
        self.offset = offset
        self.component = component
        self.problems = problems
        self.version = ""
        self.sender = self.receiver = self.interchange_control = ""

    # -- small readers ----------------------------------------------------------------------

    def problem(
        self, severity: str, e: list[str], pos: int, message: str, element: int | None = None
    ) -> None:
        self.problems.append(ReadProblem(severity, message, pos, e[0], element))

    def unexpected(self, e: list[str], pos: int, message: str) -> None:
        """A warning for a segment the guide does not put here (the envelope's are fatal)."""
        self.check_id(e[0])
        self.problem("warning", e, pos, message)

    @staticmethod
    def check_id(sid: str) -> None:
        """Raise NotPlain for an envelope segment or what is no segment identifier."""
        if sid in ENVELOPE or not (2 <= len(sid) <= 3 and sid.isalnum() and sid.isupper()):
            raise NotPlain(sid)

    def money(self, e: list[str], pos: int, index: int, required: bool = True) -> Money | None:
        text = _element(e, index)
        if not text:
            if required:
                self.problem("warning", e, pos, f"{e[0]}{index:02d} is empty; read as 0", index)
                return ZERO
            return None
        try:
            return _money_fast(self.cache.money, text)
        except (InvalidOperation, ValueError):
            self.problem("error", e, pos, f"{e[0]}{index:02d} is not an amount", index)
            return ZERO

    def amount(self, e: list[str], pos: int, index: int) -> Money:
        """Element ``index`` as an amount: cached, else read with care (zero when absent)."""
        value = self.cache.money.get(_element(e, index))
        if value is None:
            value = self.money(e, pos, index) or ZERO
        return value

    def decimal(self, e: list[str], pos: int, index: int) -> Decimal | None:
        text = _element(e, index)
        if not text:
            return None
        cached = _UNITS_CACHE.get(text)
        if cached is not None:
            return cached
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        # An R element has at most 15 digits; 1E+999999999 is a number no count can be.
        if value is None or not value.is_finite() or not -16 < value.adjusted() < 15:
            self.problem("error", e, pos, f"{e[0]}{index:02d} is not a number", index)
            return None
        return value

    def date(self, e: list[str], pos: int, index: int) -> date | None:
        text = _element(e, index)
        if not text:
            return None
        if len(text) == 8 and text.isdigit():
            try:
                return date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                pass
        self.problem(
            "warning", e, pos, f"{e[0]}{index:02d} {text!r} is not a date (CCYYMMDD)", index
        )
        return None

    def cached_date(self, e: list[str], pos: int, index: int) -> datetime.date | None:
        """A DTM date: most of a file's dates repeat, so each text is read once."""
        text = _element(e, index)
        value = self.cache.dates.get(text)
        if value is None:
            value = self.date(e, pos, index)
            if value is not None and len(self.cache.dates) < 65536:
                self.cache.dates[text] = value
        return value

    def composite(self, e: list[str], pos: int, index: int) -> list[str]:
        parts = _element(e, index).split(self.component)
        if len(parts) == 1 and ">" in parts[0] and self.component != ">":
            head = parts[0].split(">")
            if head[0] in PRODUCT_QUALIFIERS or e[0] == "PLB":
                self.problem(
                    "warning",
                    e,
                    pos,
                    f"composite written with '>' although ISA16 is "
                    f"{self.component!r}; split on '>'",
                    index,
                )
                return head
        return parts

    def procedure(self, e: list[str], pos: int, index: int) -> Procedure:
        parts = self.composite(e, pos, index)
        parts += [""] * (8 - len(parts))
        return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m), parts[6])

    # -- the walk ---------------------------------------------------------------------------

    def read(self, start: int) -> tuple[Remittance, int]:
        """The set whose ST is ``rows[start]``, and the index of its SE."""
        rows, offset = self.rows, self.offset
        st = rows[start]
        st_pos = start + offset
        i = start + 1
        if rows[i][0] == "BPR":
            bpr, bpr_pos = rows[i], i + offset
        else:
            self.problems.append(
                ReadProblem("error", "BPR must be the first segment after ST", st_pos, "ST")
            )
            bpr, bpr_pos = ["BPR"], st_pos
        if rows[i][0] != "SE":
            # The first segment is read as the BPR or not at all.
            self.check_id(rows[i][0])
            i += 1
        total = self.money(bpr, bpr_pos, 2) or ZERO
        payment_date = self._payment_date(bpr, bpr_pos)
        references: list[tuple[str, str]] = []
        trn: list[str] | None = None
        currency = ""
        production: datetime.date | None = None
        parties: dict[str, Party] = {}
        headers: list[ProviderSummary] = []
        claims: list[ClaimPayment] = []
        plbs: list[ProviderAdjustment] = []
        header_number = ""
        while True:
            e = rows[i]
            sid = e[0]
            if sid == "CLP":
                claim, i = self._claim(i, header_number)
                claims.append(claim)
                continue
            if sid == "SE":
                break
            if sid == "N1":
                party, i = self._party(i)
                parties.setdefault(party.entity, party)
                continue
            if sid == "LX":
                header_number = _element(e, 1)
                headers.append(ProviderSummary(header_number, position=i + offset))
            elif sid in ("TS3", "TS2") and headers:
                last = headers[-1]
                values = tuple(e[1:])
                headers[-1] = ProviderSummary(
                    last.number,
                    values if sid == "TS3" else last.ts3,
                    values if sid == "TS2" else last.ts2,
                    last.position,
                )
            elif sid == "TRN":
                trn = e
            elif sid == "CUR":
                currency = _element(e, 2)
            elif sid == "REF":
                references.append((_element(e, 1), _element(e, 2)))
            elif sid == "DTM":
                if _element(e, 1) == "405":
                    production = self.date(e, i + offset, 2)
            elif sid == "PLB":
                plbs.extend(self._plb(e, i + offset))
            else:
                self.unexpected(e, i + offset, f"{sid} is not expected here; ignored")
            i += 1
        if trn is None:
            self.problems.append(
                ReadProblem("error", "TRN (reassociation trace number) is missing", st_pos, "ST")
            )
        for entity, loop in (("PR", "1000A payer"), ("PE", "1000B payee")):
            if entity not in parties:
                self.problems.append(
                    ReadProblem("error", f"loop {loop} (N1*{entity}) is missing", st_pos, "ST")
                )
        bpr = bpr + _PAD[len(bpr) : 17]
        remittance = Remittance(
            control_number=_element(st, 2),
            handling=bpr[1],
            total_paid=total,
            credit_debit=bpr[3],
            method=bpr[4],
            payment_date=payment_date,
            trace_number=_element(trn, 2) if trn is not None else "",
            trace_originator=_element(trn, 3) if trn is not None else "",
            payer=parties.get("PR") or Party("PR", ""),
            payee=parties.get("PE") or Party("PE", ""),
            claims=tuple(claims),
            provider_adjustments=tuple(plbs),
            headers=tuple(headers),
            payment_format=bpr[5],
            bank_details=tuple(bpr[6:16]) if any(bpr[6:15]) else (),
            currency=currency,
            production_date=production,
            references=tuple(references),
            trace_type=_element(trn, 1) if trn is not None else "",
            version=self.version,
            sender=self.sender,
            receiver=self.receiver,
            interchange_control=self.interchange_control,
            problems=tuple(self.problems),
            position=st_pos,
        )
        return remittance, i

    def _payment_date(self, bpr: list[str], pos: int) -> datetime.date | None:
        if _element(bpr, 16):
            return self.date(bpr, pos, 16)
        text = _element(bpr, 15)
        if len(bpr) == 16 and len(text) == 8 and text.isdigit() and not any(bpr[6:15]):
            self.problem(
                "warning",
                bpr,
                pos,
                "payment date found in BPR15 (one '*' short); read as BPR16",
                16,
            )
            return self.date(bpr, pos, 15)
        if len(bpr) > 1:
            self.problem("error", bpr, pos, "BPR16 payment date is missing", 16)
        return None

    def _party(self, i: int) -> tuple[Party, int]:
        rows, offset = self.rows, self.offset
        n1 = rows[i] + _PAD[:5]
        n1_pos = i + offset
        lines: list[str] = []
        city = state = zip_ = ""
        refs: list[tuple[str, str]] = []
        contacts: list[Contact] = []
        i += 1
        while rows[i][0] in ("N3", "N4", "REF", "PER", "RDM"):
            e = rows[i]
            sid = e[0]
            if sid == "N3":
                lines += [v for v in e[1:3] if v]
            elif sid == "N4":
                city, state, zip_ = _element(e, 1), _element(e, 2), _element(e, 3)
            elif sid == "REF":
                refs.append((_element(e, 1), _element(e, 2)))
            elif sid == "PER":
                e = e + _PAD[:10]
                numbers = tuple((e[k], e[k + 1]) for k in (3, 5, 7) if e[k + 1])
                contacts.append(Contact(e[1], e[2], numbers, i + offset))
            i += 1
        party = Party(
            n1[1],
            n1[2],
            n1[3],
            n1[4],
            tuple(lines),
            city,
            state,
            zip_,
            tuple(refs),
            tuple(contacts),
            n1_pos,
        )
        if not party.name:
            self.problem("warning", n1, n1_pos, "N102 name is empty", 2)
        return party, i

    def _cas(self, e: list[str], pos: int, into: list[Adjustment]) -> None:
        if len(e) < 21:
            e = e + _PAD[len(e) : 21]
        group = e[1]
        if group not in GROUP_CODES:
            self.problem(
                "error", e, pos, f"CAS01 group code {group!r} is not CO, CR, OA, PI or PR", 1
            )
        elif group == "OI":
            self.problem("warning", e, pos, "CAS01 group OI is not a 5010 group code", 1)
        found = False
        for k in (2, 5, 8, 11, 14, 17):
            reason = e[k]
            if not reason:
                if e[k + 1]:
                    self.problem("error", e, pos, f"CAS{k:02d} reason code is empty", k)
                continue
            found = True
            amount = self.amount(e, pos, k + 1)
            qty = self.decimal(e, pos, k + 2) if e[k + 2] else None
            into.append(_adjustment(group, reason, amount, qty, pos))
        if not found:
            self.problem("error", e, pos, "CAS has no reason code", 2)

    def _claim(self, i: int, header_number: str) -> tuple[ClaimPayment, int]:
        rows, offset = self.rows, self.offset
        money_cache = self.cache.money
        date_cache = self.cache.dates
        c = rows[i]
        clp_pos = i + offset
        if len(c) < 15:
            c = c + _PAD[len(c) : 15]
        if not c[1]:
            self.problem("error", c, clp_pos, "CLP01 claim submitter's identifier is empty", 1)
        status = c[2]
        if status not in CLAIM_STATUS:
            self.problem(
                "error", c, clp_pos, f"CLP02 claim status {status!r} is not a 5010 code", 2
            )
        charge = money_cache.get(c[3])
        if charge is None:
            charge = self.amount(c, clp_pos, 3)
        paid = money_cache.get(c[4])
        if paid is None:
            paid = self.amount(c, clp_pos, 4)
        start = end = received = None
        inpatient: tuple[str, ...] = ()
        outpatient: tuple[str, ...] = ()
        adjustments: list[Adjustment] = []
        names: list[EntityName] = []
        refs: list[tuple[str, str]] = []
        amounts: list[tuple[str, Money]] = []
        quantities: list[tuple[str, Decimal]] = []
        services: list[ServicePayment] = []
        patient = False
        i += 1
        while True:
            e = rows[i]
            sid = e[0]
            if sid == "SVC":
                svc, i = self._service(i)
                services.append(svc)
                continue
            if sid == "CAS":
                # The common case, one reason and an amount seen before, needs no checks.
                amount = money_cache.get(e[3]) if len(e) == 4 else None
                if amount is not None and e[1] in _GROUPS_5010 and e[2]:
                    adjustments.append(_adjustment(e[1], e[2], amount, None, i + offset))
                else:
                    self._cas(e, i + offset, adjustments)
            elif sid == "NM1":
                if len(e) < 10:
                    e = e + _PAD[len(e) : 10]
                names.append(
                    _entity_name(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9], i + offset)
                )
                if e[1] == "QC":
                    patient = True
            elif len(e) == 1 and sid in _NEEDS_ELEMENTS:
                self.problem("warning", e, i + offset, f"{sid} has no elements; ignored")
            elif sid == "DTM":
                qual = e[1]
                if qual in ("232", "233", "050"):
                    value = date_cache.get(e[2]) if len(e) > 2 else None
                    if value is None:
                        value = self.cached_date(e, i + offset, 2)
                    if qual == "232":
                        start = value
                    elif qual == "233":
                        end = value
                    else:
                        received = value
            elif sid == "REF":
                refs.append((e[1], e[2] if len(e) > 2 else ""))
            elif sid == "AMT":
                amounts.append((e[1], self.money(e, i + offset, 2) or ZERO))
            elif sid == "QTY":
                quantities.append((e[1], self.decimal(e, i + offset, 2) or Decimal(0)))
            elif sid == "MIA":
                inpatient = tuple(e[1:])
            elif sid == "MOA":
                outpatient = tuple(e[1:])
            elif sid in ("CLP", "LX", "PLB", "SE"):
                break
            elif sid != "PER":
                self.unexpected(e, i + offset, f"{sid} is not expected in a claim payment; ignored")
            i += 1
        # CLP05 is read after the loop, as its problem (if any) is listed after theirs.
        claim = _claim_payment(
            c[1],
            status,
            charge,
            paid,
            self.amount(c, clp_pos, 5) if c[5] else None,
            c[6],
            c[7],
            c[8],
            c[9],
            c[11],
            tuple(adjustments),
            tuple(names),
            inpatient,
            outpatient,
            start,
            end,
            received,
            tuple(refs),
            tuple(amounts),
            tuple(quantities),
            tuple(services),
            header_number,
            clp_pos,
        )
        if not patient:
            self.problem(
                "error", c, clp_pos, "NM1*QC patient name is missing from the claim payment"
            )
        return claim, i

    def _service(self, i: int) -> tuple[ServicePayment, int]:
        rows, offset = self.rows, self.offset
        money_cache, date_cache = self.cache.money, self.cache.dates
        procedures = self.cache.procedures
        v = rows[i]
        pos = i + offset
        if len(v) > 3 and v[1] in PRODUCT_QUALIFIERS:
            v = self._repair_svc(v, pos)
        if len(v) > 8:
            self.problem(
                "warning", v, pos, f"SVC has {len(v) - 1} elements; SVC08 and after ignored"
            )
        if len(v) < 9:
            v = v + _PAD[len(v) : 9]
        key = (self.component, v[1])
        procedure = procedures.get(key)
        if procedure is None:
            procedure = self.procedure(v, pos, 1)
            if not procedure.code:
                self.problem("error", v, pos, "SVC01 procedure code is empty", 1)
            elif len(procedures) < 65536 and ">" not in v[1]:
                procedures[key] = procedure
        charge = money_cache.get(v[2])
        if charge is None:
            charge = self.amount(v, pos, 2)
        paid = money_cache.get(v[3])
        if paid is None:
            paid = self.amount(v, pos, 3)
        service_date = service_start = service_end = None
        adjustments: list[Adjustment] = []
        refs: list[tuple[str, str]] = []
        amounts: list[tuple[str, Money]] = []
        quantities: list[tuple[str, Decimal]] = []
        remarks: list[tuple[str, str]] = []
        lcn = ""
        i += 1
        while True:
            e = rows[i]
            sid = e[0]
            if sid == "CAS":
                amount = money_cache.get(e[3]) if len(e) == 4 else None
                if amount is not None and e[1] in _GROUPS_5010 and e[2]:
                    adjustments.append(_adjustment(e[1], e[2], amount, None, i + offset))
                else:
                    self._cas(e, i + offset, adjustments)
            elif len(e) == 1 and sid in _NEEDS_ELEMENTS:
                self.problem("warning", e, i + offset, f"{sid} has no elements; ignored")
            elif sid == "DTM":
                qual = e[1]
                if qual in ("472", "150", "151"):
                    value = date_cache.get(e[2]) if len(e) > 2 else None
                    if value is None:
                        value = self.cached_date(e, i + offset, 2)
                    if qual == "472":
                        service_date = value
                    elif qual == "150":
                        service_start = value
                    else:
                        service_end = value
            elif sid == "REF":
                ref = (e[1], e[2] if len(e) > 2 else "")
                refs.append(ref)
                if ref[0] == "6R":
                    lcn = ref[1]
            elif sid == "AMT":
                amount = money_cache.get(e[2]) if len(e) > 2 else None
                if amount is None:
                    amount = self.amount(e, i + offset, 2)
                amounts.append((e[1], amount))
            elif sid == "QTY":
                quantities.append((e[1], self.decimal(e, i + offset, 2) or Decimal(0)))
            elif sid == "LQ":
                remarks.append((e[1], _element(e, 2)))
            else:
                break
            i += 1
        # SVC05 is nearly always a small whole number of units.
        units = _UNITS_CACHE.get(v[5]) if v[5] else None
        if units is None and v[5]:
            units = self.decimal(v, pos, 5)
        service = _service_payment(
            procedure,
            charge,
            paid,
            v[4],
            units,
            self.procedure(v, pos, 6) if v[6] else None,
            self.decimal(v, pos, 7) if v[7] else None,
            service_date,
            service_start,
            service_end,
            tuple(adjustments),
            lcn,
            tuple(refs),
            tuple(amounts),
            tuple(quantities),
            tuple(remarks),
            pos,
        )
        return service, i

    def _repair_svc(self, v: list[str], pos: int) -> list[str]:
        """SVC*HC*24599.00*... : the component separator written as an element separator."""
        code = v[2]
        if code.endswith(".00") and code[:-3].isdigit():
            code = code[:-3]
        self.problem(
            "warning",
            v,
            pos,
            "SVC01 holds only the qualifier and the procedure code "
            "sits in SVC02 (element separator used inside the composite); "
            "elements shifted back",
            1,
        )
        return ["SVC", f"{v[1]}{self.component}{code}", *v[3:]]

    def _plb(self, e: list[str], pos: int) -> list[ProviderAdjustment]:
        out = []
        fiscal = self.date(e, pos, 2)
        for k in range(3, 15, 2):
            if not _element(e, k):
                continue
            parts = self.composite(e, pos, k)
            reason, reference = parts[0], parts[1] if len(parts) > 1 else ""
            amount = self.money(e, pos, k + 1) or ZERO
            out.append(ProviderAdjustment(_element(e, 1), fiscal, reason, reference, amount, pos))
        if not out:
            self.problem("error", e, pos, "PLB has no adjustment", 3)
        return out
