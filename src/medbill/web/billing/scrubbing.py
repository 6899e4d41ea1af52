"""Scrubbing stored claims: the edits, the practice's waivers, and the submission gate.

A claim whose scrub has an error finding cannot be submitted; :func:`require_clean` is
the gate every submission path calls. Waivers are per practice and payer, need a reason,
and are audited like every other practice-owned row.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from medbill.core.claim import Claim as ClaimDocument
from medbill.core.scrubber import REGISTRY, Policy, References, Scrubber, ScrubResult
from medbill.core.scrubber.edits.payer import PayerRule, PayerRules
from medbill.core.scrubber.edits.procedures import code_finding
from medbill.web.billing.documents import claim_document, claim_documents
from medbill.web.billing.models import Claim, EditWaiver
from medbill.web.billing.remittance_models import PayerRuleFromDenial
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import FeeScheduleEntry, Payer, Practice, edit_prefixes
from medbill.web.practice.permissions import require as _require
from medbill.web.practice.tenancy import Actor, PracticeRef, signed_in

__all__ = [
    "active_waivers",
    "mark_scrubbed",
    "mark_scrubbed_many",
    "require_clean",
    "revoke_waiver",
    "scrub_claim",
    "waive_edit",
]


def require(user: Actor, practice: PracticeRef, action: str) -> None:
    """The role check; ``None`` is the operator running ``medbill`` on the server."""
    if user is not None:
        _require(user, practice, action)


_lock = threading.Lock()
_refs: References | None = None
_with_fees: dict[frozenset[str], References] = {}


def _base_refs() -> References:
    """The reference tables under ``data_dir()``, loaded once per process."""
    global _refs
    with _lock:
        if _refs is None:
            _refs = References.load()
        return _refs


def preload_references() -> None:
    """Load the reference tables now rather than at the first claim or charge checked (a
    long-running process does it once before it forks its workers)."""
    _base_refs()


def reset_references() -> None:
    """Forget the loaded tables (after ``medbill codesets build`` or an import)."""
    global _refs
    with _lock:
        _refs = None
        _with_fees.clear()


class PayerRoute(Protocol):
    """What waivers and references depend on: the practice and the payer (a claim, or the
    draft of one in the coding workspace)."""

    @property
    def practice_id(self) -> int: ...
    @property
    def payer_id(self) -> int: ...


def active_waivers(claim: PayerRoute) -> dict[str, str]:
    """Edit code -> reason for the waivers of the claim's practice and payer."""
    rows = EditWaiver.objects.filter(
        practice_id=claim.practice_id, payer_id=claim.payer_id, revoked_at__isnull=True
    )
    return {w.code: w.reason for w in rows}


def _references(claim: PayerRoute) -> References:
    """The base tables, the practice's fee schedule codes and its own payer rules."""
    refs = _fee_references(claim)
    own = PayerRuleFromDenial.objects.filter(
        practice_id=claim.practice_id, payer_id=claim.payer_id, active=True
    ).select_related("payer")
    rules = PayerRules(PayerRule.from_dict(row.as_rule(), f"payer rule {row.pk}") for row in own)
    if not len(rules):
        return refs
    return dataclasses.replace(refs, payer_rules=refs.payer_rules + rules)


def _fee_references(claim: PayerRoute) -> References:
    """The base tables plus the practice's fee schedule codes (a few sets per practice)."""
    base = _base_refs()
    codes = FeeScheduleEntry.objects.filter(practice_id=claim.practice_id).values_list(
        "code", flat=True
    )
    fee = frozenset(c.upper() for c in codes)
    if not fee or fee <= base.cpt_known:
        return base
    with _lock:
        refs = _with_fees.get(fee)
        if refs is None or refs.mue is not base.mue:
            refs = dataclasses.replace(base, fee_schedule_codes=fee)
            if len(_with_fees) > 32:
                _with_fees.clear()
            _with_fees[fee] = refs
        return refs


@dataclasses.dataclass(frozen=True)
class _PracticeOnly:
    practice_id: int
    payer_id: int = 0


def procedure_check(practice_id: int) -> Callable[[str, datetime.date], str | None]:
    """``(code, date of service) -> why the code is refused, or None``: the claim edits'
    rule for procedure codes (``code_finding``: a HCPCS code in effect that day, a CPT code
    some loaded source lists: a licensed CPT file, the practice's fee schedule, the CMS
    NCCI tables), for checking a code before it reaches a claim. The tables are looked
    up at the first code asked about."""
    loaded: list[References] = []

    def check(code: str, day: datetime.date) -> str | None:
        # Once the code sets list CPT codes, the fee schedule only adds to them: a code
        # they accept needs no look at it (most charges); the practice's codes are read
        # for the others. (Without any CPT list, the fee schedule alone decides.)
        base = _base_refs()
        if base.cpt_known and code_finding(code, day, base, None) is None:
            return None
        if not loaded:
            loaded.append(_fee_references(_PracticeOnly(practice_id)))
        found = code_finding(code, day, loaded[0], None)
        if found is None:
            return None
        words = found.message.split(": ", 1)[-1]
        return f"{words} ({found.citation})" if found.citation else words

    return check


def scrub_claim(user: Actor, claim: Claim, document: ClaimDocument | None = None) -> ScrubResult:
    """Run the edits on a stored claim (with the practice's waivers for its payer).

    ``document`` is the claim's document when the caller has just built it from the
    locked claim (a batch being sent builds them all at once); otherwise it is built here.
    """
    require(user, claim.practice_id, "view_claims")
    if document is None:
        document = claim_document(claim)
    coverage = claim.coverage
    if coverage.effective_date or coverage.termination_date:
        subscriber = dataclasses.replace(
            document.subscriber,
            coverage_start=coverage.effective_date,
            coverage_end=coverage.termination_date,
        )
        document = dataclasses.replace(document, subscriber=subscriber)
    answer = eligibility_answer(claim, document.date_of_service)
    if answer is not None:
        document = dataclasses.replace(document, extras={**document.extras, "eligibility": answer})
    payer = claim.payer
    policy = Policy(
        select=edit_prefixes(payer.edits_select) or ("",),
        ignore=edit_prefixes(payer.edits_ignore),
        extend=edit_prefixes(payer.edits_extend),
        waivers=active_waivers(claim),
    )
    return Scrubber(_references(claim), default=policy).scrub(document)


def eligibility_answer(claim: Claim, day: datetime.date | None) -> dict[str, str] | None:
    """The payer's latest eligibility answer for the claim's coverage on ``day``, its date
    of service (status, the day it was checked, its summary), for edit DEM007; None when
    unchecked."""
    from medbill.web.frontdesk.desk_models import EligibilityCheck

    if day is None:
        return None
    check = (
        EligibilityCheck.objects.filter(
            practice_id=claim.practice_id, coverage_id=claim.coverage_id, service_date=day
        )
        .order_by("-checked_at", "-pk")
        .only("status", "checked_at", "summary")
        .first()
    )
    if check is None:
        return None
    return {
        "status": check.status,
        "checked_on": timezone.localtime(check.checked_at).date().isoformat(),
        "summary": check.summary,
    }


def mark_scrubbed(user: Actor, claim: Claim) -> ScrubResult:
    """Scrub a draft claim and mark it scrubbed when no error remains."""
    require(user, claim.practice_id, "create_claims")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        result = scrub_claim(user, claim)
        _settle(user, claim, result)
    return result


def mark_scrubbed_many(
    user: Actor, practice: PracticeRef, claim_ids: Iterable[int]
) -> list[ScrubResult]:
    """``mark_scrubbed`` for many claims of ``practice`` in one transaction, their
    documents built together (a claim's document alone takes a dozen queries)."""
    require(user, practice, "create_claims")
    with transaction.atomic():
        claims = list(
            Claim.objects.for_practice(practice)
            .select_for_update()
            .filter(pk__in=list(claim_ids))
            .select_related("coverage", "payer")
            .order_by("id")
        )
        results = []
        for claim, document in zip(claims, claim_documents(claims), strict=True):
            results.append(scrub_claim(user, claim, document))
            _settle(user, claim, results[-1])
    return results


def _settle(user: Actor, claim: Claim, result: ScrubResult) -> None:
    """A locked claim's status after its scrub: scrubbed when clean, back to draft when not."""
    from medbill.web.claims_out.services import move_claim  # it builds on this module

    # Through the lifecycle like every other move, with its event in the claim's history.
    if result.can_submit and claim.status == Claim.Status.DRAFT:
        move_claim(
            claim,
            Claim.Status.SCRUBBED,
            user=user,
            source="scrub",
            reason="no edit left an error",
        )
    elif not result.can_submit and claim.status == Claim.Status.SCRUBBED:
        codes = ", ".join(sorted({f.code for f in result.errors}))
        move_claim(
            claim,
            Claim.Status.DRAFT,
            user=user,
            source="scrub",
            reason=f"edits {codes} found errors",
        )


def require_clean(user: Actor, claim: Claim, document: ClaimDocument | None = None) -> ScrubResult:
    """The scrub result of a claim about to be submitted; ``ServiceError`` if it has errors."""
    result = scrub_claim(user, claim, document)
    if not result.can_submit:
        codes = ", ".join(sorted({f.code for f in result.errors}))
        raise ServiceError(
            "claim", f"cannot be submitted: {len(result.errors)} error(s) from edits {codes}"
        )
    return result


def waive_edit(user: Actor, practice: Practice, payer: Payer, code: str, reason: str) -> EditWaiver:
    """Waive edit ``code`` for ``payer``'s claims of ``practice``, with a reason."""
    require(user, practice.pk, "manage_master_data")
    code = (code or "").strip().upper()
    if code not in REGISTRY:
        raise ServiceError("code", f"{code or 'empty'} is not an edit code")
    if not (reason or "").strip():
        raise ServiceError("reason", "a waiver needs a reason")
    if payer.organization_id != practice.organization_id:
        raise ServiceError("payer", "is not one of the practice's payers")
    with transaction.atomic():
        if EditWaiver.objects.filter(
            practice=practice, payer=payer, code=code, revoked_at__isnull=True
        ).exists():
            raise ServiceError("code", f"{code} is already waived for this payer")
        return EditWaiver.objects.create(
            practice=practice,
            payer=payer,
            code=code,
            reason=reason.strip(),
            waived_by=signed_in(user),
        )


def revoke_waiver(user: Actor, waiver: EditWaiver) -> EditWaiver:
    """End a waiver; the row stays, with who revoked it and when."""
    require(user, waiver.practice_id, "manage_master_data")
    with transaction.atomic():
        waiver = EditWaiver.objects.select_for_update().get(pk=waiver.pk)
        if waiver.revoked_at is None:
            waiver.revoked_at = timezone.now()
            waiver.revoked_by = signed_in(user)
            waiver.save()
    return waiver
