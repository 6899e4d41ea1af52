"""The simulated payer's 277CA (005010X214): which claims it took in, which it rejected."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from medbill.core.claim import Claim
from medbill.core.money import ZERO
from medbill.core.payersim.adjudicate import Rejection
from medbill.core.x12._segments import Delimiters, SegmentWriter

__all__ = ["write_277ca"]


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def write_277ca(
    accepted: Sequence[Claim],
    rejections: Sequence[Rejection],
    *,
    payer_id: str,
    payer_name: str,
    processed: date,
    reference: str = "1",
    sender: str = "MEDBILLPAYER",
    receiver: str = "MEDBILLPROV",
    control_number: int = 1,
    batch_reference: str | None = None,
) -> bytes:
    """One interchange with one 277CA listing every claim: accepted (A2:20) or rejected.

    ``reference`` is this 277CA's own BHT03 and 2200A trace. ``batch_reference`` is
    the BHT03 of the 837P being answered (``m837p.batch_reference``), echoed in 2200B
    TRN02 so the provider can match the acknowledgement to its file; without it the
    277CA cannot be matched and ``reference`` is used.
    """
    d = Delimiters(element="*", component=":", repetition="^", segment="~")
    when = datetime.combine(processed, time())
    w = SegmentWriter(d)
    ctl = f"{control_number:09d}"
    w.add_raw(
        d.element.join(
            [
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                sender.ljust(15),
                "ZZ",
                receiver.ljust(15),
                when.strftime("%y%m%d"),
                "0000",
                d.repetition,
                "00501",
                ctl,
                "0",
                "P",
                d.component,
            ]
        )
    )
    w.add(
        "GS", "HN", sender, receiver, _d8(processed), "0000", str(control_number), "X", "005010X214"
    )
    start = w.count
    w.add("ST", "277", "0001", "005010X214")
    w.add("BHT", "0085", "08", reference, _d8(processed), "0000", "TH")
    w.add("HL", "1", "", "20", "1")
    w.add("NM1", "PR", "2", payer_name, "", "", "", "", "PI", payer_id)
    w.add("TRN", "1", reference)
    w.add("DTP", "050", "D8", _d8(processed))
    w.add("DTP", "009", "D8", _d8(processed))
    w.add("HL", "2", "1", "21", "1")
    submitter = accepted or [r.claim for r in rejections]
    w.add(
        "NM1",
        "41",
        "2",
        submitter[0].billing_provider.name if submitter else "PROVIDER",
        "",
        "",
        "",
        "",
        "46",
        receiver,
    )
    w.add("TRN", "2", batch_reference or reference)
    ok_total = sum((c.total_charge for c in accepted), ZERO)
    bad_total = sum((r.claim.total_charge for r in rejections), ZERO)
    w.add("STC", ["A1", "19"], _d8(processed), "WQ", (ok_total + bad_total).x12())
    if accepted:
        w.add("QTY", "90", str(len(accepted)))
    if rejections:
        w.add("QTY", "AA", str(len(rejections)))
    if accepted:
        w.add("AMT", "YU", ok_total.x12())
    if rejections:
        w.add("AMT", "YY", bad_total.x12())
    hl = 2
    by_provider: dict[str, list[tuple[Claim, Rejection | None]]] = {}
    for claim in accepted:
        by_provider.setdefault(claim.billing_provider.npi or "", []).append((claim, None))
    for rej in rejections:
        by_provider.setdefault(rej.claim.billing_provider.npi or "", []).append((rej.claim, rej))
    for npi, items in by_provider.items():
        hl += 1
        provider_hl = hl
        w.add("HL", str(hl), "2", "19", "1")
        w.add(
            "NM1",
            "85",
            "2",
            items[0][0].billing_provider.name,
            "",
            "",
            "",
            "",
            "XX",
            npi or "0000000000",
        )
        w.add("TRN", "1", f"{reference}-{provider_hl}")
        w.add("STC", ["A1", "19"], "", "WQ", sum((c.total_charge for c, _ in items), ZERO).x12())
        for claim, rej in items:
            hl += 1
            w.add("HL", str(hl), str(provider_hl), "PT")
            w.add(
                "NM1",
                "QC",
                "1",
                claim.patient.name.last,
                claim.patient.name.first or "",
                "",
                "",
                "",
                "MI",
                claim.subscriber.member_id or "UNKNOWN",
            )
            w.add("TRN", "2", claim.claim_id)
            status = ["A2", "20"] if rej is None else [rej.category, rej.status, rej.entity]
            w.add(
                "STC",
                status,
                _d8(processed),
                "WQ" if rej is None else "U",
                claim.total_charge.x12(),
            )
            dates = [d for d in claim.line_dates() if d]
            if dates:
                first, last = min(dates), max(dates)
                w.add("DTP", "472", "RD8", f"{_d8(first)}-{_d8(last)}")
    w.add("SE", str(w.count - start + 1), "0001")
    w.add("GE", "1", str(control_number))
    w.add("IEA", "1", ctl)
    return w.bytes()
