"""Demo stage ``scrub``: the demo practices' claims through the edits."""

from __future__ import annotations

import datetime
import json

import pytest

from medbill.web.billing.models import Claim
from medbill.web.billing.scrub_demo import scrub_stage
from medbill.web.demo.stages import STAGES, StageContext

pytestmark = pytest.mark.django_db


def test_it_works(world, tmp_path):
    line = world.b.claim.lines.get()
    line.dx_pointers = [2]
    line.save()
    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    rows = scrub_stage(ctx)
    world.a.claim.refresh_from_db()
    world.b.claim.refresh_from_db()
    assert world.a.claim.status == Claim.Status.SCRUBBED
    assert world.b.claim.status == Claim.Status.DRAFT
    assert [(r.item, r.count) for r in rows] == [
        ("CVFP claims ready", "1/1"),
        ("LKCD claims ready", "0/1"),
        ("findings", 1),
    ]
    report = json.loads((tmp_path / "scrub" / "findings.json").read_text())
    assert [(r["practice"], [f["code"] for f in r["findings"]]) for r in report] == [
        ("CVFP", []),
        ("LKCD", ["FMT017"]),
    ]


def test_the_stage_runs_before_the_837p_batches():
    names = [name for name, _ in STAGES]
    assert names.index("scrub") < names.index("837p")
