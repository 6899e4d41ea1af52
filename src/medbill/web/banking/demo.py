"""Demo stage ``bank``: the practice's bank reports the 835 payments as deposits (BAI2),
the file is imported and the deposits paired with their 835s.

What the bank file holds, per practice, from its posted 835 payments in date order:
every payment but the last arrives as an ACH credit carrying the 835's TRN in its
addenda (matched by trace and amount); when there are four or more, one of them arrives
without its addenda (the same amount two days later: only a suggestion for the biller);
the last payment has not arrived (an ERA without a deposit); and a branch deposit of
the front desk's cash is in the file too (a deposit without an ERA). The payments of
the ``history`` stage reached the bank in its own files, before their 835s.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from medbill.core.bank import Deposit, write_bai2
from medbill.core.money import Money
from medbill.web.banking import services
from medbill.web.banking.models import Deposit as DepositRow
from medbill.web.billing.remittance_models import Remittance
from medbill.web.practice.models import Practice

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["bank_stage"]

EFT = "165"  # BAI2 type code of an ACH credit: how payers' EFTs arrive


def _deposits(rems: list[Any]) -> list[Deposit]:
    paid = rems[:-1]
    out = []
    for number, rem in enumerate(paid):
        day = rem.payment_date + dt.timedelta(days=1)
        if number == 1 and len(rems) >= 4:
            # The bank dropped the addenda: amount and date are all there is.
            out.append(
                Deposit(
                    day + dt.timedelta(days=1),
                    Money(rem.total_paid),
                    type_code=EFT,
                    bank_reference=f"B{rem.pk:07d}",
                    text="HCCLAIMPMT",
                )
            )
            continue
        out.append(
            Deposit(
                day,
                Money(rem.total_paid),
                type_code=EFT,
                bank_reference=f"B{rem.pk:07d}",
                text=f"HCCLAIMPMT TRN*1*{rem.trace_number}*{rem.trace_originator or '1'}\\",
            )
        )
    last = rems[-1].payment_date if rems else None
    out.append(
        Deposit(
            (last or dt.date(2026, 1, 1)) + dt.timedelta(days=1),
            Money("184.00"),
            type_code="301",
            bank_reference="BRANCH12",
            text="BRANCH DEPOSIT CASH",
        )
    )
    return out


def bank_stage(ctx: StageContext) -> list[SummaryRow]:
    """Write and import each practice's bank file; report the reassociation rate (of the
    payers' EFTs, as CAQH CORE counts it: cash deposits are no 835's)."""
    from medbill.web.demo.stages import SummaryRow

    out = ctx.dir("bank")
    rows: list[SummaryRow] = []
    for practice in Practice.objects.order_by("id"):
        code = practice.short_code.lower()
        # The history stage's payments reached the bank in its own files.
        rems = list(
            Remittance.objects.for_practice(practice)
            .filter(status="posted", total_paid__gt=0, payment_date__isnull=False)
            .exclude(file__name__startswith="history-")
            .order_by("payment_date", "id")
        )
        if not rems:
            continue
        deposits = _deposits(rems)
        target = out / f"{code}.bai"
        target.write_bytes(write_bai2(deposits, receiver=practice.short_code.upper()))
        result = services.import_bank_file(None, practice, target.read_bytes(), target.name)
        every = DepositRow.objects.for_practice(practice)
        total, efts = every.count(), every.filter(type_code=EFT).count()
        matched = services.standing_matches(practice)
        paired, eft_paired = matched.count(), matched.filter(deposit__type_code=EFT).count()
        plan = services.reassociation(practice)
        offered = {era for eras in plan.suggested.values() for era in eras}
        waiting = services.unmatched_remittances(practice).count() - len(offered)
        eft_offered = every.filter(type_code=EFT, pk__in=list(plan.suggested)).count()
        rate = f"{100 * eft_paired / efts:.0f}%" if efts else "-"
        confirmed = f"{100 * (eft_paired + eft_offered) / efts:.0f}%" if efts else "-"
        rows.append(
            SummaryRow(
                "bank",
                f"{practice.short_code} payer EFTs matched",
                f"{eft_paired}/{efts}",
                f"reassociation rate {rate} by trace and amount ({confirmed} with the "
                f"suggestions confirmed); {len(plan.suggested)} suggested by amount and date, "
                f"{total - paired - len(plan.suggested)} without an ERA (the desk's cash "
                f"deposits among them), {waiting} ERA(s) without any deposit; "
                f"{paired} of {total} deposits matched; {result.new} new deposit(s)",
                ctx.relative(target),
            )
        )
    return rows
