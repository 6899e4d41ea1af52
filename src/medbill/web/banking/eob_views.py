"""The paper EOB form and the provider-level adjustments (PLB) page."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from medbill.core.ledger.paper_eob import EobError, parse_adjustments
from medbill.core.ledger.provider_balances import PlbItem, follow
from medbill.core.money import Money, MoneyError
from medbill.web.banking.paper_eob import EobLine, post_paper_eob
from medbill.web.billing.remittance_models import ProviderAdjustment, Remittance
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.models import Payer
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest

ROWS = 6


def _payers(request: PracticeRequest) -> QuerySet[Payer]:
    """The payers of the practice's organization (where payers are kept)."""
    practice = request.practice
    assert practice is not None  # @requires saw to it
    return Payer.objects.filter(organization_id=practice.organization_id)


def _money(value: str, field: str, *, optional: bool = False) -> Money | None:
    text = value.strip()
    if not text:
        if optional:
            return None
        raise ServiceError(field, "enter the amount (0.00 when none)")
    try:
        return Money(text)
    except MoneyError:
        raise ServiceError(field, f"{text!r} is not an amount") from None


def _read(request: PracticeRequest) -> tuple[Payer, str, datetime.date, Money, list[EobLine]]:
    post = request.POST
    chosen = post.get("payer") or ""
    payer = _payers(request).filter(pk=chosen).first() if chosen.isdigit() else None
    if payer is None:
        raise ServiceError("payer", "choose the payer that sent the EOB")
    try:
        when = datetime.date.fromisoformat(post.get("check_date", "").strip())
    except ValueError:
        raise ServiceError("check date", "enter the check's date (YYYY-MM-DD)") from None
    total = _money(post.get("check_total", ""), "check total")
    assert total is not None
    lines = []
    for row in range(1, ROWS + 1):
        claim = post.get(f"claim_{row}", "").strip()
        if not claim:
            continue
        where = f"claim row {row}"
        paid = _money(post.get(f"paid_{row}", ""), f"{where} paid")
        assert paid is not None
        try:
            adjustments = parse_adjustments(post.get(f"adjustments_{row}", ""), where)
        except EobError as exc:
            raise ServiceError(exc.field, exc.problem) from None
        patient = _money(
            post.get(f"patient_{row}", ""), f"{where} patient responsibility", optional=True
        )
        lines.append(EobLine(claim, paid, adjustments, patient))
    if not lines:
        raise ServiceError("claims", "enter at least one claim the check pays")
    return payer, post.get("check_number", ""), when, total, lines


@requires("import_remittance")
def enter_paper_eob(request: PracticeRequest) -> HttpResponse:
    payers = _payers(request).order_by("name")
    error = ""
    if request.method == "POST":
        try:
            payer, number, when, total, lines = _read(request)
            result = post_paper_eob(
                request.user, request.practice, payer, number, when, total, lines
            )
        except ServiceError as exc:
            error = in_words(exc)
        else:
            if result.already_imported:
                messages.info(request, "This EOB was entered before; nothing new was posted.")
            for s in result.sets:
                if s.status == "posted":
                    messages.success(
                        request,
                        f"Check {s.trace_number} {s.total_paid.format()} posted: "
                        f"{len(s.posted)} claim(s), {len(s.denied)} denial(s), "
                        f"{len(s.unmatched)} unmatched.",
                    )
                else:
                    messages.warning(
                        request,
                        f"Check {s.trace_number} is {s.status}: " + "; ".join(s.reasons),
                    )
            if result.file_id is not None and result.sets:
                rem = Remittance.objects.filter(file_id=result.file_id).first()
                if rem is not None:
                    return redirect("show_remittance", rem.pk)
            return redirect("list_remittances")
    return render(
        request,
        "banking/paper_eob.html",
        {
            "payers": payers,
            "rows": [
                {
                    "i": i,
                    **{
                        key: request.POST.get(f"{key}_{i}", "") if request.method == "POST" else ""
                        for key in ("claim", "paid", "adjustments", "patient")
                    },
                }
                for i in range(1, ROWS + 1)
            ],
            "error": error,
            "form": request.POST if request.method == "POST" else {},
        },
        status=422 if error else 200,
    )


@requires("view_claims")
def list_provider_adjustments(request: PracticeRequest) -> HttpResponse:
    rows = ProviderAdjustment.objects.for_user(request.user, request.practice).select_related(
        "remittance"
    )
    by_id = {r.pk: r for r in rows}
    threads = follow(
        PlbItem(
            r.pk,
            r.provider_identifier,
            r.reason,
            r.reference,
            Money(r.amount),
            r.remittance.payment_date,
        )
        for r in by_id.values()
    )
    shown = request.GET.get("show", "open")
    if shown in ("open", "netted", "final"):
        threads = [t for t in threads if t.state == shown]
    view = [
        {"thread": t, "rows": [by_id[i.id] for i in t.items]}
        for t in sorted(threads, key=lambda t: t.first or datetime.date.min, reverse=True)
    ]
    return render(
        request,
        "banking/provider_adjustments.html",
        {"threads": view, "show": shown},
    )
