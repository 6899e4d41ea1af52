"""A small remittance used by the 835, posting and import tests."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from medbill.core.money import Money as M
from medbill.core.x12.m835 import (
    Adjustment,
    ClaimPayment,
    Contact,
    EntityName,
    Party,
    Procedure,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
    read_835,
    write_835,
)

__all__ = ["bench_era", "pyx12_835_problems", "reversal_of", "sample", "sample_read"]


def sample(**kw) -> Remittance:
    line1 = ServicePayment(
        Procedure("HC", "99213", ("25",)),
        M("150.00"),
        M("80.00"),
        units_paid=Decimal(1),
        service_date=date(2026, 3, 2),
        adjustments=(Adjustment("CO", "45", M("50.00")), Adjustment("PR", "2", M("20.00"))),
        line_control_number="C-1-1",
        amounts=(("B6", M("100.00")),),
    )
    line2 = ServicePayment(
        Procedure("HC", "36415"),
        M("25.00"),
        M("0"),
        units_paid=Decimal(1),
        service_date=date(2026, 3, 2),
        adjustments=(Adjustment("CO", "97", M("25.00")),),
        line_control_number="C-1-2",
        remarks=(("HE", "M15"),),
    )
    claim = ClaimPayment(
        "C-1",
        "1",
        M("175.00"),
        M("80.00"),
        M("20.00"),
        "12",
        "PCN0001",
        facility_type="11",
        frequency="1",
        names=(
            EntityName("QC", "1", "DOE", "JANE", id_qualifier="MI", id="M123"),
            EntityName("82", "1", "WHITAKER", "JOAN", id_qualifier="XX", id="1283746505"),
        ),
        statement_start=date(2026, 3, 2),
        statement_end=date(2026, 3, 2),
        services=(line1, line2),
        outpatient=("", "", "MA01"),
    )
    denied = ClaimPayment(
        "C-2",
        "4",
        M("90.00"),
        M("0"),
        None,
        "12",
        "PCN0002",
        facility_type="11",
        frequency="1",
        names=(EntityName("QC", "1", "ROE", "RICK", id_qualifier="MI", id="M9"),),
        adjustments=(Adjustment("CO", "29", M("90.00")),),
    )
    values = dict(
        control_number="0001",
        handling="I",
        total_paid=M("75.00"),
        credit_debit="C",
        method="CHK",
        payment_date=date(2026, 3, 20),
        trace_number="CHK10001",
        trace_originator="1999999999",
        trace_type="1",
        payer=Party(
            "PR",
            "BADGER STATE HEALTH PLAN",
            "XV",
            "BSHP01",
            ("PO BOX 7700",),
            "MILWAUKEE",
            "WI",
            "532017700",
            references=(("2U", "BSHP01"),),
            contacts=(Contact("BL", "EDI SUPPORT", (("TE", "8005550100"),)),),
        ),
        payee=Party(
            "PE",
            "CEDAR VALLEY FAMILY PRACTICE",
            "XX",
            "1746502933",
            references=(("TJ", "391847265"),),
        ),
        claims=(claim, denied),
        provider_adjustments=(
            ProviderAdjustment("1746502933", date(2026, 12, 31), "L6", "", M("5.00")),
        ),
        production_date=date(2026, 3, 19),
    )
    values.update(kw)
    return Remittance(**values)


def sample_read(**kw) -> Remittance:
    """``sample`` written to 835 bytes and read back, so every record has its position."""
    (rem,) = read_835(write_835(sample(**kw)))
    return rem


def pyx12_835_problems(data: bytes) -> list[str]:
    """pyx12's errors for an 835 (empty when valid)."""
    from x12_pyx12 import pyx12_validate

    ok, messages = pyx12_validate(data)
    # pyx12 cannot build a 999 for an 835 and logs that even for a valid file.
    errors = [m for m in messages if m != "Failed to create 999 response"]
    return errors if ok or errors else ["pyx12 rejected the file"]


def reversal_of(c: ClaimPayment) -> ClaimPayment:
    """The reversal (CLP02 = 22) of claim payment ``c``: every amount with the other sign."""
    return replace(
        c,
        status="22",
        charge=-c.charge,
        paid=-c.paid,
        patient_responsibility=-c.patient_responsibility
        if c.patient_responsibility is not None
        else None,
        adjustments=tuple(replace(a, amount=-a.amount) for a in c.adjustments),
        services=tuple(
            replace(
                s,
                charge=-s.charge,
                paid=-s.paid,
                adjustments=tuple(replace(a, amount=-a.amount) for a in s.adjustments),
            )
            for s in c.services
        ),
    )


def bench_era():
    """``bench/era.py`` as a module: its ``synthetic_claims`` and ``seed_claims`` build an
    office of any size."""
    path = Path(__file__).resolve().parents[1] / "bench" / "era.py"
    spec = importlib.util.spec_from_file_location("bench_era", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
