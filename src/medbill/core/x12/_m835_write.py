"""835 writer: ``Remittance`` values to the bytes of one interchange (005010X221A1).

Names, addresses and descriptions are written in the X12 character set as the 837P
writes them (``x12_text``): a paper EOB for José Muñoz is posted as an 835 naming
Jose Munoz.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from medbill.core.x12._remittance import (
    Adjustment,
    ClaimPayment,
    Party,
    Procedure,
    Remittance,
    ServicePayment,
)
from medbill.core.x12._segments import Delimiters, SegmentWriter, X12WriteError
from medbill.core.x12._text import x12_text

__all__ = ["write_835"]

VERSION = "005010X221A1"
_RENDERING_REFS = frozenset(
    {"0B", "1A", "1B", "1C", "1D", "1G", "1H", "1J", "D3", "G2", "HPI", "SY", "TJ"}
)
_SERVICE_REF_ORDER = {
    "6R": 1,
    "0K": 3,
    **{q: 2 for q in _RENDERING_REFS},
    **{q: 0 for q in ("1S", "APC", "BB", "E9", "G1", "G3", "GC", "GH", "LU", "RB")},
}


def _d8(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _num(value: object) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _pad(value: str, width: int) -> str:
    if len(value) > width:
        raise X12WriteError(f"value longer than {width} characters", segment="ISA")
    return value.ljust(width)


def write_835(
    remittances: Remittance | Sequence[Remittance],
    *,
    sender: str = "MEDBILLPAYER",
    receiver: str = "MEDBILLPROV",
    control_number: int = 1,
    created: datetime | None = None,
    usage: str = "P",
    delimiters: Delimiters | None = None,
) -> bytes:
    """One interchange (ISA/GS/…/GE/IEA) holding an ST..SE set per remittance.

    ``created`` defaults to the first payment date at midnight, so the same input
    always gives the same bytes. Raises ``X12WriteError`` for a value the guide
    does not allow (an empty claim id, a delimiter inside a value).
    """
    items = [remittances] if isinstance(remittances, Remittance) else list(remittances)
    if not items:
        raise X12WriteError("nothing to write: no remittances")
    d = delimiters or Delimiters(element="*", component=":", repetition="^", segment="~")
    when = created or datetime.combine(items[0].effective_date or date(2000, 1, 1), time())
    w = SegmentWriter(d)
    ctl = f"{control_number:09d}"
    isa = d.element.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            _pad(sender, 15),
            "ZZ",
            _pad(receiver, 15),
            when.strftime("%y%m%d"),
            when.strftime("%H%M"),
            d.repetition,
            "00501",
            ctl,
            "0",
            usage,
            d.component,
        ]
    )
    w.add_raw(isa)
    w.add(
        "GS",
        "HP",
        sender,
        receiver,
        when.strftime("%Y%m%d"),
        when.strftime("%H%M"),
        str(control_number),
        "X",
        VERSION,
    )
    for number, rem in enumerate(items, start=1):
        _write_set(w, rem, f"{number:04d}")
    w.add("GE", str(len(items)), str(control_number))
    w.add("IEA", "1", ctl)
    return w.bytes()


def _write_set(w: SegmentWriter, rem: Remittance, st_control: str) -> None:
    start = w.count
    w.add("ST", "835", st_control)
    method = rem.method or "NON"
    bank = list(rem.bank_details) + [""] * (10 - len(rem.bank_details))
    if method in ("ACH", "FWT", "BOP") and not any(bank):
        raise X12WriteError(
            f"BPR04 {method} needs the bank details (BPR06..BPR15)", segment="BPR", element=6
        )
    if not rem.payment_date:
        raise X12WriteError("the payment date (BPR16) is required", segment="BPR", element=16)
    w.add(
        "BPR",
        rem.handling or "I",
        rem.total_paid.x12(),
        rem.credit_debit or "C",
        method,
        rem.payment_format if method in ("ACH", "BOP") else "",
        *bank,
        _d8(rem.payment_date),
    )
    if not rem.trace_number:
        raise X12WriteError("the trace number (TRN02) is required", segment="TRN", element=2)
    w.add("TRN", rem.trace_type or "1", rem.trace_number, rem.trace_originator)
    if rem.currency:
        w.add("CUR", "PR", rem.currency)
    for qual, value in rem.references:
        w.add("REF", qual, value)
    if rem.production_date:
        w.add("DTM", "405", _d8(rem.production_date))
    _party(w, rem.payer)
    _party(w, rem.payee)
    summaries = {h.number: h for h in rem.headers}
    current: str | None = None
    for claim in rem.claims:
        number = claim.header_number or "1"
        if number != current:
            current = number
            w.add("LX", number)
            header = summaries.get(number)
            if header and header.ts3:
                w.add("TS3", *header.ts3)
            if header and header.ts2:
                w.add("TS2", *header.ts2)
        _claim(w, claim)
    plb = rem.provider_adjustments
    for k in range(0, len(plb), 6):
        chunk = plb[k : k + 6]
        parts: list[object] = [chunk[0].provider_id, _d8(chunk[0].fiscal_period_end)]
        for adj in chunk:
            parts += [
                [adj.reason, adj.reference] if adj.reference else adj.reason,
                adj.amount.x12(),
            ]
        w.add("PLB", *parts)  # type: ignore[arg-type]
    w.add("SE", str(w.count - start + 1), st_control)


def _party(w: SegmentWriter, party: Party) -> None:
    at = f"party {party.entity}"
    name = x12_text(party.name, f"{at}.name", "N1", 2)
    w.add("N1", party.entity, name, party.id_qualifier, party.id)
    if party.address_lines:
        w.add(
            "N3",
            *(
                x12_text(line, f"{at}.address_lines[{i}]", "N3", i + 1)
                for i, line in enumerate(party.address_lines[:2])
            ),
        )
    if party.city:
        w.add("N4", x12_text(party.city, f"{at}.city", "N4", 1), party.state, party.zip)
    for qual, value in party.references:
        w.add("REF", qual, value)
    if party.entity == "PR" and not any(c.function == "BL" for c in party.contacts):
        raise X12WriteError(
            "the payer needs a technical contact (PER*BL)", segment="PER", element=1
        )
    order = {"CX": 0, "BL": 1, "IC": 2}
    for contact in sorted(party.contacts, key=lambda c: order.get(c.function, 3)):
        numbers: list[str] = []
        for qual, value in contact.numbers[:3]:
            numbers += [qual, value]
        w.add("PER", contact.function, x12_text(contact.name, f"{at}.contact", "PER", 2), *numbers)


def _cas(w: SegmentWriter, adjustments: Sequence[Adjustment]) -> None:
    groups: dict[str, list[Adjustment]] = {}
    for adj in adjustments:
        groups.setdefault(adj.group, []).append(adj)
    for group, items in groups.items():
        for k in range(0, len(items), 6):
            parts: list[str] = [group]
            for adj in items[k : k + 6]:
                parts += [adj.reason, adj.amount.x12(), _num(adj.quantity)]
            w.add("CAS", *parts)


def _procedure(proc: Procedure) -> list[str]:
    return [
        proc.qualifier,
        proc.code,
        *proc.modifiers[:4],
        *([""] * (4 - len(proc.modifiers[:4])) if proc.description else []),
        x12_text(proc.description, "procedure.description", "SVC", 1) or "",
    ]


def _claim(w: SegmentWriter, claim: ClaimPayment) -> None:
    if not claim.claim_id:
        raise X12WriteError("CLP01 claim id is empty", segment="CLP", element=1)
    pr = claim.patient_responsibility
    w.add(
        "CLP",
        claim.claim_id,
        claim.status,
        claim.charge.x12(),
        claim.paid.x12(),
        pr.x12() if pr is not None else "",
        claim.filing_indicator or "12",
        claim.payer_claim_number,
        claim.facility_type,
        claim.frequency,
        "",
        claim.drg,
    )
    _cas(w, claim.adjustments)
    order = {"QC": 0, "IL": 1, "74": 2, "82": 3, "TT": 4, "PR": 5, "GB": 6}
    for name in sorted(claim.names, key=lambda n: order.get(n.entity, 9)):
        at = f"claim {claim.claim_id}, name {name.entity}"
        w.add(
            "NM1",
            name.entity,
            name.entity_type,
            x12_text(name.last, f"{at}.last", "NM1", 3),
            x12_text(name.first, f"{at}.first", "NM1", 4),
            x12_text(name.middle, f"{at}.middle", "NM1", 5),
            "",
            x12_text(name.suffix, f"{at}.suffix", "NM1", 7),
            name.id_qualifier,
            name.id,
        )
    if claim.inpatient:
        w.add("MIA", *claim.inpatient)
    if claim.outpatient:
        w.add("MOA", *claim.outpatient)
    for qual, value in sorted(claim.references, key=lambda r: r[0] in _RENDERING_REFS):
        w.add("REF", qual, value)
    if claim.statement_start:
        w.add("DTM", "232", _d8(claim.statement_start))
    if claim.statement_end:
        w.add("DTM", "233", _d8(claim.statement_end))
    if claim.received:
        w.add("DTM", "050", _d8(claim.received))
    for qual, amount in claim.amounts:
        w.add("AMT", qual, amount.x12())
    for qual, qty in claim.quantities:
        w.add("QTY", qual, _num(qty))
    for svc in claim.services:
        _service(w, svc)


def _service(w: SegmentWriter, svc: ServicePayment) -> None:
    if not svc.procedure.code:
        raise X12WriteError("SVC01 procedure code is empty", segment="SVC", element=1)
    w.add(
        "SVC",
        _procedure(svc.procedure),
        svc.charge.x12(),
        svc.paid.x12(),
        svc.revenue_code,
        _num(svc.units_paid),
        _procedure(svc.original_procedure) if svc.original_procedure else "",
        _num(svc.original_units),
    )
    if svc.service_date:
        w.add("DTM", "472", _d8(svc.service_date))
    else:
        if svc.service_start:
            w.add("DTM", "150", _d8(svc.service_start))
        if svc.service_end:
            w.add("DTM", "151", _d8(svc.service_end))
    _cas(w, svc.adjustments)
    refs = list(svc.references)
    if svc.line_control_number and not any(q == "6R" for q, _ in refs):
        refs.append(("6R", svc.line_control_number))
    # The guide's order: service identification, line item control number, rendering
    # provider, then the health care policy.
    for qual, value in sorted(refs, key=lambda r: _SERVICE_REF_ORDER.get(r[0], 2)):
        w.add("REF", qual, value)
    for qual, amount in svc.amounts:
        w.add("AMT", qual, amount.x12())
    for qual, qty in svc.quantities:
        w.add("QTY", qual, _num(qty))
    for qual, code in svc.remarks:
        w.add("LQ", qual, code)
