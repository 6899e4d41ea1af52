"""Claim builds started from the build page: a run row, the task's work, its result.

``start_build_run`` records the run and hands it to Celery once the transaction has
committed (a worker must find the row); ``perform_build_run`` is the task's body. A
redelivered task builds again: visits that already have a claim are held as such, so no
visit is billed twice.
"""

from __future__ import annotations

from django.db import transaction

from medbill.web.claims_out.models import ClaimBuildRun
from medbill.web.claims_out.services import build_claims, build_preview, require
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = ["perform_build_run", "start_build_run"]


def start_build_run(user: Actor, practice: PracticeRef) -> ClaimBuildRun:
    """Queue a build of every coded visit that is ready now; ServiceError when none is."""
    from medbill.web.claims_out.tasks import build_claim_run

    require(user, practice, "create_claims")
    preview = build_preview(user, practice)
    ready = [c.visit.pk for c in preview if not c.held]
    if not ready:
        raise ServiceError("visits", "no coded visit is ready to become a claim")
    # The visits the preview holds are recorded on the run with their reasons, so its
    # result lists what the preview said would be held; only the ready ones are built.
    held = {str(c.visit.pk): c.held for c in preview if c.held}
    with transaction.atomic(), audit.acting_as(user):
        run = ClaimBuildRun.objects.create(
            practice_id=practice_pk(practice),
            created_by=signed_in(user),
            total=len(ready),
            held=held,
        )
        transaction.on_commit(lambda: build_claim_run.delay(run.pk, ready))
    return run


def perform_build_run(run_id: int, visit_ids: list[int]) -> ClaimBuildRun:
    """Build the claims of ``run_id`` for ``visit_ids``, counting as it goes."""
    run = ClaimBuildRun.objects.select_related("practice", "created_by").get(pk=run_id)
    user = run.created_by
    with audit.acting_as(user):
        run.start(len(visit_ids))
        try:
            result = build_claims(user, run.practice, visit_ids, progress=run.step)
        except ServiceError as exc:
            run.fail(str(exc))
            return run
        except Exception:
            run.fail("the build stopped on an unexpected error; the log has the details")
            raise
        run.finish(
            built=[c.pk for c in result.created],
            held={**run.held, **{str(k): v for k, v in result.skipped.items()}},
        )
    return run
