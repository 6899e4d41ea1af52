"""The stages ``medbill demo run`` walks through, in order, over the demo practice.

A stage is a function ``stage(ctx: StageContext) -> list[SummaryRow]``. It does its
part of the revenue cycle against the demo database, writes what it produced under
``ctx.dir("<stage>")`` (X12 files, PDFs, CSV, JSON), and returns rows for the summary
table. Stages run in the order of ``STAGES``; later stages read what earlier ones
left in the database (and ``ctx.shared`` for anything that is not stored).

Adding a stage is one line in ``STAGES``: ``("name", "module.path:function")``. The
function is imported only when the demo runs, so a stage lives with its own area
(``medbill.web.billing.demo:build_claims``) and this module imports nothing from it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "STAGES",
    "StageContext",
    "StageError",
    "SummaryRow",
    "clear_previous_run",
    "load_stage",
    "run_stages",
    "seed_stage",
    "write_summary",
]

T = TypeVar("T")

# (name, "module:function"), in the order the revenue cycle runs. One line per stage.
STAGES: list[tuple[str, str]] = [
    ("seed", "medbill.web.demo.stages:seed_stage"),
    ("history", "medbill.web.demo.history:history_stage"),
    ("eligibility", "medbill.web.frontdesk.demo:eligibility_stage"),
    ("forms", "medbill.web.billing.forms_demo:forms_stage"),
    ("claims", "medbill.web.claims_out.demo:build_stage"),
    ("scrub", "medbill.web.billing.scrub_demo:scrub_stage"),
    ("837p", "medbill.web.claims_out.demo:batch_stage"),
    ("era", "medbill.web.billing.era_demo:era_stage"),
    ("bank", "medbill.web.banking.demo:bank_stage"),
    ("coding", "medbill.web.coding.demo:coding_stage"),
    ("risk", "medbill.web.risk.demo:risk_stage"),
]


@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary: what a stage produced, how many, and where it is."""

    stage: str
    item: str
    count: int | str
    detail: str = ""
    path: str = ""


@dataclass
class StageContext:
    """What every stage gets: the output directory, the seed, and a progress reporter."""

    out: Path
    seed: int
    start: dt.date
    progress: Callable[[Iterable[Any], str, int | None], Iterable[Any]] | None = None
    shared: dict[str, Any] = field(default_factory=dict)

    def dir(self, name: str) -> Path:
        """``out/<name>``, created on demand: where a stage writes its files."""
        path = self.out / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def relative(self, path: Path) -> str:
        """``path`` relative to the output directory, for the summary."""
        try:
            return str(path.relative_to(self.out))
        except ValueError:
            return str(path)

    def track(self, items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
        """Iterate ``items`` behind a progress bar (plain iteration without a console)."""
        if self.progress is None:
            yield from items
        else:
            yield from self.progress(items, label, total)


class StageError(RuntimeError):
    """A stage failed; names the stage and keeps the original error as its cause."""

    def __init__(self, stage: str, error: BaseException) -> None:
        super().__init__(f"demo stage {stage!r} failed: {type(error).__name__}: {error}")
        self.stage = stage


def clear_previous_run(out: Path) -> list[str]:
    """Remove the stages' folders an earlier run wrote under ``out``; returns their names.

    A run starts the demo database over, so the files of an earlier one describe rows that
    are gone, and a stage that reads another's folder (``era`` answers every 837P file in
    ``837p/``) would take them for its own. Only a folder that holds an earlier run's
    ``summary.json`` is touched, and in it only the folders named after stages.
    """
    if not (out / "summary.json").is_file():
        return []
    removed = []
    for name, _ in STAGES:
        folder = out / name
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
            removed.append(name)
    return removed


def load_stage(target: str) -> Callable[[StageContext], list[SummaryRow]]:
    """Import ``"module.path:function"``."""
    module_name, _, attr = target.partition(":")
    if not attr:
        raise ValueError(f"a stage is 'module.path:function', got {target!r}")
    return getattr(importlib.import_module(module_name), attr)


@dataclass
class StageRun:
    name: str
    seconds: float
    rows: list[SummaryRow]
    error: str = ""


def run_stages(
    ctx: StageContext,
    stages: list[tuple[str, str]] | None = None,
    on_start: Callable[[str], None] | None = None,
) -> list[StageRun]:
    """Run ``stages`` (default: all of ``STAGES``) in order; stop at the first failure.

    Always writes ``summary.json`` and ``summary.md`` for what ran, then raises
    ``StageError`` if a stage failed.
    """
    runs: list[StageRun] = []
    for name, target in stages if stages is not None else STAGES:
        if on_start:
            on_start(name)
        began = time.perf_counter()
        try:
            rows = list(load_stage(target)(ctx))
        except Exception as exc:
            runs.append(StageRun(name, time.perf_counter() - began, [], str(exc)))
            write_summary(ctx, runs)
            raise StageError(name, exc) from exc
        runs.append(StageRun(name, time.perf_counter() - began, rows))
    write_summary(ctx, runs)
    return runs


def write_summary(ctx: StageContext, runs: list[StageRun]) -> tuple[Path, Path]:
    """Write ``summary.json`` and ``summary.md`` into the output directory."""
    from medbill.web.demo.seed import demo_users

    ctx.out.mkdir(parents=True, exist_ok=True)
    users = demo_users()
    doc = {
        "seed": ctx.seed,
        "start": ctx.start.isoformat(),
        "stages": [
            {
                "name": r.name,
                "seconds": round(r.seconds, 2),
                "error": r.error,
                "rows": [asdict(row) for row in r.rows],
            }
            for r in runs
        ],
        "users": users,
    }
    json_path = ctx.out / "summary.json"
    json_path.write_text(json.dumps(doc, indent=2) + "\n")
    lines = [
        "# medbill demo run",
        "",
        f"Seed {ctx.seed}; visits from {ctx.start.isoformat()} for two weeks.",
        "",
        "| stage | item | count | detail | file |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for r in runs:
        for row in r.rows:
            lines.append(f"| {row.stage} | {row.item} | {row.count} | {row.detail} | {row.path} |")
        if r.error:
            lines.append(f"| {r.name} | FAILED | | {r.error} | |")
    lines += [
        "",
        "## Demo users",
        "",
        "| username | password | role | practices |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {u['username']} | {u['password']} | {u['role']} | {u['practices']} |" for u in users
    ]
    md_path = ctx.out / "summary.md"
    md_path.write_text("\n".join(lines) + "\n")
    return json_path, md_path


# -- the stages that live here -------------------------------------------------------------------


def seed_stage(ctx: StageContext) -> list[SummaryRow]:
    """Load the demo practice; write its data and the coding answer key to ``seed/``."""
    from medbill.web.demo import generate
    from medbill.web.demo.seed import seed

    result = seed(ctx.seed, ctx.start)
    data = result.data
    out = ctx.dir("seed")
    (out / "demo-data.json").write_text(
        json.dumps(asdict(data), indent=1, default=str, sort_keys=True) + "\n"
    )
    key = {
        v.key: {
            "patient": v.patient,
            "date": v.start.date().isoformat(),
            "scenario": v.scenario,
            "status": v.status,
            "diagnoses": list(v.diagnoses),
            "lines": [
                {
                    "code": s.code,
                    "modifiers": list(s.modifiers),
                    "units": s.units,
                    "dx_pointers": list(s.pointers),
                    "charge": s.charge,
                }
                for s in v.services
            ],
        }
        for v in data.visits
    }
    (out / "answer-key.json").write_text(json.dumps(key, indent=1) + "\n")
    ctx.shared["demo_data"] = data
    c, n = result.counts, data.counts
    statuses: dict[str, int] = {}
    for v in data.visits:
        statuses[v.status] = statuses.get(v.status, 0) + 1
    end = data.start + dt.timedelta(days=11)
    return [
        SummaryRow("seed", "practices", c["practice"], "family medicine, cardiology"),
        SummaryRow("seed", "providers", c["provider"], "NPIs pass the check digit"),
        SummaryRow("seed", "payers", c["payer"], "Medicare, Medicaid, 3 commercial"),
        SummaryRow("seed", "fee schedule entries", c["feescheduleentry"], "both practices"),
        SummaryRow(
            "seed",
            "patients",
            c["patient"],
            f"{n['self_pay']} self-pay, {n['with_secondary']} with secondary, "
            f"{n['dependants']} dependants",
            "seed/demo-data.json",
        ),
        SummaryRow(
            "seed",
            "visits",
            c["visit"],
            f"{data.start.isoformat()} to {end.isoformat()}; "
            + ", ".join(f"{k} {statuses[k]}" for k in sorted(statuses)),
            "seed/answer-key.json",
        ),
        SummaryRow("seed", "clinical notes", c["clinicalnote"], "signed"),
        SummaryRow(
            "seed",
            "coded service lines",
            c["serviceline"],
            f"{c['diagnosis']} diagnoses on the coded visits",
        ),
        SummaryRow("seed", "demo users", len(result.users), "one per role"),
        SummaryRow(
            "seed", "data digest", "", f"{generate.digest(data)[:16]} (same seed, same data)"
        ),
    ]
