"""Two weeks of visits for the demo panel: who is seen when, why, the note and its codes.

Part of :mod:`medbill.web.demo.generate`; deterministic for the random generator given.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from decimal import Decimal

from medbill.web.demo.notes import SCENARIOS, Line, Scenario
from medbill.web.demo.specs import PatientSpec, ServiceSpec, VisitSpec, age_on
from medbill.web.demo.tables import FEE_SCHEDULE, PRACTICES, PROVIDERS, ProviderRow

__all__ = ["NEW_PATIENT_SCENARIOS", "PREVENTIVE_SCENARIOS", "visits"]

NEW_PATIENT_SCENARIOS = {"chest_pain_new", "palpitations"}
PREVENTIVE_SCENARIOS = {"well_child", "teen_physical", "adult_physical", "medicare_awv"}

# -- visits ------------------------------------------------------------------------------------

_FEES = {item.code: item for item in FEE_SCHEDULE}


def _preventive_code(age: int, new: bool) -> str:
    if new:
        return "99385" if age < 40 else "99386"
    for limit, code in (
        (1, "99391"),
        (5, "99392"),
        (12, "99393"),
        (18, "99394"),
        (40, "99395"),
        (65, "99396"),
    ):
        if age < limit:
            return code
    return "99397"


def _resolve(line: Line, patient: PatientSpec, age: int) -> ServiceSpec:
    medicare = bool(patient.coverages) and patient.coverages[0].payer == "medicare"
    code = {
        "@preventive": _preventive_code(age, patient.new_patient),
        "@flu_admin": "G0008" if medicare else "90471",
        "@pneumo_admin": "G0009" if medicare else "90471",
    }.get(line.code, line.code)
    item = _FEES[code]
    charge = (Decimal(item.price) * line.units).quantize(Decimal("0.01"))
    return ServiceSpec(
        code, item.system, line.modifiers, line.units, line.pointers, str(charge), item.description
    )


def _vitals(rng: random.Random, age: int, scenario: Scenario) -> dict[str, str]:
    fever = scenario.key in ("strep", "otitis")
    if age < 13:
        bp = f"{rng.randint(92, 112)}/{rng.randint(54, 70)}"
        hr, wt = rng.randint(80, 118), round((age * 2 + 8) * 2.2 + rng.randint(-4, 6))
    else:
        high = scenario.key in ("htn_lipids", "dm_ckd", "chest_pain_new", "heart_failure")
        bp = f"{rng.randint(124 if high else 108, 152 if high else 134)}/{rng.randint(66, 92)}"
        hr, wt = rng.randint(58, 96), rng.randint(118, 246)
    temp = f"{rng.randint(1006, 1022) / 10:.1f}" if fever else f"{rng.randint(972, 989) / 10:.1f}"
    return {"bp": bp, "hr": str(hr), "temp": temp, "spo2": str(rng.randint(94, 99)), "wt": str(wt)}


def _note(
    rng: random.Random,
    scenario: Scenario,
    fill: dict[str, str],
    patient: PatientSpec,
    age: int,
    provider: ProviderRow,
    day: dt.date,
) -> str:
    p = patient.person
    child = age < 18
    female = p.sex == "F"
    words = {
        "first": p.first,
        "last": p.last,
        "age": str(age),
        "a_age": ("an " if str(age)[0] == "8" or age in (11, 18) else "a ") + str(age),
        "man": ("girl" if female else "boy") if child else ("woman" if female else "man"),
        "he": "she" if female else "he",
        "He": "She" if female else "He",
        "his": "her" if female else "his",
        "His": "Her" if female else "His",
        "days": str(rng.randint(2, 6)),
        "a1c": f"{rng.randint(72, 94) / 10:.1f}",
        "egfr": str(rng.randint(46, 58)),
        "inr": f"{rng.randint(18, 34) / 10:.1f}",
        "provider": f"{provider['first']} {provider['last']}, {provider['credentials']}",
        "date": day.isoformat(),
    }
    words.update(_vitals(rng, age, scenario))
    words.update(fill)
    if "side" in words:
        words["Side"] = words["side"].capitalize()
    words["vitals"] = (
        "Vitals: BP {bp}, HR {hr}, T {temp} F, SpO2 {spo2}% on room air, weight {wt} lb.".format(
            **words
        )
    )
    header = "Patient: {first} {last}  DOB: {dob}  Date of service: {date}\n\n"
    words["dob"] = p.dob.isoformat()
    text = header + scenario.note + "\n\nElectronically signed by {provider} on {date}."
    return text.format(**words)


def _eligible(s: Scenario, patient: PatientSpec, age: int, seen: set[str], first: bool) -> bool:
    if s.practice != patient.practice or not (s.min_age <= age <= s.max_age):
        return False
    if s.sex and s.sex != patient.person.sex:
        return False
    if s.key in NEW_PATIENT_SCENARIOS:
        return patient.new_patient and first
    if patient.new_patient and first:
        return False
    if s.chronic and s.key not in patient.conditions:
        return False
    if s.key in PREVENTIVE_SCENARIOS and s.key in seen:
        return False
    if (
        s.key == "medicare_awv"
        and patient.coverages[:1]
        and patient.coverages[0].payer != "medicare"
    ):
        return False
    if s.key == "adult_physical" and patient.kind.startswith("medicare"):
        return False
    if s.key == "stress_test":
        return "chest_pain_new" in seen or "I25" in "".join(patient.conditions)
    return True


def _pick_scenario(
    rng: random.Random, patient: PatientSpec, age: int, seen: set[str], first: bool, used: set[str]
) -> Scenario:
    options = [s for s in SCENARIOS if _eligible(s, patient, age, seen, first)]
    if not options:  # e.g. a cardiology patient with nothing chronic: a blood pressure check
        options = [
            s
            for s in SCENARIOS
            if s.key in ("uri", "afib_followup") and s.practice == patient.practice
        ]
    # Chronic problems bring patients back; scenarios not yet shown are favoured for variety.
    weights = [
        s.weight * (3 if s.key in patient.conditions else 1) * (1 if s.key in used else 12)
        for s in options
    ]
    return rng.choices(options, weights)[0]


def visits(
    rng: random.Random,
    start: dt.date,
    patients: list[PatientSpec],
    before: Mapping[str, set[str]] | None = None,
) -> list[VisitSpec]:
    """Two weeks of visits from ``start``. ``before`` holds the scenarios each patient
    (by account) was seen for earlier: a patient seen before is not at a first visit, and
    a preventive visit already had is not booked again."""
    days = [start + dt.timedelta(days=i) for i in range(14)]
    days = [d for d in days if d.weekday() < 5]
    visits: list[VisitSpec] = []
    earlier = before or {}
    count: dict[str, int] = {p.account: 0 for p in patients}
    seen: dict[str, set[str]] = {p.account: set(earlier.get(p.account, ())) for p in patients}
    locations = {p["key"]: [loc["key"] for loc in p["locations"]] for p in PRACTICES}
    used: set[str] = set()
    slots = [dt.time(h, m) for h in (8, 9, 10, 11, 13, 14, 15, 16) for m in (0, 20, 40)]
    for day_index, day in enumerate(days):
        taken: set[str] = set()
        for provider in PROVIDERS:
            practice = provider["practice"]
            n = rng.randint(2, 4) if practice == "fm" else rng.randint(1, 2)
            pool = [p for p in patients if p.practice == practice and p.account not in taken]
            for when_time in sorted(rng.sample(slots, n)):
                low = min(count[p.account] for p in pool)
                patient = rng.choice([p for p in pool if count[p.account] == low])
                pool.remove(patient)
                taken.add(patient.account)
                age = age_on(patient.person.dob, day)
                first = count[patient.account] == 0 and not earlier.get(patient.account)
                scenario = _pick_scenario(rng, patient, age, seen[patient.account], first, used)
                used.add(scenario.key)
                variant = rng.choice(scenario.variants)
                when = dt.datetime.combine(day, when_time)
                last_day_pm = day_index == len(days) - 1 and when.hour >= 12
                if last_day_pm:
                    status = "scheduled"
                elif rng.random() < 0.03:
                    status = "no_show"
                else:
                    status = "coded" if day_index < 5 else "checked_out"
                seen_now = status not in ("scheduled", "no_show")
                note = (
                    _note(rng, scenario, variant.fill, patient, age, provider, day)
                    if seen_now
                    else ""
                )
                services = tuple(_resolve(line, patient, age) for line in variant.lines)
                count[patient.account] += 1
                if seen_now:
                    seen[patient.account].add(scenario.key)
                loc = locations[practice][0 if day.weekday() != 3 else -1]
                visits.append(
                    VisitSpec(
                        key=f"V{len(visits) + 1:04d}",
                        patient=patient.account,
                        practice=practice,
                        provider=provider["key"],
                        location=loc,
                        start=when,
                        minutes=40 if scenario.key in NEW_PATIENT_SCENARIOS else 20,
                        scenario=scenario.key,
                        reason=scenario.reason,
                        status=status,
                        note=note,
                        diagnoses=variant.diagnoses,
                        services=services,
                    )
                )
    return visits
