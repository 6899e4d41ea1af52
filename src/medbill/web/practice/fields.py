"""Model fields shared by every app."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Round
from django.utils import timezone

from medbill.core.identifiers import (
    PLAN_ID,
    PLAN_ID_RULE,
    STATE_CODES,
    npi_is_valid,
    taxonomy_is_valid,
)
from medbill.core.money import Money, MoneyError

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

__all__ = [
    "CountSum",
    "MoneyField",
    "MoneySum",
    "group_number_validator",
    "member_id_validator",
    "npi_validator",
    "taxonomy_validator",
    "tin_validator",
    "zip9_validator",
    "zip_validator",
]


class MoneyField(models.DecimalField):
    """Dollars with cents: ``DecimalField(max_digits=12, decimal_places=2)``.

    Reads back as ``Decimal``; accepts ``Money``, ``Decimal``, ``int`` and ``str`` on the way in
    and refuses floats, so an amount never passes through binary floating point.
    Convert with ``Money(row.amount)`` where a value crosses into core.
    """

    # What django-stubs checks assignments and reads against.
    # Wider than DecimalField's on purpose: it takes Money too (and still no float).
    _pyi_private_set_type: Money | Decimal | int | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_digits") == 12:
            del kwargs["max_digits"]
        if kwargs.get("decimal_places") == 2:
            del kwargs["decimal_places"]
        return name, path, args, kwargs

    def to_python(self, value: Any) -> Any:
        if value is None or value == "":
            return super().to_python(value)
        if isinstance(value, Money):
            return value.amount
        if isinstance(value, float):
            raise ValidationError(f"{self.name}: amounts must not be floats", code="float")
        try:
            return Money(value).amount if not isinstance(value, Decimal) else value
        except MoneyError as exc:
            raise ValidationError(f"{self.name}: {exc}", code="invalid") from None

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Money):
            value = value.amount
        if isinstance(value, float):
            raise TypeError(f"{self.name}: refusing to store a float amount")
        return super().get_prep_value(value)


_CENT = Decimal("0.01")


def _cents_to_dollars(value: Any, expression: Any, connection: Any) -> Decimal | None:
    if value is None:
        return None
    # Whole cents: exact as int, Decimal, or a float with no fraction (below 2**53).
    return (Decimal(value) / 100).quantize(_CENT)


class MoneySum(models.Sum):
    """The sum of an amount column as an exact ``Decimal`` with cents, on every database.

    ``MoneySum("amount")`` on SQLite adds binary floats and returns 15 significant digits
    (``89.8300000000000``, ``5.81E-14`` for a zero balance). This adds whole cents
    (``ROUND(amount * 100)``), which binary floats hold exactly, and divides by 100 in
    Python. ``None`` when there are no rows: callers say what that means (``or 0``).
    """

    def __init__(self, expression: Any, **extra: Any) -> None:
        if "default" in extra:
            # Coalesce would wrap this and its conversion would never run.
            raise TypeError("MoneySum takes no default; use `or 0` on the result")
        if isinstance(expression, str):
            expression = models.F(expression)
        super().__init__(
            Round(expression * 100),
            output_field=models.DecimalField(max_digits=20, decimal_places=2),
            **extra,
        )

    @property
    def convert_value(self) -> Any:
        return _cents_to_dollars


class CountSum(models.Sum):
    """The sum of whole numbers (how many service lines), as an ``int``; 0 when there are
    no rows. Never for amounts: those go through ``MoneySum``."""

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, output_field=models.IntegerField(), default=0, **extra)


def _digits(length: tuple[int, ...], what: str) -> RegexValidator:
    pattern = "|".join(rf"\d{{{n}}}" for n in length)
    return RegexValidator(re.compile(rf"^(?:{pattern})$"), f"{what}", code="invalid")


zip_validator = _digits((5, 9), "ZIP code: 5 or 9 digits (ZIP+4 without the dash)")


def birth_date_validator(value: datetime.date | None) -> None:
    """A birth date that has happened (a date typed a century off, or in the wrong field,
    would age every claim's patient wrongly)."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            "A birth date cannot be in the future (%(day)s).",
            code="future",
            params={"day": value.strftime("%m/%d/%Y")},
        )


def state_validator(value: str) -> None:
    """A US state's, territory's or armed forces' two-letter code (USPS)."""
    if value and value.upper() not in STATE_CODES:
        raise ValidationError(
            "Not a US state: use its two-letter code (WI, PR, DC; AA, AE or AP for APO/FPO).",
            code="invalid",
        )


zip9_validator = _digits((9,), "ZIP+4: 9 digits without the dash")


def npi_validator(value: str) -> None:
    """Ten digits whose last is the check digit (Luhn over 80840 and the first nine)."""
    if not value.isdigit() or len(value) != 10:
        raise ValidationError("An NPI is 10 digits.", code="invalid")
    if not npi_is_valid(value):
        raise ValidationError(
            "This NPI fails its check digit: look for a mistyped or swapped digit.",
            code="check_digit",
        )


def taxonomy_validator(value: str) -> None:
    """A NUCC provider taxonomy code: 3 digits, 6 letters or digits, then X (207Q00000X)."""
    if not taxonomy_is_valid(value):
        raise ValidationError(
            "A taxonomy code is 10 characters as NUCC writes them: 3 digits, 6 letters or "
            "digits, then X (for example 207Q00000X).",
            code="invalid",
        )


tin_validator = _digits((9,), "TIN: 9 digits without the dash")

# What the payer is sent as it is (270, 837P): refused here, where the desk, the API and
# EHR intake all save a coverage, rather than when the payer is asked.
member_id_validator = RegexValidator(PLAN_ID, f"Member ID: {PLAN_ID_RULE}", code="invalid")
group_number_validator = RegexValidator(PLAN_ID, f"Group number: {PLAN_ID_RULE}", code="invalid")
