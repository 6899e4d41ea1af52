"""Background work of billing: ERA imports, scrubs of the drafts and statement runs.

Arguments are ids and plain values, never records; ``user_id`` None means the system.
An ERA import is idempotent (the file hash and the payer's trace number), so a task
redelivered after a lost worker posts nothing twice.
"""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from typing import Any

from celery import shared_task

from medbill.web.worker import actor_and_practice

__all__ = [
    "import_era_file",
    "import_era_run",
    "run_statement_cycle",
    "run_statement_run",
    "scrub_claim_run",
]


@shared_task(name="billing.import_era_file", acks_late=True)
def import_era_file(
    user_id: int | None, practice_id: int, content_b64: str, name: str, post: bool = True
) -> dict[str, Any]:
    """Import (and post) one 835 file; the file travels base64-encoded, as JSON needs."""
    from medbill.web.billing.era import import_era

    user, practice = actor_and_practice(user_id, practice_id)
    result = import_era(user, practice, base64.b64decode(content_b64), name, post=post)
    return {
        "file": result.file_id,
        "already_imported": result.already_imported,
        "sets": [
            {
                "trace": s.trace_number,
                "status": s.status,
                "posted": len(s.posted),
                "denied": len(s.denied),
                "unmatched": len(s.unmatched),
                "secondary": len(s.secondary),
            }
            for s in result.sets
        ],
    }


@shared_task(name="billing.run_statement_cycle", acks_late=True)
def run_statement_cycle(
    user_id: int | None, practice_id: int, out_dir: str, statement_date: str | None = None
) -> dict[str, Any]:
    """The practice's statement cycle; PDFs and the print vendor's CSV go to ``out_dir``."""
    from medbill.web.billing.statements import run_statements

    user, practice = actor_and_practice(user_id, practice_id)
    day = datetime.date.fromisoformat(statement_date) if statement_date else None
    result = run_statements(user, practice, Path(out_dir), statement_date=day)
    return {
        "sent": len(result.sent),
        "skipped": len(result.skipped),
        "written_off": len(result.written_off),
        "collections": len(result.collections),
        "csv": result.csv_path,
    }


@shared_task(name="billing.run_statement_run", acks_late=True)
def run_statement_run(run_id: int) -> dict[str, Any]:
    """The statement cycle started from the statements page; its run row shows progress."""
    from medbill.web.billing.statement_runs import perform_statement_run

    run = perform_statement_run(run_id)
    return {
        "run": run.pk,
        "status": run.status,
        "sent": len(run.statements),
        "skipped": len(run.skipped),
        "written_off": len(run.written_off),
    }


@shared_task(name="billing.import_era_run", acks_late=True)
def import_era_run(run_id: int, content_b64: str) -> dict[str, Any]:
    """The 835 import started from the remittances page; its run row shows the progress.
    The file travels base64-encoded, as JSON needs."""
    from medbill.web.billing.era_runs import perform_era_run

    run = perform_era_run(run_id, base64.b64decode(content_b64))
    return {"run": run.pk, "status": run.status, "sets": len(run.sets)}


@shared_task(name="billing.scrub_claim_run", acks_late=True)
def scrub_claim_run(run_id: int, claim_ids: list[int]) -> dict[str, Any]:
    """Scrub all, started from the claims page; its run row shows the progress."""
    from medbill.web.billing.scrub_runs import perform_scrub_run

    run = perform_scrub_run(run_id, claim_ids)
    return {
        "run": run.pk,
        "status": run.status,
        "ready": len(run.ready),
        "with_errors": len(run.with_errors),
    }
