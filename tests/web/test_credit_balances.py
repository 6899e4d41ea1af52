"""A patient who paid more than they owe has a credit, shown as one: "Credit $45.01", never
"owes -$45.01"; and a patient's credit is never netted against what an insurer owes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from medbill.core.money import Money
from medbill.web.billing.models import Entry
from medbill.web.practice.templatetags.money import balance

pytestmark = pytest.mark.django_db


def put(site, amount: str, responsibility: str, kind: str = "payment") -> None:
    Entry.objects.create(
        practice=site.practice,
        patient=site.patient,
        kind=kind,
        amount=Decimal(amount),
        responsibility=responsibility,
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("-45.01"), "Credit $45.01"),
        (Decimal("12"), "$12.00"),
        (Decimal("0"), "$0.00"),
        (Money("-1234.5"), "Credit $1,234.50"),
        (None, ""),
    ],
)
def test_the_balance_filter(value, shown):
    assert balance(value) == shown


def test_the_account_page_shows_a_credit(world, client_for):
    site = world.a
    put(site, "-45.01", "patient")
    put(site, "45.01", "payer", kind="charge")
    page = (
        client_for(world.users["biller"])
        .get(reverse("show_account", args=[site.patient.pk]))
        .content.decode()
    )
    assert '<dd id="patient-balance">Credit $45.01</dd>' in page
    assert '<dd id="insurance-balance">$45.01</dd>' in page
    assert "-$45.01</dd>" not in page
    patient = (
        client_for(world.users["front_desk"])
        .get(reverse("show_patient", args=[site.patient.pk]))
        .content.decode()
    )
    assert "Credit $45.01" in patient and "-$45.01</dd>" not in patient


def test_the_accounts_list_keeps_patient_and_insurance_apart(world, client_for):
    site = world.a
    put(site, "-45.01", "patient")
    put(site, "45.01", "payer", kind="charge")  # nets to zero: the account used to vanish
    page = client_for(world.users["biller"]).get(reverse("list_accounts")).content.decode()
    row = page[page.index(site.patient.account_number) :]
    row = row[: row.index("</tr>")]
    assert ">Credit $45.01</td>" in row and ">$45.01</td>" in row
    assert "-$45.01" not in page
