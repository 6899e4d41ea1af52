"""Demo stage ``bank``: a bank file for the demo's 835 payments, imported and reassociated."""

from __future__ import annotations

import datetime
from dataclasses import replace

from test_era_pages import era_bytes

from medbill.core.money import Money
from medbill.core.x12.m835 import ProviderAdjustment as PLB
from medbill.core.x12.m835 import read_835, write_835
from medbill.web.banking.demo import bank_stage
from medbill.web.banking.models import Deposit, DepositMatch
from medbill.web.billing import era
from medbill.web.demo.stages import STAGES, StageContext


def _payments(site, user, count):
    """``count`` posted payments of interest only (PLB L6), a day apart."""
    (base,) = read_835(era_bytes(site))
    for n in range(count):
        amount = Money(f"{10 + n}.25")
        rem = replace(
            base,
            trace_number=f"DEMO{n}",
            claims=(),
            total_paid=amount,
            payment_date=datetime.date(2026, 3, 2) + datetime.timedelta(days=n),
            provider_adjustments=(PLB("1234567893", None, "L6", "", -amount),),
        )
        era.import_era(user, site.practice, write_835([rem]), f"{n}.835")


def test_it_works(world, tmp_path):
    _payments(world.a, world.users["biller"], 5)
    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    rows = bank_stage(ctx)
    (row,) = rows
    # 4 of 5 payments deposited (one without its addenda), plus a branch deposit.
    assert row.count == "3/4"
    assert "reassociation rate 75% by trace and amount (100% with the suggestions" in row.detail
    assert "1 suggested" in row.detail and "1 without an ERA" in row.detail
    assert "1 ERA(s) without any deposit" in row.detail and "3 of 5 deposits" in row.detail
    assert (tmp_path / "bank" / "cvfp.bai").exists()
    assert Deposit.objects.count() == 5 and DepositMatch.objects.count() == 3
    # Run again: the same file, nothing new.
    bank_stage(ctx)
    assert Deposit.objects.count() == 5


def test_the_stage_is_listed_after_the_era_stage():
    names = [name for name, _ in STAGES]
    assert names.index("bank") == names.index("era") + 1
