"""Claims sent from the claim queue as a run: the run row, the task's work, its result.

``start_submit_run`` checks what the page sent (the claims are the practice's, the
connection is usable), records the run and hands it to Celery once the transaction has
committed; ``perform_submit_run`` is the task's body. Run twice (a redelivered task), it
sends nothing twice: only claims still scrubbed are sent.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import SubmissionRun
from medbill.web.claims_out.services import connection_profile, require, submit_claims
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = ["perform_submit_run", "start_submit_run"]


def start_submit_run(
    user: Actor, practice: PracticeRef, claim_ids: list[int], connection: str
) -> SubmissionRun:
    """Queue the sending of the practice's scrubbed claims among ``claim_ids``."""
    from medbill.web.claims_out.tasks import submit_claim_run

    require(user, practice, "submit_claims")
    ids = list(
        Claim.objects.for_practice(practice)
        .filter(pk__in=claim_ids)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise ServiceError("claims", "no claims to submit")
    connection_profile(practice, connection)  # an unusable connection is said at once
    with transaction.atomic(), audit.acting_as(user):
        run = SubmissionRun.objects.create(
            practice_id=practice_pk(practice),
            created_by=signed_in(user),
            total=len(ids),
            connection=connection,
            claims=ids,
        )
        transaction.on_commit(lambda: submit_claim_run.delay(run.pk))
    return run


def perform_submit_run(run_id: int) -> SubmissionRun:
    """Send the claims of ``run_id`` that are still scrubbed, counting them file by file."""
    run = SubmissionRun.objects.select_related("practice", "created_by").get(pk=run_id)
    user = run.created_by
    with audit.acting_as(user):
        claims = list(
            Claim.objects.for_practice(run.practice).filter(
                pk__in=run.claims, status=Claim.Status.SCRUBBED
            )
        )
        run.start(len(claims))
        if not claims:
            run.fail(
                "none of these claims is waiting to be sent any more (sent already, "
                "or back in draft)"
            )
            return run
        try:
            submissions = submit_claims(
                user, run.practice, claims, run.connection, progress=run.step
            )
        except PermissionDenied:
            run.fail("the user who started the batch may no longer send claims here")
            return run
        except ServiceError as exc:
            run.fail(in_words(exc))
            return run
        except Exception:
            run.fail("the batch stopped on an unexpected error; the log has the details")
            raise
        run.finish(
            submissions=[s.pk for s in submissions],
            held=[
                {"claim": h.claim_id, "field": h.field or "", "reason": h.reason}
                for h in submissions.held
            ],
        )
    return run
