"""``/api/ledger/``: patient account entries and balances; posting payments."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from medbill.web.api._status import Status
from medbill.web.api.common import acting_user, get_or_404, require_role
from medbill.web.api.schemas import EntryOut, ErrorOut, LedgerOut, PaymentIn
from medbill.web.billing import services
from medbill.web.billing.models import Claim, Entry
from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError

router = Router(tags=["ledger"])


@router.get("/patients/{patient_id}", response={200: LedgerOut, 403: ErrorOut, 404: ErrorOut})
def get_patient_ledger(request: HttpRequest, patient_id: int):
    """A patient's ledger entries (oldest first) and balances. Recorded in the audit trail."""
    patient = get_or_404(request, Patient, pk=patient_id)
    require_role(request, patient, "view_ledger")
    entries = list(Entry.objects.for_practice(patient.practice_id).filter(patient=patient))
    audit.record(
        patient,
        "view",
        user=acting_user(request),
        source="api ledger",
        detail={"ledger_entries": len(entries)},
    )
    return {
        "patient_id": patient.pk,
        "balance": str(services.balance_of(patient)),
        "patient_balance": str(services.balance_of(patient, Entry.Responsibility.PATIENT)),
        "insurance_balance": str(services.balance_of(patient, Entry.Responsibility.PAYER)),
        "entries": entries,
    }


@router.post("/payments", response={201: EntryOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def post_payment(request: HttpRequest, payload: PaymentIn):
    """Post a payment received from the patient (role: may post payments)."""
    patient = get_or_404(request, Patient, pk=payload.patient_id)
    require_role(request, patient, "post_payment")
    claim = None
    if payload.claim_id is not None:
        claim = (
            Claim.objects.for_practice(patient.practice_id)
            .filter(pk=payload.claim_id, patient=patient)
            .first()
        )
        if claim is None:
            raise ServiceError("claim_id", "no such claim for this patient")
    entry = services.post_payment(
        acting_user(request),
        patient,
        payload.amount,
        method=payload.method,
        reference=payload.reference,
        memo=payload.memo,
        claim=claim,
        effective_date=payload.effective_date,
        source="api",
    )
    return Status(201, entry)
