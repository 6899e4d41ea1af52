"""Celery throughput with 1, 2 and 4 worker processes: ERA imports and claim builds.

    .venv/bin/python bench/workers.py [--practices 8] [--claims 1000] [--workers 1,2,4]
                                      [--broker redis://127.0.0.1:6379/14]

For each worker count it seeds ``--practices`` practices of ``--claims`` claims each on
PostgreSQL (``BENCH_DATABASE_URL``, default ``.../medbill_bench_workers``, re-created), starts
that many ``medbill worker`` processes on the broker, sends one ERA import per practice
(posting every claim), then one claim build per practice (its visits coded, claims not yet
built), and prints the time from the first task sent to the last result. A task is one
practice's file: practices post in parallel, one practice's file holds its posting lock.
Where the rate stops growing with more workers the database (or the cores) is the limit.
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import billing_runs  # noqa: E402  (seeding helpers)
import era  # noqa: E402

from medbill.core.payersim import simulate  # noqa: E402
from medbill.core.x12.m835 import write_835  # noqa: E402


def start_workers(n: int, env: dict[str, str], queue: str) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "medbill.cli.main",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--hostname",
                f"bench{i}-{queue}@%h",
                "--loglevel",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(n)
    ]


def run_round(n: int, args: argparse.Namespace, env: dict[str, str], round_no: int) -> str:
    from celery import Celery

    from medbill.web.billing.models import Claim

    claims = era.synthetic_claims(args.claims)
    data = write_835(simulate(claims, seed=1).remittances)
    payload = base64.b64encode(data).decode()
    era_practices = [era.seed_claims(claims, run=round_no * 100 + i) for i in range(args.practices)]
    build_practices = []
    for i in range(args.practices):
        practice = era.seed_claims(claims, run=round_no * 100 + 50 + i)
        billing_runs._coded_visits(practice, claims)
        build_practices.append(practice)
    queue = f"bench-{os.getpid()}-{n}"
    workers = start_workers(n, env, queue)
    sender = Celery("bench", broker=args.broker, backend=args.broker, set_as_current=False)
    try:
        # Warm up: every worker process answers once before the clock starts.
        warm = [sender.send_task("medbill.ping", args=["warm"], queue=queue) for _ in range(n * 2)]
        for r in warm:
            r.get(timeout=120)
        start = time.perf_counter()
        results = [
            sender.send_task(
                "billing.import_era_file",
                args=[None, p.pk, payload, f"bench-{p.pk}.835"],
                queue=queue,
            )
            for p in era_practices
        ]
        for r in results:
            r.get(timeout=1800)
        era_seconds = time.perf_counter() - start
        start = time.perf_counter()
        results = [
            sender.send_task("claims_out.build_claim_batch", args=[None, p.pk], queue=queue)
            for p in build_practices
        ]
        built = sum(len(r.get(timeout=1800)["created"]) for r in results)
        build_seconds = time.perf_counter() - start
    finally:
        sender.close()
        for proc in workers:
            proc.terminate()
        for proc in workers:
            proc.wait(timeout=60)
    posted = Claim.objects.filter(practice__in=era_practices, status="paid").count()
    return (
        f"{n} worker{'s' if n > 1 else ''}: ERA {posted} claims in {era_seconds:.1f} s = "
        f"{posted / era_seconds:,.0f} claims/s; build {built} claims in "
        f"{build_seconds:.1f} s = {built / build_seconds:,.0f} claims/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=8)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/medbill_bench_workers"
        ),
    )
    args = parser.parse_args()
    billing_runs._database(args.database)
    os.environ["MEDBILL_DATA_DIR"] = os.environ.get("MEDBILL_DATA_DIR") or tempfile.mkdtemp(
        prefix="medbill-bench-workers-"
    )
    os.environ.setdefault("MEDBILL_DEBUG", "1")
    os.environ.pop("CELERY_BROKER_URL", None)  # this process seeds; the workers get the broker
    from medbill.web import bootstrap

    bootstrap()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    env = dict(
        os.environ,
        CELERY_BROKER_URL=args.broker,
        CELERY_RESULT_BACKEND=args.broker,
        DATABASE_URL=args.database,
    )
    lines = []
    for round_no, n in enumerate(int(w) for w in args.workers.split(",")):
        line = run_round(n, args, env, round_no + 1)
        print(line, flush=True)
        lines.append(line)
    print(
        f"workers: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        + " | ".join(lines)
    )


if __name__ == "__main__":
    main()
