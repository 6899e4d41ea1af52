"""Visits of patients without insurance: charged to the patient, not claimed from a payer.

The claim build holds a coded visit with no primary coverage in effect on its date; the
biller then bills the patient instead. Each service line becomes a charge the patient
owes, less the practice's self-pay discount line by line (the rule the good-faith
estimate quotes, ``core.frontdesk.estimate.line_discount``), and the visit is billed: the
patient's statements take it from there.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from medbill.core.frontdesk.estimate import line_discount
from medbill.core.money import ZERO, Money
from medbill.web.billing.models import Entry
from medbill.web.claims_out.services import primary_in_effect
from medbill.web.coding.models import ServiceLine
from medbill.web.frontdesk.models import Coverage, Visit
from medbill.web.frontdesk.services import desk_settings
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["bill_self_pay"]


def bill_self_pay(user: Actor, visit: Visit) -> list[Entry]:
    """Charge a coded visit of a patient with no primary coverage in effect on its date to
    the patient (see the module); returns the entries posted. Refused, naming why, for a
    visit not coded, one with coverage in effect (its claim is built instead), one without
    service lines, or one charged already."""
    require(user, visit.practice_id, "create_claims")
    with transaction.atomic(), audit.acting_as(user):
        locked = Visit.objects.select_for_update().select_related("patient").get(pk=visit.pk)
        if locked.status != Visit.Status.CODED:
            raise ServiceError(
                "visit", f"a {locked.get_status_display().lower()} visit is not ready to bill"
            )
        day = locked.date_of_service
        primaries = Coverage.objects.for_practice(locked.practice_id).filter(
            patient_id=locked.patient_id, order="primary"
        )
        if primary_in_effect(primaries.order_by("id"), day) is not None:
            raise ServiceError(
                "visit",
                f"the patient has coverage in effect on {day:%m/%d/%Y}: build the visit's "
                "claim instead",
            )
        lines = list(ServiceLine.objects.filter(visit=locked).order_by("position"))
        if not lines:
            raise ServiceError("visit", "the visit has no service lines to charge")
        charged = Entry.objects.filter(
            practice_id=locked.practice_id, visit_id=locked.pk, kind=Entry.Kind.CHARGE
        )
        if charged.exists():
            raise ServiceError("visit", "the visit's services are charged already")
        rate = Decimal(desk_settings(locked.practice_id).self_pay_discount or 0)
        who = signed_in(user)
        ref = f"visit {locked.pk} self-pay"
        rows = []
        discount = ZERO
        for line in lines:
            gross = Money(line.charge)
            discount += line_discount(gross, rate)
            rows.append(_entry(locked, who, ref, Entry.Kind.CHARGE, gross, f"{line.code} charge"))
        if discount:
            words = f"self-pay discount {rate * 100:.4g} %"
            rows.append(_entry(locked, who, ref, Entry.Kind.ADJUSTMENT, -discount, words))
        for entry in rows:
            entry.save()  # audited, each with its amount
        audit.update_where(
            Visit, locked.pk, {"status": Visit.Status.CODED}, status=Visit.Status.BILLED
        )
    return rows


def _entry(visit: Visit, who: User | None, ref: str, kind: str, amount: Money, memo: str) -> Entry:
    return Entry(
        practice_id=visit.practice_id,
        patient_id=visit.patient_id,
        visit_id=visit.pk,
        kind=kind,
        amount=amount,
        responsibility=Entry.Responsibility.PATIENT,
        effective_date=visit.date_of_service,
        posted_at=timezone.now(),
        memo=memo[:200],
        source="system",
        source_ref=ref,
        created_by=who,
    )
