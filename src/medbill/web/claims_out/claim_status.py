"""Where is this claim? Claim status inquiries (276) and the payer's answers (277).

``check_claim_status`` asks each claim's payer over its real-time endpoint (the same
``PayerEndpoint`` the desk uses for eligibility), one 276 per payer, outside any
database transaction; the answers are then applied in one short transaction each:
the claim moves where the lifecycle says (``status_after_claim_status``), a rejected
claim, one the payer cannot find and one it wants more information about join the work
queue, and every answer, moved or not, is a ``ClaimEvent``
(source ``277``) with the status in words, so the claim page shows its history.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from medbill.connect.claim_status import exchange_claim_status
from medbill.connect.realtime import EligibilityEndpoint, RealtimeError
from medbill.core.submission.lifecycle import status_after_claim_status
from medbill.core.x12 import ControlNumbers, InterchangeEnvelope, X12ParseError, X12WriteError
from medbill.core.x12.m276 import (
    InformationReceiver,
    check_inquiry,
    inquiry_for_claim,
    write_276,
)
from medbill.core.x12.m277 import ClaimStatusReport, read_277
from medbill.web.billing.documents import claim_documents
from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import ClaimEvent, ClaimWorkItem
from medbill.web.claims_out.services import move_claim, next_control_number, require
from medbill.web.frontdesk.eligibility import endpoint_of
from medbill.web.frontdesk.models import PayerEndpoint
from medbill.web.practice import audit
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = [
    "StatusOutcome",
    "apply_277",
    "check_claim_status",
    "claims_without_answer",
    "status_history",
]

SOURCE = "277"
WAITING = ("submitted", "accepted")
# Said after the payer's words when the answer leaves the claim waiting for a document.
_NEXT = {
    "paid": "awaiting the 835",
    "denied": "awaiting the 835 with the reasons",
    "finalized": "awaiting the 835",
    "request": "the payer needs more information",
    "not_found": "the payer has no record of it; check the submission and resend",
}
# Answers that leave a waiting claim where it is but need the biller: they join the work
# queue (once per claim while an item is open), as rejections do.
_TO_WORK = ("request", "not_found")

Exchange = Callable[[str, EligibilityEndpoint], str]


@dataclass
class StatusOutcome:
    """What came back for one claim."""

    claim_id: int
    claim_number: str  # our patient control number
    words: str
    category: str = ""
    code: str = ""
    before: str = ""
    after: str = ""
    error: str = ""

    @property
    def moved(self) -> bool:
        return bool(self.after) and self.after != self.before


def claims_without_answer(
    practice: PracticeRef, older_than_days: int, now: datetime.datetime | None = None
) -> QuerySet[Claim]:
    """Claims sent more than ``older_than_days`` ago whose payer has not decided yet."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    return (
        Claim.objects.for_practice(practice)
        .filter(status__in=WAITING, submitted_at__lte=cutoff)
        .order_by("submitted_at", "id")
    )


def status_history(claim: Claim) -> list[ClaimEvent]:
    """The claim's lifecycle events, oldest first (what the claim page lists)."""
    return list(
        ClaimEvent.objects.filter(claim=claim)
        .select_related("created_by")
        .order_by("created_at", "id")
    )


def _trace(claim: Claim, when: datetime.datetime) -> str:
    return f"{claim.patient_control_number}-{when:%y%m%d%H%M%S}"[:50]


def check_claim_status(
    user: Actor,
    practice: PracticeRef,
    claims: Iterable[Claim],
    *,
    exchange: Exchange = exchange_claim_status,
    now: datetime.datetime | None = None,
) -> list[StatusOutcome]:
    """Ask the payers where ``claims`` stand and apply their answers.

    Only claims still waiting for their payer are asked about; the others come back
    with the reason in ``error``. A payer without a real-time endpoint, or one that does
    not answer, gives every one of its claims an ``error`` and changes nothing.
    """
    require(user, practice, "check_claim_status")
    practice_id = practice_pk(practice)
    now = now or timezone.now()
    rows = list(
        Claim.objects.for_practice(practice_id)
        .filter(pk__in=[getattr(c, "pk", c) for c in claims])
        .select_related("payer", "practice")
        .order_by("id")
    )
    outcomes: list[StatusOutcome] = []
    asking: dict[int, list[Claim]] = {}
    for claim in rows:
        if claim.status not in WAITING:
            outcomes.append(
                StatusOutcome(
                    claim.pk,
                    claim.patient_control_number,
                    "",
                    before=claim.status,
                    error=f"a {claim.status} claim is not waiting for its payer",
                )
            )
        else:
            asking.setdefault(claim.payer_id, []).append(claim)
    endpoints = {
        row.payer_id: row
        for row in PayerEndpoint.objects.for_practice(practice_id).filter(
            payer_id__in=list(asking), active=True
        )
    }
    with audit.acting_as(user):
        for payer_id, batch in asking.items():
            outcomes += _ask_payer(user, practice_id, batch, endpoints.get(payer_id), exchange, now)
    return outcomes


def _ask_payer(
    user: Actor,
    practice_id: int,
    batch: list[Claim],
    row: PayerEndpoint | None,
    exchange: Exchange,
    now: datetime.datetime,
) -> list[StatusOutcome]:
    def failed(reason: str, claims: list[Claim]) -> list[StatusOutcome]:
        return [
            StatusOutcome(c.pk, c.patient_control_number, "", before=c.status, error=reason)
            for c in claims
        ]

    if row is None:
        return failed(f"no real-time endpoint is set up for {batch[0].payer.name}", batch)
    endpoint = endpoint_of(row)
    docs = claim_documents(batch)
    traces: dict[str, Claim] = {}
    inquiries = []
    errors: list[StatusOutcome] = []
    for claim, doc in zip(batch, docs, strict=True):
        trace = _trace(claim, now)
        inq = inquiry_for_claim(doc, trace, claim.payer_claim_number or None)
        try:
            check_inquiry(inq)
        except X12WriteError as exc:
            errors += failed(f"cannot ask about this claim: {exc.reason}", [claim])
            continue
        traces[trace] = claim
        inquiries.append(inq)
    if not inquiries:
        return errors
    practice = batch[0].practice
    number = next_control_number(practice_id, "claim-status")
    claims = list(traces.values())
    try:
        data = write_276(
            inquiries,
            InterchangeEnvelope(endpoint.sender_id, endpoint.receiver_id, usage=endpoint.usage),
            ControlNumbers(number, number),
            InformationReceiver(practice.legal_name, endpoint.sender_id),
            now,
            line_ending="",
        )
    except X12WriteError as exc:
        # The practice's name or the endpoint's ids: nothing any claim can fix.
        return errors + failed(f"cannot write the inquiry: {exc}", claims)
    audit.record_list(claims, user, search="claim status inquiry (276)")
    try:
        answer = exchange(data.decode(), endpoint)
    except RealtimeError as exc:
        return errors + failed(str(exc), claims)
    try:
        outcomes = apply_277(user, practice_id, answer.encode(), traces)
    except X12ParseError as exc:
        return errors + failed(f"the payer's 277 cannot be read: {exc}", claims)
    answered = {o.claim_id for o in outcomes}
    missing = [c for c in claims if c.pk not in answered]
    # A status above the claims (the provider is not set up, the request was wrong) is
    # the payer's answer for every claim it left out.
    general = "; ".join(s.words() for r in read_277(answer.encode()) for _, _, s in r.general)
    return (
        errors
        + outcomes
        + failed(
            f"the payer answered for the whole request: {general}"
            if general
            else "the payer's answer did not mention this claim",
            missing,
        )
    )


def apply_277(
    user: Actor, practice_id: int, data: bytes, traces: dict[str, Claim] | None = None
) -> list[StatusOutcome]:
    """Apply a 277 to the claims it answers (by our trace, else by our claim id).

    Atomic: every claim of the file or none. Raises ``X12ParseError`` for a file that
    cannot be read.
    """
    responses = read_277(data)
    traces = traces or {}
    reports = [r for resp in responses for r in resp.claims]
    outcomes = []
    with transaction.atomic(), audit.acting_as(user):
        locked = _lock_claims(practice_id, reports, traces)
        for report in reports:
            known = traces.get(report.trace_number)
            claim = (
                locked.get(known.pk)
                if known is not None
                else locked.get(report.patient_control_number or "")
            )
            if claim is not None:
                outcomes.append(_apply(user, claim, report))
    return outcomes


def _lock_claims(
    practice_id: int, reports: list[ClaimStatusReport], traces: dict[str, Claim]
) -> dict[object, Claim]:
    """The claims the reports answer, locked in one query: by id for our own traces, by
    our claim id (REF*EJ) for the others."""
    ids = {traces[r.trace_number].pk for r in reports if r.trace_number in traces}
    numbers = {
        r.patient_control_number
        for r in reports
        if r.trace_number not in traces and r.patient_control_number
    }
    rows = (
        Claim.objects.for_practice(practice_id)
        .select_for_update()
        .filter(Q(pk__in=ids) | Q(patient_control_number__in=numbers))
        .order_by("id")
    )
    out: dict[object, Claim] = {}
    for claim in rows:
        out[claim.pk] = claim
        out[claim.patient_control_number] = claim
    return out


def _apply(user: Actor, claim: Claim, report: ClaimStatusReport) -> StatusOutcome:
    group = report.group
    status = next((s for s in report.statuses if s.group == group), report.status)
    words = report.words()
    if group in _NEXT:
        words += f"; {_NEXT[group]}"
    before = claim.status
    after = status_after_claim_status(before, group)
    reason = f"277: {words}"
    ref = report.trace_number
    fields = {}
    if report.payer_claim_number and not claim.payer_claim_number:
        fields["payer_claim_number"] = report.payer_claim_number[:50]
    codes = ",".join(f"{s.category}:{s.code}" for s in report.statuses)[:120]
    if after != before:
        move_claim(claim, after, user=user, reason=reason, source=SOURCE, source_ref=ref, **fields)
        if after == "rejected":
            ClaimWorkItem.objects.create(
                practice_id=claim.practice_id,
                claim=claim,
                source=SOURCE,
                reason=reason[:500],
                codes=codes,
            )
    else:
        if fields:
            for key, value in fields.items():
                setattr(claim, key, value)
            claim.save()
        ClaimEvent.objects.create(
            practice_id=claim.practice_id,
            claim=claim,
            from_status=before,
            to_status=before,
            reason=reason[:300],
            source=SOURCE,
            source_ref=ref[:120],
            created_by=signed_in(user),
        )
    if (
        group in _TO_WORK
        and after in WAITING
        and not ClaimWorkItem.objects.filter(claim=claim, source=SOURCE, resolved_at=None).exists()
    ):
        ClaimWorkItem.objects.create(
            practice_id=claim.practice_id,
            claim=claim,
            source=SOURCE,
            reason=reason[:500],
            codes=codes,
        )
    return StatusOutcome(
        claim.pk,
        claim.patient_control_number,
        words,
        status.category if status else "",
        status.code if status else "",
        before,
        after,
    )
