"""A simulated payer's medical policy: the rules it denies by, beyond pricing.

A payer profile without rules (the default) behaves as it always has. With rules, each
line also meets, in this order (the first that applies decides the line):

* coverage dates: the member's coverage ended before (CO-27) or began after (CO-26) the
  date of service — from the claim's coverage dates when it carries them, otherwise from
  the payer's roster, where a share of members lapse on a date drawn from the member id
  and the seed;
* prior authorization missing for a code on the payer's list → CO-197, RARC M62;
* a therapy code without its plan-of-care modifier (GP, GO or GN) → CO-4, RARC N822;
* a diagnosis that does not support the code (none of the line's diagnoses in the code's
  list) → CO-11; a code billed for a diagnosis the payer calls not medically necessary
  → CO-50;
* frequency limits (one preventive visit a year, one A1c a quarter …): over the limit in
  the member's history with this payer → CO-119; when the history is not available, the
  same limit broken on one claim (two preventive visits, units over the limit) → CO-151;
* a small share of lines denied for no reason a model could know → CO-16, RARC MA130.

Every decision is a function of the claim, the member's earlier claims at this payer and
the seed: the same input always gives the same 835.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

__all__ = [
    "PREVENTIVE",
    "THERAPY",
    "DenialRules",
    "Frequency",
    "rules_for",
    "unit_hash",
]

PREVENTIVE = frozenset(
    [f"9938{n}" for n in range(1, 8)] + [f"9939{n}" for n in range(1, 8)] + ["G0438", "G0439"]
)
# Physical, occupational and speech therapy codes that need GP, GO or GN.
THERAPY = frozenset(
    ["97110", "97112", "97116", "97140", "97530", "97535"] + [f"9716{n}" for n in range(1, 9)]
)
THERAPY_MODIFIERS = frozenset({"GP", "GO", "GN"})
DIABETES = ("E08", "E09", "E10", "E11", "E13", "R73", "O24", "Z794", "Z13")
HEART = ("I", "R00", "R01", "R03", "R06", "R07", "R09", "R55", "Q2", "Z95", "Z8679")
ANTICOAGULATION = ("Z7901", "I48", "I26", "I82", "Z952", "Z86718")


def unit_hash(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts`` (the seed, a claim id, a member id …)."""
    text = "\x1f".join(str(p) for p in parts)
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True, slots=True)
class Frequency:
    """At most ``limit`` of ``codes`` per member in any ``days`` days."""

    name: str
    codes: frozenset[str]
    limit: int
    days: int


@dataclass(frozen=True, slots=True)
class DenialRules:
    """What the payer denies beyond non-covered codes, duplicates and late filing."""

    prior_auth: frozenset[str] = frozenset()
    therapy_modifiers: bool = True
    # code -> diagnosis prefixes of which one must be on the line (else CO-11)
    dx_support: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # code -> diagnosis prefixes for which the payer calls the code unnecessary (CO-50)
    not_necessary: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    frequency: tuple[Frequency, ...] = ()
    # Share of members whose coverage ends, on a day drawn from the member id in the
    # ``lapse_days`` days after ``lapse_from``.
    lapse_share: float = 0.0
    lapse_from: date = date(2025, 1, 1)
    lapse_days: int = 730
    noise: float = 0.0  # share of lines denied at random (CO-16)

    def coverage_end(self, member: str, seed: int) -> date | None:
        """The last covered day of ``member`` on the payer's roster, or None."""
        if unit_hash(seed, "lapse", member) >= self.lapse_share:
            return None
        offset = int(unit_hash(seed, "lapse-day", member) * self.lapse_days)
        return self.lapse_from + timedelta(days=offset)


FREQUENCY_LIMITS = (
    Frequency("preventive visit", PREVENTIVE, 1, 365),
    Frequency("hemoglobin A1c", frozenset({"83036"}), 1, 90),
    Frequency("lipid panel", frozenset({"80061"}), 1, 365),
    Frequency("echocardiogram", frozenset({"93306"}), 1, 365),
)

_DX_SUPPORT: dict[str, tuple[str, ...]] = {
    "83036": DIABETES,
    "82962": DIABETES,
    "93306": HEART,
    "93224": HEART,
    "93015": HEART,
    "93280": HEART,
    "85610": ANTICOAGULATION,
    "93793": ANTICOAGULATION,
}


def rules_for(
    payer_type: str | None, payer_id: str = ""
) -> tuple[DenialRules, frozenset[str], int]:
    """A realistic policy for a payer of ``payer_type``: rules, non-covered codes, filing days.

    Medicare covers no routine physical (it has its wellness visits) and calls an ECG or a
    lipid panel at a routine exam unnecessary; Medicaid asks authorization for heart imaging
    and some drugs, and more of its members lapse; commercial plans ask authorization for
    echocardiograms, stress tests and joint injections, and differ among themselves (chosen
    from the payer id) in what they leave uncovered and how long they allow for filing.
    """
    kind = (payer_type or "commercial").lower()
    base = DenialRules(
        dx_support=_DX_SUPPORT, frequency=FREQUENCY_LIMITS, lapse_share=0.04, noise=0.015
    )
    if kind == "medicare":
        rules = replace(
            base,
            lapse_share=0.02,
            not_necessary={"93000": ("Z00",), "81002": ("Z00",), "80061": ("Z00",)},
        )
        physicals = {f"9938{n}" for n in range(1, 8)} | {f"9939{n}" for n in range(1, 8)}
        return rules, frozenset(physicals | {"97810", "S9088"}), 365
    if kind == "medicaid":
        rules = replace(
            base,
            lapse_share=0.10,
            prior_auth=frozenset({"93306", "93015", "93224", "J1030", "90651"}),
        )
        return rules, frozenset({"97810", "S9088", "G0444"}), 180
    choices = (
        frozenset({"96127", "99406"}),
        frozenset({"G0444", "94760"}),
        frozenset({"69210", "17110"}),
    )
    pick = int(unit_hash("plan", payer_id) * len(choices))
    rules = replace(
        base,
        prior_auth=frozenset({"93306", "93015", "20610"}),
        not_necessary={"93000": ("Z00",)} if pick == 0 else {},
    )
    return rules, choices[pick] | {"97810", "S9088"}, (90, 120, 180)[pick]


def line_diagnoses(pointers: tuple[int, ...], diagnoses: tuple[str, ...]) -> tuple[str, ...]:
    """The codes a line points to (all of the claim's when it points to none)."""
    picked = tuple(diagnoses[p - 1] for p in pointers if 0 < p <= len(diagnoses))
    return picked or diagnoses


def supported(code: str, dxs: tuple[str, ...], rules: DenialRules) -> bool:
    need = rules.dx_support.get(code)
    return need is None or any(d.startswith(need) for d in dxs)


def unnecessary(code: str, dxs: tuple[str, ...], rules: DenialRules) -> bool:
    bad = rules.not_necessary.get(code)
    return bad is not None and bool(dxs) and dxs[0].startswith(bad)


def frequency_of(code: str, rules: DenialRules) -> Frequency | None:
    return next((f for f in rules.frequency if code in f.codes), None)


def within(history: list[date], day: date, freq: Frequency) -> int:
    """How many of the member's earlier services of ``freq`` fall in its window."""
    return sum(1 for d in history if abs((day - d).days) < freq.days)
