"""Desk payment (and refund) rows -> the printed receipt."""

from __future__ import annotations

from django.utils import timezone

from medbill.core.forms.receipt import Receipt, render_receipt
from medbill.core.money import Money
from medbill.web.billing.models import Entry
from medbill.web.billing.printing import practice_of
from medbill.web.billing.services import balance_of
from medbill.web.frontdesk.models import Guarantor

__all__ = ["receipt_number", "receipt_pdf"]


def receipt_number(entry: Entry) -> str:
    return f"R{entry.pk:07d}"


def receipt_pdf(entry: Entry) -> bytes:
    """The receipt of a desk payment: who paid, how much, how, and the balance after it."""
    patient = entry.patient
    guarantor = Guarantor.objects.filter(patient=patient).first()
    payer_name = f"{guarantor.first_name} {guarantor.last_name}" if guarantor else patient.full_name
    amount = -Money(entry.amount)
    memo = entry.memo or None
    if entry.kind == Entry.Kind.REFUND:
        memo = f"{entry.memo} (refund of receipt R{entry.reverses_id:07d})"
        amount = Money(entry.amount)
    user = entry.created_by
    return render_receipt(
        Receipt(
            practice=practice_of(entry.practice),
            receipt_number=receipt_number(entry),
            received_at=timezone.localtime(entry.posted_at),
            payer_name=payer_name,
            account_number=patient.account_number,
            amount=amount,
            method=entry.method if entry.method in ("cash", "check", "card") else "cash",
            reference=entry.reference or None,
            patient_name=patient.full_name,
            received_by=(user.get_full_name() or user.get_username()) if user else None,
            balance_after=balance_of(patient, Entry.Responsibility.PATIENT, through=entry),
            memo=memo,
        )
    )
