"""The financial dashboard: numbers by month from the ledger, charts, tables and CSV files."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from medbill.core.payersim import simulate
from medbill.core.x12.m835 import Adjustment, read_835, write_835
from medbill.web.billing import dashboard, era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.billing.remittance_models import Remittance, RemittanceClaim
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 4, 20)
URL = "/financials/?as_of=2026-04-20&months=6"


def _entry(site, kind, amount, on, *, claim=True, group="", who="payer"):
    Entry.objects.create(
        practice=site.practice,
        patient=site.patient,
        kind=kind,
        amount=Decimal(amount),
        responsibility=who,
        claim=site.claim if claim else None,
        payer=site.payer if who == "payer" else None,
        effective_date=on,
        group_code=group,
    )


@pytest.fixture
def ledger(world):
    site = world.a
    _entry(site, "charge", "100.00", datetime.date(2025, 10, 15), claim=False, who="patient")
    _entry(site, "charge", "300.00", datetime.date(2026, 2, 3))
    _entry(site, "payment", "-120.00", datetime.date(2026, 2, 20))
    _entry(site, "adjustment", "-80.00", datetime.date(2026, 2, 20), group="CO")
    _entry(site, "payment", "-50.00", datetime.date(2026, 3, 9), who="patient")
    _entry(site, "adjustment", "-10.00", datetime.date(2026, 3, 9), group="OA")
    return site


def _rows(table):
    return {row[0]: row[1:] for row in table.rows}


def test_charges_payments_adjustments_and_net_collection_by_month(ledger):
    months = dashboard.months_ending(AS_OF, 6)
    table = _rows(dashboard.collections_by_month(ledger.practice, months))
    assert list(table) == ["Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]
    assert table["Feb 2026"] == ["300.00", "120.00", "80.00", "0.00", "54.5"]
    assert table["Mar 2026"] == ["0.00", "50.00", "0.00", "10.00", ""]
    assert table["Nov 2025"] == ["0.00", "0.00", "0.00", "0.00", ""]


def test_days_in_ar_at_each_month_end(ledger):
    table = _rows(dashboard.days_in_ar_by_month(ledger.practice, dashboard.months_ending(AS_OF, 6)))
    # The October charge is before the window: in the opening balance and in November's
    # three months of charges (Sep + Oct + Nov = 91 days).
    assert table["Nov 2025"] == ["100.00", "100.00", "91.0"]
    assert table["Feb 2026"] == ["200.00", "300.00", "60.0"]
    assert table["Mar 2026"] == ["140.00", "300.00", "42.0"]
    # April is the month of the as-of day (the 20th): 20 of its days count, as the key
    # numbers' average counts only the days so far (Feb 28 + Mar 31 + Apr 20 = 79 days).
    assert table["Apr 2026"] == ["140.00", "300.00", "36.9"]


def test_payer_mix_counts_charges_of_the_window_by_the_claims_payer(ledger):
    table = dashboard.payer_mix(ledger.practice, dashboard.months_ending(AS_OF, 6))
    assert table.rows == [["Lakeland Commercial Insurance", "300.00", "100.0"]]
    wider = dashboard.payer_mix(ledger.practice, dashboard.months_ending(AS_OF, 12))
    assert wider.rows[1] == ["Self-pay", "100.00", "25.0"]


def _denied_era(world):
    site = world.a
    (rem,) = read_835(write_835(simulate([claim_document(site.claim)], seed=2).remittances))
    claim = rem.claims[0]
    svc = replace(
        claim.services[0],
        paid=claim.services[0].paid * 0,
        adjustments=(Adjustment("CO", "16", claim.services[0].charge),),
        remarks=(("HE", "MA130"),),
        amounts=(),
    )
    denied = replace(
        claim, status="4", paid=claim.paid * 0, patient_responsibility=None, services=(svc,)
    )
    data = write_835(
        [replace(rem, claims=(denied,), total_paid=rem.total_paid * 0, method="NON", handling="H")]
    )
    era.import_era(world.users["biller"], site.practice, data, "d.835")


def test_denial_rate_by_month_of_the_remittance(world):
    _denied_era(world)  # one claim of one 130.00 line, denied
    remittance = Remittance.objects.get(practice=world.a.practice)
    paid_on = remittance.payment_date
    assert paid_on is not None and paid_on.replace(day=1) != timezone.localdate().replace(day=1)
    table = dashboard.denial_rate_by_month(world.a.practice, dashboard.months_ending(paid_on, 3))
    denied_in_full = ["1", "1", "1", "1", "100.0", "130.00", "130.00", "100.0"]
    assert table.rows[-1][1:] == denied_in_full
    assert table.rows[0][1:] == ["0", "0", "0", "0", "", "0.00", "0.00", ""]
    by_payer = dashboard.denial_rate_by_payer(world.a.practice, dashboard.months_ending(paid_on, 3))
    assert [row[1:] for row in by_payer.rows] == [denied_in_full]
    assert (
        dashboard.denial_rate_by_payer(
            world.a.practice,
            dashboard.months_ending(paid_on.replace(day=1) - datetime.timedelta(days=1), 3),
        ).rows
        == []
    )
    # Without the payer's date, the day it was posted counts.
    remittance.payment_date = None
    remittance.save()
    now = dashboard.months_ending(timezone.localdate(), 3)
    assert dashboard.denial_rate_by_month(world.a.practice, now).rows[-1][1:] == denied_in_full


def _claim_of(site, number, lines):
    """A claim of ``lines`` ((code, charge), ...) on a visit of its own."""
    visit = Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=site.visit.scheduled_at,
        status=Visit.Status.CHECKED_OUT,
    )
    claim = Claim.objects.create(
        practice=site.practice,
        visit=visit,
        patient=site.patient,
        coverage=site.coverage,
        payer=site.payer,
        patient_control_number=number,
        diagnoses=["J020"],
    )
    for n, (code, charge) in enumerate(lines, start=1):
        ClaimLine.objects.create(
            practice=site.practice,
            claim=claim,
            line_number=n,
            code=code,
            charge=Decimal(charge),
            dx_pointers=[1],
            date_of_service=visit.date_of_service,
        )
    return claim


def test_the_denial_rate_counts_service_lines_and_dollars(world, client_for):
    """A visit, a strep test and a blood draw with the strep test denied (one line of
    three, 32.00 of 180.00), and a claim of two lines denied as a whole (50.00)."""
    site = world.a
    three = _claim_of(
        site, "CVFP-000201", [("99213", "130.00"), ("87880", "32.00"), ("36415", "18.00")]
    )
    two = _claim_of(site, "CVFP-000202", [("87880", "32.00"), ("36415", "18.00")])
    (rem,) = read_835(
        write_835(simulate([claim_document(three), claim_document(two)], seed=3).remittances)
    )
    paid_three, paid_two = sorted(rem.claims, key=lambda c: c.claim_id)
    visit, strep, draw = paid_three.services
    money = visit.paid * 0  # a zero of the reader's money type
    services = (
        replace(
            visit,
            paid=visit.charge - 30,
            adjustments=(Adjustment("CO", "45", money + 30),),
            amounts=(),
        ),
        replace(
            strep,
            paid=money,
            adjustments=(Adjustment("CO", "16", strep.charge),),
            remarks=(("HE", "MA130"),),
            amounts=(),
        ),
        replace(draw, paid=draw.charge, adjustments=(), amounts=()),
    )
    partly = replace(
        paid_three,
        status="1",
        paid=sum((s.paid for s in services), money),
        patient_responsibility=None,
        adjustments=(),
        services=services,
    )
    whole = replace(
        paid_two,
        status="4",
        paid=money,
        patient_responsibility=None,
        adjustments=(Adjustment("CO", "16", paid_two.charge),),
        services=(),
    )
    data = write_835([replace(rem, claims=(partly, whole), total_paid=partly.paid)])
    (answer,) = era.import_era(world.users["biller"], site.practice, data, "lines.835").sets
    assert answer.status == "posted", answer.reasons
    months = dashboard.months_ending(Remittance.objects.get().payment_date, 2)
    table = dashboard.denial_rate_by_month(site.practice, months)
    assert dict(zip(table.header, table.rows[-1], strict=True)) == {
        "month": table.rows[-1][0],
        "claims answered": "2",
        "claims denied": "1",
        "lines answered": "5",
        "lines denied": "3",  # the strep test, and both lines of the claim denied whole
        "denial rate by lines %": "60.0",
        "charges answered": "230.00",
        "amount denied": "82.00",
        "denial rate by dollars %": "35.7",  # 82 / 230
    }
    assert table.money == {6, 7} and "by lines" in table.title and "by dollars" in table.title
    (payer_row,) = dashboard.denial_rate_by_payer(site.practice, months).rows
    assert payer_row == [site.payer.name, *table.rows[-1][1:]]
    as_of = months.end.isoformat()
    page = client_for(world.users["manager"]).get(f"/financials/?as_of={as_of}&months=12")
    html = page.content.decode()
    section = html[html.index('id="denial-rate"') :]
    section = section[: section.index("</section>")]
    for words in ("Denial rate by lines %", "Denial rate by dollars %", "service lines denied"):
        assert words in section
    assert '<td class="num">$230.00</td>' in section and '<td class="num">$82.00</td>' in section


def test_the_denials_chart_covers_the_months_shown(world, client_for):
    _denied_era(world)
    paid_on = Remittance.objects.get().payment_date
    shown = dashboard.denials_in(world.a.practice, dashboard.months_ending(paid_on, 12))
    assert [row[:2] + row[3:5] for row in shown.rows] == [
        [world.a.payer.name, "CO-16", "1", "130.00"]
    ]
    before = dashboard.months_ending(paid_on.replace(day=1) - datetime.timedelta(days=1), 24)
    assert dashboard.denials_in(world.a.practice, before).rows == []
    client = client_for(world.users["manager"])
    page = client.get(f"/financials/?as_of={before.end.isoformat()}&months=24").content.decode()
    section = page[page.index('id="denials"') :]
    section = section[: section.index("</section>")]
    assert "CO-16" not in section and "Nothing to show." in section
    assert 'href="/reports/#denials"' in section  # every denial, on the A/R reports page
    assert "CO-16" in client.get("/reports/").content.decode()


@pytest.mark.parametrize("role", ["biller", "manager", "admin", "auditor"])
def test_roles_with_reports_see_the_dashboard(world, client_for, role):
    assert client_for(world.users[role]).get(URL).status_code == 200


@pytest.mark.parametrize("role", ["front_desk", "coder"])
def test_other_roles_are_refused(world, client_for, role):
    client = client_for(world.users[role])
    assert client.get(URL).status_code == 403
    assert client.get(URL + "&csv=collections").status_code == 403


def test_the_page_shows_each_chart_with_its_table_in_dollars(ledger, client_for, world):
    page = client_for(world.users["manager"]).get(URL).content.decode()
    assert page.count('<svg class="chart') == 10
    for key in (
        "collections",
        "denial-rate",
        "denial-causes",
        "denial-rate-payer",
        "denials",
        "days-in-ar",
        "payer-mix",
        "ar-aging",
    ):
        assert f'id="{key}"' in page and f"?csv={key}&amp;" in page
    assert '<td class="num">$300.00</td>' in page and '<td class="num">$120.00</td>' in page
    assert "300.00</td>" not in page.replace("$300.00</td>", "")  # amounts only as dollars
    assert "style=" not in page.split('<main class="page">')[1]
    assert "<script>" not in page


def test_csv_files_carry_the_table_and_are_audited(ledger, client_for, world):
    client = client_for(world.users["biller"])
    response = client.get(URL + "&csv=collections")
    assert response["Content-Type"] == "text/csv"
    assert 'filename="collections.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "month",
        "charges",
        "payments",
        "contractual adjustments",
        "other adjustments",
        "net collection %",
    ]
    assert ["Feb 2026", "300.00", "120.00", "80.00", "0.00", "54.5"] in rows
    aging = list(csv.reader(io.StringIO(client.get(URL + "&csv=ar-aging").content.decode())))
    assert aging[0][0] == "payer" and aging[-1][0] == "TOTAL"
    events = AuditEvent.objects.filter(action="export", source="web dashboard")
    assert sorted(e.detail["report"] for e in events) == ["ar-aging", "collections"]


def test_queries_do_not_grow_with_the_ledger(world, client_for):
    client = client_for(world.users["manager"])

    def add_a_month_of_postings(month):
        for day in (3, 13, 23):
            _entry(world.a, "charge", "10.00", datetime.date(2026, month, day))
            _entry(world.a, "payment", "-4.00", datetime.date(2026, month, day))

    add_a_month_of_postings(1)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for month in range(2, 5):
        add_a_month_of_postings(month)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
    ledger_reads = [q for q in many.captured_queries if '"billing_entry"' in q["sql"]]
    assert len(ledger_reads) <= 5  # by month, opening balance, payer mix, aging


def test_net_collection_has_no_rate_when_nothing_net_was_charged(ledger, client_for, world):
    """April: a write-down of February's charges and a refund, no new charges. A rate over
    zero or less net charges would be meaningless; the page says what the rate is."""
    _entry(ledger, "adjustment", "-40.00", datetime.date(2026, 4, 2), group="CO")
    _entry(ledger, "refund", "30.00", datetime.date(2026, 4, 3), who="patient")
    _entry(ledger, "charge", "100.00", datetime.date(2026, 1, 5))
    _entry(ledger, "refund", "60.00", datetime.date(2026, 1, 6), who="patient")
    table = _rows(
        dashboard.collections_by_month(ledger.practice, dashboard.months_ending(AS_OF, 6))
    )
    assert table["Apr 2026"][-1] == ""  # charges 0 - contractual 40: no rate
    assert table["Jan 2026"][-1] == "-60.0"  # refunds beyond payments: below zero
    page = client_for(world.users["manager"]).get(URL).content.decode()
    assert "Net collection rate = payments (less refunds)" in page
    assert "zero or less" in page


def test_payer_names_with_commas_are_whole_in_chart_table_and_csv(ledger, client_for, world):
    name = "Medicare Part B (Novitas Solutions, JL Pennsylvania)"
    ledger.payer.name = name
    ledger.payer.save()
    client = client_for(world.users["manager"])
    page = client.get(URL).content.decode()
    section = page[page.index('id="payer-mix"') :]
    section = section[: section.index("</section>")]
    assert f"<td>{name}</td>" in section
    chart = section[: section.index("</svg>")]
    # The label is broken between words onto two lines, the whole name in its title.
    assert "Medicare Part B (Novitas</tspan>" in chart
    assert "Solutions, JL Pennsylvania)</tspan>" in chart
    assert f'<text class="label" x="222" y="15" text-anchor="end"><title>{name}</title>' in chart
    rows = list(csv.reader(io.StringIO(client.get(URL + "&csv=payer-mix").content.decode())))
    assert rows[1][0] == name


def test_denials_by_root_cause_each_month_on_the_dashboard(world, client_for):
    _denied_era(world)  # one denied claim, posted today, paid (BPR16) months earlier
    paid_on = RemittanceClaim.objects.get().remittance.payment_date
    assert paid_on.replace(day=1) != timezone.localdate().replace(day=1)
    # Counted in the month of the payer's answer, as the denial rate is, not the posting's.
    months = dashboard.months_ending(paid_on, 3)
    table = dashboard.denials_by_cause_by_month(world.a.practice, months)
    assert table.header[0] == "month" and len(table.header) == 2
    assert [row[1] for row in table.rows] == ["0", "0", "1"]
    recent = dashboard.denials_by_cause_by_month(
        world.a.practice, dashboard.months_ending(timezone.localdate(), 3)
    )
    assert all(row[1:] == ["0"] * (len(row) - 1) for row in recent.rows)
    page = client_for(world.users["manager"]).get("/financials/").content.decode()
    assert "Denials by root cause" in page
    empty = dashboard.denials_by_cause_by_month(world.b.practice, months)
    assert empty.header == ["month"] and all(row == [row[0]] for row in empty.rows)
