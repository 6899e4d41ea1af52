"""Payment plans from the patient account page: start one, cancel one, see where it stands.

A plan covers what the patient owes today. The installment defaults to the balance over
the number of payments, rounded up to the cent, so the payments always cover the balance
(the last one is whatever is left). An account has at most one active plan. Starting and
cancelling are audited through the model's save; the statement cycle skips an account
whose plan is in good standing (``statements.in_good_standing``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.core.ledger.entry_checks import EntryProblem, payment_amount
from medbill.core.money import ZERO, Money
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import PaymentPlan
from medbill.web.billing.services import balance_of
from medbill.web.billing.statements import _patient_paid, in_good_standing
from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.permissions import require, requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import Actor, get_scoped_or_404

__all__ = ["PlanStanding", "cancel_plan", "patient_balance", "plan_standing", "start_plan"]

MAX_INSTALLMENTS = 60
INTERVALS = {7: "weekly", 14: "every two weeks", 30: "monthly"}
CENT = Decimal("0.01")
_EVERY = "Choose how often: weekly, every two weeks or monthly."


def patient_balance(patient: Patient) -> Money:
    """What the patient (not insurance) owes now."""
    return balance_of(patient, Entry.Responsibility.PATIENT)


def _count(raw: object) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_INSTALLMENTS:
        raise ServiceError(
            "installments",
            f"Enter the number of payments, a whole number from 1 to {MAX_INSTALLMENTS}.",
        )
    return int(text)


def _date(raw: object) -> datetime.date:
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise ServiceError(
            "first_due", "Not a date: choose one on the calendar, or type it as YYYY-MM-DD."
        ) from None


def start_plan(
    user: Actor,
    patient: Patient,
    installments: object,
    first_due: object,
    installment: object = None,
    interval_days: object = 30,
    today: datetime.date | None = None,
) -> PaymentPlan:
    """Put the patient's current balance on a plan; ``ServiceError`` names the bad field.

    The payments (``installment`` x ``installments``) must cover the balance, the first
    may not be due before ``today``, and the account may not already have an active plan.
    """
    require(user, patient.practice_id, "post_payment")
    today = today or timezone.localdate()
    count = _count(installments)
    first = _date(first_due)
    if first < today:
        raise ServiceError(
            "first_due",
            f"{first:%b} {first.day}, {first.year} is in the past; choose today or later.",
        )
    if first > today + datetime.timedelta(days=92):
        raise ServiceError("first_due", "The first payment must be due within three months.")
    try:
        interval = int(str(interval_days).strip())
    except ValueError:
        raise ServiceError("interval_days", _EVERY) from None
    if interval not in INTERVALS:
        raise ServiceError("interval_days", _EVERY)
    with transaction.atomic(), audit.acting_as(user):
        locked = Patient.objects.select_for_update().get(pk=patient.pk)
        if PaymentPlan.objects.filter(patient=locked, status=PaymentPlan.Status.ACTIVE).exists():
            raise ServiceError(
                "plan", "The account already has an active plan; cancel it before starting another."
            )
        balance = patient_balance(locked)
        if balance <= ZERO:
            raise ServiceError("plan", "The patient owes nothing; there is no balance to plan.")
        if installment in (None, ""):
            each = Money((balance.amount / count).quantize(CENT, rounding=ROUND_UP))
        else:
            try:
                each = payment_amount(installment, field="installment")
            except EntryProblem as exc:
                raise ServiceError(
                    exc.field, exc.problem[:1].upper() + exc.problem[1:] + "."
                ) from None
        if each * count < balance:
            raise ServiceError(
                "installment",
                f"{count} payments of {each.format()} make {(each * count).format()}, which "
                f"does not cover the balance of {balance.format()}; raise the payment or the "
                "number of payments.",
            )
        if each * (count - 1) >= balance:
            raise ServiceError(
                "installments",
                f"{count - 1} payments of {each.format()} already cover the balance of "
                f"{balance.format()}; use fewer payments.",
            )
        return PaymentPlan.objects.create(
            practice_id=locked.practice_id,
            patient=locked,
            total=balance.amount,
            installment=each.amount,
            installments=count,
            first_due=first,
            interval_days=interval,
        )


def cancel_plan(user: Actor, plan: PaymentPlan) -> PaymentPlan:
    """End an active plan (the patient asked, or it is replaced); the change is audited."""
    require(user, plan.practice_id, "post_payment")
    with transaction.atomic(), audit.acting_as(user):
        locked = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PaymentPlan.Status.ACTIVE:
            raise ServiceError(
                "plan", f"the plan is {locked.get_status_display().lower()}, not active"
            )
        locked.status = PaymentPlan.Status.CANCELLED
        locked.save()
    return locked


@dataclass(frozen=True)
class PlanStanding:
    plan: PaymentPlan
    paid: Money
    standing: str  # in words: "in good standing", "behind", "paid in full", "cancelled" ...
    next_number: int | None  # which installment is next (1-based), None when none is left
    next_due: datetime.date | None
    next_amount: Money | None
    last_due: datetime.date


def plan_standing(plan: PaymentPlan, today: datetime.date) -> PlanStanding:
    """How far the patient has paid into ``plan`` and the next installment due."""
    total, each = Money(plan.total), Money(plan.installment)
    paid = _patient_paid(plan)
    last_due = plan.first_due + datetime.timedelta(
        days=plan.interval_days * (plan.installments - 1)
    )
    number = due = amount = None
    if paid < total:
        covered = min(int(paid.amount // each.amount), plan.installments - 1)
        number = covered + 1
        due = plan.first_due + datetime.timedelta(days=plan.interval_days * covered)
        amount = min(each * number - paid, total - paid)
    if plan.status != PaymentPlan.Status.ACTIVE:
        standing = plan.get_status_display().lower()
    elif paid >= total:
        standing = "paid in full"
    else:
        # Behind once a due date has passed unpaid; an installment due today is not late yet.
        late = not in_good_standing(plan, today - datetime.timedelta(days=1))
        standing = "behind" if late else "in good standing"
    if plan.status != PaymentPlan.Status.ACTIVE:
        number = due = amount = None
    return PlanStanding(plan, paid, standing, number, due, amount, last_due)


# -- pages --------------------------------------------------------------------------------------


@requires("post_payment")
@require_POST
def create_plan(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = get_scoped_or_404(Patient, request.user, request.practice, pk=patient_id)
    data = request.POST
    try:
        plan = start_plan(
            request.user,
            patient,
            data.get("installments"),
            data.get("first_due"),
            data.get("installment", "").strip() or None,
            data.get("interval_days", "30"),
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        messages.success(
            request,
            f"Payment plan started: {plan.installments} x "
            f"{Money(plan.installment).format()} from "
            f"{plan.first_due.isoformat()}.",
        )
    return redirect("show_account", patient_id=patient.pk)


@requires("post_payment")
@require_POST
def cancel_plan_view(request: PracticeRequest, patient_id: int, plan_id: int) -> HttpResponse:
    plan = get_scoped_or_404(
        PaymentPlan, request.user, request.practice, pk=plan_id, patient_id=patient_id
    )
    try:
        cancel_plan(request.user, plan)
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        messages.success(request, "Payment plan cancelled.")
    return redirect("show_account", patient_id=patient_id)
