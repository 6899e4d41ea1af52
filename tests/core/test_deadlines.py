"""Timely filing and appeal clocks: the defaults, a practice's own terms, the words."""

from __future__ import annotations

import datetime

from medbill.core.deadlines import appeal_clock, filing_clock, limits_for

D = datetime.date


def test_medicare_files_within_one_calendar_year_of_the_service() -> None:
    medicare = limits_for("medicare")
    assert medicare.filing_deadline(D(2026, 3, 1)) == D(2027, 3, 1)
    assert medicare.filing_deadline(D(2024, 2, 29)) == D(2025, 2, 28)
    clock = filing_clock(D(2026, 3, 1), medicare, today=D(2027, 2, 27))
    assert (clock.state, clock.days) == ("open", 2)
    assert clock.words("File", "Filed") == "File by 2027-03-01: 2 days left"
    gone = filing_clock(D(2026, 3, 1), medicare, today=D(2027, 3, 4))
    assert gone.words("File", "Filed") == "File by 2027-03-01: 3 days past the limit"


def test_a_claim_filed_after_the_limit_says_by_how_much() -> None:
    contract = limits_for("commercial")
    assert contract.filing_days == 90 and "contract" in contract.basis
    late = filing_clock(D(2026, 1, 1), contract, today=D(2026, 6, 1), filed_on=D(2026, 4, 5))
    assert (late.state, late.days) == ("late", 4)
    assert late.words("File", "Filed") == "Filed 2026-04-05, 4 days after the limit of 2026-04-01"
    ok = filing_clock(D(2026, 1, 1), contract, today=D(2026, 6, 1), filed_on=D(2026, 1, 3))
    assert ok.state == "in time" and not ok.urgent


def test_the_practices_terms_replace_the_defaults() -> None:
    own = limits_for("commercial", filing_days=180, appeal_days=60)
    assert own.filing_days == 180 and own.appeals[0].days == 60
    assert own.basis == "set by the practice for this payer"
    medicaid = limits_for("medicaid", filing_days=95)
    assert medicaid.filing_deadline(D(2026, 1, 1)) == D(2026, 4, 6)


def test_a_medicare_redetermination_counts_from_the_presumed_receipt_of_the_notice() -> None:
    level = limits_for("medicare").appeals[0]
    assert level.name == "Redetermination"
    clock = appeal_clock(D(2026, 1, 10), level, today=D(2026, 5, 1))
    assert clock.deadline == D(2026, 5, 15)  # 5 days to receive it, then 120
    assert clock.words("Appeal", "Appealed") == "Appeal by 2026-05-15: 14 days left"
    assert [a.name for a in limits_for("medicare").appeals][1] == "Reconsideration (QIC)"
