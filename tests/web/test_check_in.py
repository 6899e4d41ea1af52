"""Check-in and check-out: today's queue, copay with a receipt, refunds, the desk report,
and the visit handed to coding with the desk's flags and a follow-up."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from desk_support import simulator, visit_today
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from medbill.web.billing.models import Entry
from medbill.web.billing.services import balance_of
from medbill.web.frontdesk.models import Visit
from medbill.web.frontdesk.services import collect_payment, desk_day, refund_payment
from medbill.web.practice.errors import ServiceError


def test_the_queue_lists_todays_appointments(world, client_for):
    visit = visit_today(world.a)
    visit_today(world.b)
    page = client_for(world.users["front_desk"]).get(reverse("desk_queue"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-visit="{visit.pk}"' in html
    assert html.count('class="visit-row') == 1
    assert "1</strong> to arrive" in html


def test_check_in_shows_eligibility_paperwork_and_the_copay(world, client_for):
    visit = visit_today(world.a)
    client = client_for(world.users["front_desk"])
    with simulator(world.a):
        client.post(
            reverse("check_eligibility", args=[world.a.patient.pk]),
            {"visit": visit.pk, "next": reverse("check_in_visit", args=[visit.pk])},
        )
    page = client.get(reverse("check_in_visit", args=[visit.pk]))
    html = page.content.decode()
    assert "Active · copay $25" in html
    assert "$25.00 due" in html
    assert "to sign" in html
    response = client.post(reverse("check_in_visit", args=[visit.pk]))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CHECKED_IN and visit.checked_in_at is not None
    twice = client.post(reverse("check_in_visit", args=[visit.pk]), follow=True)
    assert "was not waiting to be checked in" in twice.content.decode()


def test_the_copay_goes_on_the_ledger_with_a_receipt(world, client_for):
    visit = visit_today(world.a)
    client = client_for(world.users["front_desk"])
    before = balance_of(world.a.patient)
    response = client.post(
        reverse("collect_payment", args=[visit.pk]),
        {
            "amount": "$25.00",
            "method": "card",
            "reference": "Visa 4242 auth 01923",
            "kind": "copay",
        },
        follow=True,
    )
    assert "$25.00 received" in response.content.decode()
    entry = Entry.objects.get(source="desk")
    assert entry.amount == Decimal("-25.00") and entry.visit == visit
    assert entry.kind == "payment" and entry.source_ref == "copay"
    assert entry.created_by == world.users["front_desk"]
    assert balance_of(world.a.patient) == before - Decimal(25)
    receipt = client.get(reverse("show_receipt", args=[entry.pk]))
    assert receipt["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(receipt.content)).pages[0].extract_text()
    assert f"R{entry.pk:07d}" in text and "25.00" in text
    page = client.get(reverse("check_in_visit", args=[visit.pk])).content.decode()
    assert f"R{entry.pk:07d}" in page


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            {"amount": "12", "method": "card", "reference": "4111 1111 1111 1111"},
            "last four digits only",
        ),
        ({"amount": "12", "method": "check", "reference": ""}, "the check number is needed"),
        ({"amount": "12", "method": "bitcoin"}, "expected cash, check or card"),
        ({"amount": "0", "method": "cash"}, "must be more than zero"),
        ({"amount": "twelve", "method": "cash"}, "not an amount"),
    ],
)
def test_bad_desk_payments_are_refused_by_field(world, client_for, data, problem):
    visit = visit_today(world.a)
    client = client_for(world.users["front_desk"])
    response = client.post(reverse("collect_payment", args=[visit.pk]), data, follow=True)
    assert response.status_code == 422
    assert problem in response.content.decode().lower()
    assert not Entry.objects.filter(source="desk").exists()


def test_a_refund_is_a_reversing_entry_and_needs_the_right_role(world, client_for):
    visit = visit_today(world.a)
    paid = collect_payment(world.users["front_desk"], world.a.patient, "40", "cash", visit=visit)
    desk = client_for(world.users["front_desk"])
    assert (
        desk.post(reverse("refund_payment", args=[paid.pk]), {"reason": "overpaid"}).status_code
        == 403
    )
    manager = client_for(world.users["manager"])
    manager.post(reverse("refund_payment", args=[paid.pk]), {"reason": "copay is $25"})
    refund = Entry.objects.get(reverses=paid)
    assert refund.kind == "refund" and refund.amount == Decimal("40.00")
    assert refund.visit == visit
    with pytest.raises(ServiceError, match="already refunded"):
        refund_payment(world.users["manager"], paid, "again")
    receipt = manager.get(reverse("show_receipt", args=[refund.pk]))
    assert "refund of receipt" in PdfReader(io.BytesIO(receipt.content)).pages[0].extract_text()


def test_the_desk_report_adds_up_by_method_and_user(world, client_for):
    visit = visit_today(world.a)
    collect_payment(world.users["front_desk"], world.a.patient, "25", "cash", visit=visit)
    collect_payment(
        world.users["front_desk"], world.a.patient, "30", "check", reference="1042", visit=visit
    )
    card = collect_payment(
        world.users["biller"], world.a.patient, "15.50", "card", kind="balance", reference="MC 5454"
    )
    refund_payment(world.users["manager"], card, "charged twice")
    day = desk_day(world.a.practice, timezone.localdate())
    report = day.report
    assert str(report.by_method["cash"]) == "25.00"
    assert str(report.by_method["check"]) == "30.00"
    assert str(report.by_method["card"]) == "0.00"
    assert str(report.refunds) == "-15.50" and str(report.total) == "55.00"
    assert str(report.by_user["biller"]["card"]) == "15.50"
    assert report.count == 4
    page = client_for(world.users["manager"]).get(reverse("desk_report"))
    assert "$55.00" in page.content.decode()


def test_check_out_sends_the_visit_to_coding_and_books_the_follow_up(world, client_for):
    visit = visit_today(world.a, status=Visit.Status.CHECKED_IN)
    client = client_for(world.users["front_desk"])
    day = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client.post(
        reverse("check_out_visit", args=[visit.pk]),
        {
            "desk_note": "Injury at work: ask about the employer's claim number",
            "follow_up_on": day,
            "follow_up_time": "10:40",
            "follow_up_reason": "Recheck ear",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CHECKED_OUT and visit.checked_out_at is not None
    assert "employer" in visit.desk_note
    follow_up = visit.follow_ups.get()
    assert follow_up.status == Visit.Status.SCHEDULED and follow_up.reason == "Recheck ear"
    assert timezone.localtime(follow_up.scheduled_at).strftime("%Y-%m-%d %H:%M") == (f"{day} 10:40")
    # The coding queue is the visits list filtered by checked-out status.
    queue = client_for(world.users["coder"]).get(reverse("list_visits") + "?status=checked_out")
    assert f"/visits/{visit.pk}/" in queue.content.decode()
    page = client_for(world.users["coder"]).get(reverse("show_visit", args=[visit.pk]))
    assert "employer" in page.content.decode()
    again = client.post(reverse("check_out_visit", args=[visit.pk]), {"desk_note": ""})
    assert "only a checked-in visit can be checked out" in again.content.decode()


def test_a_follow_up_in_the_past_is_refused(world, client_for):
    visit = visit_today(world.a, status=Visit.Status.CHECKED_IN)
    response = client_for(world.users["front_desk"]).post(
        reverse("check_out_visit", args=[visit.pk]),
        {"follow_up_on": "2020-01-01", "follow_up_time": "09:00"},
    )
    page = response.content.decode()
    assert (
        'name="follow_up_on" value="2020-01-01"><span class="error" id="follow-up-error">'
        "The follow-up must be in the future</span>"
    ) in page
    assert "follow_up_at" not in page
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CHECKED_IN


def test_other_practices_visits_are_404(world, client_for):
    visit = visit_today(world.b)
    client = client_for(world.users["front_desk"])
    assert client.get(reverse("check_in_visit", args=[visit.pk])).status_code == 404
    assert (
        client.post(
            reverse("collect_payment", args=[visit.pk]), {"amount": "5", "method": "cash"}
        ).status_code
        == 404
    )


def test_the_desk_books_a_visit_and_lands_on_check_in(world, client_for):
    client = client_for(world.users["front_desk"])
    url = reverse("book_visit", args=[world.a.patient.pk])
    assert "Book a visit" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "on": timezone.localdate().isoformat(),
            "at": "15:20",
            "provider": world.a.provider.pk,
            "location": world.a.location.pk,
            "reason": "Cough",
            "minutes": "20",
        },
    )
    visit = Visit.objects.get(reason="Cough")
    assert response["Location"] == reverse("check_in_visit", args=[visit.pk])
    assert visit.duration_minutes == 20 and visit.status == Visit.Status.SCHEDULED
    foreign = client.post(
        url,
        {
            "on": "2030-01-02",
            "at": "09:00",
            "provider": world.b.provider.pk,
            "location": world.a.location.pk,
        },
    )
    assert "Not one of this practice&#x27;s" in foreign.content.decode()
    too_long = client.post(
        url,
        {
            "on": "2030-01-02",
            "at": "09:00",
            "provider": world.a.provider.pk,
            "location": world.a.location.pk,
            "minutes": "600",
        },
    ).content.decode()
    # In words, next to the input it is about, never the model's field name.
    assert "duration_minutes" not in too_long
    assert (
        'name="minutes" value="600" inputmode="numeric"><span class="error" '
        'id="minutes-error">Between 5 and 240 minutes</span>'
    ) in too_long


def test_checking_out_a_past_days_visit_goes_back_to_that_day(world, client_for):
    visit = visit_today(world.a, status=Visit.Status.CHECKED_IN)
    earlier = timezone.localdate() - datetime.timedelta(days=3)
    Visit.objects.filter(pk=visit.pk).update(
        scheduled_at=visit.scheduled_at - datetime.timedelta(days=3)
    )
    client = client_for(world.users["front_desk"])
    response = client.post(reverse("check_out_visit", args=[visit.pk]), {"desk_note": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('desk_queue')}?on={earlier.isoformat()}"
    today = visit_today(world.a, hour=11, status=Visit.Status.CHECKED_IN)
    response = client.post(reverse("check_out_visit", args=[today.pk]), {"desk_note": ""})
    assert response["Location"] == reverse("desk_queue")


def test_the_desk_report_lists_money_taken_in_with_the_sign_of_its_total(world, client_for):
    visit = visit_today(world.a)
    collect_payment(world.users["front_desk"], world.a.patient, "15", "cash", visit=visit)
    collect_payment(
        world.users["front_desk"], world.a.patient, "1000", "check", kind="balance", reference="77"
    )
    page = client_for(world.users["manager"]).get(reverse("desk_report")).content.decode()
    rows = page.split('id="desk-total"')[1]
    assert '<td class="num">$15.00</td>' in rows
    assert '<td class="num">$1,000.00</td>' in rows
    assert "-$15.00" not in rows and "−$15.00" not in rows
    assert ">$1,015.00<" in page
