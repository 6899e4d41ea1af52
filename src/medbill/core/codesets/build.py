"""``medbill codesets build``: every prebuilt reference file under ``data_dir()``, in one pass.

Each step is registered with one line (``register("name", "module:function")``); a step receives a
:class:`BuildContext` and returns a one-line summary. Steps are idempotent and fast when their
output is already current, so ``make data`` can run on every test run.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from medbill.core.codesets._releases import import_tabular, installed_tabular, sha256_of
from medbill.core.paths import data_dir, shared_data_dir

__all__ = [
    "ICD10CM_SOURCES",
    "BuildContext",
    "BuildError",
    "IcdSource",
    "StepResult",
    "build",
    "ensure_icd10cm",
    "register",
    "steps",
]


class BuildError(RuntimeError):
    """A build step could not produce its files (the message says which and why)."""


@dataclass
class BuildContext:
    """What a build step may use: where to write, where the shared CMS files are, and options."""

    data_dir: Path
    shared_data_dir: Path | None
    # Puts the wheel of a pinned requirement ("name==version") into a folder; the caller
    # supplies it (the command line uses pip), so core does no network or process I/O.
    # None: nothing is downloaded.
    fetch: Callable[[str, Path], None] | None = None
    report: Callable[[str], None] = field(default=lambda message: None)


@dataclass(frozen=True)
class StepResult:
    name: str
    summary: str
    ok: bool = True


_STEPS: list[tuple[str, str]] = []


def register(name: str, target: str) -> None:
    """Add a build step: ``target`` is ``"package.module:function"`` taking a BuildContext."""
    if any(existing == name for existing, _ in _STEPS):
        raise ValueError(f"build step {name!r} is registered twice")
    _STEPS.append((name, target))


def steps() -> list[str]:
    """Names of the registered steps, in the order they run."""
    return [name for name, _ in _STEPS]


def build(
    only: list[str] | None = None,
    *,
    fetch: Callable[[str, Path], None] | None = None,
    report: Callable[[str], None] | None = None,
) -> list[StepResult]:
    """Run the registered steps (or ``only`` those named) and return one result per step.

    A failing step does not stop the others; its result has ``ok=False`` and says why.
    """
    context = BuildContext(data_dir(), shared_data_dir(), fetch, report or (lambda m: None))
    unknown = set(only or ()) - set(steps())
    if unknown:
        raise BuildError(f"unknown build step(s): {', '.join(sorted(unknown))}")
    results = []
    for name, target in _STEPS:
        if only and name not in only:
            continue
        module, _, function = target.partition(":")
        step = getattr(importlib.import_module(module), function)
        try:
            results.append(StepResult(name, step(context)))
        except (BuildError, OSError, ValueError) as exc:
            results.append(StepResult(name, str(exc), ok=False))
    return results


# --- ICD-10-CM ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IcdSource:
    """Where one release's tabular XML comes from: the installed package or a pinned wheel."""

    name: str
    effective_from: date
    effective_to: date
    wheel: str | None = None  # "simple-icd-10-cm==X" to download; None = installed package
    wheel_sha256: str = ""
    member: str = ""


ICD10CM_SOURCES: tuple[IcdSource, ...] = (
    IcdSource(
        "FY2021",
        date(2020, 10, 1),
        date(2021, 9, 30),
        "simple-icd-10-cm==1.0.5",
        "cb838d2a8ce48fcdf5dd99d8b509e21c0c1785b7cdb675f6cf842bfdaedb14be",
        "simple_icd_10_cm/data/icd10cm_tabular_2021.xml",
    ),
    IcdSource(
        "FY2025",
        date(2024, 10, 1),
        date(2025, 9, 30),
        "simple-icd-10-cm==1.3.0",
        "9b6c022e7de2b59a5c440938e8e62e1b912923d28ac06d66112fdef6ef3949dc",
        "simple_icd_10_cm/data/icd10cm-tabular-April-2025.xml",
    ),
    IcdSource("FY2026", date(2025, 10, 1), date(2026, 9, 30)),
)


def _fetch_wheel(source: IcdSource, context: BuildContext) -> Path:
    """The tabular XML of an older package release, downloaded once and checked by hash."""
    folder = context.data_dir / "codesets" / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    xml = folder / f"{source.name}.xml"
    if xml.exists():
        return xml
    assert source.wheel is not None
    package, _, version = source.wheel.partition("==")
    wheel_name = f"{package.replace('-', '_')}-{version}-py3-none-any.whl"
    wheel = folder / wheel_name
    if not wheel.exists():
        if context.fetch is None:
            raise BuildError(f"{source.name}: {wheel_name} is not downloaded (download disabled)")
        context.report(f"downloading {source.wheel} for {source.name}")
        try:
            context.fetch(source.wheel, folder)
        except Exception as exc:  # the fetcher's own error, whatever it is, says why
            raise BuildError(f"{source.name}: {exc}") from None
        if not wheel.exists():
            raise BuildError(f"{source.name}: {wheel_name} was not downloaded")
    digest = sha256_of(wheel)
    if digest != source.wheel_sha256:
        wheel.unlink()
        raise BuildError(f"{source.name}: {wheel_name} has SHA-256 {digest}, expected "
                         f"{source.wheel_sha256}; removed it, run the build again")  # fmt: skip
    with zipfile.ZipFile(wheel) as archive:
        tmp = xml.with_suffix(".tmp")
        tmp.write_bytes(archive.read(source.member))
        tmp.replace(xml)
    return xml


def build_icd10cm(context: BuildContext) -> str:
    """Build every ICD-10-CM release in :data:`ICD10CM_SOURCES` (skipping current ones)."""
    built = []
    problems = []
    for source in ICD10CM_SOURCES:
        try:
            xml = installed_tabular() if source.wheel is None else _fetch_wheel(source, context)
        except BuildError as exc:
            problems.append(str(exc))
            continue
        context.report(f"ICD-10-CM {source.name} from {xml.name}")
        import_tabular(xml, source.name, source.effective_from, source.effective_to,
                       source=xml.name)  # fmt: skip
        built.append(source.name)
    if problems:
        raise BuildError("; ".join(problems) + f" (built: {', '.join(built) or 'none'})")
    return f"ICD-10-CM releases {', '.join(built)}"


def ensure_icd10cm(fetch: Callable[[str, Path], None] | None = None) -> None:
    """Build the ICD-10-CM releases if they are not built yet (for tests and first runs);
    ``fetch`` downloads a missing older release's wheel (see ``BuildContext``)."""
    build_icd10cm(BuildContext(data_dir(), shared_data_dir(), fetch))


# --- HCPCS Level II ----------------------------------------------------------------------------


def import_hcpcs_file(path: Path, *, force: bool = False) -> str:
    """Parse a CMS HCPCS file (xlsx or fixed-width text) into the prebuilt table."""
    from medbill.core.codesets.hcpcs import read_hcpcs, store_hcpcs, stored_hcpcs_sha256

    digest = sha256_of(path)
    if not force and stored_hcpcs_sha256() == digest:
        return f"HCPCS from {path.name} is current"
    count = store_hcpcs(read_hcpcs(path), path.name, digest)
    return f"HCPCS {count} codes from {path.name}"


def build_hcpcs(context: BuildContext) -> str:
    """The newest HCPCS workbook under ``<shared data>/cms/hcpcs`` (skipped when absent)."""
    folder = context.shared_data_dir / "cms" / "hcpcs" if context.shared_data_dir else None
    files = sorted(folder.glob("HCPC*.xlsx")) if folder and folder.is_dir() else []
    if not files:
        return "HCPCS skipped: no CMS HCPCS file in the shared data folder"
    context.report(f"HCPCS from {files[-1].name}")
    return import_hcpcs_file(files[-1])


def build_icd10cm_addenda(context: BuildContext) -> str:
    """The mid-year ICD-10-CM changes in ``<shared data>/cms/icd10cm-addenda/*.csv``
    (skipped when there are none)."""
    from medbill.core.codesets._releases import import_icd10cm_addenda

    folder = (
        context.shared_data_dir / "cms" / "icd10cm-addenda" if context.shared_data_dir else None
    )
    files = sorted(folder.glob("*.csv")) if folder and folder.is_dir() else []
    if not files:
        return "ICD-10-CM addenda skipped: no addenda CSV in the shared data folder"
    return "; ".join(import_icd10cm_addenda(f) for f in files)


# One line per step; steps run in this order.
register("icd10cm", "medbill.core.codesets.build:build_icd10cm")
register("icd10cm-addenda", "medbill.core.codesets.build:build_icd10cm_addenda")
register("hcpcs", "medbill.core.codesets.build:build_hcpcs")
register("icd10cm-index", "medbill.core.codesets._alphabetic:build_icd10cm_index")
register("search", "medbill.core.codesets.search:build_search")
register("scrubber", "medbill.core.scrubber.build:build_scrub_tables")
