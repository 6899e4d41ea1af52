"""Demo stage ``eligibility``: the day's check-ins asked of the payer simulator.

Starts the payer simulator on 127.0.0.1 (a free port) with a plan table built from the
demo coverages, points every practice's payers at it, checks the primary coverage of
each appointment of the first day that still has patients to check in, and writes the
answers to ``demo-out/eligibility/`` (``results.csv``, ``results.json`` and one 271 as
received).
"""

from __future__ import annotations

import csv
import datetime
import json
import time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from medbill.connect.payer_sim import PayerSimulator
from medbill.core.eligibility.simulator import PlanTable
from medbill.web.frontdesk.eligibility import check_visits
from medbill.web.frontdesk.models import Coverage, EligibilityCheck, PayerEndpoint, Visit
from medbill.web.frontdesk.plan_table import plan_table_from_coverages
from medbill.web.practice import audit

if TYPE_CHECKING:
    from medbill.web.demo.stages import StageContext, SummaryRow

__all__ = ["LIVE_URL", "eligibility_stage", "serve_payer_simulator"]

LIVE_URL = "http://127.0.0.1:8270/core"


def _day() -> datetime.date | None:
    first = (
        Visit.objects.filter(status=Visit.Status.SCHEDULED)
        .order_by("scheduled_at")
        .values_list("scheduled_at", flat=True)
        .first()
    )
    return timezone.localtime(first).date() if first else None


def _point_payers_at(url: str) -> int:
    count = 0
    pairs = Coverage.objects.values_list("practice_id", "payer_id").distinct()
    with audit.acting_as(None, source="demo"):
        for practice_id, payer_id in sorted(set(pairs)):
            PayerEndpoint.objects.update_or_create(
                practice_id=practice_id,
                payer_id=payer_id,
                defaults={
                    "url": url,
                    "sender_id": "MEDBILLDEMO",
                    "receiver_id": "PAYERSIM",
                    "envelope": "soap" if count % 2 == 0 else "mime",
                    "timeout_seconds": Decimal(5),
                    "usage": "T",
                },
            )
            count += 1
    return count


def _visit_of(check: EligibilityCheck) -> Visit:
    """The visit of a check the demo made for one."""
    assert check.visit is not None
    return check.visit


def eligibility_stage(ctx: StageContext) -> list[SummaryRow]:
    """Check the day's appointments against the simulator over real HTTP."""
    from medbill.web.demo.stages import SummaryRow

    out = ctx.dir("eligibility")
    day = _day()
    if day is None:
        return [SummaryRow("eligibility", "appointments to check", 0, "none scheduled")]
    coverages = Coverage.objects.filter(active=True).select_related("payer", "patient")
    table = PlanTable(plan_table_from_coverages(coverages, day))
    # The whole day's schedule, as the desk's morning run would have asked about it.
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    visits = list(
        Visit.objects.filter(
            scheduled_at__gte=start, scheduled_at__lt=start + datetime.timedelta(days=1)
        )
        .exclude(status__in=[Visit.Status.CANCELLED, Visit.Status.NO_SHOW])
        .select_related("patient", "practice")
        .order_by("scheduled_at", "id")
    )
    started = time.perf_counter()
    with PayerSimulator(table, host="127.0.0.1", port=0) as sim:
        endpoints = _point_payers_at(sim.url)
        with audit.acting_as(None, source="demo"):
            counts = check_visits(ctx.track(visits, "eligibility", len(visits)), source="demo")
    seconds = time.perf_counter() - started
    # The simulator above is gone when the stage ends; leave the endpoints pointing where
    # the served demo's simulator (and ``medbill payer-sim serve``) listens by default.
    _point_payers_at(LIVE_URL)
    checks = list(
        EligibilityCheck.objects.filter(visit__in=visits, source="demo")
        .select_related("patient", "coverage__payer", "visit")
        .order_by("visit__scheduled_at", "id")
    )
    rows = [
        {
            "visit": c.visit_id,
            "time": timezone.localtime(_visit_of(c).scheduled_at).strftime("%H:%M"),
            "account": c.patient.account_number,
            "payer": c.coverage.payer.name,
            "status": c.status,
            "summary": c.summary,
            "copay": str(c.copay) if c.copay is not None else "",
            "problems": "; ".join(c.problems),
            "ms": int((c.seconds or 0) * 1000),
        }
        for c in checks
    ]
    csv_path = out / "results.csv"
    with csv_path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["visit"])
        writer.writeheader()
        writer.writerows(rows)
    (out / "results.json").write_text(
        json.dumps({"day": day.isoformat(), "counts": counts, "checks": rows}, indent=2)
    )
    sample = next((c for c in checks if c.raw_271), None)
    if sample is not None:
        (out / "sample.271").write_text(sample.raw_271.replace("~", "~\n"))
    detail = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
    return [
        SummaryRow(
            "eligibility",
            f"appointments of {day} checked",
            len(visits),
            detail,
            ctx.relative(csv_path),
        ),
        SummaryRow(
            "eligibility",
            "payer endpoints on the simulator",
            endpoints,
            f"{seconds:.1f} s for the day over HTTP; the served demo runs its own "
            "simulator for live checks",
        ),
    ]


def serve_payer_simulator(host: str = "127.0.0.1", port: int = 8270) -> PayerSimulator:
    """Start the payer simulator beside the served demo (a thread of this process) and
    point every payer endpoint at it, so eligibility checks and claim status inquiries in
    the browser get an answer (the claims sent so far are adjudicated when it starts).

    Listens on ``LIVE_URL``'s port; when that port is taken, on any free one. The caller
    stops it (``.stop()``) when the server stops.
    """
    coverages = Coverage.objects.filter(active=True).select_related("payer", "patient")
    table = PlanTable(plan_table_from_coverages(coverages, timezone.localdate()))
    from medbill.web.claims_out.sim_book import claim_book_from_database

    book = claim_book_from_database(timezone.localdate())
    try:
        sim = PayerSimulator(table, host=host, port=port, book=book)
    except OSError:
        sim = PayerSimulator(table, host=host, port=0, book=book)
    sim.start()
    _point_payers_at(sim.url)
    return sim
