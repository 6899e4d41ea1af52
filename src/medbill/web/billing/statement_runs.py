"""Statement cycles started from the web: the run row, the task's work, and its files.

Files go under the data directory (``statements/practice-<id>/run-<id>/``) and leave it
only through ``run_files``' callers, the download views, which check the practice and
record the export. ``perform_statement_run`` is the task's body; run again after a lost
worker it sends no account a second statement (``run_statements`` with the run's id).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from django.db import transaction

from medbill.core.money import Money
from medbill.core.paths import data_dir
from medbill.web.billing.remittance_models import StatementRun
from medbill.web.billing.statements import accounts_owing, run_statements
from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = [
    "THRESHOLD_CAP",
    "WRITE_OFF_CAP",
    "perform_statement_run",
    "run_folder",
    "start_statement_run",
    "statement_limits",
    "zip_of_pdfs",
]

# Beyond these a typo is likelier than a choice: a write-off limit of $5,000 would write
# off nearly every account, a threshold of $50,000 would send no statement at all.
WRITE_OFF_CAP = Money("25.00")
THRESHOLD_CAP = Money("1000.00")


def _money(value: object, field: str, cap: Money) -> Money:
    try:
        amount = Money(str(value).strip().lstrip("$").replace(",", "") or "0")
    except Exception:
        raise ServiceError(field, "enter an amount in dollars and cents, such as 5.00") from None
    if not amount.amount.is_finite():
        raise ServiceError(field, "enter an amount in dollars and cents, such as 5.00")
    if amount.amount < 0:
        raise ServiceError(field, "the amount must not be negative")
    if amount > cap:
        raise ServiceError(field, f"enter at most {cap.format()}")
    return amount


def statement_limits(threshold: object, write_off_under: object) -> tuple[Money, Money]:
    """The cycle's threshold and write-off limit as amounts, or the first one wrong."""
    amount = _money(threshold, "threshold", THRESHOLD_CAP)
    small = _money(write_off_under, "write_off_under", WRITE_OFF_CAP)
    if small > amount:
        raise ServiceError("write_off_under", "the write-off limit must not exceed the threshold")
    return amount, small


def start_statement_run(
    user: Actor,
    practice: PracticeRef,
    *,
    statement_date: datetime.date,
    threshold: object,
    write_off_under: object,
    patient: Patient | None = None,
) -> StatementRun:
    """Queue a statement cycle (of the practice, or of one patient's account)."""
    from medbill.web.billing.tasks import run_statement_run

    require(user, practice, "send_statements")
    threshold, small = statement_limits(threshold, write_off_under)
    with transaction.atomic(), audit.acting_as(user):
        run = StatementRun.objects.create(
            practice_id=practice_pk(practice),
            created_by=signed_in(user),
            statement_date=statement_date,
            threshold=threshold,
            write_off_under=small,
            patient=patient,
        )
        transaction.on_commit(lambda: run_statement_run.delay(run.pk))
    return run


def run_folder(run: StatementRun) -> Path:
    """Where the run's PDFs and CSV are written: inside the configured data directory."""
    return data_dir() / "statements" / f"practice-{run.practice_id}" / f"run-{run.pk}"


def perform_statement_run(run_id: int) -> StatementRun:
    """Run the cycle of ``run_id``, counting accounts as they are done."""
    run = StatementRun.objects.select_related("practice", "created_by").get(pk=run_id)
    user = run.created_by
    patients = None if run.patient_id is None else [run.patient_id]
    # One patient's run is "send statement now": what they asked for, whatever the balance.
    on_request = patients is not None
    folder = run_folder(run)
    with audit.acting_as(user):
        run.start(len(accounts_owing(run.practice, patients, on_request)))
        try:
            result = run_statements(
                user,
                run.practice,
                folder,
                statement_date=run.statement_date,
                threshold=run.threshold,
                write_off_under=run.write_off_under,
                patient_ids=patients,
                run_id=run.run_id,
                progress=run.step,
                on_request=on_request,
            )
        except ServiceError as exc:
            run.fail(str(exc))
            return run
        except Exception:
            run.fail("the run stopped on an unexpected error; the log has the details")
            raise
        run.finish(
            files_dir=str(folder.relative_to(data_dir())),
            has_csv=bool(result.csv_path),
            statements=result.statements,
            skipped=[list(s) for s in result.skipped],
            written_off=[[a, str(m)] for a, m in result.written_off],
            collections=result.collections,
        )
    return run


def zip_of_pdfs(run: StatementRun, pdf_names: list[str]) -> bytes:
    """One zip of the run's statement PDFs (names only; nothing outside its folder)."""
    folder = run_folder(run)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in pdf_names:
            path = folder / Path(name).name
            if path.is_file():
                archive.write(path, arcname=path.name)
    return buffer.getvalue()
