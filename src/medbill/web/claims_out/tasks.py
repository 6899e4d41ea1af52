"""Background work of claims out: claim batches built from visits and sent to a clearinghouse.

Arguments are ids (the user who asked, the practice, visits or claims), never records;
``user_id`` None means the system. Both tasks are safe to run twice: a visit that already
has a claim is skipped, and only scrubbed claims are sent.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from medbill.web.worker import actor_and_practice

__all__ = ["build_claim_batch", "build_claim_run", "submit_claim_batch", "submit_claim_run"]


@shared_task(name="claims_out.build_claim_batch", acks_late=True)
def build_claim_batch(
    user_id: int | None, practice_id: int, visit_ids: list[int] | None = None
) -> dict[str, Any]:
    """Draft claims for the practice's coded visits (or the given ones)."""
    from medbill.web.claims_out.services import build_claims

    user, practice = actor_and_practice(user_id, practice_id)
    result = build_claims(user, practice, visit_ids)
    return {
        "created": [c.pk for c in result.created],
        "skipped": {str(visit): why for visit, why in result.skipped.items()},
    }


@shared_task(name="claims_out.build_claim_run", acks_late=True)
def build_claim_run(run_id: int, visit_ids: list[int]) -> dict[str, Any]:
    """The claim build started from the build page; its run row shows the progress."""
    from medbill.web.claims_out.build_runs import perform_build_run

    run = perform_build_run(run_id, visit_ids)
    return {"run": run.pk, "status": run.status, "built": len(run.built), "held": len(run.held)}


@shared_task(name="claims_out.submit_claim_batch", acks_late=True)
def submit_claim_batch(
    user_id: int | None, practice_id: int, claim_ids: list[int], connection: str
) -> dict[str, Any]:
    """Send the scrubbed claims among ``claim_ids`` through one clearinghouse connection."""
    from medbill.web.billing.models import Claim
    from medbill.web.claims_out.services import submit_claims

    user, practice = actor_and_practice(user_id, practice_id)
    claims = Claim.objects.for_practice(practice).filter(pk__in=claim_ids, status="scrubbed")
    if not claims.exists():
        return {"submissions": [], "files": 0}
    submissions = submit_claims(user, practice, list(claims), connection)
    return {
        "submissions": [s.pk for s in submissions],
        "files": len(submissions),
        "sent": sum(1 for s in submissions if s.status == "sent"),
        "held": len(submissions.held),
    }


@shared_task(name="claims_out.submit_claim_run", acks_late=True)
def submit_claim_run(run_id: int) -> dict[str, Any]:
    """The batch sent from the claim queue; its run row shows the progress."""
    from medbill.web.claims_out.submit_runs import perform_submit_run

    run = perform_submit_run(run_id)
    return {"run": run.pk, "status": run.status, "files": len(run.submissions)}
