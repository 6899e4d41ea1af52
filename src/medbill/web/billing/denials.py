"""Working a denial: a corrected claim (frequency 7) or an appeal letter, as the CARC allows.

Which remedies a denial offers comes from ``medbill.core.ledger.denials.remedies`` (the
first known CARC decides, as it does for the suggested next action), so a duplicate is
never appealed and a missing modifier is fixed with a replacement claim. Both use cases
lock the denial, move its status and write an audit event; the views stay thin.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.core.deadlines import AppealLevel, Clock, appeal_clock
from medbill.core.forms.appeal import (
    DEFAULT_DOCUMENTS,
    AppealError,
    AppealLetter,
    render_appeal_letter,
)
from medbill.core.ledger.denials import appeal_grounds, remedies
from medbill.core.money import Money
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.printing import practice_of
from medbill.web.billing.remittance_models import Appeal, DenialItem, PayerRuleFromDenial
from medbill.web.claims_out.services import correct_claim
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import errors_by_input, in_words
from medbill.web.practice.permissions import require, requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import Actor, get_scoped_or_404, signed_in

__all__ = [
    "appeal_letter",
    "correct_from_denial",
    "denial_remedies",
    "transfer_denial_to_patient",
    "write_off_denial",
]

# A denial that was corrected, written off or resolved is finished; an appeal may be
# followed by a corrected claim (and a letter printed again).
WORKABLE = (DenialItem.Status.OPEN, DenialItem.Status.APPEALED)


def _carcs(item: DenialItem) -> list[str]:
    return [str(pair[1]) for pair in item.reasons or [] if len(pair) > 1]


def denial_remedies(item: DenialItem) -> tuple[str, ...]:
    """The remedies this denial's CARCs allow, the recommended one first."""
    return remedies(_carcs(item))


def _lock(item: DenialItem, remedy: str, what: str) -> DenialItem:
    locked = DenialItem.objects.select_for_update().select_related("claim").get(pk=item.pk)
    if locked.status not in WORKABLE:
        raise ServiceError("denial", f"this denial is {locked.get_status_display().lower()}")
    if remedy not in denial_remedies(locked):
        codes = ", ".join(_carcs(locked)) or "none"
        raise ServiceError("denial", f"{what} does not fit CARC {codes}: {locked.action}")
    return locked


def correct_from_denial(user: Actor, item: DenialItem, reason: str = "") -> Claim:
    """A replacement claim (frequency 7) naming the payer's claim number, to be fixed and sent.

    The denial is marked corrected. Refused (``ServiceError``) when the CARC calls for
    something else, when the payer's claim number is unknown, or when a correction is open.
    """
    require(user, item.practice_id, "create_claims")
    with transaction.atomic(), audit.acting_as(user):
        locked = _lock(item, "correct", "a corrected claim")
        why = (
            reason.strip()
            or f"corrected after denial {locked.pk} (CARC {', '.join(_carcs(locked))})"
        )
        new = correct_claim(user, locked.claim, "7", reason=why)
        locked.status = DenialItem.Status.CORRECTED
        locked.save()
        audit.record(
            locked,
            "update",
            {"corrected_claim": {"before": None, "after": new.patient_control_number}},
            source="denial correction",
        )
    return new


def _letter(
    item: DenialItem, grounds: str, documents: list[str], today: datetime.date
) -> AppealLetter:
    claim = item.claim
    document = claim_document(claim)
    line = item.claim_line
    billed = Money(line.charge) if line is not None else claim.total_charge
    services: tuple[str, ...] = ()
    if line is not None:
        mods = "-".join(line.modifiers or [])
        services = (f"line {line.line_number}: {line.code}{'-' + mods if mods else ''}",)
    patient = document.patient
    rendering = document.rendering_provider
    return AppealLetter(
        practice=practice_of(claim.practice),
        letter_date=today,
        payer_name=document.payer.name,
        payer_address=document.payer.address,
        patient_name=patient.name.display() if patient else document.subscriber.name.display(),
        patient_dob=patient.dob if patient else document.subscriber.dob,
        member_id=document.subscriber.member_id or "",
        claim_number=claim.patient_control_number,
        payer_claim_number=claim.payer_claim_number or None,
        date_of_service=document.date_of_service or claim.visit.date_of_service,
        billed=billed,
        denied=Money(item.amount),
        reasons=tuple(item.reason_words or ()),
        remarks=tuple(item.remark_words or ()),
        services=services,
        grounds=grounds.strip() or appeal_grounds(_carcs(item)),
        documents=tuple(documents) or DEFAULT_DOCUMENTS,
        contact_name=claim.practice.contact_name or None,
        rendering_provider=rendering.name.display() if rendering else None,
    )


def next_appeal(item: DenialItem, today: datetime.date) -> tuple[int, AppealLevel, Clock] | None:
    """The level the denial's next appeal goes to, with its clock: the first level runs from
    the payer's decision, a later one from the answer to the appeal before it. None when
    every level has been used, or an appeal is still waiting for its answer."""
    from medbill.web.billing.deadlines import appeal_clock_of

    levels = (item.payer or item.claim.payer).deadline_limits().appeals
    done = list(item.appeals.exclude(status=Appeal.Status.WITHDRAWN).order_by("level_number"))
    if not done:
        _name, clock = appeal_clock_of(item, today)
        return 1, levels[0], clock
    last = done[-1]
    if last.status == Appeal.Status.FILED or last.level_number >= len(levels):
        return None
    level = levels[last.level_number]
    decided = last.answered_on or last.filed_on
    return last.level_number + 1, level, appeal_clock(decided, level, today)


def appeal_letter(
    user: Actor,
    item: DenialItem,
    grounds: str = "",
    documents: list[str] | None = None,
    today: datetime.date | None = None,
) -> bytes:
    """The appeal letter PDF for a denial at its next level; the appeal is recorded (level,
    filed, due by), the denial marked appealed and the letter audited (who printed it,
    when, with what grounds)."""
    require(user, item.practice_id, "post_adjustment")
    docs = [d.strip()[:120] for d in documents or [] if d.strip()][:8]
    day = today or timezone.localdate()
    with transaction.atomic(), audit.acting_as(user):
        locked = _lock(item, "appeal", "an appeal")
        following = next_appeal(locked, day)
        if following is None:
            raise ServiceError(
                "appeal",
                "an appeal of this denial is waiting for the payer's answer, or every level "
                "of appeal has been used",
            )
        number, level, clock = following
        letter = dataclasses.replace(
            _letter(locked, grounds, docs, day), level=level.name, deadline=clock.deadline
        )
        try:
            pdf = render_appeal_letter(letter)
        except AppealError as exc:
            raise ServiceError(exc.field, exc.problem) from None
        Appeal.objects.create(
            practice_id=locked.practice_id,
            denial=locked,
            level=level.name,
            level_number=number,
            filed_on=day,
            due_by=clock.deadline,
            grounds=letter.grounds,
            documents=list(letter.documents),
            created_by=signed_in(user),
        )
        if locked.status != DenialItem.Status.APPEALED:
            locked.status = DenialItem.Status.APPEALED
            locked.save()
        printed = {"grounds": grounds.strip()[:500] or "standard", "documents": docs}
        audit.record(
            locked,
            "update",
            {"appeal_letter": {"before": None, "after": printed}},
            source="appeal letter",
        )
    return pdf


def _entry(item: DenialItem, user: Actor, **values: Any) -> Entry:
    claim = item.claim
    return Entry.objects.create(
        practice_id=item.practice_id,
        patient_id=claim.patient_id,
        visit_id=claim.visit_id,
        claim=claim,
        claim_line=item.claim_line,
        payer_id=item.payer_id,
        group_code=(item.reasons[0][0] if item.reasons else "CO")[:2],
        reason_code=(item.reasons[0][1] if item.reasons else "")[:5],
        source="manual",
        source_ref=f"denial {item.pk}",
        created_by=signed_in(user),
        **values,
    )


def _settle(user: Actor, item: DenialItem) -> DenialItem:
    locked = DenialItem.objects.select_for_update().select_related("claim").get(pk=item.pk)
    if locked.status not in WORKABLE:
        raise ServiceError("denial", f"this denial is {locked.get_status_display().lower()}")
    return locked


def write_off_denial(user: Actor, item: DenialItem, reason: str = "") -> DenialItem:
    """Write the denied amount off: an adjustment lowers what the payer owes, and the
    denial is marked written off. ``reason`` is required: money leaves the books, and
    whoever reads the ledger later must see why."""
    require(user, item.practice_id, "post_adjustment")
    if not reason.strip():
        raise ServiceError(
            "reason",
            "say why the amount is written off (e.g. timely "
            "filing missed); it is kept on the ledger entry",
        )
    with transaction.atomic(), audit.acting_as(user):
        locked = _settle(user, item)
        memo = f"denial written off: {reason.strip()}"
        _entry(
            locked,
            user,
            kind=Entry.Kind.ADJUSTMENT,
            amount=-Money(locked.amount),
            responsibility=Entry.Responsibility.PAYER,
            memo=memo[:200],
        )
        locked.status = DenialItem.Status.WRITTEN_OFF
        locked.save()
    return locked


def contractual(item: DenialItem) -> bool:
    """Whether the denial is in the CO (contractual obligation) group: the provider's
    liability, which the patient owes only under a signed ABN or waiver."""
    return any(str(pair[0]).upper() == "CO" for pair in item.reasons or [] if pair)


def transfer_denial_to_patient(
    user: Actor, item: DenialItem, reason: str = "", abn_signed: bool = False
) -> DenialItem:
    """Move the denied amount from the payer to the patient (a pair of transfer entries),
    for a service the patient agreed to pay; the denial is resolved and the patient's
    statement bills it. A CO-group denial moves only with ``abn_signed``: the patient
    signed an Advance Beneficiary Notice or waiver (said on the entries and the audit)."""
    require(user, item.practice_id, "post_adjustment")
    with transaction.atomic(), audit.acting_as(user):
        locked = _settle(user, item)
        co = contractual(locked)
        if co and not abn_signed:
            raise ServiceError(
                "abn_signed",
                "a contractual (CO) denial is the practice's to absorb: bill the patient "
                "only if they signed an ABN or waiver, and tick the box to say so",
            )
        amount = Money(locked.amount)
        said = ["patient signed an ABN / waiver"] if co else []
        said += [reason.strip()] if reason.strip() else []
        memo = ("denial transferred to the patient" + (f": {'; '.join(said)}" if said else ""))[
            :200
        ]
        _entry(
            locked,
            user,
            kind=Entry.Kind.TRANSFER,
            amount=-amount,
            responsibility=Entry.Responsibility.PAYER,
            memo=memo,
        )
        _entry(
            locked,
            user,
            kind=Entry.Kind.TRANSFER,
            amount=amount,
            responsibility=Entry.Responsibility.PATIENT,
            memo=memo,
        )
        locked.status = DenialItem.Status.RESOLVED
        locked.save()
        audit.record(
            locked,
            "update",
            {
                "transferred_to_patient": {"before": None, "after": str(amount)},
                **({"abn_signed": {"before": None, "after": "yes"}} if co else {}),
            },
            source="denial transfer",
        )
    return locked


# -- pages --------------------------------------------------------------------------------------


def _denial(request: PracticeRequest, denial_id: int) -> DenialItem:
    return get_scoped_or_404(
        DenialItem.objects.select_related("claim", "claim__patient", "payer", "claim_line"),
        request.user,
        request.practice,
        pk=denial_id,
    )


def _denial_page(
    request: PracticeRequest,
    item: DenialItem,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "billing/denial_detail.html",
        {
            "d": item,
            "remedies": denial_remedies(item),
            "workable": item.status in WORKABLE,
            "contractual": contractual(item),
            "grounds": appeal_grounds(_carcs(item)),
            "errors": errors or {},
            "corrections": Claim.objects.filter(replaces=item.claim).order_by("-created_at"),
            "proposed_rule": proposed_rule(item),
            "appeals": item.appeals.all(),
            "next_appeal": next_appeal(item, timezone.localdate()),
            "cause": _cause_context(item),
            "payer_rules": item.payer_rules.filter(active=True),
        },
        status=status,
    )


@requires("view_claims")
def show_denial(request: PracticeRequest, denial_id: int) -> HttpResponse:
    item = _denial(request, denial_id)
    audit.record_view(item.claim, request.user, source="denial")
    return _denial_page(request, item)


@requires("post_adjustment")
@require_POST
def write_off(request: PracticeRequest, denial_id: int) -> HttpResponse:
    item = _denial(request, denial_id)
    try:
        write_off_denial(request.user, item, request.POST.get("reason", ""))
    except ServiceError as exc:
        errors = errors_by_input(exc, {"reason": "write_off_reason"})
        if "write_off_reason" in errors:  # beside the field, on the page the biller was on
            return _denial_page(request, item, errors, status=422)
        messages.error(request, in_words(exc))
        return redirect("show_denial", denial_id=item.pk)
    messages.success(request, f"{Money(item.amount).format()} written off on claim {item.claim}.")
    return redirect("list_denials")


@requires("post_adjustment")
@require_POST
def transfer_to_patient(request: PracticeRequest, denial_id: int) -> HttpResponse:
    item = _denial(request, denial_id)
    try:
        transfer_denial_to_patient(
            request.user,
            item,
            request.POST.get("reason", ""),
            abn_signed=request.POST.get("abn_signed") == "1",
        )
    except ServiceError as exc:
        errors = errors_by_input(exc, {"abn_signed": "abn_signed"})
        if "abn_signed" in errors:  # beside the box, on the page the biller was on
            return _denial_page(request, item, errors, status=422)
        messages.error(request, in_words(exc))
        return redirect("show_denial", denial_id=item.pk)
    moved = Money(item.amount).format()
    messages.success(
        request,
        f"{moved} moved to {item.claim.patient.full_name}'s balance; the next statement bills it.",
    )
    return redirect("list_denials")


@requires("create_claims")
@require_POST
def correct_denial(request: PracticeRequest, denial_id: int) -> HttpResponse:
    item = _denial(request, denial_id)
    try:
        new = correct_from_denial(request.user, item, request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect("show_denial", denial_id=item.pk)
    messages.success(
        request, f"Corrected claim {new} started as a draft: fix it, scrub it and send it."
    )
    return redirect("show_claim", claim_id=new.pk)


@requires("post_adjustment")
@require_POST
def appeal_denial(request: PracticeRequest, denial_id: int) -> HttpResponse:
    item = _denial(request, denial_id)
    documents = request.POST.get("documents", "").splitlines()
    try:
        pdf = appeal_letter(request.user, item, request.POST.get("grounds", ""), documents)
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect("show_denial", denial_id=item.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="appeal-{item.claim.patient_control_number}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _cause_context(item: DenialItem) -> dict[str, Any]:
    from medbill.core.denial_causes import CATEGORIES, category_for
    from medbill.web.billing.denial_causes import rule_cause

    by_rule = category_for(rule_cause(item))
    current = category_for(item.root_cause) if item.root_cause else by_rule
    return {
        "current": current,
        "by_rule": by_rule,
        "chosen": item.root_cause,
        "choices": list(CATEGORIES.values()),
    }


# Root causes a payer rule on a code can prevent; eligibility, registration, coordination
# of benefits, duplicates and late filing are caught by the desk's and the biller's checks.
RULE_CAUSES = frozenset(
    ("authorization", "coding", "medical_necessity", "non_covered", "provider", "other")
)


def proposed_rule(item: DenialItem) -> tuple[str, str, str] | None:
    """The payer rule a recurring denial like ``item`` suggests: (kind, code, reason), or
    None when the denial names no service to watch."""
    from medbill.core.denial_causes import category_for
    from medbill.web.billing.denial_causes import cause_of

    line = item.claim_line or item.claim.lines.order_by("line_number").first()
    if line is None:
        return None
    cause = cause_of(item)
    if cause not in RULE_CAUSES:
        return None  # fixed at the desk or in the billing office, not by watching a code
    if cause == "authorization":
        kind = PayerRuleFromDenial.Kind.PRIOR_AUTH
    else:
        kind = PayerRuleFromDenial.Kind.DENIED_BEFORE
    words = "; ".join(str(w) for w in item.reason_words or []) or "denied"
    reason = f"{words} ({category_for(cause).label.lower()})"
    return kind, line.code, reason[:300]


@requires("post_adjustment")
@require_POST
def make_payer_rule(request: PracticeRequest, denial_id: int) -> HttpResponse:
    """Turn a recurring denial into a payer rule the scrubber applies to the next claim."""
    item = _denial(request, denial_id)
    proposal = proposed_rule(item)
    payer = item.payer or item.claim.payer
    if proposal is None:
        messages.error(request, "This denial names no service, so there is no code to watch.")
        return redirect("show_denial", denial_id=item.pk)
    kind, code, reason = proposal
    with transaction.atomic(), audit.acting_as(request.user):
        existing = PayerRuleFromDenial.objects.filter(
            practice_id=item.practice_id, payer=payer, kind=kind, code=code, active=True
        ).first()
        if existing is not None:
            messages.info(request, f"{payer.name} already has this rule for {code}: {existing}.")
            return redirect("show_denial", denial_id=item.pk)
        rule = PayerRuleFromDenial.objects.create(
            practice_id=item.practice_id,
            payer=payer,
            kind=kind,
            code=code,
            reason=reason,
            denial=item,
            created_by=request.user if request.user.is_authenticated else None,
        )
    from medbill.web.billing.scrubbing import reset_references

    reset_references()
    messages.success(
        request,
        f"Payer rule added: {payer.name}'s claims for {code} are now checked before they go "
        f"out ({rule.get_kind_display().lower()}).",
    )
    return redirect("show_denial", denial_id=item.pk)


@requires("post_adjustment")
@require_POST
def set_root_cause(request: PracticeRequest, denial_id: int) -> HttpResponse:
    """The biller's call on why a denial happened (blank returns it to the rule's)."""
    from medbill.core.denial_causes import CATEGORIES

    item = _denial(request, denial_id)
    chosen = request.POST.get("root_cause", "").strip()
    if chosen and chosen not in CATEGORIES:
        messages.error(request, "Choose a root cause from the list.")
        return redirect("show_denial", denial_id=item.pk)
    with transaction.atomic(), audit.acting_as(request.user):
        item.root_cause = chosen
        item.save(update_fields=["root_cause"])
    label = CATEGORIES[chosen].label if chosen else "the one its codes give"
    messages.success(request, f"Root cause of this denial: {label}.")
    return redirect("show_denial", denial_id=item.pk)


@requires("view_claims")
def reprint_appeal(request: PracticeRequest, denial_id: int, appeal_id: int) -> HttpResponse:
    """The letter of an appeal already filed, as it was printed (its level, grounds,
    documents and limit); printing it again files nothing."""
    item = _denial(request, denial_id)
    appeal = get_scoped_or_404(
        Appeal.objects.filter(denial=item), request.user, request.practice, pk=appeal_id
    )
    letter = dataclasses.replace(
        _letter(item, appeal.grounds, list(appeal.documents), appeal.filed_on),
        level=appeal.level,
        deadline=appeal.due_by,
    )
    audit.record_view(item.claim, request.user, source="appeal letter reprint")
    response = HttpResponse(render_appeal_letter(letter), content_type="application/pdf")
    name = f"appeal-{item.claim.patient_control_number}-{appeal.level_number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@requires("post_adjustment")
@require_POST
def record_appeal_answer(request: PracticeRequest, denial_id: int, appeal_id: int) -> HttpResponse:
    """The payer's answer to an appeal that came on paper (a letter, not an 835)."""
    item = _denial(request, denial_id)
    appeal = get_scoped_or_404(
        Appeal.objects.filter(denial=item), request.user, request.practice, pk=appeal_id
    )
    outcome = request.POST.get("outcome", "")
    answers: dict[str, str] = {
        Appeal.Status.UPHELD.value: DenialItem.Status.OPEN.value,
        Appeal.Status.WITHDRAWN.value: DenialItem.Status.OPEN.value,
    }
    if appeal.status != Appeal.Status.FILED:
        messages.error(request, "This appeal already has its answer.")
    elif outcome not in answers:
        messages.error(
            request,
            "Record an upheld or withdrawn appeal here; a payment comes with the payer's 835 "
            "(or a paper EOB), which records the answer itself.",
        )
    else:
        try:
            day = datetime.date.fromisoformat(request.POST.get("answered_on", "").strip())
        except ValueError:
            messages.error(request, "Answered on: choose the date of the payer's letter.")
            return redirect("show_denial", denial_id=item.pk)
        with transaction.atomic(), audit.acting_as(request.user):
            appeal.status, appeal.answered_on = outcome, day
            appeal.save()
            item.status = answers[outcome]
            item.save(update_fields=["status"])
        messages.success(request, f"{appeal.level}: {appeal.get_status_display().lower()}.")
    return redirect("show_denial", denial_id=item.pk)
