"""Second review of coded visits and the E/M level distribution: the rules, without storage.

A coded visit goes to a second reviewer when it is high risk or falls in the practice's
sample. :func:`review_reasons` lists why (empty: no review); the sample is chosen by a hash of
the visit id, so the same visit is always in or out for a given share and a test can predict it.

:func:`em_distribution` compares each provider's share of the office E/M levels 99211–99215
with the practice's and flags the levels that stand out for compliance review.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "EM_LEVELS",
    "HIGH_LEVEL_EM",
    "HIGH_RISK_MODIFIERS",
    "LevelShare",
    "ProviderDistribution",
    "em_distribution",
    "in_sample",
    "review_reasons",
]

HIGH_LEVEL_EM = frozenset({"99205", "99215"})
HIGH_RISK_MODIFIERS = frozenset({"25", "59", "XE", "XS", "XP", "XU"})
EM_LEVELS = ("99211", "99212", "99213", "99214", "99215")

# A level is an outlier when the provider's share is this far from the practice's ...
OUTLIER_POINTS = 15.0
# ... or this many standard deviations of a share of that many visits.
OUTLIER_SD = 2.0
# Fewer office visits than this say too little about a provider to flag anything.
MIN_VISITS = 10


def in_sample(visit_id: int, percent: int) -> bool:
    """Whether visit ``visit_id`` falls in a ``percent`` % random sample (0–100).

    The choice is a hash of the id, not a random draw: the same visit is always in or
    always out for a share, and about ``percent`` in a hundred visits are in.
    """
    if percent <= 0:
        return False
    if percent >= 100:
        return True
    digest = hashlib.sha256(f"medbill-review:{visit_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def review_reasons(
    *,
    visit_id: int,
    lines: Sequence[tuple[str, Sequence[str]]],
    changed_codes: Iterable[str] = (),
    coder_finished: int = 0,
    new_coder_visits: int = 0,
    sample_percent: int = 0,
) -> list[str]:
    """Why a coded visit needs a second review, in words; an empty list when it does not.

    ``lines`` are ``(code, modifiers)`` of the service lines; ``changed_codes`` the codes the
    coder changed from what was suggested; ``coder_finished`` how many visits the coder had
    finished before this one, and the first ``new_coder_visits`` of a coder are all reviewed;
    ``sample_percent`` is the practice's share of visits reviewed at random.
    """
    reasons = []
    for code, modifiers in lines:
        if code in HIGH_LEVEL_EM:
            reasons.append(f"highest-level office visit {code}")
        risky = sorted(set(m.upper() for m in modifiers) & HIGH_RISK_MODIFIERS)
        for mod in risky:
            reasons.append(f"modifier {mod} on {code}")
    changed = sorted(set(changed_codes))
    if changed:
        reasons.append("changed from the suggestion: " + ", ".join(changed))
    if coder_finished < new_coder_visits:
        reasons.append(f"new coder (visit {coder_finished + 1} of the first {new_coder_visits})")
    if not reasons and in_sample(visit_id, sample_percent):
        reasons.append(f"random sample ({sample_percent}% of visits)")
    return reasons


@dataclass(frozen=True)
class LevelShare:
    """One E/M level for one provider: count, share, the practice's share and the verdict."""

    code: str
    count: int
    share: float  # percent of the provider's office visits
    practice_share: float
    outlier: bool
    why: str = ""


@dataclass(frozen=True)
class ProviderDistribution:
    """A provider's office E/M levels against the practice's."""

    provider: str
    total: int
    levels: tuple[LevelShare, ...]
    flagged: bool = field(default=False)


def _share(count: int, total: int) -> float:
    return 100.0 * count / total if total else 0.0


def em_distribution(
    counts: Mapping[str, Mapping[str, int]],
    *,
    points: float = OUTLIER_POINTS,
    sd: float = OUTLIER_SD,
    min_visits: int = MIN_VISITS,
) -> tuple[dict[str, float], list[ProviderDistribution]]:
    """The practice's level shares and each provider's, with outliers flagged.

    ``counts`` maps a provider (any label) to ``{E/M code: visits}``; codes other than
    99211–99215 are ignored. A provider's level is an outlier when its share differs from the
    practice's by more than ``points`` percentage points, or by more than ``sd`` standard
    deviations of a share over that provider's number of visits (binomial), and the provider
    has at least ``min_visits`` office visits.
    """
    practice_counts = {code: 0 for code in EM_LEVELS}
    for by_code in counts.values():
        for code in EM_LEVELS:
            practice_counts[code] += int(by_code.get(code, 0))
    practice_total = sum(practice_counts.values())
    practice = {code: _share(practice_counts[code], practice_total) for code in EM_LEVELS}
    out = []
    for provider in sorted(counts):
        by_code = counts[provider]
        total = sum(int(by_code.get(code, 0)) for code in EM_LEVELS)
        levels = []
        for code in EM_LEVELS:
            n = int(by_code.get(code, 0))
            share = _share(n, total)
            diff = share - practice[code]
            p = practice[code] / 100.0
            spread = 100.0 * math.sqrt(p * (1 - p) / total) if total else 0.0
            why = ""
            if total >= min_visits:
                if abs(diff) > points:
                    why = f"{diff:+.0f} points from the practice"
                elif spread > 0 and abs(diff) > sd * spread:
                    why = f"{diff / spread:+.1f} standard deviations from the practice"
            levels.append(LevelShare(code, n, share, practice[code], bool(why), why))
        out.append(
            ProviderDistribution(provider, total, tuple(levels), any(lv.outlier for lv in levels))
        )
    return practice, out
