"""Run the edits over claims: the reference data in force, the payer's policy, the findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.edits import FAMILIES
from medbill.core.scrubber.edits.payer import PayerRules, default_rules
from medbill.core.scrubber.edits.procedures import code_shape
from medbill.core.scrubber.refdata import MceTable, Releases, load_releases
from medbill.core.scrubber.registry import ERROR, Finding, Policy

__all__ = ["References", "ScrubResult", "Scrubber", "scrub"]


def _icd_loader() -> Callable[[date | None], Any] | None:
    try:
        from medbill.core.codesets import ReleaseNotFound, icd10cm, releases
    except ImportError:  # pragma: no cover - the code-set package is part of medbill
        return None
    if not releases():
        return None

    def load(dos: date | None) -> Any:
        """The release in force on ``dos``, or None before the oldest one."""
        try:
            return icd10cm(dos)
        except ReleaseNotFound:
            return None

    return load


def _hcpcs_table() -> Any:
    try:
        from medbill.core.codesets.hcpcs import hcpcs
    except ImportError:  # pragma: no cover - the code-set package is part of medbill
        return None
    try:
        table = hcpcs()
    except (LookupError, OSError, ValueError):
        return None
    return table if getattr(table, "loaded", True) else None


def _licensed_cpt_codes() -> set[str]:
    """Codes of the CPT file the practice licensed and imported, if any."""
    try:
        from medbill.core.codesets.cpt import load_licensed_cpt  # type: ignore[attr-defined]
    except ImportError:
        return set()
    try:
        return {str(row[0]).upper() for row in load_licensed_cpt()}
    except (LookupError, OSError, ValueError):
        return set()


def _merge_mce(releases: Releases) -> Releases:
    """Each MCE version completed with the lists (sex) only an older version has."""
    merged: list[MceTable] = []
    for table in releases.tables:
        merged.append(table.merged(merged[-1]) if merged else table)
    return Releases(merged)


@dataclass
class References:
    """The reference data a scrubber uses. Absent tables switch their edits off.

    ``cpt_known`` is every CPT code number some loaded source lists: the CMS MUE, PTP
    and add-on tables, the practice fee schedules and a licensed CPT file.
    """

    mue: Releases = field(default_factory=lambda: Releases([]))
    aoc: Releases = field(default_factory=lambda: Releases([]))
    ptp: Releases = field(default_factory=lambda: Releases([]))
    mce: Releases = field(default_factory=lambda: Releases([]))
    icd: Callable[[date | None], Any] | None = None
    hcpcs: Any = None
    modifiers: frozenset[str] = frozenset()
    pos: frozenset[str] = frozenset()
    payer_rules: PayerRules = field(default_factory=lambda: PayerRules(()))
    fee_schedule_codes: frozenset[str] = frozenset()
    licensed_cpt: frozenset[str] = frozenset()
    cpt_known: frozenset[str] = field(init=False)
    cpt_sources: str = field(init=False)
    hcpcs_release: str = field(init=False)
    hcpcs_listed: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.mce = _merge_mce(self.mce)
        known: set[str] = set(self.licensed_cpt) | set(self.fee_schedule_codes)
        listed: set[str] = set()
        sources = []
        for name, releases, getter in (
            ("MUE", self.mue, lambda t: t.values.keys()),
            ("PTP", self.ptp, lambda t: t.codes()),
            ("add-on code", self.aoc, lambda t: t.codes()),
        ):
            for table in releases.tables:
                known.update(c for c in getter(table) if code_shape(c) in ("cpt", "cpt2"))
            if releases:
                listed.update(c for c in getter(releases.newest) if code_shape(c) == "hcpcs")
                sources.append(f"CMS NCCI {name} table {releases.newest.quarter}")
        if self.fee_schedule_codes:
            sources.append("the practice fee schedule")
        if self.licensed_cpt:
            sources.append("the licensed CPT file")
        self.cpt_known = frozenset(known)
        # HCPCS codes a current NCCI table lists exist even when the HCPCS file is older.
        self.hcpcs_listed = frozenset(listed)
        self.cpt_sources = ", ".join(sources) or "no CPT source"
        self.hcpcs_release = str(getattr(self.hcpcs, "source", "") or "in use")
        self._icd_memo: dict[date | None, Any] = {}
        self._hcpcs_memo: dict[tuple[str, date | None], str | None] = {}

    @property
    def cpt_licensed(self) -> bool:
        """True when a licensed CPT file is loaded (it alone knows Category II codes)."""
        return bool(self.licensed_cpt)

    @property
    def hcpcs_valid(self) -> Callable[[str, date | None], str | None] | None:
        """``(code, day) -> problem or None`` for HCPCS Level II codes, when a table is loaded."""
        return self._hcpcs_check if self.hcpcs is not None else None

    def _hcpcs_check(self, code: str, day: date | None) -> str | None:
        key = (code, day)
        try:
            return self._hcpcs_memo[key]
        except KeyError:
            pass
        row = self.hcpcs.get(code)
        if row is None:
            problem: str | None = None if code in self.hcpcs_listed else "not in the HCPCS file"
        elif day is None or self.hcpcs.valid_on(code, day):
            problem = None
        elif getattr(row, "add_date", None) and day < row.add_date:
            problem = "not yet effective"
        else:
            problem = "discontinued"
        if len(self._hcpcs_memo) < 100_000:
            self._hcpcs_memo[key] = problem
        return problem

    def icd_for(self, dos: date | None) -> Any:
        """The ICD-10-CM release in force on ``dos`` (None when none is built)."""
        try:
            return self._icd_memo[dos]
        except KeyError:
            pass
        release = self.icd(dos) if self.icd is not None else None
        if len(self._icd_memo) < 20_000:
            self._icd_memo[dos] = release
        return release

    def missing(self) -> list[str]:
        """Names of the reference tables not loaded (their edits do not run)."""
        out = [name for name in ("mue", "aoc", "ptp", "mce") if not getattr(self, name)]
        if self.icd is None:
            out.append("icd10cm")
        if self.hcpcs is None:
            out.append("hcpcs")
        return out

    @classmethod
    def load(
        cls,
        root: Path | None = None,
        *,
        fee_schedule_codes: Iterable[str] = (),
        payer_rules: PayerRules | None = None,
        licensed_cpt: Iterable[str] = (),
    ) -> References:
        """Everything built under ``data_dir()`` (or ``root``), plus the shipped lists."""
        from medbill.core.codesets.lists import MODIFIERS, PLACES_OF_SERVICE

        hcpcs = _hcpcs_table()
        licensed = {c.upper() for c in licensed_cpt} | _licensed_cpt_codes()
        modifiers = set(MODIFIERS)
        if hcpcs is not None:
            modifiers.update(c.code for c in hcpcs if getattr(c, "kind", "") == "modifier")
        return cls(
            mue=load_releases("mue", root),
            aoc=load_releases("aoc", root),
            ptp=load_releases("ptp", root),
            mce=load_releases("mce", root),
            icd=_icd_loader(),
            hcpcs=hcpcs,
            modifiers=frozenset(modifiers),
            pos=frozenset(PLACES_OF_SERVICE),
            payer_rules=payer_rules if payer_rules is not None else default_rules(),
            fee_schedule_codes=frozenset(c.upper() for c in fee_schedule_codes),
            licensed_cpt=frozenset(licensed),
        )


@dataclass(frozen=True, slots=True)
class ScrubResult:
    """The findings for one claim."""

    claim_id: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that block submission."""
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def can_submit(self) -> bool:
        """False while any finding is an error."""
        return not any(f.severity == ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """``{claim_id, can_submit, findings: [...]}``: the one JSON form of a result, as the
        command line and the API print it."""
        return {
            "claim_id": self.claim_id,
            "can_submit": self.can_submit,
            "findings": [f.to_dict() for f in self.findings],
        }


class Scrubber:
    """Runs the enabled edits over claims.

    ``policies`` maps a payer id, or else a payer type (``medicare``), to the
    :class:`Policy` for its claims; others get ``default``.
    """

    def __init__(
        self,
        refs: References,
        policies: Mapping[str, Policy] | None = None,
        default: Policy | None = None,
        today: date | None = None,
    ) -> None:
        self.refs = refs
        self.today = today or date.today()
        self._default = (default or Policy()).enabled()
        self._enabled = {key: p.enabled() for key, p in (policies or {}).items()}

    def enabled_for(self, claim: Claim) -> frozenset[str]:
        """The edit codes that run for this claim's payer."""
        if self._enabled:
            payer = claim.payer
            found = self._enabled.get(payer.payer_id or "") or self._enabled.get(payer.type or "")
            if found is not None:
                return found
        return self._default

    def findings(self, claim: Claim) -> list[Finding]:
        """Every finding of the enabled edits on ``claim``."""
        enabled = self.enabled_for(claim)
        ctx = Ctx(claim, self.refs, enabled, self.today)
        out: list[Finding] = []
        for family in FAMILIES:
            family(claim, ctx, out)
        if out:
            out = [f for f in out if f.code in enabled]
        return out

    def scrub(self, claim: Claim) -> ScrubResult:
        """The findings for one claim as a result value."""
        return ScrubResult(claim.claim_id, tuple(self.findings(claim)))

    def scrub_all(self, claims: Iterable[Claim]) -> list[ScrubResult]:
        """One result per claim, in order."""
        return [self.scrub(c) for c in claims]


def scrub(
    claims: Iterable[Claim], refs: References | None = None, policy: Policy | None = None
) -> list[ScrubResult]:
    """Scrub claims with the reference data under ``data_dir()`` and one policy."""
    return Scrubber(refs or References.load(), default=policy).scrub_all(claims)
