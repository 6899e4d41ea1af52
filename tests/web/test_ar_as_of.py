"""The A/R aging "as of" a past day: the balances as they stood at the end of that day
(only what was dated on or before it), aged to that day, on the page, in its CSV and in
the key numbers beside it."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import replace

import pytest

from medbill.core.money import Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import read_835, write_835
from medbill.web.billing import era, reports
from medbill.web.billing.ar_balances import open_balances
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Entry
from medbill.web.billing.services import post_payment

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2026, 5, 15)  # the payer's check; the visit was on 2026-03-03
BUCKETS = ["0-30", "31-60", "61-90", "91-120", "120+"]


def pay(site, user, when=PAID_ON):
    (rem,) = read_835(write_835(simulate([claim_document(site.claim)], seed=2).remittances))
    era.import_era(user, site.practice, write_835([replace(rem, payment_date=when)]), "r.835")


def reconciles(table) -> None:
    """Each row's buckets and credits add up to its total, and the rows to the TOTAL row."""
    *rows, total = table.rows
    assert total[0] == "TOTAL"
    for row in table.rows:
        assert sum((Money(c) for c in row[1:-1]), Money(0)) == Money(row[-1]), row
    for column in range(1, len(total)):
        assert sum((Money(r[column]) for r in rows), Money(0)) == Money(total[column])


def test_a_claim_paid_after_the_day_shows_its_whole_charge_as_of_that_day(world):
    site, biller = world.a, world.users["biller"]
    site.secondary.delete()  # the patient's share stays with the patient
    pay(site, biller)
    today = reports.ar_aging(site.practice, "payer")
    assert today.rows[-1][-1] != "130.00"  # paid since: not what the payer owed then

    before = reports.ar_aging(site.practice, "payer", datetime.date(2026, 4, 30))
    assert before.title == "A/R aging by payer as of 2026-04-30"
    (row, total) = before.rows
    assert row[0] == site.payer.name
    assert dict(zip(BUCKETS, row[1:6], strict=True))["31-60"] == "130.00"  # 58 days old
    assert row[-1] == total[-1] == "130.00"
    reconciles(before)
    # Aged to the day asked about: four weeks after the visit it was 0-30 days old.
    (row, _) = reports.ar_aging(site.practice, "payer", datetime.date(2026, 3, 31)).rows
    assert row[1] == "130.00" and row[-1] == "130.00"
    # Before the visit nothing was owed; the patient owed nothing before the payer paid.
    assert reports.ar_aging(site.practice, "payer", datetime.date(2026, 3, 2)).rows == [
        ["TOTAL", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"]
    ]
    assert reports.ar_aging(site.practice, "patient", datetime.date(2026, 5, 14)).rows[-1][-1] == (
        "0.00"
    )
    # From the day of the check on, the balances are today's (aged to the day asked about).
    on_the_day = reports.ar_aging(site.practice, "payer", PAID_ON)
    assert [r[-1] for r in on_the_day.rows] == [r[-1] for r in today.rows]
    patients = reports.ar_aging(site.practice, "patient", PAID_ON)
    (row, total) = patients.rows
    assert row[3] == row[-1] == reports.ar_aging(site.practice, "patient").rows[-1][-1]  # 61-90
    assert Money(row[-1]) > Money(0)
    reconciles(patients)


def test_credits_and_payments_on_account_count_from_their_day(world):
    site, biller = world.a, world.users["biller"]
    site.secondary.delete()
    pay(site, biller, datetime.date(2026, 4, 2))
    owed = Money(reports.ar_aging(site.practice, "patient").rows[-1][-1])
    assert owed > Money(0)
    # A payment on account (no claim), larger than what is owed, two weeks later.
    post_payment(biller, site.patient, "500.00", effective_date=datetime.date(2026, 4, 16))
    then = reports.ar_aging(site.practice, "patient", datetime.date(2026, 4, 10))
    (row, total) = then.rows
    assert row[-2] == "0.00" and Money(row[-1]) == owed  # no credit yet
    now = reports.ar_aging(site.practice, "patient", datetime.date(2026, 4, 20))
    (row, total) = now.rows
    assert Money(row[-2]) == Money("-500.00") and Money(row[-1]) == owed - Money("500.00")
    reconciles(then)
    reconciles(now)
    rows = open_balances(site.practice, Entry.Responsibility.PATIENT, datetime.date(2026, 4, 10))
    assert [(r.claim_id, Money.from_cents(r.cents)) for r in rows] == [(site.claim.pk, owed)]
    assert rows[0].date_of_service == datetime.date(2026, 3, 3)


def test_the_page_its_csv_and_the_key_numbers_are_as_of_the_day(world, client_for):
    site, biller = world.a, world.users["biller"]
    site.secondary.delete()
    pay(site, biller)
    client = client_for(world.users["manager"])
    page = client.get("/reports/", {"as_of": "2026-04-30"})
    html = page.content.decode()
    payers = html.split('id="ar-payer"')[1].split("</section>")[0]
    assert ">$130.00</td>" in payers
    kpis = html.split('id="kpis"')[1].split("</section>")[0]
    assert "total A/R" in kpis and ">$130.00</td>" in kpis
    assert ">$0.00</td>" in kpis.split(">payments</td>")[1].split("</tr>")[0]

    data = client.get("/reports/", {"csv": "ar-payer", "as_of": "2026-04-30"}).content.decode()
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0] == ["payer", *BUCKETS, "credits", "total"]
    assert rows[1][0] == site.payer.name and rows[1][2] == "130.00" and rows[-1][-1] == "130.00"
    numbers = {
        r[0]: r[1]
        for r in csv.reader(
            io.StringIO(client.get("/reports/", {"csv": "kpis", "as_of": "2026-04-30"}).text)
        )
    }
    assert numbers["total A/R"] == "130.00" and numbers["charges"] == "130.00"
    assert numbers["payments"] == "0.00" and numbers["contractual adjustments"] == "0.00"
    # Today's key numbers count the check.
    today = {r[0]: r[1] for r in reports.kpis(site.practice).rows}
    assert Money(today["payments"]) > Money(0)


def test_the_first_pass_rate_counts_the_answers_dated_by_the_day(world):
    site = world.a
    site.secondary.delete()
    pay(site, world.users["biller"])  # the payer's check of PAID_ON
    day_before = PAID_ON - datetime.timedelta(days=1)
    before = {r[0]: r for r in reports.kpis(site.practice, day_before).rows}
    after = {r[0]: r for r in reports.kpis(site.practice, PAID_ON).rows}
    assert before["first-pass rate %"][1:] == [
        "",
        "0 of 0 adjudicated claims paid on the first remittance",
    ]
    assert after["first-pass rate %"][2].startswith("1 of 1 ")
    assert before["denials"][1] == after["denials"][1] == "0"
