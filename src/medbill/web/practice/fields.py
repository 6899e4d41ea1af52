"""Model fields shared by every app."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from medbill.core.money import Money, MoneyError

__all__ = ["MoneyField", "zip_validator", "zip9_validator", "npi_validator", "tin_validator"]


class MoneyField(models.DecimalField):
    """Dollars with cents: ``DecimalField(max_digits=12, decimal_places=2)``.

    Reads back as ``Decimal``; accepts ``Money``, ``Decimal``, ``int`` and ``str`` on the way in
    and refuses floats, so an amount never passes through binary floating point.
    Convert with ``Money(row.amount)`` where a value crosses into core.
    """

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


def _digits(length: tuple[int, ...], what: str) -> RegexValidator:
    pattern = "|".join(rf"\d{{{n}}}" for n in length)
    return RegexValidator(re.compile(rf"^(?:{pattern})$"), f"{what}", code="invalid")


zip_validator = _digits((5, 9), "ZIP code: 5 or 9 digits (ZIP+4 without the dash)")
zip9_validator = _digits((9,), "ZIP+4: 9 digits without the dash")
npi_validator = _digits((10,), "NPI: 10 digits")
tin_validator = _digits((9,), "TIN: 9 digits without the dash")
