"""Scrub all: every draft claim of the practice through the edits, as one run from the page.

``start_scrub_run`` records the run and hands it to Celery once the transaction has
committed; ``perform_scrub_run`` is the task's body. Each claim is scrubbed in its own
transaction (``scrubbing.mark_scrubbed``), so the count the page follows moves claim by
claim, and a run repeated after a lost worker scrubs again what is still a draft.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from medbill.core.scrubber import ScrubResult
from medbill.web.billing import scrubbing
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import ScrubRun
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = ["perform_scrub_run", "start_scrub_run"]


SHOWN_ERRORS = 5


def _errors_in_words(result: ScrubResult) -> str:
    """``DX001: … ; MUE002: …`` — the first errors of a claim, as its page lists them."""
    words = "; ".join(f"{f.code}: {f.message}" for f in result.errors[:SHOWN_ERRORS])
    more = len(result.errors) - SHOWN_ERRORS
    return words + (f"; and {more} more" if more > 0 else "")


def start_scrub_run(user: Actor, practice: PracticeRef) -> ScrubRun:
    """Queue a scrub of every draft claim; ServiceError when there is none."""
    from medbill.web.billing.tasks import scrub_claim_run

    require(user, practice, "create_claims")
    drafts = list(
        Claim.objects.for_practice(practice)
        .filter(status=Claim.Status.DRAFT)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    if not drafts:
        raise ServiceError("claims", "no draft claim waits to be scrubbed")
    with transaction.atomic(), audit.acting_as(user):
        run = ScrubRun.objects.create(
            practice_id=practice_pk(practice), created_by=signed_in(user), total=len(drafts)
        )
        transaction.on_commit(lambda: scrub_claim_run.delay(run.pk, drafts))
    return run


def perform_scrub_run(run_id: int, claim_ids: list[int]) -> ScrubRun:
    """Scrub the claims of ``run_id`` that are still drafts, counting them one by one."""
    run = ScrubRun.objects.select_related("practice", "created_by").get(pk=run_id)
    user = run.created_by
    ready: list[int] = []
    with_errors: list[list[Any]] = []
    with audit.acting_as(user):
        run.start(len(claim_ids))
        try:
            require(user, run.practice, "create_claims")
            claims = (
                Claim.objects.for_practice(run.practice)
                .filter(pk__in=claim_ids, status=Claim.Status.DRAFT)
                .order_by("id")
            )
            for done, claim in enumerate(claims.iterator(chunk_size=200), start=1):
                result = scrubbing.mark_scrubbed(user, claim)
                if result.can_submit:
                    ready.append(claim.pk)
                else:
                    with_errors.append([claim.pk, _errors_in_words(result)])
                run.step(done)
        except PermissionDenied:
            run.fail("the user who started the scrub may no longer scrub claims here")
            return run
        except ServiceError as exc:
            run.fail(str(exc))
            return run
        except Exception:
            run.fail("the scrub stopped on an unexpected error; the log has the details")
            raise
        run.finish(ready=ready, with_errors=with_errors)
    return run
