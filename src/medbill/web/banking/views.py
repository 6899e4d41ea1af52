"""Deposits pages: import a bank file, deposits with their 835 payment, what is unmatched."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.core.bank import WINDOW_DAYS, CsvColumns
from medbill.core.money import Money
from medbill.web.banking import services
from medbill.web.banking.models import BankFile, Deposit, DepositMatch, DepositUnmatch
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.pages import paginate, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404

# The largest bank file taken from the page: a year of daily BAI2 files of a busy
# practice is well under this.
MAX_BANK_FILE = 5 * 1024 * 1024


def _standing() -> Prefetch[str]:
    """A deposit's pair that stands, as ``deposit.standing`` (a list of one or none)."""
    return Prefetch(
        "matches",
        queryset=DepositMatch.objects.filter(undone__isnull=True).select_related("remittance"),
        to_attr="standing",
    )


@requires("view_claims")
def list_deposits(request: PracticeRequest) -> HttpResponse:
    paired = Exists(DepositMatch.objects.filter(deposit=OuterRef("pk"), undone__isnull=True))
    every = Deposit.objects.for_user(request.user, request.practice)
    rows = every.select_related("file").prefetch_related(_standing())
    rows = rows.order_by("-deposit_date", "-id")
    shown = request.GET.get("show", "")
    if shown == "matched":
        rows = rows.filter(paired)
    elif shown == "unmatched":
        rows = rows.filter(~paired)
    total = every.count()
    matched = every.filter(paired).count()
    return render(
        request,
        "banking/deposit_list.html",
        {
            "page": paginate(request, rows),
            "query": query_without_page(request),
            "show": shown,
            "total": total,
            "matched": matched,
            "rate": round(100 * matched / total) if total else None,
            "files": BankFile.objects.for_user(request.user, request.practice)[:10],
        },
    )


@requires("import_remittance")
@require_POST
def import_deposits(request: PracticeRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose the bank file to import (BAI2 or CSV).")
        return redirect("list_deposits")
    if upload.size is not None and upload.size > MAX_BANK_FILE:
        messages.error(request, f"{upload.name}: larger than 5 MB; nothing imported.")
        return redirect("list_deposits")
    names = {
        key: request.POST.get(f"column_{key}", "").strip()
        for key in ("date", "amount", "description", "reference")
    }
    columns = CsvColumns(**{k: v for k, v in names.items() if v})
    try:
        result = services.import_bank_file(
            request.user, request.practice, upload.read(), upload.name or "bank file", columns
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect("list_deposits")
    if result.already_imported:
        messages.info(request, f"{result.name}: already imported; nothing new.")
    else:
        again = (
            f", {result.seen_before} already imported from another file"
            if result.seen_before
            else ""
        )
        messages.success(
            request,
            f"{result.name} ({result.format.upper()}): {result.new} deposit(s) added{again}, "
            f"{result.matched} matched to their 835 by trace number and amount, "
            f"{len(result.skipped)} debit(s) left out.",
        )
    return redirect("list_deposits")


@requires("view_claims")
def list_unmatched(request: PracticeRequest) -> HttpResponse:
    practice = request.practice
    today = timezone.localdate()
    plan = services.reassociation(practice)
    deposits = list(services.unmatched_deposits(practice).order_by("deposit_date", "id"))
    eras = {
        r.pk: r for r in services.unmatched_remittances(practice).order_by("payment_date", "id")
    }
    undone: dict[int, list[DepositUnmatch]] = {}
    for u in (
        DepositUnmatch.objects.for_practice(practice)
        .filter(match__deposit_id__in=[d.pk for d in deposits])
        .select_related("match__remittance")
        .order_by("undone_at", "id")
    ):
        undone.setdefault(u.match.deposit_id, []).append(u)
    dep_rows = [
        {
            "deposit": d,
            "age": services.age_text(d.deposit_date, today),
            "suggested": [eras[i] for i in plan.suggested.get(d.pk, []) if i in eras],
            "trace_only": [eras[i] for i in plan.trace_only.get(d.pk, []) if i in eras],
            "undone": undone.get(d.pk, []),
        }
        for d in deposits
    ]
    era_rows = [{"era": r, "age": services.age_text(r.payment_date, today)} for r in eras.values()]
    return render(
        request,
        "banking/unmatched.html",
        {
            "deposits": dep_rows,
            "eras": era_rows,
            "ready": len(plan.matched),
            "window": WINDOW_DAYS,
        },
    )


@requires("import_remittance")
@require_POST
def match_all(request: PracticeRequest) -> HttpResponse:
    count = services.match_deposits(request.user, request.practice)
    messages.success(request, f"{count} deposit(s) matched by trace number and amount.")
    return redirect("list_unmatched_money")


@requires("import_remittance")
@require_POST
def match_deposit(request: PracticeRequest, deposit_id: int) -> HttpResponse:
    try:
        rem_id = int(request.POST.get("remittance", ""))
    except ValueError:
        messages.error(request, "Choose the 835 payment this deposit is.")
        return _back(request, deposit_id)
    try:
        match = services.confirm_match(
            request.user, request.practice, deposit_id, rem_id, request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return _back(request, deposit_id)
    messages.success(
        request,
        f"Deposit of {Money(match.deposit.amount).format()} matched to payment "
        f"{match.remittance.trace_number} ({match.get_how_display().lower()}).",
    )
    return _back(request, deposit_id)


def _back(request: PracticeRequest, deposit_id: int) -> HttpResponse:
    """Where the match was asked from (its message shown there), done or refused."""
    if request.POST.get("next") == "deposit":
        return redirect("show_deposit", deposit_id=deposit_id)
    return redirect("list_unmatched_money")


@requires("view_claims")
def show_deposit(request: PracticeRequest, deposit_id: int) -> HttpResponse:
    """One deposit: what the bank said, the payment it is paired with, every pair it was
    in and why each was undone; undo the pair, or pair it by hand."""
    deposit = get_scoped_or_404(
        Deposit.objects.select_related("file"), request.user, request.practice, pk=deposit_id
    )
    pairs = list(
        DepositMatch.objects.filter(deposit=deposit)
        .select_related("remittance", "matched_by", "undone__undone_by")
        .order_by("matched_at", "id")
    )
    standing = next((m for m in pairs if not hasattr(m, "undone")), None)
    eras = (
        list(services.unmatched_remittances(request.practice).order_by("payment_date", "id"))
        if standing is None
        else []
    )
    return render(
        request,
        "banking/deposit.html",
        {"deposit": deposit, "pairs": pairs, "standing": standing, "eras": eras},
    )


@requires("import_remittance")
@require_POST
def unmatch_deposit(request: PracticeRequest, deposit_id: int) -> HttpResponse:
    try:
        undone = services.undo_match(
            request.user, request.practice, deposit_id, request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect("show_deposit", deposit_id=deposit_id)
    match = undone.match
    messages.success(
        request,
        f"Deposit of {Money(match.deposit.amount).format()} and payment "
        f"{match.remittance.trace_number} are no longer matched; both are in the unmatched "
        "lists.",
    )
    return redirect("show_deposit", deposit_id=deposit_id)
