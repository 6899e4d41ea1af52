"""The checks every typed payment passes: no card numbers, sane amounts, real dates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbill.core.ledger.entry_checks import (
    EntryProblem,
    looks_like_card_number,
    payment_amount,
    payment_date,
)
from medbill.core.money import Money


def luhn_complete(body: str) -> str:
    """``body`` with the check digit that makes it pass the Luhn check."""
    for d in "0123456789":
        digits = body + d
        total = sum(
            (n * 2 - 9 if n * 2 > 9 else n * 2) if i % 2 else n
            for i, n in enumerate(int(c) for c in reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "378282246310005",
        "paid with 5555555555554444 today",
        "4222222222222",
        "6011 0009 9013 9424",
    ],
)
def test_card_numbers_are_found(text):
    assert looks_like_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Visa 1111",
        "check 100234",
        "4111111111111112",
        "auth 019234 visa 4242",
        "1234 5678",
        "EFT 20261104",
    ],
)
def test_other_references_pass(text):
    assert not looks_like_card_number(text)


@given(st.integers(min_value=10**11, max_value=10**18 - 1), st.sampled_from(["", " ", "-"]))
def test_any_luhn_valid_run_of_13_to_19_digits_is_a_card_number(n, sep):
    digits = luhn_complete(str(n))
    grouped = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    assert looks_like_card_number(f"ref {grouped}")


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("25", Money("25.00")),
        ("$1,234.50", Money("1234.50")),
        (Decimal("0.01"), Money("0.01")),
        (Money("10"), Money("10.00")),
        (7, Money("7.00")),
        (" 25.10 ", Money("25.10")),
    ],
)
def test_amounts_as_typed(typed, amount):
    assert payment_amount(typed) == amount


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("25.005", "more than two decimals"),
        ("1e20", "type it as digits"),
        ("1000000", "more than $999,999.99"),
        ("NaN", "not an amount"),
        ("Infinity", "not an amount"),
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("twelve", "not an amount"),
        (10.5, "as digits"),
        ("4111 1111 1111 1111", "not an amount"),
        ("9" * 5000, "more than"),
    ],
)
def test_bad_amounts_say_what_is_wrong(typed, words):
    with pytest.raises(EntryProblem) as info:
        payment_amount(typed)
    assert info.value.field == "amount" and words in info.value.problem
    assert "4111" not in str(info.value)


def test_payment_dates():
    today = datetime.date(2026, 12, 6)
    assert payment_date(today, today=today) == today
    with pytest.raises(EntryProblem, match="in the future"):
        payment_date(datetime.date(2030, 1, 1), today=today)
    with pytest.raises(EntryProblem, match="books begin"):
        payment_date(datetime.date(1999, 1, 1), today=today, earliest=datetime.date(2024, 1, 1))


def test_a_card_number_after_other_digits_is_still_found():
    assert looks_like_card_number("12 4111111111111111")
    assert looks_like_card_number("visit 2026-4111-1111-1111-1111")


def test_a_line_charge_is_whole_cents_zero_or_more_and_fits_the_form() -> None:
    from medbill.core.ledger.entry_checks import line_charge

    assert line_charge("$1,250.50") == Money("1250.50")
    assert line_charge("0") == Money("0.00")
    for typed, words in (
        ("12.345", "more than two decimals"),
        ("99999999", "the most one service line may be"),
        ("1e5", "not an amount"),
        ("-5", "must not be negative"),
        ("NaN", "not an amount"),
    ):
        with pytest.raises(EntryProblem) as info:
            line_charge(typed, field="lines[0].charge")
        assert words in info.value.problem and info.value.field == "lines[0].charge"
