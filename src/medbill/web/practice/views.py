"""Dashboard, practice switcher and the audit trail."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import DenialItem
from medbill.web.frontdesk.models import Patient, Visit
from medbill.web.frontdesk.scheduler import appointments_on, day_bounds
from medbill.web.practice import audit
from medbill.web.practice.middleware import SESSION_KEY
from medbill.web.practice.models import AUDIT_ACTIONS, AuditEvent, AuditEventPatient
from medbill.web.practice.pages import paginate, parse_date, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import MiddlewareRequest, PracticeRequest
from medbill.web.practice.tenancy import Actor, PracticeRef, practices_for


def work_queues(user: Actor, practice: PracticeRef) -> list[dict[str, object]]:
    """The dashboard's queues: what is waiting at each desk, with counts and links."""
    visits = Visit.objects.for_user(user, practice)
    claims = Claim.objects.for_user(user, practice)
    today = timezone.localdate()
    S, C = Visit.Status, Claim.Status
    # Today's appointments as the desk's list and the schedule show them, not yet checked
    # in: the count, the list below it and the front desk's pages are one rule.
    waiting = appointments_on(user, practice, today).filter(status=S.SCHEDULED)
    start, _ = day_bounds(today)
    earlier = today - datetime.timedelta(days=1)
    return [
        {
            "key": "to_check_in",
            "label": "To check in",
            "desk": "Front desk",
            "count": waiting.count(),
            "url": f"/visits/?status={S.SCHEDULED}&on={today.isoformat()}",
        },
        {
            # Appointments of days gone by that nobody checked in or marked a no-show.
            "key": "not_arrived",
            "label": "Not checked in, earlier days",
            "desk": "Front desk",
            "count": visits.filter(status=S.SCHEDULED, scheduled_at__lt=start).count(),
            "url": f"/visits/?status={S.SCHEDULED}&until={earlier.isoformat()}",
        },
        {
            "key": "to_code",
            "label": "To code",
            "desk": "Coding",
            "count": visits.filter(status__in=[S.CHECKED_OUT, S.CODING]).count(),
            "url": f"/visits/?status={S.CHECKED_OUT}&status={S.CODING}",
        },
        {
            "key": "to_review",
            "label": "To review",
            "desk": "Coding",
            "count": visits.filter(status=S.REVIEW).count(),
            "url": f"/visits/?status={S.REVIEW}",
        },
        {
            "key": "to_bill",
            "label": "To bill",
            "desk": "Billing",
            "count": visits.filter(status=S.CODED).count(),
            "url": f"/visits/?status={S.CODED}",
        },
        {
            "key": "rejected",
            "label": "Rejected",
            "desk": "Billing",
            "count": claims.filter(status=C.REJECTED).count(),
            "url": f"/claims/?status={C.REJECTED}",
        },
        {
            # The same rows as the denial queue it links to: open denials, claim or line.
            "key": "denied",
            "label": "Denials to work",
            "desk": "Billing",
            "count": DenialItem.objects.for_user(user, practice)
            .filter(status=DenialItem.Status.OPEN)
            .count(),
            "url": "/denials/",
        },
    ]


@login_required
def show_dashboard(request: MiddlewareRequest) -> HttpResponse:
    practice = request.practice
    if practice is None:
        return render(request, "practice/no_practice.html", status=403)
    today = timezone.localdate()
    todays = (
        appointments_on(request.user, practice, today)
        .select_related("patient", "provider")
        .order_by("scheduled_at")[:25]
    )
    return render(
        request,
        "practice/dashboard.html",
        {"queues": work_queues(request.user, practice), "todays_visits": todays, "today": today},
    )


@login_required
@require_POST
def switch_practice(request: MiddlewareRequest) -> HttpResponse:
    wanted = request.POST.get("practice", "")
    practice = practices_for(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
    if practice is not None:
        request.session[SESSION_KEY] = practice.pk
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    return redirect(target)


def _patient_ids(request: PracticeRequest, wanted: str) -> set[int]:
    """The patients an auditor names by account number, id or name ("Ortega", "Mateo
    Ortega", "Ortega, Mateo": every word in the first or last name). The id of a patient
    since removed still finds their events."""
    match = Q(account_number__iexact=wanted)
    if wanted.isdigit():
        match |= Q(pk=int(wanted))
    words = [w for w in wanted.replace(",", " ").split() if not w.isdigit()]
    if words:
        by_name = Q()
        for word in words:
            by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        match |= by_name
    found = set(
        Patient.objects.for_user(request.user, request.practice)
        .filter(match)
        .values_list("pk", flat=True)
    )
    if not found and wanted.isdigit():
        found.add(int(wanted))
    return found


DATE_FILTERS = (("since", "at__date__gte"), ("until", "at__date__lte"))


@requires("view_audit")
def list_audit_events(request: PracticeRequest) -> HttpResponse:
    events = AuditEvent.objects.for_user(request.user, request.practice)
    f = request.GET
    errors: dict[str, str] = {}
    if f.get("user"):
        events = events.filter(username__iexact=f["user"].strip())
    if f.get("action"):
        events = events.filter(action=f["action"])
    if f.get("patient", "").strip():
        ids = _patient_ids(request, f["patient"].strip())
        if not ids:
            errors["patient"] = (
                "No patient of this practice has this name or account number; type a "
                "last name, first and last name, or the account number."
            )
        events = events.filter(
            pk__in=AuditEventPatient.objects.filter(patient_id__in=ids).values("event_id")
        )
    if f.get("object_type"):
        events = events.filter(object_type=f["object_type"])
    if f.get("object_id"):
        events = events.filter(object_id=f["object_id"].strip())
    for key, lookup in DATE_FILTERS:
        text = f.get(key, "").strip()
        if not text:
            continue
        value = parse_date(text)
        if value is None:
            # A filter silently dropped would show events the auditor did not ask for.
            errors[key] = "Not a date: choose one on the calendar, or type it as YYYY-MM-DD."
            events = events.none()
        else:
            events = events.filter(**{lookup: value})
    since, until = parse_date(f.get("since", "")), parse_date(f.get("until", ""))
    if since and until and since > until:
        errors["until"] = "Before the From date: no event can be in this range."
        events = events.none()
    types = (
        AuditEvent.objects.for_user(request.user, request.practice)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    page = paginate(request, events)
    for event in page:
        event.type_label = audit.type_label(event.object_type)
        event.source_label = audit.with_acronyms(event.source)
    return render(
        request,
        "practice/audit_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "filters": f,
            "errors": errors,
            "actions": AUDIT_ACTIONS,
            "object_types": sorted(((t, audit.type_label(t)) for t in types), key=lambda t: t[1]),
        },
        status=422 if any(k in errors for k in ("since", "until")) else 200,
    )


def not_found(request: MiddlewareRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page; for a row of another practice the user works for, it offers to switch
    to that practice and open the page there."""
    elsewhere = getattr(exception, "practice", None)
    return render(
        request,
        "404.html",
        {"elsewhere": elsewhere, "next_path": request.get_full_path()},
        status=404,
    )
