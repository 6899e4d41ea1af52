"""Use cases of the double check: finishing a visit (and picking it for second review), the
reviewer's decision, each coder's agreement rate and the E/M level distribution per provider.

The rules of who is reviewed and what counts as an outlier live in
``medbill.core.second_review``; this module reads the rows they need and stores the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from medbill.core import second_review
from medbill.web.coding.models import (
    CodeChoice,
    CodingPolicy,
    CodingReview,
    CodingWork,
    ProviderQuery,
    ServiceLine,
)
from medbill.web.coding.services import set_visit_codes
from medbill.web.coding.workspace import start_coding, work_for
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "CoderAccuracy",
    "coder_accuracy",
    "codes_of",
    "decide_review",
    "em_report",
    "finish_coding",
    "policy_for",
    "set_policy",
]


def policy_for(practice: PracticeRef) -> CodingPolicy:
    """The practice's review settings (the defaults until a manager changes them)."""
    pk = practice_pk(practice)
    return CodingPolicy.objects.filter(practice_id=pk).first() or CodingPolicy(practice_id=pk)


def set_policy(
    user: Actor, practice: PracticeRef, review_percent: object, new_coder_visits: object
) -> CodingPolicy:
    """Change the share of coded visits sampled for review and the new-coder allowance."""
    require(user, practice, "manage_master_data")
    values = {}
    for name, raw, top in (
        ("review_percent", review_percent, 100),
        ("new_coder_visits", new_coder_visits, 1000),
    ):
        text = str(raw).strip()
        if not text.isdigit() or int(text) > top:
            raise ServiceError(name, f"expected a whole number from 0 to {top}")
        values[name] = int(text)
    with transaction.atomic(), audit.acting_as(user):
        policy = policy_for(practice)
        for name, value in values.items():
            setattr(policy, name, value)
        policy.save()
    return policy


def codes_of(visit: Visit) -> dict[str, Any]:
    """The visit's codes as plain data (what a reviewer saw and what they left)."""
    return {
        "diagnoses": [d.code for d in visit.diagnoses.order_by("position")],
        "lines": [
            {
                "code": s.code,
                "modifiers": list(s.modifiers or []),
                "units": str(s.units.normalize()) if s.units % 1 else str(int(s.units)),
                "dx_pointers": list(s.dx_pointers or []),
            }
            for s in visit.service_lines.order_by("position")
        ],
    }


def finish_coding(user: Actor, visit: Visit) -> CodingReview | None:
    """Send a coded visit on: to billing (``coded``), or to a second reviewer (``review``)
    when it is high risk or in the practice's sample. Returns the review, if one was opened.

    Refused while a question to the provider is open or the visit lacks a diagnosis or a
    service line.
    """
    require(user, visit.practice_id, "change_codes")
    with transaction.atomic(), audit.acting_as(user):
        work = start_coding(user, visit)
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if ProviderQuery.objects.filter(visit=locked, answered_at=None).exists():
            raise ServiceError("visit", "a question to the provider is still open")
        if locked.status != Visit.Status.CODING or work.state != CodingWork.State.CODING:
            raise ServiceError(
                "visit", f"a {locked.get_status_display().lower()} visit cannot be finished"
            )
        if work.draft:
            raise ServiceError(
                "lines",
                "some codes on screen are not saved yet: complete the marked lines and save",
            )
        if not locked.diagnoses.exists():
            raise ServiceError("diagnoses", "code at least one diagnosis")
        if not locked.service_lines.exists():
            raise ServiceError("lines", "code at least one service")
        policy = policy_for(locked.practice_id)
        finished_before = (
            CodingWork.objects.filter(practice_id=locked.practice_id, coder=signed_in(user))
            .exclude(finished_at=None)
            .exclude(pk=work.pk)
            .count()
        )
        changed = CodeChoice.objects.filter(
            visit=locked, origin=CodeChoice.Origin.CHANGED
        ).values_list("code", flat=True)
        reasons = second_review.review_reasons(
            visit_id=locked.pk,
            lines=[(s.code, s.modifiers or []) for s in locked.service_lines.all()],
            changed_codes=list(changed),
            coder_finished=finished_before,
            new_coder_visits=policy.new_coder_visits,
            sample_percent=policy.review_percent,
        )
        work.coder = signed_in(user)
        work.finished_at = timezone.now()
        review = None
        if reasons:
            work.state = CodingWork.State.REVIEW
            locked.status = Visit.Status.REVIEW
            review = CodingReview.objects.create(
                practice_id=locked.practice_id,
                visit=locked,
                coder=signed_in(user),
                reasons=reasons,
                codes_before=codes_of(locked),
            )
        else:
            work.state = CodingWork.State.CODED
            locked.status = Visit.Status.CODED
        work.save()
        locked.save(update_fields=["status"])
        visit.status = locked.status
    return review


def decide_review(
    user: Actor,
    review: CodingReview,
    agree: bool,
    reason: str = "",
    diagnoses: Sequence[Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> CodingReview:
    """The reviewer agrees with the coder, or changes the codes and says why. Either way the
    visit goes to billing. Nobody reviews their own coding."""
    require(user, review.practice_id, "review_codes")
    if review.coder_id is not None and review.coder_id == getattr(user, "pk", None):
        raise PermissionDenied("a second review must be done by someone other than the coder")
    reason = (reason or "").strip()
    if not agree and not reason:
        raise ServiceError("reason", "say why the codes change")
    if not agree and (diagnoses is None or lines is None):
        raise ServiceError("codes", "send the corrected diagnoses and lines")
    with transaction.atomic(), audit.acting_as(user):
        review = CodingReview.objects.select_for_update().get(pk=review.pk)
        if review.status != CodingReview.Status.OPEN:
            raise ServiceError("review", "already decided")
        visit = Visit.objects.select_for_update().get(pk=review.visit_id)
        if not agree:
            set_visit_codes(user, visit, list(diagnoses or []), list(lines or []))
        review.status = CodingReview.Status.AGREED if agree else CodingReview.Status.CHANGED
        review.reviewer = signed_in(user)
        review.reason = reason[:2000]
        review.codes_after = codes_of(visit)
        review.decided_at = timezone.now()
        review.save()
        work = work_for(visit)
        if work is not None:
            work.state = CodingWork.State.CODED
            work.save(update_fields=["state"])
        if visit.status == Visit.Status.REVIEW:
            visit.status = Visit.Status.CODED
            visit.save(update_fields=["status"])
    return review


@dataclass(frozen=True)
class CoderAccuracy:
    coder: str
    reviewed: int
    agreed: int

    @property
    def rate(self) -> float:
        """Share of reviewed visits the reviewer left unchanged, in percent."""
        return 100.0 * self.agreed / self.reviewed if self.reviewed else 0.0


def _name(user: User | None) -> str:
    if user is None:
        return "(unknown)"
    return user.get_full_name() or user.get_username()


def coder_accuracy(user: Actor, practice: PracticeRef) -> list[CoderAccuracy]:
    """Each coder's agreement rate over the decided second reviews of the practice."""
    require(user, practice, "review_codes")
    decided = (
        CodingReview.objects.for_practice(practice)
        .exclude(status=CodingReview.Status.OPEN)
        .select_related("coder")
    )
    by_coder: dict[int | None, list[int]] = {}
    names: dict[int | None, str] = {}
    for review in decided:
        tally = by_coder.setdefault(review.coder_id, [0, 0])
        tally[0] += 1
        tally[1] += review.status == CodingReview.Status.AGREED
        names[review.coder_id] = _name(review.coder)
    rows = [CoderAccuracy(names[k], v[0], v[1]) for k, v in by_coder.items()]
    return sorted(rows, key=lambda r: (r.rate, r.coder))


def em_report(
    user: Actor, practice: PracticeRef, since: date | None = None, until: date | None = None
) -> tuple[dict[str, float], list[Any]]:
    """Office E/M levels 99211–99215 of coded and billed visits per provider against the
    practice's (see ``second_review.em_distribution``), optionally for visits with a date of
    service from ``since`` to ``until``."""
    require(user, practice, "view_reports")
    lines = ServiceLine.objects.for_practice(practice)
    if since is not None:
        lines = lines.filter(visit__scheduled_at__date__gte=since)
    if until is not None:
        lines = lines.filter(visit__scheduled_at__date__lte=until)
    rows = (
        lines.filter(
            code__in=second_review.EM_LEVELS,
            visit__status__in=(Visit.Status.CODED, Visit.Status.BILLED),
        )
        .values(
            "visit__provider__last_name",
            "visit__provider__first_name",
            "visit__provider__credentials",
            "code",
        )
        .annotate(n=Count("visit", distinct=True))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        label = f"{row['visit__provider__last_name']}, {row['visit__provider__first_name']}"
        if row["visit__provider__credentials"]:
            label += f" {row['visit__provider__credentials']}"
        counts.setdefault(label, {})[row["code"]] = row["n"]
    return second_review.em_distribution(counts)
