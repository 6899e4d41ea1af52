"""Money arithmetic keeps exact cents on its fast path (sums, differences, negation)."""

from decimal import Decimal

import pytest

from medbill.core.money import ZERO, Money, MoneyError


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (Money("1.10") + Money("2.00"), "3.10"),
        (Money("1.10") - Money("2.00"), "-0.90"),
        (-Money("1.10"), "-1.10"),
        (abs(Money("-7.05")), "7.05"),
        (Money("5") - Money("5"), "0.00"),
        (-ZERO, "0.00"),
        (sum([Money("0.10")] * 3, ZERO), "0.30"),
        (Money("0.10") + Decimal("0.005"), "0.11"),  # other types still round to cents
    ],
)
def test_results_are_whole_cents(result: Money, expected: str) -> None:
    assert isinstance(result, Money)
    assert result.amount == Decimal(expected)
    assert result.amount.as_tuple().exponent == -2
    assert str(result) == expected
    assert result == Money(expected) and hash(result) == hash(Money(expected))


def test_results_stay_immutable_and_refuse_floats() -> None:
    total = Money("1.00") + Money("2.00")
    with pytest.raises(AttributeError):
        total._amount = Decimal("9")  # type: ignore[misc]
    with pytest.raises(MoneyError):
        total + 0.1
