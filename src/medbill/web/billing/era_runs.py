"""835 imports started from the remittances page: the run, the task's work, its result.

``start_era_run`` records the run and hands the file to Celery once the transaction has
committed; ``perform_era_run`` is the task's body. The import itself is all or nothing
(``era.import_era``, one transaction), so the page's count moves from none of the file's
claim payments to all of them when the posting commits; before that it shows how many
the file holds. A redelivered task imports nothing twice (the file hash, the trace).
"""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from medbill.web.billing.era import ImportResult, SetResult, import_era
from medbill.web.billing.remittance_models import EraImportRun
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = ["perform_era_run", "start_era_run"]

SHOWN = 50  # reasons and denials kept per set: the remittance's own page has them all


def start_era_run(
    user: Actor,
    practice: PracticeRef,
    data: bytes,
    name: str,
    *,
    post: bool = True,
    same_payment: bool = False,
) -> EraImportRun:
    """Queue the import of one 835 file; ServiceError for an empty file."""
    from medbill.web.billing.tasks import import_era_run

    require(user, practice, "import_remittance")
    if not data.strip():
        raise ServiceError("file", f"{name} is empty; choose an 835 file")
    content = base64.b64encode(data).decode("ascii")
    with transaction.atomic(), audit.acting_as(user):
        run = EraImportRun.objects.create(
            practice_id=practice_pk(practice),
            created_by=signed_in(user),
            name=name[:200],
            post=post,
            same_payment=same_payment,
        )
        transaction.on_commit(lambda: import_era_run.delay(run.pk, content))
    return run


def _paid_claims(s: SetResult) -> int:
    """Claims the set pays: a claim denied with nothing paid is a denial, not a payment."""
    denied = {claim for claim, _ in s.denied}
    return sum(1 for claim, paid, _ in s.posted if claim not in denied or paid.amount != 0)


def _denied_claims(s: SetResult) -> list[list[str]]:
    """One row per denied claim, however many of its lines were denied: the claim and its
    reasons, each once, in the order the payer gave them."""
    by_claim: dict[str, list[str]] = {}
    for claim, why in s.denied:
        reasons = by_claim.setdefault(claim, [])
        for part in str(why).split("; "):
            if part and part not in reasons:
                reasons.append(part)
    return [[claim, "; ".join(reasons)] for claim, reasons in by_claim.items()]


def _sets(result: ImportResult) -> list[dict[str, Any]]:
    return [
        {
            "payer": s.payer,
            "trace": s.trace_number.strip()[:50],
            "status": s.status,
            "paid": str(s.total_paid.amount),
            "posted": _paid_claims(s),
            "denied": (denied := _denied_claims(s))[:SHOWN],
            "denied_count": len(denied),
            "unmatched": len(s.unmatched),
            "secondary": len(s.secondary),
            "deposit": s.deposit,
            "reasons": s.reasons[:SHOWN],
            "warnings": s.warnings[:SHOWN],
        }
        for s in result.sets
    ]


def perform_era_run(run_id: int, data: bytes) -> EraImportRun:
    """Import the file of ``run_id``; the run counts its claim payments once it is read."""
    run = EraImportRun.objects.select_related("practice", "created_by").get(pk=run_id)
    user = run.created_by
    with audit.acting_as(user):
        run.start(0)
        try:
            result = import_era(
                user,
                run.practice,
                data,
                run.name,
                post=run.post,
                same_payment=run.same_payment,
                on_read=run.start,
            )
        except PermissionDenied:
            run.fail("the user who started the import may no longer import 835 files here")
            return run
        except ServiceError as exc:
            run.fail(in_words(exc))
            return run
        except Exception:
            run.fail(
                "the import stopped on an unexpected error; nothing of the file was "
                "posted; the log has the details"
            )
            raise
        run.finish(
            file_id=result.file_id, already_imported=result.already_imported, sets=_sets(result)
        )
    return run
