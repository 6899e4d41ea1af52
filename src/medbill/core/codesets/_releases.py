"""ICD-10-CM releases by effective date: the prebuilt files under ``data_dir()`` and validity.

Each release is parsed once from tabular XML (``medbill codesets build`` / ``import``) into a pickle
under ``data_dir()/codesets/icd10cm/``; ``manifest.json`` beside them lists every release with its
effective window. Processes load a release on first use and keep it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import pickle
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from medbill.core.caches import DataCache
from medbill.core.codesets._addenda import import_addenda, installed_addenda
from medbill.core.codesets._icd10cm import Icd10cmRelease
from medbill.core.codesets._tabular import TabularData, parse_tabular, undot
from medbill.core.paths import data_dir

__all__ = [
    "FORMAT",
    "ReleaseInfo",
    "ReleaseNotFound",
    "Validity",
    "icd10cm",
    "import_icd10cm_addenda",
    "import_tabular",
    "installed_tabular",
    "releases",
    "reset_cache",
    "validity",
]

FORMAT = 1
_lock = threading.RLock()
# Loaded once per process and data directory: a process (a test run) that points
# ``MEDBILL_DATA_DIR`` elsewhere sees that directory's releases, never another's.
_loaded: DataCache[str, Icd10cmRelease] = DataCache("ICD-10-CM releases")
_manifests: DataCache[None, list[ReleaseInfo]] = DataCache("ICD-10-CM release manifests")


class ReleaseNotFound(LookupError):
    """No ICD-10-CM release is built for the date asked (run ``medbill codesets build``)."""


@dataclass(frozen=True)
class ReleaseInfo:
    """One entry of the manifest: a release's name, effective window and where it came from."""

    name: str
    effective_from: date
    effective_to: date | None
    file: str
    source: str
    sha256: str

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "file": self.file,
            "source": self.source,
            "sha256": self.sha256,
        }

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> ReleaseInfo:
        end = row.get("effective_to")
        return cls(
            name=row["name"],
            effective_from=date.fromisoformat(row["effective_from"]),
            effective_to=date.fromisoformat(end) if end else None,
            file=row["file"],
            source=row.get("source", ""),
            sha256=row.get("sha256", ""),
        )


def _store() -> Path:
    path = data_dir() / "codesets" / "icd10cm"
    path.mkdir(parents=True, exist_ok=True)
    return path


def installed_tabular() -> Path:
    """The tabular XML shipped inside the installed ``simple-icd-10-cm`` package."""
    # find_spec, not import: importing the package parses its XML.
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the simple-icd-10-cm package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    found = sorted(folder.glob("*tabular*.xml"))
    if not found:
        raise FileNotFoundError(f"no tabular XML in {folder}")
    return found[-1]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file (used to skip work already done)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_manifest() -> list[ReleaseInfo]:
    path = _store() / "manifest.json"
    if not path.exists():
        return []
    rows = json.loads(path.read_text())
    if rows.get("format") != FORMAT:
        return []
    infos = [ReleaseInfo.from_json(r) for r in rows["releases"]]
    return sorted(infos, key=lambda r: r.effective_from)


def _own_tmp(path: Path) -> Path:
    """A temporary file beside ``path`` that no other process writes: two processes that
    build the installed release at once (two imports started together) each replace the
    file with their own complete copy instead of one renaming the other's away."""
    return path.with_name(f"{path.name}.{os.getpid()}.tmp")


def _write_manifest(infos: list[ReleaseInfo]) -> None:
    path = _store() / "manifest.json"
    body = {"format": FORMAT, "releases": [i.to_json() for i in infos]}
    tmp = _own_tmp(path)
    tmp.write_text(json.dumps(body, indent=2))
    tmp.replace(path)


def releases() -> list[ReleaseInfo]:
    """Every built release, oldest first. Builds the installed release when nothing is built yet."""
    home = data_dir()
    with _lock:
        infos = _manifests.get(home, None)
        if infos is None:
            infos = _read_manifest()
            if not infos:
                import_tabular(installed_tabular(), "FY2026", date(2025, 10, 1), date(2026, 9, 30))
                infos = _read_manifest()
            _manifests.put(home, None, infos)
        return list(infos)


def reset_cache() -> None:
    """Forget loaded releases (after an import)."""
    with _lock:
        _manifests.clear()
        _loaded.clear()


def import_tabular(
    xml: Path,
    name: str,
    effective_from: date,
    effective_to: date | None,
    *,
    source: str = "",
) -> ReleaseInfo:
    """Parse a CMS tabular XML file and store it as release ``name``; idempotent by file hash."""
    xml = Path(xml)
    digest = sha256_of(xml)
    infos = [i for i in _read_manifest() if i.name != name]
    existing = [i for i in _read_manifest() if i.name == name]
    target = _store() / f"{name}.pickle"
    if (
        existing
        and existing[0].sha256 == digest
        and existing[0].effective_from == effective_from
        and existing[0].effective_to == effective_to
        and target.exists()
    ):
        return existing[0]
    for other in infos:
        if other.effective_from <= (effective_to or date.max) and (
            other.effective_to is None or effective_from <= other.effective_to
        ):
            raise ValueError(
                f"release {name} ({effective_from}..{effective_to}) overlaps release {other.name} "
                f"({other.effective_from}..{other.effective_to})"
            )
    data = parse_tabular(xml)
    tmp = _own_tmp(target)
    with open(tmp, "wb") as handle:
        payload = (FORMAT, data.version, data.codes, data.notes, data.seventh, data.order)
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(target)
    info = ReleaseInfo(name, effective_from, effective_to, target.name, source or xml.name, digest)
    _write_manifest(sorted([*infos, info], key=lambda r: r.effective_from))
    reset_cache()
    return info


def import_icd10cm_addenda(path: Path) -> str:
    """Import an addenda CSV (see ``_addenda``) into the data directory; the releases
    loaded from then on know its codes' dates. Idempotent."""
    count, changed = import_addenda(data_dir(), Path(path))
    reset_cache()
    days = sorted(
        {a.effective for a in installed_addenda(data_dir()) if a.source == Path(path).name}
    )
    uncovered = [
        d
        for d in days
        if not any(
            i.effective_from <= d and (i.effective_to is None or d <= i.effective_to)
            for i in releases()
        )
    ]
    summary = f"{count} mid-year change(s) from {Path(path).name}" + (
        "" if changed else " (already imported)"
    )
    if uncovered:
        summary += (
            "; no built release in force on "
            + ", ".join(d.isoformat() for d in uncovered)
            + ", kept for when one is"
        )
    return summary


def _load(info: ReleaseInfo) -> Icd10cmRelease:
    home = data_dir()
    store = _store()
    with _lock:
        release = _loaded.get(home, info.name)
        if release is None:
            with open(store / info.file, "rb") as handle:
                fmt, version, codes, notes, seventh, order = pickle.load(handle)
            if fmt != FORMAT:
                raise ReleaseNotFound(f"{info.file} is an old format; run `medbill codesets build`")
            data = TabularData(version, codes, notes, seventh, order)
            release = Icd10cmRelease(
                info.name, info.effective_from, info.effective_to, data, info.source
            )
            release.apply_addenda(installed_addenda(home))
            _loaded.put(home, info.name, release)
        return release


def _info_for(dos: date | None) -> ReleaseInfo:
    infos = releases()
    if not infos:
        raise ReleaseNotFound("no ICD-10-CM release is built; run `medbill codesets build`")
    if dos is None:
        return infos[-1]
    for info in infos:
        if info.effective_from <= dos and (info.effective_to is None or dos <= info.effective_to):
            return info
    earlier = [i for i in infos if i.effective_from <= dos]
    if not earlier:
        raise ReleaseNotFound(
            f"no ICD-10-CM release in force on {dos.isoformat()}; the oldest built release "
            f"({infos[0].name}) starts {infos[0].effective_from.isoformat()}"
        )
    return earlier[-1]


def icd10cm(dos: date | None = None) -> Icd10cmRelease:
    """The ICD-10-CM release in force on ``dos`` (None = newest), loaded once per process.

    A date after the newest release's window (or in a gap between built releases) uses the latest
    release that began before it; :func:`validity` says so in its ``note``. A date before the
    oldest release raises :class:`ReleaseNotFound`.
    """
    return _load(_info_for(dos))


def all_releases() -> list[Icd10cmRelease]:
    """Every built release, loaded, oldest first."""
    return [_load(info) for info in releases()]


@dataclass(frozen=True)
class Validity:
    """Whether a code may be reported on a date of service, and what to use instead if not."""

    code: str
    dos: date
    status: str  # valid | not_billable | not_yet_valid | deleted | unknown
    release: str | None
    description: str | None = None
    successors: tuple[str, ...] = ()
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "valid"


def validity(code: str, dos: date) -> Validity:
    """Judge ``code`` for a date of service against the release in force on that date.

    ``status`` is ``valid``, ``not_billable`` (a header: ``successors`` lists its billable codes),
    ``not_yet_valid`` (first appears in a later release), ``deleted`` (was in an earlier release:
    ``successors`` lists what it became) or ``unknown``.
    """
    key = undot(code)
    try:
        release = icd10cm(dos)
    except ReleaseNotFound as exc:
        return Validity(key, dos, "unknown", None, note=str(exc))
    note = ""
    if not release.covers(dos):
        note = (
            f"no release is built for {dos.isoformat()}; judged against {release.name} "
            f"({release.effective_from.isoformat()}..{release.effective_to})"
        )
    row = release.get(key)
    if row is not None:
        first, last = release.dates(key)
        if first is not None and dos < first:
            return Validity(
                key,
                dos,
                "not_yet_valid",
                release.name,
                row.description,
                note=f"valid from {first.isoformat()} (a mid-year addition to {release.name})",
            )
        if last is not None and dos > last:
            successors = tuple(c for c in release.billable_descendants(key) if c != key)
            return Validity(
                key,
                dos,
                "not_billable" if successors else "deleted",
                release.name,
                row.description,
                successors,
                f"valid until {last.isoformat()} (a mid-year deletion in {release.name})",
            )
        if row.billable:
            note = "; ".join(filter(None, [note, _next_change(release, key)]))
            return Validity(key, dos, "valid", release.name, row.description, note=note)
        successors = tuple(release.billable_descendants(key))
        if row.kind in ("chapter", "block"):
            successors = ()
        return Validity(key, dos, "not_billable", release.name, row.description, successors, note)
    others = all_releases()
    later = [r for r in others if r.effective_from > release.effective_from and key in r]
    if later:
        newer = later[0]
        return Validity(
            key,
            dos,
            "not_yet_valid",
            release.name,
            newer.description(key),
            note=f"first valid in {newer.name} from {newer.effective_from.isoformat()}",
        )
    earlier = [r for r in others if r.effective_from < release.effective_from and key in r]
    if earlier:
        older = earlier[-1]
        successors = _replacements(release, older, key)
        return Validity(
            key,
            dos,
            "deleted",
            release.name,
            older.description(key),
            successors,
            f"last valid in {older.name} (to {older.effective_to})",
        )
    return Validity(key, dos, "unknown", release.name, note=note)


def _next_change(release: Icd10cmRelease, key: str) -> str:
    """What the release after ``release`` does to a code valid in it ("" when nothing)."""
    later = [r for r in all_releases() if r.effective_from > release.effective_from]
    if not later:
        return ""
    nxt = later[0]
    if nxt.is_billable(key):
        return ""
    if key in nxt:
        codes = ", ".join(nxt.billable_descendants(key)[:8])
        return f"from {nxt.effective_from.isoformat()} ({nxt.name}) it is a header: use {codes}"
    codes = ", ".join(_replacements(nxt, release, key)[:8])
    return f"deleted from {nxt.effective_from.isoformat()} ({nxt.name})" + (
        f": use {codes}" if codes else ""
    )


def _replacements(release: Icd10cmRelease, old: Icd10cmRelease, key: str) -> tuple[str, ...]:
    """Codes in ``release`` that took over a deleted ``key``: new codes under its parent."""
    parent = old.parent(key)
    while parent is not None and parent not in release:
        parent = old.parent(parent)
    if parent is None:
        return ()
    top = release.get(parent)
    if top is None or top.kind in ("chapter", "block"):
        return ()
    fresh = [c for c in release.billable_descendants(parent) if c not in old]
    fresh = fresh or release.billable_descendants(parent)
    if len(key) == 7:  # keep the same encounter (7th character) as the deleted code
        fresh = [c for c in fresh if len(c) == 7 and c[6] == key[6]] or fresh
    return tuple(fresh)
