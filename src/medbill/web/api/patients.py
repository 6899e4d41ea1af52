"""``/api/patients/``: search and read patient records (every read is audited: a list or
search records the count, the ids returned and what was searched for)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router

from medbill.web.api.common import acting_user, get_or_404, page, require_role, scope
from medbill.web.api.schemas import ErrorOut, PatientDetailOut, PatientOut
from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.pages import parse_date

router = Router(tags=["patients"])

MAX_LIMIT = 200


@router.get("", response=list[PatientOut])
def list_patients(request: HttpRequest, q: str = "", limit: int = 50, offset: int = 0):
    """Patients of your practices, by name; ``q`` matches names, account number or DOB."""
    rows = scope(request, Patient, "view_patients")
    q = q.strip()
    if q:
        name = Q()
        for word in q.replace(",", " ").split():
            name &= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
        match = Q(account_number__iexact=q) | name
        born = parse_date(q)
        if born is not None:
            match |= Q(date_of_birth=born)
        rows = rows.filter(match)
    found = list(page(rows, limit, offset, MAX_LIMIT))
    audit.record_list(found, acting_user(request), source="api", search=q)
    return found


@router.get("/{patient_id}", response={200: PatientDetailOut, 403: ErrorOut, 404: ErrorOut})
def get_patient(request: HttpRequest, patient_id: int):
    """One patient record with coverages. Recorded in the audit trail."""
    patient = get_or_404(request, Patient, pk=patient_id)
    require_role(request, patient, "view_patients")
    audit.record_view(patient, acting_user(request), source="api")
    return patient
