"""The desk's eligibility batch end to end: 500 of tomorrow's appointments, each a 270 to
the payer simulator over HTTP and a stored check (summary, copay, the 271 as received).

    .venv/bin/python bench/eligibility_desk.py [--appointments 500] [--envelope soap|mime]

Uses a fresh SQLite database in a temporary directory, or ``BENCH_DATABASE_URL``
(PostgreSQL; the database is dropped and re-created). Targets: p95 of one check
≤ 200 ms; 500 appointments ≤ 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def _database() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        admin, name = url.rsplit("/", 1)
        with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
    else:
        folder = tempfile.mkdtemp(prefix="medbill-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("MEDBILL_DEBUG", "1")
    from medbill.web import bootstrap

    bootstrap()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(n: int, day: dt.date, envelope: str):
    from django.utils import timezone

    from medbill.web.frontdesk.models import Coverage, Patient, PayerEndpoint, Visit
    from medbill.web.practice.models import Location, Organization, Payer, Practice, Provider

    org = Organization.objects.create(name="Bench")
    practice = Practice.objects.create(
        organization=org,
        name="Bench Clinic",
        short_code="BENCH",
        legal_name="Bench Clinic",
        tin="391847265",
        group_npi="1746502933",
        billing_line1="2400 University Ave",
        billing_city="Madison",
        billing_state="WI",
        billing_zip="537051212",
    )
    location = Location.objects.create(practice=practice, name="Main", place_of_service="11")
    provider = Provider.objects.create(
        practice=practice, last_name="Whitaker", first_name="Joan", npi="1283746505"
    )
    payer = Payer.objects.create(
        organization=org, name="Badger State Health Plan", payer_id="BSHP01"
    )
    patients = Patient.objects.bulk_create(
        Patient(
            practice=practice,
            account_number=f"B{i:05d}",
            last_name="Member",
            first_name=f"N{i}",
            date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=i),
            sex="F" if i % 2 else "M",
        )
        for i in range(n)
    )
    Coverage.objects.bulk_create(
        Coverage(practice=practice, patient=p, payer=payer, member_id=f"M{i:06d}")
        for i, p in enumerate(patients)
    )
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
    Visit.objects.bulk_create(
        Visit(
            practice=practice,
            patient=p,
            provider=provider,
            location=location,
            scheduled_at=start + dt.timedelta(minutes=i % 600),
        )
        for i, p in enumerate(patients)
    )
    return practice, payer, PayerEndpoint


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appointments", type=int, default=500)
    parser.add_argument("--envelope", choices=("soap", "mime"), default="soap")
    args = parser.parse_args()
    _database()
    from medbill.connect.payer_sim import PayerSimulator
    from medbill.core.eligibility.simulator import PlanTable
    from medbill.web.frontdesk.eligibility import check_visits, visits_on
    from medbill.web.frontdesk.models import Coverage, EligibilityCheck
    from medbill.web.frontdesk.plan_table import plan_table_from_coverages

    day = dt.date.today() + dt.timedelta(days=1)
    practice, payer, endpoint_model = _seed(args.appointments, day, args.envelope)
    rows = Coverage.objects.select_related("payer", "patient")
    table = PlanTable(plan_table_from_coverages(rows, dt.date.today()))
    with PayerSimulator(table) as sim:
        endpoint_model.objects.create(
            practice=practice,
            payer=payer,
            url=sim.url,
            sender_id="MEDBILL",
            receiver_id="PAYERSIM",
            envelope=args.envelope,
            timeout_seconds=Decimal(10),
        )
        visits = visits_on(day)
        t0 = time.perf_counter()
        counts = check_visits(visits, source="bench")
        seconds = time.perf_counter() - t0
    times = sorted(
        float(s) * 1000 for s in EligibilityCheck.objects.values_list("seconds", flat=True)
    )
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    from django.db import connection

    print(
        f"desk batch ({connection.vendor}, {args.envelope}): {len(visits)} appointments in "
        f"{seconds:.2f} s, {counts}  (target ≤ 60 s)"
    )
    print(
        f"one 270/271 round trip to the simulator: p50 {statistics.median(times):.1f} ms  "
        f"p95 {p95:.1f} ms  (target ≤ 200)"
    )


if __name__ == "__main__":
    main()
