"""The interface queue: messages and bundles from the practice's EHR, the held ones first
with every problem found; a held message can be read, edited and replayed, or discarded
(kept, marked with who, when and why)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medbill.web.interfaces.fhir_in import bundle_patients
from medbill.web.interfaces.models import InboundMessage, InterfaceSettings
from medbill.web.interfaces.services import ReplayChoices, discard, replay
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.pages import paginate, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404


@requires("manage_interfaces")
def list_interface_messages(request: PracticeRequest) -> HttpResponse:
    rows = InboundMessage.objects.for_user(request.user, request.practice).defer("raw")
    held = list(
        rows.filter(status=InboundMessage.Status.HELD)
        .select_related("discarded_by")
        .order_by("received_at", "id")[:200]
    )
    done = (
        rows.exclude(status=InboundMessage.Status.HELD)
        .select_related("discarded_by")
        .order_by("-updated_at", "-id")
    )
    page = paginate(request, done)
    audit.record_list([*held, *page], request.user)
    settings = InterfaceSettings.objects.for_user(request.user, request.practice).first()
    return render(
        request,
        "interfaces/list.html",
        {
            "held": held,
            "page": page,
            "query": query_without_page(request),
            "to_billing": bool(settings and settings.ehr_codes_to_billing),
        },
    )


@requires("manage_interfaces")
def show_interface_message(request: PracticeRequest, pk: int) -> HttpResponse:
    row = get_scoped_or_404(InboundMessage, request.user, request.practice, pk=pk)
    audit.record_view(row, request.user)
    return _detail(request, row)


def _detail(
    request: PracticeRequest, row: InboundMessage, edited: str | None = None, status: int = 200
) -> HttpResponse:
    """The message's page; ``edited``: the biller's text of a replay that was refused,
    shown again as typed rather than lost."""
    fhir = row.message_type.startswith("FHIR")
    lines = _lines(row.raw, fhir)
    held = row.status == InboundMessage.Status.HELD
    return render(
        request,
        "interfaces/detail.html",
        {
            "row": row,
            "fhir": fhir,
            "lines": lines,
            "text": edited if edited is not None else "\n".join(lines),
            "problems": row.problem_texts,
            # The bundle's patients, each with its own choices on replay.
            "patients": bundle_patients(row.raw) if fhir and held else [],
        },
        status=status,
    )


def _lines(raw: str, fhir: bool) -> list[str]:
    if fhir:
        return raw.splitlines()
    return raw.strip("\r").split("\r")


@require_POST
@requires("manage_interfaces")
def replay_interface_message(request: PracticeRequest, pk: int) -> HttpResponse:
    row = get_scoped_or_404(InboundMessage, request.user, request.practice, pk=pk)
    text = request.POST.get("raw", "") or row.raw
    try:
        outcome = replay(request.user, row, text, _choices(request))
    except ServiceError as exc:
        messages.error(request, f"Not replayed: {exc.problem}")
        return _detail(request, row, edited=request.POST.get("raw", ""), status=422)
    if outcome.code == "AA":
        messages.success(request, f"Message {row.control_id} replayed and applied.")
        return redirect("list_interface_messages")
    more = len(outcome.problems) - 1
    messages.error(
        request, f"Still held: {outcome.error}" + (f" (and {more} more)" if more > 0 else "")
    )
    return redirect("show_interface_message", pk=row.pk)


def _choices(request: PracticeRequest) -> ReplayChoices:
    """The biller's choices for the patient of a message (``link_account``,
    ``new_patient``) or for each patient of a bundle (``link_account:Patient/1``,
    ``new_patient:Patient/1``); linking and registering new at once is refused."""
    post = request.POST
    accounts = {
        key.removeprefix("link_account:"): post.get(key, "").strip()
        for key in post
        if key.startswith("link_account:") and post.get(key, "").strip()
    }
    new = {key.removeprefix("new_patient:") for key in post if key.startswith("new_patient:")}
    choices = ReplayChoices(
        link_account=post.get("link_account", "").strip(),
        new_patient=post.get("new_patient") == "on",
        accounts=accounts,
        new_patients=frozenset(new),
    )
    both = sorted(set(accounts) & new)
    if both or (choices.link_account and choices.new_patient):
        whom = f" for {', '.join(both)}" if both else ""
        raise ServiceError(
            "choices", f"link to an account or register a new patient{whom}, not both"
        )
    return choices


@require_POST
@requires("manage_interfaces")
def discard_interface_message(request: PracticeRequest, pk: int) -> HttpResponse:
    row = get_scoped_or_404(InboundMessage, request.user, request.practice, pk=pk)
    try:
        discard(request.user, row, request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, f"Not discarded: {exc.problem}")
        return redirect("show_interface_message", pk=row.pk)
    messages.success(request, f"Message {row.control_id} discarded; it stays in the log.")
    return redirect("list_interface_messages")


@require_POST
@requires("manage_interfaces")
def change_interface_settings(request: PracticeRequest) -> HttpResponse:
    practice = request.practice
    settings = InterfaceSettings.objects.for_user(request.user, practice).first()
    settings = settings or InterfaceSettings(practice=practice)
    settings.ehr_codes_to_billing = request.POST.get("ehr_codes_to_billing") == "on"
    settings.save()  # audited by the model's signals, as the request's user
    messages.success(request, "Interface settings saved.")
    return redirect("list_interface_messages")
