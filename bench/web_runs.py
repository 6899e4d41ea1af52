"""A billing day through the web's background runs: build 1,000 claims from coded visits,
scrub them all, send them, import the payer's 835 and run the statements, each started as a
biller does (a POST to the page) and followed to its result page.

    .venv/bin/python bench/web_runs.py [--visits 1000] [--database URL]

Prints one line per run and a summary such as
``web runs: build 1000 claims 12.3 s; statements 1000 patients 8.1 s``. The database is
dropped and re-created as in ``bench/billing_runs.py`` (default ``BENCH_DATABASE_URL`` or
a local PostgreSQL; ``sqlite:///path`` for a SQLite file). Celery runs in-process, so the
POST returns when the run has finished: its time is the run's time, progress counting
included. Files go to a temporary data directory that links the built reference data
(the scrub needs the code sets).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from billing_runs import _client, _coded_visits, _database, _timed  # noqa: E402
from era import seed_claims, synthetic_claims  # noqa: E402


def _data_dir() -> None:
    """A temporary data directory that reads the built code sets where they are."""
    from medbill.core.paths import data_dir

    here = Path(tempfile.mkdtemp(prefix="medbill-bench-web-runs-"))
    for entry in data_dir().iterdir():
        (here / entry.name).symlink_to(entry)
    os.environ["MEDBILL_DATA_DIR"] = str(here)


def _run(model, practice, label, client, post):
    """POST to start a run, then load its result page; the run row and both times."""
    start, seconds = _timed(label, post)
    assert start.status_code == 302, (label, start.status_code)
    run = model.objects.filter(practice=practice).latest("id")
    _, page_s = _timed(f"{label} result", lambda: client.get(start.url))
    assert run.status == "done", (label, run.status, run.error)
    return run, seconds, page_s


def bench(claims) -> dict[str, float]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from medbill.core.payersim import simulate
    from medbill.core.x12.m835 import write_835
    from medbill.web.billing.documents import claim_documents
    from medbill.web.billing.models import Claim
    from medbill.web.billing.remittance_models import EraImportRun, ScrubRun, StatementRun
    from medbill.web.claims_out.models import (
        ClaimBuildRun,
        ClearinghouseConnection,
        SubmissionRun,
    )
    from medbill.web.frontdesk.models import Patient

    practice = seed_claims(claims, 1)
    _coded_visits(practice, claims)
    Patient.objects.filter(practice=practice).update(
        line1="418 Jenifer St", city="Madison", state="WI", zip="53703"
    )
    client, _ = _client(practice)
    times: dict[str, float] = {}

    run, times["build"], page_s = _run(
        ClaimBuildRun, practice, "build", client, lambda: client.post("/claims-out/build/start/")
    )
    print(
        f"build claims: {len(run.built)} built, {len(run.held)} held "
        f"{times['build']:.2f} s; result page {page_s:.2f} s"
    )
    times["built"] = len(run.built)

    run, times["scrub"], page_s = _run(
        ScrubRun, practice, "scrub all", client, lambda: client.post("/claims/scrub-all/")
    )
    print(
        f"scrub all: {run.total} drafts, {len(run.ready)} ready, {len(run.with_errors)} "
        f"with errors {times['scrub']:.2f} s; result page {page_s:.2f} s"
    )

    ClearinghouseConnection.objects.create(
        practice=practice,
        name="bench",
        settings={
            "sender_id": "BENCH01",
            "receiver_id": "PRAIRIE",
            "submitter_name": "Bench",
            "contact_name": "Billing Office",
            "contact_phone": "6085550142",
            "receiver_name": "Prairie Clearinghouse",
            "usage": "T",
            "transport": "folder",
            "folder": "outbox",
        },
    )
    ready = list(
        Claim.objects.filter(practice=practice, status="scrubbed").values_list("pk", flat=True)
    )
    run, times["send"], page_s = _run(
        SubmissionRun,
        practice,
        "send",
        client,
        lambda: client.post("/claims-out/submit/", {"claim": ready, "connection": "bench"}),
    )
    print(
        f"send batch: {run.total} claims in {len(run.submissions)} file(s) "
        f"{times['send']:.2f} s; result page {page_s:.2f} s"
    )

    sent = list(Claim.objects.filter(practice=practice, status="submitted").order_by("id"))
    era = write_835(simulate(claim_documents(sent), seed=1).remittances)
    run, times["era"], page_s = _run(
        EraImportRun,
        practice,
        "835 import",
        client,
        lambda: client.post(
            "/remittances/import/", {"file": SimpleUploadedFile("bench.835", era), "post": "1"}
        ),
    )
    print(
        f"835 import: {run.total} claim payments in {len(run.sets)} set(s) "
        f"{times['era']:.2f} s; result page {page_s:.2f} s"
    )

    choices = {"statement_date": "2026-06-01", "threshold": "5.00", "write_off_under": "1.00"}
    run, times["statements"], page_s = _run(
        StatementRun,
        practice,
        "statements",
        client,
        lambda: client.post("/statements/run/", choices),
    )
    times["patients"] = run.total
    print(
        f"statements: {run.total} accounts owing, {len(run.statements)} sent, "
        f"{len(run.skipped)} skipped {times['statements']:.2f} s; result page {page_s:.2f} s"
    )
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/medbill_bench_web_runs"
        ),
    )
    args = parser.parse_args()
    _database(args.database)
    _data_dir()
    os.environ.setdefault("MEDBILL_DEBUG", "1")
    os.environ.pop("CELERY_BROKER_URL", None)
    from medbill.web import bootstrap

    bootstrap()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    print(f"database: {args.database.split('://')[0]}; load average {os.getloadavg()[0]:.1f}")
    t = bench(synthetic_claims(args.visits))
    print(
        f"web runs: build {t['built']:.0f} claims {t['build']:.1f} s; scrub all "
        f"{t['scrub']:.1f} s; send {t['send']:.1f} s; 835 import {t['era']:.1f} s; "
        f"statements {t['patients']:.0f} patients {t['statements']:.1f} s"
    )


if __name__ == "__main__":
    main()
