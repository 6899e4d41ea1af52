"""Use cases of claims out: build claims from visits, number and send 837P files.

Each checks the acting user's role and runs its database work inside
``transaction.atomic()``. Claims change status with ``select_for_update`` and
``save()`` (so the audit trail sees every change) and every step writes a
``ClaimEvent``. Control numbers come from ``next_control_number``: a conditional
UPDATE that must change exactly one row, so no two workers share a number.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from medbill.connect.delivery import DeliveryError, deliver
from medbill.core.claim import Claim as ClaimDocument
from medbill.core.collector import collector_paused
from medbill.core.money import Money
from medbill.core.paths import data_dir
from medbill.core.submission import (
    ClearinghouseProfile,
    OutgoingFile,
    ProfileError,
    build_batch,
)
from medbill.core.submission.lifecycle import check_move
from medbill.core.x12 import ControlNumbers, HeldClaim, X12WriteError
from medbill.web.billing import scrubbing
from medbill.web.billing.models import Claim, ClaimAttachment, ClaimLine
from medbill.web.claims_out.documents import claim_documents
from medbill.web.claims_out.models import (
    ClaimEvent,
    ClearinghouseConnection,
    ControlNumberSequence,
    Submission,
    SubmissionClaim,
)
from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.frontdesk.models import Coverage, Visit
from medbill.web.frontdesk.paperwork import paperwork_holds
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Practice
from medbill.web.practice.permissions import require as _require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in
from medbill.web.risk.models import ClaimHold

__all__ = [
    "BuildCandidate",
    "BuildResult",
    "Sent",
    "build_claims",
    "build_preview",
    "connection_profile",
    "correct_claim",
    "move_claim",
    "next_control_number",
    "record_file_download",
    "submit_claims",
]

log = logging.getLogger(__name__)
MAX_CONTROL = 999_999_999


def require(user: Actor, practice: PracticeRef, action: str) -> None:
    """The role check of every use case; ``None`` is the operator at the command line.

    Whoever runs ``medbill`` on the server already holds the database; the audit
    trail records their changes as the system's.
    """
    if user is not None:
        _require(user, practice, action)


def next_control_number(practice: PracticeRef, name: str) -> int:
    """The next interchange control number for ``practice`` and connection ``name``.

    Call it outside a surrounding transaction when the number must survive a
    later rollback; inside one, the UPDATE's row lock still keeps it unique.
    """
    practice_id = practice_pk(practice)
    ControlNumberSequence.objects.get_or_create(practice_id=practice_id, name=name)
    rows = ControlNumberSequence.objects.filter(practice_id=practice_id, name=name)
    for _ in range(1000):
        current = rows.values_list("last_value", flat=True).get()
        if current >= MAX_CONTROL:
            raise ServiceError("connection", f"control numbers of {name} are used up")
        if rows.filter(last_value=current).update(last_value=current + 1) == 1:
            return current + 1
    raise ServiceError("connection", "could not take a control number (too much contention)")


def move_claim(
    claim: Claim,
    new: str,
    *,
    user: Actor,
    reason: str = "",
    source: str,
    source_ref: str = "",
    **fields: Any,
) -> None:
    """Change a locked claim's status (checked against the lifecycle) and log the event."""
    old = claim.status
    check_move(old, new)
    claim.status = new
    if new in ("rejected", "denied"):
        claim.status_reason = reason[:200]
    elif new in ("scrubbed", "submitted", "accepted"):
        claim.status_reason = ""
    for key, value in fields.items():
        setattr(claim, key, value)
    claim.save()
    if new == "submitted":
        # A claim sent is owed from that day: its visit's charges go on the ledger (once,
        # dated on the date of service) so that the A/R shows it before any answer.
        from medbill.web.billing.era_claims import post_charges

        post_charges(claim)
    ClaimEvent.objects.create(
        practice_id=claim.practice_id,
        claim=claim,
        from_status=old,
        to_status=new,
        reason=reason[:300],
        source=source,
        source_ref=source_ref[:120],
        created_by=signed_in(user),
    )


# -- visits -> claims ---------------------------------------------------------------------------


@dataclass
class BuildResult:
    created: list[Claim]
    skipped: dict[int, str]  # visit id -> why no claim was built


@dataclass
class BuildCandidate:
    visit: Visit
    coverage: Coverage | None
    held: str  # why no claim would be built; "" when one will be


# Why a visit of a patient without insurance is held: the biller bills the patient instead
# (``billing.self_pay``).
NO_COVERAGE = "no primary coverage in effect on the date of service"


def primary_in_effect(primaries: Iterable[Coverage], day: datetime.date) -> Coverage | None:
    """The coverage a visit of ``day`` bills: the first of the patient's primary coverages
    (oldest first) in effect that day; None: the patient has no insurance that day."""
    return next((c for c in primaries if c.is_in_effect(day)), None)


def _visits_to_build(practice: PracticeRef, visit_ids: Iterable[int] | None) -> QuerySet[Visit]:
    visits = Visit.objects.for_practice(practice)
    visits = (
        visits.filter(pk__in=list(visit_ids))
        if visit_ids is not None
        else visits.filter(status=Visit.Status.CODED)
    )
    return visits.order_by("scheduled_at", "id")


def _holds(practice: PracticeRef, visits: list[Visit]) -> dict[int, tuple[str, Coverage | None]]:
    """For each visit, why it cannot become a claim now ("" if it can) and the coverage to
    bill: the primary coverage in effect on the date of service. A few queries in all."""
    ids = [v.pk for v in visits]
    claimed = set(
        Claim.objects.filter(visit_id__in=ids)
        .exclude(status="closed")
        .values_list("visit_id", flat=True)
    )
    with_lines = set(
        ServiceLine.objects.filter(visit_id__in=ids).values_list("visit_id", flat=True)
    )
    with_dx = set(Diagnosis.objects.filter(visit_id__in=ids).values_list("visit_id", flat=True))
    primaries: dict[int, list[Coverage]] = {}
    for cov in (
        Coverage.objects.for_practice(practice)
        .filter(patient_id__in={v.patient_id for v in visits}, order="primary")
        .select_related("payer")
        .order_by("id")
    ):
        primaries.setdefault(cov.patient_id, []).append(cov)
    paperwork = paperwork_holds(
        practice,
        [
            v
            for v in visits
            if v.status == Visit.Status.CODED and v.pk in with_lines and v.pk in with_dx
        ],
    )
    out: dict[int, tuple[str, Coverage | None]] = {}
    for visit in visits:
        if visit.status != Visit.Status.CODED:
            why = f"the visit is {visit.get_status_display().lower()}, not coded"
        elif visit.pk in claimed:
            why = "the visit already has a claim"
        elif visit.pk not in with_lines:
            why = "the visit has no service lines"
        elif visit.pk not in with_dx:
            why = "the visit has no diagnoses"
        else:
            why = paperwork.get(visit.pk, "")
        coverage = None
        if not why:
            day = visit.date_of_service
            coverage = primary_in_effect(primaries.get(visit.patient_id, []), day)
            if coverage is None:
                why = NO_COVERAGE
        out[visit.pk] = (why, coverage)
    return out


def build_preview(
    user: Actor, practice: PracticeRef, visit_ids: Iterable[int] | None = None
) -> list[BuildCandidate]:
    """What ``build_claims`` would do now, changing nothing: each visit, held or not."""
    require(user, practice, "create_claims")
    visits = list(_visits_to_build(practice, visit_ids).select_related("patient", "provider"))
    holds = _holds(practice, visits)
    return [BuildCandidate(v, holds[v.pk][1], holds[v.pk][0]) for v in visits]


def build_claims(
    user: Actor,
    practice: PracticeRef,
    visit_ids: Iterable[int] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    chunk: int = 50,
) -> BuildResult:
    """A draft claim for every coded visit (or the given ones) that has none yet.

    The claim copies the visit's diagnoses and service lines and bills the
    patient's primary coverage in effect on the date of service; the visit
    becomes billed. Visits that cannot be billed are listed with the reason.
    Visits are locked and built ``chunk`` at a time, one transaction each;
    ``progress`` hears the count done after each chunk.
    """
    require(user, practice, "create_claims")
    row = practice if isinstance(practice, Practice) else Practice.objects.get(pk=practice)
    ids = list(_visits_to_build(practice, visit_ids).values_list("pk", flat=True))
    result = BuildResult([], {})
    for start in range(0, len(ids), max(chunk, 1)):
        with transaction.atomic(), audit.acting_as(user):
            locked = list(
                Visit.objects.select_for_update()
                .filter(pk__in=ids[start : start + chunk])
                .order_by("scheduled_at", "id")
                .prefetch_related("diagnoses", "service_lines")
            )
            holds = _holds(practice, locked)
            for visit in locked:
                why, coverage = holds[visit.pk]
                if coverage is None:
                    result.skipped[visit.pk] = why
                else:
                    result.created.append(_claim_for(user, row, visit, coverage))
        if progress is not None:
            progress(min(start + chunk, len(ids)))
    return result


def _claim_for(user: Actor, practice: Practice, visit: Visit, coverage: Coverage) -> Claim:
    claim = Claim.objects.create(
        practice_id=visit.practice_id,
        visit=visit,
        patient_id=visit.patient_id,
        coverage=coverage,
        payer=coverage.payer,
        patient_control_number=f"{practice.short_code}{visit.pk:07d}",
        diagnoses=[d.code for d in sorted(visit.diagnoses.all(), key=lambda d: d.position)],
    )
    for sl in sorted(visit.service_lines.all(), key=lambda sl: sl.position):
        ClaimLine.objects.create(
            practice_id=visit.practice_id,
            claim=claim,
            line_number=sl.position,
            code=sl.code,
            modifiers=list(sl.modifiers or []),
            units=sl.units,
            charge=sl.charge,
            dx_pointers=list(sl.dx_pointers or []),
            date_of_service=visit.date_of_service,
            description=sl.description,
            ndc=sl.ndc,
            ndc_quantity=sl.ndc_quantity,
            ndc_unit=sl.ndc_unit,
            unit_basis=sl.unit_basis,
            line_control_number=f"{claim.patient_control_number}-{sl.position}",
        )
    ClaimEvent.objects.create(
        practice_id=visit.practice_id,
        claim=claim,
        from_status="",
        to_status="draft",
        source="build",
        source_ref=f"visit {visit.pk}",
        created_by=signed_in(user),
    )
    visit.status = Visit.Status.BILLED
    visit.save()
    return claim


# -- submission ---------------------------------------------------------------------------------


def connection_profile(practice: PracticeRef, name: str) -> ClearinghouseProfile:
    """The practice's clearinghouse profile called ``name``; ServiceError when unusable."""
    row = (
        ClearinghouseConnection.objects.for_practice(practice)
        .filter(name=name, active=True)
        .first()
    )
    if row is None:
        raise ServiceError("connection", f"no active clearinghouse connection named {name!r}")
    settings = {"name": name, **row.settings}
    if settings.get("transport", "folder") == "folder" and settings.get("folder"):
        settings["folder"] = str(outbox_folder(settings["folder"]))
    try:
        return ClearinghouseProfile.from_dict(settings)
    except ProfileError as exc:
        raise ServiceError("connection", f"{name}: {exc}") from None


def outbox_folder(folder: str) -> Path:
    """Where a folder connection's files go: an absolute folder as configured, a relative
    one under the data directory's ``outbox/`` — never the server's working directory,
    which depends on how the server was started."""
    path = Path(folder)
    return path if path.is_absolute() else data_dir() / "outbox" / path


class Sent(list):
    """The ``Submission`` of every file written, in order, and ``held``: the claims kept
    out of the files, each with the field at fault and why (``HeldClaim``)."""

    def __init__(self, submissions: Iterable[Submission], held: Iterable[HeldClaim]) -> None:
        super().__init__(submissions)
        self.held: tuple[HeldClaim, ...] = tuple(held)


def _zone_of(practice: PracticeRef) -> datetime.tzinfo:
    """The time zone of ``practice`` (a Practice or its id)."""
    if isinstance(practice, Practice):
        return practice.zone
    return Practice.objects.get(pk=practice).zone


def submit_claims(
    user: Actor,
    practice: PracticeRef,
    claims: Iterable[Claim],
    connection: str,
    *,
    now: datetime.datetime | None = None,
    send: Callable[[OutgoingFile, ClearinghouseProfile], Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Sent:
    """Send scrubbed claims to a clearinghouse as 837P files and record every file.

    1. In one transaction the claims are locked and checked: a claim that is not
       scrubbed, has edit errors now, is routed elsewhere, or cannot be written as an
       837P is held out with the reason (``core.submission.build_batch``, as the
       command line does), so one bad claim never sinks the others. The rest move to
       submitted, control numbers are taken and the files recorded as pending: a
       second worker finds the claims taken. Nothing to send at all is a
       ``ServiceError`` naming each claim and why.
    2. Each file is delivered outside any transaction.
    3. The outcome is recorded; claims of a file that could not be delivered go
       back to scrubbed.

    ``progress`` hears how many claims are done after each file's delivery (the checks
    of step 1 happen inside one transaction, where no one else could see a count).
    """
    require(user, practice, "submit_claims")
    profile = connection_profile(practice, connection)
    now = now or timezone.now().replace(microsecond=0)
    ids = [c.pk for c in claims]
    if not ids:
        raise ServiceError("claims", "no claims to submit")
    with transaction.atomic(), audit.acting_as(user):
        locked = list(
            Claim.objects.for_practice(practice)
            .select_for_update()
            .filter(pk__in=ids)
            .order_by("id")
        )
        if len(locked) != len(set(ids)):
            raise ServiceError("claims", "a claim is not this practice's")
        documents = claim_documents(locked)
        held: list[HeldClaim] = []
        ready = []
        for claim, doc in zip(locked, documents, strict=True):
            problem = _why_not_sent(user, claim, connection, doc)
            if problem is None:
                ready.append(doc)
            else:
                held.append(HeldClaim(claim.patient_control_number, *problem))
        by_pcn = {c.patient_control_number: c for c in locked}

        def numbers() -> ControlNumbers:
            n = next_control_number(practice, connection)
            return ControlNumbers(n, n)

        # The file's name and its envelope dates are the practice's own clock, as every
        # time on its pages is: a file sent at 8 pm in New York is named for that day,
        # not for the next one in UTC.
        stamp = timezone.localtime(now, _zone_of(practice))
        try:
            with collector_paused():
                built = build_batch(ready, profile, numbers, stamp) if ready else None
        except (X12WriteError, ProfileError) as exc:  # the connection's own settings
            raise ServiceError("claims", str(exc)) from None
        if built is not None:
            held.extend(built.held)
        if built is None or not built.files:
            raise ServiceError(
                "claims",
                "nothing was sent: "
                + "; ".join(
                    f"claim {h.claim_id}: {h.field + ': ' if h.field else ''}{h.reason}"
                    for h in held
                ),
            )
        files = built.files
        submissions = []
        for f in files:
            sub = Submission.objects.create(
                practice_id=practice_pk(practice),
                connection=connection,
                file_name=f.name,
                sha256=f.sha256,
                size=len(f.data),
                content=f.data.decode("ascii"),
                interchange_control=f.control.interchange,
                group_control=f.control.group,
                transaction_control=f.control.transaction,
                claim_count=len(f.claim_ids),
                total_charge=sum((by_pcn[p].total_charge for p in f.claim_ids), Money(0)).amount,
                created_at=now,
                created_by=signed_in(user),
            )
            for pcn in f.claim_ids:
                SubmissionClaim.objects.create(submission=sub, claim=by_pcn[pcn])
                move_claim(
                    by_pcn[pcn],
                    "submitted",
                    user=user,
                    source="submission",
                    source_ref=f.name,
                    submitted_at=now,
                )
            submissions.append(sub)
    done = len(held)  # the claims held out are dealt with too
    for sub, f in zip(submissions, files, strict=True):
        _deliver(user, sub, f, profile, send or deliver)
        done += len(f.claim_ids)
        if progress is not None:
            progress(done)
    if held:
        log.info("submission to %s held %d claim(s) out", connection, len(held))
    return Sent(submissions, held)


def _why_not_sent(
    user: Actor, claim: Claim, connection: str, document: ClaimDocument
) -> tuple[str, str] | None:
    """(field, reason) when ``claim`` (whose ``document`` was just built from the locked
    row) cannot go to ``connection`` now, else None."""
    if claim.status != "scrubbed":
        return "status", f"is {claim.status}; only scrubbed claims are sent"
    hold = ClaimHold.objects.filter(claim=claim, released_at__isnull=True).first()
    if hold is not None:
        return "hold", f"is held by the biller: {hold.reason}"
    try:
        # The edits run again: a claim changed since its scrub may have errors now.
        scrubbing.require_clean(user, claim, document)
    except ServiceError as exc:
        return "edits", exc.problem
    route = claim.payer.clearinghouse_route
    if route and route != connection:
        return "payer", f"is routed to {route}, not {connection}"
    return None


def _deliver(
    user: Actor,
    sub: Submission,
    f: OutgoingFile,
    profile: ClearinghouseProfile,
    send: Callable[[OutgoingFile, ClearinghouseProfile], Any],
) -> None:
    try:
        delivery = send(f, profile)
    except (DeliveryError, OSError) as exc:
        log.warning("submission %s to %s failed", sub.pk, sub.connection)
        with transaction.atomic(), audit.acting_as(user):
            sub.status, sub.error = Submission.Status.FAILED, str(exc)[:300]
            sub.save()
            for item in sub.items.select_related("claim"):
                claim = Claim.objects.select_for_update().get(pk=item.claim_id)
                move_claim(
                    claim,
                    "scrubbed",
                    user=user,
                    reason="delivery failed",
                    source="submission",
                    source_ref=sub.file_name,
                    submitted_at=None,
                )
        return
    with transaction.atomic(), audit.acting_as(user):
        sub.status = Submission.Status.SENT
        sub.destination = delivery.destination[:300]
        sub.attempts = delivery.attempts
        sub.save()


# -- corrections --------------------------------------------------------------------------------

CORRECTABLE = ("accepted", "paid", "denied")


def correct_claim(user: Actor, claim: Claim, frequency: str, reason: str = "") -> Claim:
    """A new claim that replaces (frequency 7) or voids (8) one the payer already holds.

    The new claim copies the original's lines, diagnoses and attachments (on the claim
    and on its lines), names the payer's claim control number as the original reference
    and starts as a draft to be fixed, scrubbed and sent. The original is never edited;
    a paid or denied one is closed.
    """
    require(user, claim.practice_id, "create_claims")
    if frequency not in ("7", "8"):
        raise ServiceError("frequency", "must be 7 (replacement) or 8 (void)")
    with transaction.atomic(), audit.acting_as(user):
        original = Claim.objects.select_for_update().get(pk=claim.pk)
        if original.status not in CORRECTABLE:
            raise ServiceError(
                "claim",
                f"a {original.status} claim is corrected by fixing it; "
                "replacements and voids are for claims the payer holds",
            )
        if not original.payer_claim_number:
            raise ServiceError(
                "claim",
                "the payer's claim number is needed (from the 277CA "
                "or the 835) to replace or void this claim",
            )
        if Claim.objects.filter(replaces=original).exclude(status="closed").exists():
            raise ServiceError("claim", "this claim already has an open correction")
        count = Claim.objects.filter(replaces=original).count() + 1
        new = Claim.objects.create(
            practice_id=original.practice_id,
            visit_id=original.visit_id,
            patient_id=original.patient_id,
            coverage_id=original.coverage_id,
            payer_id=original.payer_id,
            patient_control_number=f"{original.patient_control_number[:15]}-{frequency}{count}",
            frequency_code=frequency,
            original_claim_ref=original.payer_claim_number,
            replaces=original,
            diagnoses=list(original.diagnoses or []),
            prior_authorization=original.prior_authorization,
        )
        new_lines: dict[int, ClaimLine] = {}  # the original's line id -> its copy
        for line in original.lines.order_by("line_number"):
            new_lines[line.pk] = ClaimLine.objects.create(
                practice_id=line.practice_id,
                claim=new,
                line_number=line.line_number,
                code=line.code,
                modifiers=list(line.modifiers or []),
                units=line.units,
                charge=line.charge,
                dx_pointers=list(line.dx_pointers or []),
                date_of_service=line.date_of_service,
                description=line.description,
                ndc=line.ndc,
                ndc_quantity=line.ndc_quantity,
                ndc_unit=line.ndc_unit,
                unit_basis=line.unit_basis,
                line_control_number=line.line_control_number,
            )
        # The paperwork sent with the original (PWK, box 19) still documents the claim:
        # the payer matches it to the replacement or void by its control number.
        for attachment in original.attachments.order_by("id"):
            ClaimAttachment.objects.create(
                practice_id=attachment.practice_id,
                claim=new,
                line=None if attachment.line_id is None else new_lines[attachment.line_id],
                report_type=attachment.report_type,
                transmission=attachment.transmission,
                control_number=attachment.control_number,
                created_by=signed_in(user),
            )
        by = signed_in(user)
        ClaimEvent.objects.create(
            practice_id=new.practice_id,
            claim=new,
            from_status="",
            to_status="draft",
            source="correction",
            reason=reason[:300] or f"frequency {frequency} of {original.patient_control_number}",
            created_by=by,
        )
        if original.status in ("paid", "denied"):
            move_claim(
                original,
                "closed",
                user=user,
                source="correction",
                reason=f"superseded by {new.patient_control_number}",
            )
    return new


def record_file_download(user: Actor, submission: Submission, source: str) -> None:
    """Audit a download of an 837P file: it carries every claim's patient, so the event
    names the claims and links each of their patients (the web page and the API both)."""
    claims = list(submission.claims.values_list("pk", "patient_id"))
    audit.record_export(
        submission,
        patients=[patient for _, patient in claims],
        detail={
            "file": submission.file_name,
            "count": len(claims),
            "claim_ids": [pk for pk, _ in claims],
        },
        user=user,
        source=source,
    )
