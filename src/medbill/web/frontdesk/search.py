"""The header's patient search: name, date of birth, account number or member id, over
every practice the user may see patients of (``/`` puts the cursor in it)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medbill.web.frontdesk.models import Coverage, Patient
from medbill.web.practice import audit
from medbill.web.practice.tenancy import Actor, scoped

__all__ = ["find_patients", "search_patients"]

LIMIT = 50
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")


def _birth_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def find_patients(user: Actor, text: str) -> QuerySet:
    """Patients of the user's practices (where the role may see patients) matching
    ``text``: every word the start of the last or first name ("ortega mat",
    "Ortega, Mateo"), a date of birth (2019-06-30 or 06/30/2019), an account number, or
    a coverage's member id. Best matches first: exact ids, then names."""
    text = " ".join(text.split())[:80]
    patients = scoped(Patient, user, action="view_patients")
    if not text:
        return patients.none()
    words = text.replace(",", " ").split()
    name = Q()
    for word in words:
        name &= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
    # Member ids first, as a short list: a subquery inside the OR would make the database
    # test every patient row against it instead of using the name and account indexes.
    members = list(
        scoped(Coverage, user, action="view_patients")
        .filter(member_id__iexact=text.replace(" ", ""))
        .values_list("patient_id", flat=True)[:LIMIT]
    )
    match = (
        name
        | Q(account_number__iexact=text)
        | Q(account_number__istartswith=text.replace(" ", ""))
        | Q(pk__in=members)
    )
    born = _birth_date(text)
    if born is not None:
        match |= Q(date_of_birth=born)
    return (
        patients.filter(match)
        .select_related("practice")
        .order_by("last_name", "first_name", "date_of_birth", "id")
    )


@login_required
def search_patients(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    rows = list(find_patients(request.user, text)[: LIMIT + 1])
    # Who searched for what, and which records came back: one event per practice.
    audit.record_list(rows[:LIMIT], request.user, search=text.strip())
    return render(
        request,
        "frontdesk/patient_search.html",
        {
            "q": text.strip(),
            "patients": rows[:LIMIT],
            "more": len(rows) > LIMIT,
            "limit": LIMIT,
        },
    )
