"""The demo stage pipeline: order, summary files, and what happens when a stage fails."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from medbill.web.demo.stages import (
    STAGES,
    StageContext,
    StageError,
    SummaryRow,
    clear_previous_run,
    load_stage,
    run_stages,
)

CALLS: list[str] = []


def first_stage(ctx: StageContext) -> list[SummaryRow]:
    CALLS.append("first")
    path = ctx.dir("first") / "made.txt"
    path.write_text("made\n")
    ctx.shared["from_first"] = 3
    return [SummaryRow("first", "files", 1, "a file", ctx.relative(path))]


def second_stage(ctx: StageContext) -> list[SummaryRow]:
    CALLS.append("second")
    seen = list(ctx.track(range(ctx.shared["from_first"]), "counting"))
    return [SummaryRow("second", "items", len(seen))]


def failing_stage(ctx: StageContext) -> list[SummaryRow]:
    raise ValueError("claim RFM-1 has no payer")


@pytest.fixture
def ctx(tmp_path):
    CALLS.clear()
    return StageContext(out=tmp_path / "out", seed=5, start=dt.date(2026, 11, 9))


def test_stages_run_in_order_and_write_the_summary(ctx):
    runs = run_stages(
        ctx, [("first", f"{__name__}:first_stage"), ("second", f"{__name__}:second_stage")]
    )
    assert CALLS == ["first", "second"]
    assert [r.name for r in runs] == ["first", "second"]
    assert (ctx.out / "first" / "made.txt").read_text() == "made\n"
    summary = json.loads((ctx.out / "summary.json").read_text())
    assert summary["seed"] == 5 and summary["start"] == "2026-11-09"
    assert summary["stages"][1]["rows"] == [
        {"stage": "second", "item": "items", "count": 3, "detail": "", "path": ""}
    ]
    md = (ctx.out / "summary.md").read_text()
    assert "| first | files | 1 | a file | first/made.txt |" in md
    assert "| admin | demo-admin |" in md


def test_a_failing_stage_stops_the_run_and_is_named(ctx):
    stages = [
        ("first", f"{__name__}:first_stage"),
        ("broken", f"{__name__}:failing_stage"),
        ("second", f"{__name__}:second_stage"),
    ]
    with pytest.raises(StageError, match="'broken' failed: ValueError: claim RFM-1 has no payer"):
        run_stages(ctx, stages)
    assert CALLS == ["first"]
    summary = json.loads((ctx.out / "summary.json").read_text())
    assert [s["name"] for s in summary["stages"]] == ["first", "broken"]
    assert summary["stages"][1]["error"] == "claim RFM-1 has no payer"
    assert "| broken | FAILED |" in (ctx.out / "summary.md").read_text()


def test_every_registered_stage_can_be_imported():
    names = [name for name, _ in STAGES]
    assert names[0] == "seed"
    assert len(set(names)) == len(names)
    for _, target in STAGES:
        assert callable(load_stage(target)), target


def test_a_stage_target_needs_a_function():
    with pytest.raises(ValueError, match="module.path:function"):
        load_stage("medbill.web.demo.stages")


def test_a_new_run_starts_without_the_files_of_the_last(tmp_path):
    out = tmp_path / "demo-out"
    (out / "837p" / "rfm").mkdir(parents=True)
    (out / "837p" / "rfm" / "old.837").write_text("ISA")
    (out / "era").mkdir()
    (out / "notes").mkdir()  # not a stage's: kept
    assert clear_previous_run(out) == []  # no summary: not a folder a run wrote
    assert (out / "837p" / "rfm" / "old.837").exists()
    (out / "summary.json").write_text("{}")
    assert clear_previous_run(out) == ["837p", "era"]
    assert not (out / "837p").exists() and not (out / "era").exists()
    assert (out / "notes").is_dir()
