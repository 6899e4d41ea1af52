"""The one way a page shows an amount: ``{{ value|money }}`` → ``$1,234.56`` / ``-$12.00``;
an account balance ``{{ value|balance }}`` → ``$12.00`` owed or ``Credit $45.01``.

Registered as a template builtin, so every template has it without ``{% load %}``. Values
come from model fields (Decimal), aggregates (Decimal, or a float on SQLite when a query
forgot its output field) and core ``Money``; each is shown with exactly two decimals.
A float is converted through its shortest text (``repr``), never through binary
expansion, so ``89.83000000000001`` shows as ``$89.83``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from medbill.core.money import Money, MoneyError

register = template.Library()


def as_money(value: object) -> Money | None:
    """``value`` as Money, or None for an empty value or one that is not an amount."""
    if value is None or value == "":
        return None
    if isinstance(value, Money):
        return value
    if isinstance(value, float):
        value = Decimal(repr(value))
    try:
        return Money(value)
    except (MoneyError, InvalidOperation, TypeError):
        return None


@register.filter(name="money")
def money(value: object, empty: str = "") -> str:
    """Dollars with cents and thousands separators; ``empty`` for a missing amount."""
    amount = as_money(value)
    return empty if amount is None else amount.format()


@register.filter(name="balance")
def balance(value: object, empty: str = "") -> str:
    """An account balance: ``$12.00`` owed, or ``Credit $45.01`` when more was paid."""
    amount = as_money(value)
    return empty if amount is None else amount.as_balance()


@register.filter(name="amount")
def amount(value: object, empty: str = "") -> str:
    """An amount without the dollar sign (``1,234.56``), for tables headed in dollars."""
    m = as_money(value)
    if m is None:
        return empty
    return f"{m.amount:,.2f}"


@register.filter(name="input_amount")
def input_amount(value: object) -> str:
    """An amount as a form field's value: ``1234.56``, what the same field accepts back."""
    m = as_money(value)
    return "" if m is None else f"{m.amount:.2f}"
