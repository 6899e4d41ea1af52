"""Eligibility for a day's appointments, started from the desk: the run, its work, its result.

``start_eligibility_run`` records the run and hands it to Celery once the transaction
has committed; ``perform_eligibility_run`` is the task's body. ``check_visits`` stores
the answers a few at a time, so the count the page follows moves as they are stored.
Run again (a redelivered task), every appointment gets a newer check; the desk shows
the latest.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from medbill.web.frontdesk.eligibility import check_visits, visits_on
from medbill.web.frontdesk.models import EligibilityCheck, EligibilityRun, Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = ["ANSWERS", "answers_in_words", "perform_eligibility_run", "start_eligibility_run"]

# What each count of a run means, in the desk's words (one place for the page and tests).
ANSWERS = {
    "active": "covered",
    "inactive": "not covered",
    "error": "not verified (the payer did not answer, or not with a usable reply)",
    "self_pay": "no coverage on file (self-pay)",
    "no_endpoint": "no eligibility service set up for the payer",
    "not_sendable": "not asked (a member ID or name the payer cannot be sent: correct it)",
}


def answers_in_words(counts: dict[str, int]) -> list[str]:
    """``{"active": 3, "no_endpoint": 1}`` -> ``["3 covered", "1 no eligibility …"]``."""
    return [
        f"{n} {ANSWERS.get(key, key.replace('_', ' '))}"
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if n
    ]


def start_eligibility_run(user: Actor, practice: PracticeRef, day: datetime.date) -> EligibilityRun:
    """Queue a check of every appointment of ``day``; ServiceError when there is none."""
    from medbill.web.frontdesk.tasks import check_eligibility_run

    require(user, practice, "check_eligibility")
    visits = [v.pk for v in visits_on(day, practice)]
    if not visits:
        raise ServiceError("date", f"no appointment on {day:%m/%d/%Y} waits to be checked")
    with transaction.atomic(), audit.acting_as(user):
        run = EligibilityRun.objects.create(
            practice_id=practice_pk(practice),
            created_by=signed_in(user),
            day=day,
            total=len(visits),
        )
        transaction.on_commit(lambda: check_eligibility_run.delay(run.pk, visits))
    return run


def perform_eligibility_run(run_id: int, visit_ids: list[int]) -> EligibilityRun:
    """Check the appointments of ``run_id``, counting them as their answers are stored."""
    run = EligibilityRun.objects.select_related("practice", "created_by").get(pk=run_id)
    user = run.created_by
    visits = list(
        Visit.objects.for_practice(run.practice)
        .filter(pk__in=visit_ids)
        .select_related("patient", "practice", "provider")
        .order_by("scheduled_at", "id")
    )
    checks: list[int] = []
    unchecked: list[list[Any]] = []

    def each(visit: Visit, check: EligibilityCheck | None) -> None:
        if check is not None:
            checks.append(check.pk)
        run.step(len(checks) + len(unchecked))

    def skipped(visit: Visit, why: str) -> None:
        unchecked.append([visit.pk, why])

    with audit.acting_as(user):
        run.start(len(visits))
        try:
            if user is not None:  # the role is checked again: it may have changed since
                require(user, run.practice, "check_eligibility")
            counts = check_visits(visits, user, source="batch", on_each=each, on_skipped=skipped)
        except PermissionDenied:
            run.fail("the user who started the checks may no longer check eligibility here")
            return run
        except ServiceError as exc:
            run.fail(str(exc))
            return run
        except Exception:
            run.fail("the checks stopped on an unexpected error; the log has the details")
            raise
        run.finish(counts=counts, checks=checks, unchecked=unchecked)
    return run
