"""Money: Decimal cents, immutable, never built from a float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medbill.core.money import ZERO, Money, MoneyError, to_money


class TestConstruction:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("12.5", Decimal("12.50")),
            ("$1,234.56", Decimal("1234.56")),
            ("-$7.00", Decimal("-7.00")),
            (Decimal("0.005"), Decimal("0.01")),  # ROUND_HALF_UP
            (Decimal("-0.005"), Decimal("-0.01")),
            (Decimal("2.675"), Decimal("2.68")),
            (3, Decimal("3.00")),
            (" 9.99 ", Decimal("9.99")),
        ],
    )
    def test_it_quantizes_to_cents(self, value, expected):
        amount = Money(value).amount
        assert amount == expected
        assert amount.as_tuple().exponent == -2

    def test_float_is_refused(self):
        with pytest.raises(MoneyError, match="float"):
            Money(0.1)
        with pytest.raises(MoneyError):
            to_money(12.5)

    @pytest.mark.parametrize("value", ["ten", "", "NaN", "Infinity", True, None, [1]])
    def test_non_amounts_are_refused(self, value):
        with pytest.raises(MoneyError):
            Money(value)

    def test_from_cents(self):
        assert Money.from_cents(1999) == Money("19.99")
        assert Money("19.99").cents == 1999
        with pytest.raises(MoneyError):
            Money.from_cents(19.99)  # type: ignore[arg-type]


class TestArithmetic:
    def test_add_subtract_negate(self):
        assert Money("10.10") + Money("0.20") == Money("10.30")
        assert Money("10") - "0.01" == Money("9.99")
        assert 5 - Money("1.50") == Money("3.50")
        assert -Money("4") == Money("-4")
        assert abs(Money("-4")) == Money("4")
        assert sum([Money("1.10"), Money("2.20")], ZERO) == Money("3.30")
        assert sum([Money("1.10"), Money("2.20")]) == Money("3.30")

    def test_multiply_by_int_or_decimal_only(self):
        assert Money("33.33") * 3 == Money("99.99")
        assert Money("10.00") * Decimal("0.8") == Money("8.00")
        with pytest.raises(MoneyError):
            Money("1") * 1.5
        with pytest.raises(MoneyError):
            Money("1") * Money("2")

    def test_adding_a_float_is_refused(self):
        with pytest.raises(MoneyError):
            Money("1") + 0.5
        with pytest.raises(MoneyError):
            Money("1") + 0.0  # even a float zero

    def test_an_amount_too_large_is_a_money_error(self):
        with pytest.raises(MoneyError, match="too large"):
            Money("1e30")

    def test_comparisons_and_truth(self):
        assert Money("1.00") < Money("1.01")
        assert Money("2") > 1
        assert Money("2") == Decimal("2.00")
        assert not ZERO and Money("0.01")
        assert Money("1") != 1.0  # a float never equals money
        assert len({Money("1.0"), Money("1.00")}) == 1

    def test_immutable(self):
        m = Money("1")
        with pytest.raises(AttributeError):
            m._amount = Decimal("2")  # type: ignore[misc]


class TestText:
    def test_str_repr_format_x12(self):
        m = Money("1234.5")
        assert str(m) == "1234.50"
        assert repr(m) == "Money('1234.50')"
        assert m.format() == "$1,234.50"
        assert Money("-12").format() == "-$12.00"
        assert m.x12() == "1234.5"
        assert Money("100.00").x12() == "100"
        assert ZERO.x12() == "0"
        assert Money("-0").x12() == "0"
        assert Money("-0.004").x12() == "0"
