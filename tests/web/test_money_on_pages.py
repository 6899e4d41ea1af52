"""Money is exact on every page: sums in whole cents, one filter to show them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from medbill.core.money import Money
from medbill.web.billing.models import Entry
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.templatetags.money import input_amount, money

pytestmark = pytest.mark.django_db

# Amounts whose binary-float sum is not what a person adds up: 0.1 + 0.2 - 0.3 != 0.
AMOUNTS = ["0.10", "0.20", "-0.30", "89.83", "0.07", "-0.07", "1234567.89", "-1234567.89"]
MORE_THAN_CENTS = re.compile(r"\d\.\d{3,}|\d\.\d+e-?\d+", re.I)


def put(site, amounts, responsibility="patient"):
    for text in amounts:
        Entry.objects.create(
            practice=site.practice,
            patient=site.patient,
            kind="adjustment",
            amount=Decimal(text),
            responsibility=responsibility,
        )


def test_a_sum_of_amounts_is_exact_cents(world):
    put(world.a, AMOUNTS)
    total = Entry.objects.filter(patient=world.a.patient).aggregate(t=MoneySum("amount"))["t"]
    assert total == Decimal("89.83") and total.as_tuple().exponent == -2


def test_a_zero_balance_sums_to_zero_not_to_float_dust(world):
    put(world.a, ["0.10", "0.20", "-0.30"] * 7)
    rows = (
        Entry.objects.filter(patient=world.a.patient)
        .values("patient_id")
        .annotate(t=MoneySum("amount"))
    )
    assert [r["t"] for r in rows] == [Decimal("0.00")]
    assert not rows.exclude(t=0).exists()


def test_no_rows_sum_to_none_and_a_default_is_refused(world):
    assert Entry.objects.none().aggregate(t=MoneySum("amount"))["t"] is None
    assert Entry.objects.filter(pk=-1).aggregate(t=MoneySum("amount"))["t"] is None
    with pytest.raises(TypeError, match="default"):
        MoneySum("amount", default=0)


def test_the_accounts_list_shows_cents_and_leaves_settled_accounts_out(world, client_for):
    put(world.a, AMOUNTS)
    page = client_for(world.users["biller"]).get(reverse("list_accounts")).content.decode()
    assert "$89.83" in page
    assert not MORE_THAN_CENTS.search(page)
    put(world.a, ["-89.83"])
    page = client_for(world.users["biller"]).get(reverse("list_accounts")).content.decode()
    assert world.a.patient.account_number not in page


def test_the_account_page_shows_cents(world, client_for):
    put(world.a, AMOUNTS)
    url = reverse("show_account", args=[world.a.patient.pk])
    page = client_for(world.users["biller"]).get(url).content.decode()
    assert "$89.83" in page and not MORE_THAN_CENTS.search(page)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "$1,234.50"),
        (Decimal("-12"), "-$12.00"),
        (89.83000000000001, "$89.83"),
        (Decimal("5.81E-14"), "$0.00"),
        (Money("3.1"), "$3.10"),
        ("7", "$7.00"),
        (None, ""),
        ("", ""),
        ("n/a", ""),
    ],
)
def test_the_money_filter(value, shown):
    assert money(value) == shown


def test_an_amount_in_a_form_field_reads_back_as_typed():
    assert input_amount(Decimal("1234.5")) == "1234.50"
    assert input_amount(None) == ""


def test_amounts_are_summed_only_by_money_sum():
    src = Path(__file__).resolve().parents[2] / "src" / "medbill" / "web"
    plain = [
        f"{p.relative_to(src)}:{n}"
        for p in src.rglob("*.py")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"(?<!Money)\bSum\(", line)
    ]
    assert plain == [], "sum amounts with MoneySum (exact cents on SQLite too)"
