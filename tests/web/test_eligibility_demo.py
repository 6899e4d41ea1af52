"""Demo stage ``eligibility``: the day's check-ins asked of the payer simulator over HTTP."""

from __future__ import annotations

import datetime
import json

from desk_support import visit_today

from medbill.web.demo.stages import STAGES, StageContext
from medbill.web.frontdesk.demo import LIVE_URL, eligibility_stage
from medbill.web.frontdesk.models import EligibilityCheck, PayerEndpoint


def test_it_checks_the_days_appointments_and_writes_the_answers(world, tmp_path):
    a = visit_today(world.a, hour=9)
    b = visit_today(world.b, hour=10)
    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    rows = eligibility_stage(ctx)
    assert rows[0].count == 2 and rows[0].detail == "2 active"
    assert PayerEndpoint.objects.count() == 4  # two payers in each practice
    # Afterwards they point where ``medbill payer-sim serve`` listens by default.
    assert {e.url for e in PayerEndpoint.objects.all()} == {LIVE_URL}
    checks = EligibilityCheck.objects.filter(source="demo")
    assert {c.visit_id for c in checks} == {a.pk, b.pk}
    assert all(c.summary.startswith("Active · copay $25") for c in checks)
    result = json.loads((tmp_path / "eligibility" / "results.json").read_text())
    assert result["counts"] == {"active": 2}
    assert (tmp_path / "eligibility" / "results.csv").read_text().count("\n") == 3
    assert (tmp_path / "eligibility" / "sample.271").read_text().startswith("ISA*")


def test_without_appointments_it_says_so(db, tmp_path):
    ctx = StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2))
    assert eligibility_stage(ctx)[0].detail == "none scheduled"


def test_the_stage_is_registered():
    assert ("eligibility", "medbill.web.frontdesk.demo:eligibility_stage") in STAGES
