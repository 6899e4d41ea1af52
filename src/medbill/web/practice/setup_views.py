"""Master data pages for managers and administrators (``/setup/``).

Providers, locations, payers, eligibility endpoints and fee schedules share one list and
one edit view, driven by ``KINDS``; fee schedule entries and their CSV import, the
clearinghouse connections and the practice's users have their own views. Views stay
thin: forms check the input, ``setup_services`` saves it.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medbill.core.codesets.feeschedule import FeeRow
from medbill.core.money import Money
from medbill.web.claims_out.models import ClearinghouseConnection
from medbill.web.frontdesk.desk_models import PayerEndpoint
from medbill.web.practice import setup_forms as f
from medbill.web.practice import setup_services as services
from medbill.web.practice.base import PracticeOwned
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import (
    FeeSchedule,
    FeeScheduleEntry,
    Location,
    Membership,
    Payer,
    Provider,
)
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404


@dataclass(frozen=True)
class Kind:
    """One kind of master data row: its form and the columns of its list."""

    slug: str
    label: str  # plural, for headings
    singular: str
    model: type[PracticeOwned] | type[Payer]
    form: type[forms.ModelForm]
    columns: tuple[tuple[str, str], ...]  # (heading, attribute)
    takes_practice: bool = False  # the form needs the practice (payer choices)


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        Kind(
            "providers",
            "Providers",
            "provider",
            Provider,
            f.ProviderForm,
            (("Name", "__str__"), ("NPI", "npi"), ("Taxonomy", "taxonomy"), ("Active", "active")),
        ),
        Kind(
            "locations",
            "Locations",
            "location",
            Location,
            f.LocationForm,
            (
                ("Name", "name"),
                ("Place of service", "place_of_service"),
                ("City", "city"),
                ("Active", "active"),
            ),
        ),
        Kind(
            "payers",
            "Payers",
            "payer",
            Payer,
            f.PayerForm,
            (
                ("Name", "name"),
                ("Payer id", "payer_id"),
                ("Type", "get_payer_type_display"),
                ("Clearinghouse route", "clearinghouse_route"),
                ("Active", "active"),
            ),
        ),
        Kind(
            "endpoints",
            "Eligibility endpoints",
            "eligibility endpoint",
            PayerEndpoint,
            f.PayerEndpointForm,
            (
                ("Payer", "payer"),
                ("URL", "url"),
                ("Envelope", "envelope"),
                ("Usage", "usage"),
                ("Active", "active"),
            ),
            takes_practice=True,
        ),
        Kind(
            "fee-schedules",
            "Fee schedules",
            "fee schedule",
            FeeSchedule,
            f.FeeScheduleForm,
            (
                ("Name", "name"),
                ("Payer", "payer"),
                ("From", "effective_from"),
                ("To", "effective_to"),
            ),
            takes_practice=True,
        ),
    )
}


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404("no such master data")
    return KINDS[slug]


def _rows(request: PracticeRequest, kind: Kind) -> QuerySet:
    model = kind.model
    if issubclass(model, PracticeOwned):
        return model.objects.for_user(request.user, request.practice)
    return Payer.objects.for_practice(request.practice)  # the organization's payers


def _cell(row: Model, attribute: str) -> Any:
    value = getattr(row, attribute)
    value = value() if callable(value) else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def _form(kind: Kind, request: PracticeRequest, instance: Model | None) -> forms.ModelForm:
    extra: dict[str, Any] = {"practice": request.practice} if kind.takes_practice else {}
    return kind.form(request.POST or None, instance=instance, **extra)


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (the rest left as it is)."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _role_choices() -> Any:
    role = f.MembershipForm.base_fields["role"]
    assert isinstance(role, forms.ChoiceField)
    return role.choices


def _apply(form: forms.BaseForm, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, sentence(exc.problem))


@requires("manage_master_data")
def show_setup(request: PracticeRequest) -> HttpResponse:
    """The index of the master data pages, with counts."""
    sections = [(kind, _rows(request, kind).count()) for kind in KINDS.values()]
    connections = ClearinghouseConnection.objects.for_user(request.user, request.practice)
    return render(
        request,
        "practice/setup/index.html",
        {"sections": sections, "connections": connections.count()},
    )


@requires("manage_master_data")
def list_master(request: PracticeRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    rows = [(row, [_cell(row, attr) for _, attr in k.columns]) for row in _rows(request, k)]
    return render(request, "practice/setup/list.html", {"kind": k, "rows": rows})


@requires("manage_master_data")
def edit_master(request: PracticeRequest, kind: str, row_id: int | None = None) -> HttpResponse:
    k = _kind(kind)
    instance = None
    if row_id is not None:
        try:
            instance = _rows(request, k).get(pk=row_id)
        except ObjectDoesNotExist:  # the kind's model's DoesNotExist
            raise Http404(f"no such {k.singular}") from None
    form = _form(k, request, instance)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.save_master_row(request.user, request.practice, form.save(commit=False))
        except ServiceError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{k.singular.capitalize()} {row} saved.")
            if k.slug == "fee-schedules":
                return redirect("show_fee_schedule", schedule_id=row.pk)
            return redirect("list_master", kind=k.slug)
    return render(
        request, "practice/setup/edit.html", {"kind": k, "form": form, "instance": instance}
    )


@requires("manage_master_data")
def edit_practice(request: PracticeRequest) -> HttpResponse:
    """The practice's contact, time zone and office hours."""
    form = f.PracticeDetailsForm(request.POST or None, instance=request.practice)
    if request.method == "POST" and form.is_valid():
        form.save()  # audited by the model's signals
        messages.success(request, f"{request.practice.name}: details saved.")
        return redirect("show_setup")
    return render(
        request,
        "practice/setup/practice.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


# -- fee schedules: entries, CSV import with a preview ------------------------------------------


def _schedule(request: PracticeRequest, schedule_id: int) -> FeeSchedule:
    return get_scoped_or_404(FeeSchedule, request.user, request.practice, pk=schedule_id)


@requires("manage_master_data")
def show_fee_schedule(request: PracticeRequest, schedule_id: int) -> HttpResponse:
    schedule = _schedule(request, schedule_id)
    entries = schedule.entries.all()
    q = request.GET.get("q", "").strip().upper()
    if q:
        entries = entries.filter(code__startswith=q)
    return render(
        request,
        "practice/setup/fee_schedule.html",
        {"schedule": schedule, "entries": entries, "q": q, "import_form": f.FeeImportForm()},
    )


@requires("manage_master_data")
def edit_fee_entry(
    request: PracticeRequest, schedule_id: int, entry_id: int | None = None
) -> HttpResponse:
    schedule = _schedule(request, schedule_id)
    entry = None
    if entry_id is not None:
        entry = get_scoped_or_404(
            FeeScheduleEntry, request.user, request.practice, pk=entry_id, fee_schedule=schedule
        )
    initial = {} if entry else {"effective_from": schedule.effective_from}
    form = f.FeeEntryForm(request.POST or None, instance=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_fee_entry(
                request.user, request.practice, schedule, form.save(commit=False)
            )
        except ServiceError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{saved.code} saved at {Money(saved.price).format()}.")
            return redirect("show_fee_schedule", schedule_id=schedule.pk)
    return render(
        request,
        "practice/setup/fee_entry.html",
        {"schedule": schedule, "form": form, "entry": entry},
    )


_PREVIEW_KEY = "fee_import_preview"


def _rows_to_session(rows: list[FeeRow]) -> str:
    plain = [
        [
            r.row,
            r.code,
            r.code_system,
            r.modifier,
            r.description,
            str(r.price),
            r.effective_from.isoformat(),
            r.effective_to.isoformat() if r.effective_to else "",
        ]
        for r in rows
    ]
    return base64.b64encode(json.dumps(plain).encode()).decode()


def _rows_from_session(text: str) -> list[FeeRow]:
    out = []
    for row, code, system, modifier, description, price, start, end in json.loads(
        base64.b64decode(text)
    ):
        out.append(
            FeeRow(
                row,
                code,
                system,
                modifier,
                description,
                Money(price),
                datetime.date.fromisoformat(start),
                datetime.date.fromisoformat(end) if end else None,
            )
        )
    return out


@requires("manage_master_data")
def import_fee_schedule(request: PracticeRequest, schedule_id: int) -> HttpResponse:
    """Upload a CSV: a preview of what changes first, then import it as a whole."""
    schedule = _schedule(request, schedule_id)
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(_PREVIEW_KEY) or {}
        if stored.get("schedule") != schedule.pk:
            messages.error(request, "The preview has expired; upload the file again.")
            return redirect("import_fee_schedule", schedule_id=schedule.pk)
        counts = services.import_fee_rows(
            request.user, request.practice, schedule, _rows_from_session(stored["rows"])
        )
        del request.session[_PREVIEW_KEY]
        messages.success(
            request,
            "Imported: {created} new, {updated} changed, {unchanged} unchanged.".format(**counts),
        )
        return redirect("show_fee_schedule", schedule_id=schedule.pk)
    form = f.FeeImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.read_fee_file(
                form.cleaned_data["file"].read(), form.cleaned_data["effective_from"]
            )
        except ServiceError as exc:
            _apply(form, exc)
        else:
            preview = _preview(schedule, rows)
            request.session[_PREVIEW_KEY] = {
                "schedule": schedule.pk,
                "rows": _rows_to_session(rows),
            }
    return render(
        request,
        "practice/setup/fee_import.html",
        {"schedule": schedule, "form": form, "preview": preview},
    )


def _preview(schedule: FeeSchedule, rows: list[FeeRow]) -> dict[str, Any]:
    """Each row as new, changed (with the old price) or unchanged against the schedule."""
    current = {(e.code, e.modifier, e.effective_from): e for e in schedule.entries.all()}
    items, counts = [], {"new": 0, "changed": 0, "unchanged": 0}
    for r in rows:
        old = current.get((r.code, r.modifier, r.effective_from))
        if old is None:
            state = "new"
        elif (
            Money(old.price) == r.price
            and old.description == r.description
            and old.effective_to == r.effective_to
        ):
            state = "unchanged"
        else:
            state = "changed"
        counts[state] += 1
        items.append({"row": r, "state": state, "old_price": old.price if old else None})
    return {"items": items, "counts": counts}


# -- clearinghouse connections --------------------------------------------------------------------


@requires("manage_master_data")
def list_connections(request: PracticeRequest) -> HttpResponse:
    rows = ClearinghouseConnection.objects.for_user(request.user, request.practice)
    shown = [
        (
            c,
            c.settings.get("transport", ""),
            c.settings.get("receiver_id", ""),
            c.settings.get("folder") or c.settings.get("host") or "",
        )
        for c in rows
    ]
    return render(request, "practice/setup/connections.html", {"rows": shown})


@requires("manage_master_data")
def edit_connection(request: PracticeRequest, connection_id: int | None = None) -> HttpResponse:
    connection = None
    if connection_id is not None:
        connection = get_scoped_or_404(
            ClearinghouseConnection, request.user, request.practice, pk=connection_id
        )
    form = f.ConnectionForm(request.POST or None, instance=connection)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.save_connection(
                request.user,
                request.practice,
                connection,
                form.cleaned_data["name"],
                form.cleaned_data["active"],
                form.settings,
            )
        except ServiceError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Connection {row.name} saved.")
            return redirect("list_connections")
    secret_stored = bool(
        connection
        and any(connection.settings.get(k) for k in ClearinghouseConnection.audit_secret_keys)
    )
    return render(
        request,
        "practice/setup/connection_edit.html",
        {"form": form, "connection": connection, "secret_stored": secret_stored},
    )


# -- users and roles ----------------------------------------------------------------------------


@requires("manage_users")
def list_members(request: PracticeRequest) -> HttpResponse:
    members = Membership.objects.for_user(request.user, request.practice).select_related("user")
    form = f.MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.grant_role(
                request.user,
                request.practice,
                data["username"].strip(),
                data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
            )
        except ServiceError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, f"{membership.user.username} is now {membership.get_role_display()} here."
            )
            return redirect("list_members")
    return render(
        request,
        "practice/setup/members.html",
        {"members": members, "form": form, "roles": _role_choices()},
    )


@requires("manage_users")
@require_POST
def change_member(request: PracticeRequest, membership_id: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership, request.user, request.practice, pk=membership_id)
    try:
        if request.POST.get("action") == "revoke":
            services.revoke_membership(request.user, request.practice, membership)
            messages.success(request, f"{membership.user.username} no longer works here.")
        else:
            services.grant_role(
                request.user,
                request.practice,
                membership.user.username,
                request.POST.get("role", ""),
            )
            messages.success(request, f"{membership.user.username}'s role changed.")
    except ServiceError as exc:
        messages.error(request, sentence(exc.problem))
    return redirect("list_members")
