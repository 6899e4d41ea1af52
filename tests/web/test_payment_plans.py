"""Payment plans from the patient account page: start, validate, cancel, show the next due."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from medbill.core.money import Money
from medbill.web.billing.models import Entry
from medbill.web.billing.plans import cancel_plan, plan_standing, start_plan
from medbill.web.billing.remittance_models import PaymentPlan
from medbill.web.billing.services import post_payment
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def owes(world, amount="100.00"):
    site = world.a
    Entry.objects.create(
        practice=site.practice,
        patient=site.patient,
        visit=site.visit,
        kind=Entry.Kind.CHARGE,
        amount=Decimal(amount),
        responsibility=Entry.Responsibility.PATIENT,
        memo="visit balance",
    )
    return site.patient


def today():
    return timezone.localdate()


def test_it_works(world, client_for):
    patient = owes(world)
    client = client_for(world.users["front_desk"])
    first = today() + datetime.timedelta(days=10)
    response = client.post(
        f"/accounts/{patient.pk}/plans/",
        {"installments": "3", "first_due": first.isoformat(), "interval_days": "30"},
    )
    assert response.status_code == 302 and response["Location"] == f"/accounts/{patient.pk}/"
    plan = PaymentPlan.objects.get(patient=patient)
    assert (plan.total, plan.installment, plan.installments) == (
        Decimal("100.00"),
        Decimal("33.34"),
        3,
    )  # rounded up: three payments cover 100.00
    assert plan.first_due == first and plan.status == "active"
    event = AuditEvent.objects.get(object_type="billing.PaymentPlan", action="create")
    assert event.user == world.users["front_desk"]
    page = client.get(f"/accounts/{patient.pk}/").content.decode()
    assert "in good standing" in page
    assert f"no. 1: $33.34 due {first.isoformat()}" in page
    assert "Cancel plan" in page


def test_the_next_installment_follows_payments(world):
    patient, biller = owes(world), world.users["biller"]
    first = today()
    plan = start_plan(biller, patient, 4, first, installment="25.00", interval_days=14)
    standing = plan_standing(plan, today())
    assert (standing.next_number, standing.next_due, standing.next_amount) == (
        1,
        first,
        Money("25.00"),
    )
    assert standing.standing == "in good standing"  # the first is due today, not late yet
    assert plan_standing(plan, first + datetime.timedelta(days=1)).standing == "behind"
    post_payment(biller, patient, Money("35.00"), method="cash")
    standing = plan_standing(plan, first + datetime.timedelta(days=1))
    assert standing.standing == "in good standing"
    assert (standing.next_number, standing.next_due, standing.next_amount) == (
        2,
        first + datetime.timedelta(days=14),
        Money("15.00"),
    )
    assert standing.last_due == first + datetime.timedelta(days=42)
    post_payment(biller, patient, Money("65.00"), method="cash")
    done = plan_standing(plan, first)
    assert done.standing == "paid in full" and done.next_due is None


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({"installments": "4", "installment": "20.00"}, "installment", "does not cover"),
        ({"installments": "4", "installment": "60.00"}, "installments", "already cover"),
        ({"installments": "0"}, "installments", "1 to 60"),
        ({"installments": "61"}, "installments", "1 to 60"),
        ({"installments": "3", "first_due": "yesterday"}, "first_due", "in the past"),
        ({"installments": "3", "first_due": "2026-13-40"}, "first_due", "Not a date"),
        (
            {"installments": "3", "interval_days": "3"},
            "interval_days",
            "weekly, every two weeks or monthly",
        ),
        ({"installments": "3", "installment": "-5"}, "installment", "more than zero"),
        ({"installments": "3", "installment": "ten"}, "installment", "type it as digits"),
        ({"installments": "3", "installment": "33.333"}, "installment", "two decimals"),
    ],
)
def test_bad_plans_name_the_field(world, args, field, words):
    patient = owes(world)
    first = args.pop("first_due", today().isoformat())
    if first == "yesterday":
        first = (today() - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ServiceError) as caught:
        start_plan(world.users["biller"], patient, first_due=first, **args)
    assert caught.value.field == field and words in caught.value.problem
    assert not PaymentPlan.objects.exists()


def test_one_active_plan_and_nothing_to_plan_without_a_balance(world, client_for):
    patient, biller = owes(world), world.users["biller"]
    start_plan(biller, patient, 2, today())
    with pytest.raises(ServiceError, match="already has an active plan"):
        start_plan(biller, patient, 3, today())
    client = client_for(biller)
    response = client.post(
        f"/accounts/{patient.pk}/plans/",
        {"installments": "2", "first_due": today().isoformat()},
        follow=True,
    )
    assert b"already has an active plan" in response.content
    post_payment(biller, patient, Money("100.00"), method="cash")
    (plan,) = PaymentPlan.objects.filter(patient=patient)
    cancel_plan(biller, plan)
    with pytest.raises(ServiceError, match="owes nothing"):
        start_plan(biller, patient, 2, today())
    assert b"Start a payment plan" not in client.get(f"/accounts/{patient.pk}/").content


def test_cancel(world, client_for):
    patient, client = owes(world), client_for(world.users["biller"])
    plan = start_plan(world.users["biller"], patient, 2, today())
    response = client.post(f"/accounts/{patient.pk}/plans/{plan.pk}/cancel/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "cancelled"
    assert AuditEvent.objects.filter(
        object_type="billing.PaymentPlan", action="update", object_id=str(plan.pk)
    ).exists()
    assert plan_standing(plan, today()).standing == "cancelled"
    with pytest.raises(ServiceError, match="cancelled, not active"):
        cancel_plan(world.users["biller"], plan)
    # a new plan may start once the old one is cancelled
    assert start_plan(world.users["biller"], patient, 2, today()).status == "active"


def test_who_may_start_and_cancel(world, client_for):
    patient = owes(world)
    plan = start_plan(world.users["biller"], patient, 2, today())
    coder = client_for(world.users["coder"])
    assert coder.post(f"/accounts/{patient.pk}/plans/", {"installments": "2"}).status_code == 403
    assert coder.post(f"/accounts/{patient.pk}/plans/{plan.pk}/cancel/").status_code == 403
    outsider = client_for(world.outsider)
    assert outsider.post(f"/accounts/{patient.pk}/plans/{plan.pk}/cancel/").status_code == 404
    b_patient = world.b.patient
    assert (
        client_for(world.users["biller"])
        .post(f"/accounts/{b_patient.pk}/plans/{plan.pk}/cancel/")
        .status_code
        == 404
    )
    plan.refresh_from_db()
    assert plan.status == "active"


def test_plans_from_the_command_line_cover_their_total_too(world):
    from medbill.web.billing.statements import create_payment_plan

    plan = create_payment_plan(None, world.a.patient, "100.00", 3, today())
    assert plan.installment == Decimal("33.34") and plan.installment * 3 >= plan.total
