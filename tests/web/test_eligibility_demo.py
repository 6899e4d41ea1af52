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


def test_the_served_demo_has_a_payer_to_ask(world, tmp_path):
    import httpx

    from medbill.web.frontdesk.demo import serve_payer_simulator
    from medbill.web.frontdesk.eligibility import check_coverage

    visit_today(world.a, hour=9)
    eligibility_stage(StageContext(out=tmp_path, seed=1, start=datetime.date(2026, 3, 2)))
    sim = serve_payer_simulator(port=0)
    try:
        assert {e.url for e in PayerEndpoint.objects.all()} == {sim.url}
        check = check_coverage(world.users["front_desk"], world.a.coverage)
        assert check.status == "active"
    finally:
        sim.stop()
    try:
        httpx.post(sim.url, content=b"", timeout=1)
    except httpx.TransportError:
        pass  # stopped with the server: nothing listens any more
    else:
        raise AssertionError("the simulator still answers after it was stopped")


def test_demo_run_serves_the_simulator_and_stops_it_with_the_server(db, monkeypatch, tmp_path):
    import httpx
    from typer.testing import CliRunner

    import medbill.cli.serve
    import medbill.web.demo.stages
    from medbill.cli.main import app

    seen = {}

    def server(host, port):
        # While the app is served, the payer endpoints point at a simulator that answers.
        urls = {e.url for e in PayerEndpoint.objects.all()}
        seen["urls"] = urls
        for url in urls:
            seen["status"] = httpx.post(url, content=b"x", timeout=2).status_code

    monkeypatch.setattr(medbill.web.demo.stages, "run_stages", lambda ctx, on_start=None: [])
    monkeypatch.setattr(medbill.cli.serve, "run_server", server)
    from conftest import build_site

    build_site("CVFP", "Cedar Valley")
    result = CliRunner().invoke(app, ["demo", "run", "--out", str(tmp_path), "--serve"])
    assert result.exit_code == 0, result.output
    assert "payer simulator for eligibility checks at" in result.output
    (url,) = seen["urls"]
    assert isinstance(seen["status"], int)  # an HTTP answer: something listened
    try:
        httpx.post(url, content=b"x", timeout=1)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the simulator outlived the server")
