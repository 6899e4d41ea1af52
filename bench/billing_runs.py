"""Claim builds and statement runs from the web pages: time to build 1,000 claims and to
run 1,000 statements, through the views a biller uses (preview, start, the run's page).

    .venv/bin/python bench/billing_runs.py [--visits 1000] [--database URL]
                                           [--only build|statements]

The database (default ``BENCH_DATABASE_URL`` or
``postgres://postgres@127.0.0.1:5432/medbill_bench_pages``) is dropped and re-created;
a ``sqlite:///path`` URL uses a new SQLite file instead. Celery runs in-process, so the
start request returns when the run is finished: its time is the run's time, and the run's
own start and finish stamps are printed beside it. Statement files go to a temporary
data directory.

Seeding: ``era.seed_claims`` makes the patients, coverages and visits; for the build the
visits become coded (diagnosis and the synthetic claim's lines) with no claim yet. For the
statements those claims are then sent and paid by the payer simulator's 835, which leaves
each patient their share; accounts under the threshold are listed as skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from era import seed_claims, synthetic_claims  # noqa: E402

from medbill.core.payersim import simulate  # noqa: E402
from medbill.core.x12.m835 import write_835  # noqa: E402


def _database(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    else:
        import psycopg

        admin, name = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url


def _coded_visits(practice, claims) -> None:
    """Turn the seeded claims back into coded visits waiting for a claim."""
    from medbill.web.billing.models import Claim, ClaimLine
    from medbill.web.coding.models import Diagnosis, ServiceLine
    from medbill.web.frontdesk.models import Visit

    rows = {c.patient_control_number: c.visit_id for c in Claim.objects.filter(practice=practice)}
    ClaimLine.objects.filter(practice=practice).delete()
    Claim.objects.filter(practice=practice).delete()
    Visit.objects.filter(practice=practice).update(status=Visit.Status.CODED)
    Diagnosis.objects.bulk_create(
        [
            Diagnosis(practice=practice, visit_id=rows[c.claim_id], code="I10", position=1)
            for c in claims
        ]
    )
    ServiceLine.objects.bulk_create(
        [
            ServiceLine(
                practice=practice,
                visit_id=rows[c.claim_id],
                position=line.line,
                code=line.code,
                charge=line.charge.amount,
                dx_pointers=[1],
            )
            for c in claims
            for line in c.lines
        ]
    )


def _client(practice):
    from django.contrib.auth.models import User
    from django.test import Client

    from medbill.web.practice.models import Membership

    practice.mfa_required = False
    practice.save()
    user = User.objects.create_user(f"bench-biller-{practice.pk}", password="bench-password-1")
    Membership.objects.create(user=user, practice=practice, role="biller")
    client = Client()
    client.force_login(user)
    return client, user


def _timed(label: str, fn):
    t0 = time.perf_counter()
    response = fn()
    seconds = time.perf_counter() - t0
    assert response.status_code in (200, 302), (label, response.status_code)
    return response, seconds


def bench_build(claims, run: int) -> None:
    from medbill.web.claims_out.models import ClaimBuildRun

    practice = seed_claims(claims, run)
    _coded_visits(practice, claims)
    client, _ = _client(practice)
    page, preview = _timed("preview", lambda: client.get("/claims-out/build/"))
    start, seconds = _timed("build", lambda: client.post("/claims-out/build/start/"))
    result = ClaimBuildRun.objects.get(practice=practice)
    shown, page_s = _timed("result", lambda: client.get(start.url))
    worked = (result.finished_at - result.started_at).total_seconds()
    print(
        f"build claims: preview of {len(claims)} visits {preview:.2f} s; "
        f"build {len(result.built)} claims ({len(result.held)} held) "
        f"{seconds:.2f} s from the click = {len(result.built) / seconds:,.0f} claims/s "
        f"(task {worked:.2f} s); result page {page_s:.2f} s"
    )


def bench_statements(claims, run: int) -> None:
    from medbill.web.billing.era import import_era
    from medbill.web.billing.remittance_models import StatementRun
    from medbill.web.frontdesk.models import Patient

    practice = seed_claims(claims, run)
    Patient.objects.filter(practice=practice).update(
        line1="418 Jenifer St", city="Madison", state="WI", zip="53703"
    )
    import_era(None, practice, write_835(simulate(claims, seed=1).remittances), "b.835", post=True)
    client, _ = _client(practice)
    choices = {"statement_date": "2026-06-01", "threshold": "5.00", "write_off_under": "1.00"}
    _, preview = _timed("preview", lambda: client.get("/statements/", {"preview": "1", **choices}))
    start, seconds = _timed("run", lambda: client.post("/statements/run/", choices))
    result = StatementRun.objects.get(practice=practice)
    _, page_s = _timed("result", lambda: client.get(start.url))
    _, zip_s = _timed("zip", lambda: client.get(f"{start.url}statements.zip"))
    worked = (result.finished_at - result.started_at).total_seconds()
    sent = len(result.statements)
    print(
        f"statements: {result.total} accounts owing; preview {preview:.2f} s; run "
        f"{sent} statements ({len(result.skipped)} skipped, {len(result.written_off)} "
        f"written off) {seconds:.2f} s from the click = {sent / seconds:,.1f} statements/s "
        f"(task {worked:.2f} s); result page {page_s:.2f} s; PDFs zip {zip_s:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--only", choices=("build", "statements"))
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/medbill_bench_pages"
        ),
    )
    args = parser.parse_args()
    _database(args.database)
    os.environ["MEDBILL_DATA_DIR"] = tempfile.mkdtemp(prefix="medbill-bench-runs-")
    os.environ.setdefault("MEDBILL_DEBUG", "1")
    os.environ.pop("CELERY_BROKER_URL", None)
    from medbill.web import bootstrap

    bootstrap()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    claims = synthetic_claims(args.visits)
    print(f"database: {args.database.split('://')[0]}; load average {os.getloadavg()[0]:.1f}")
    if args.only != "statements":
        bench_build(claims, 1)
    if args.only != "build":
        bench_statements(claims, 2)


if __name__ == "__main__":
    main()
