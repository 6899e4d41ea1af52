"""The demo practice as plain data, built deterministically from a seed.

``build(seed)`` combines the fixed tables (:mod:`.tables`, :mod:`.notes`,
:mod:`.people`) with ``random.Random(seed)``: the same seed always gives the same
patients, coverages and visits, byte for byte (see :func:`digest`). Nothing here
touches the database or the clock; :mod:`medbill.web.demo.seed` writes the result.

Each visit keeps its answer key (the diagnoses and service lines a careful coder
would bill), so coding suggestions can be measured against it.

The panel mixes the cases a billing office meets: self-pay patients, Medicare with
Medicaid or a commercial plan as secondary, children and spouses covered as
dependants on someone else's policy (the subscriber), Medicaid children.

Visits fill two weeks of weekdays from ``start``. Visits of the first week are
already coded (diagnoses and service lines written); those of the second week are
checked out and wait for coding; on the last day the afternoon is still scheduled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import asdict, replace

from medbill.web.demo import people, schedule
from medbill.web.demo.notes import SCENARIOS
from medbill.web.demo.specs import (
    CoverageSpec,
    DemoData,
    PatientSpec,
    Person,
    ServiceSpec,
    VisitSpec,
    age_on,
)
from medbill.web.demo.tables import SHORT_CODES, AddressRow

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_START",
    "CoverageSpec",
    "DemoData",
    "PatientSpec",
    "Person",
    "ServiceSpec",
    "VisitSpec",
    "build",
    "digest",
]

DEFAULT_SEED = 1  # shows every visit scenario at least once (a test checks it)
DEFAULT_START = dt.date(2026, 11, 9)  # a Monday; fixed so the data never depends on the clock

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "vi": "Vietnamese",
    "ar": "Arabic",
    "ne": "Nepali",
}

# How the panel is made up: (practice, kind, how many).
PANEL = (
    ("fm", "commercial", 10),
    ("fm", "spouse_dependant", 2),
    ("fm", "self_pay", 5),
    ("fm", "medicaid", 4),
    ("fm", "medicare", 3),
    ("fm", "medicare_medicaid", 3),
    ("fm", "medicare_commercial", 3),
    ("fm", "child_dependant", 4),
    ("fm", "child_dependant_medicaid", 1),
    ("fm", "child_medicaid", 3),
    ("card", "medicare", 6),
    ("card", "medicare_medicaid", 2),
    ("card", "medicare_commercial", 2),
    ("card", "commercial", 7),
    ("card", "spouse_dependant", 1),
    ("card", "medicaid", 2),
    ("card", "self_pay", 2),
)
CHILD_AGES = (2, 4, 5, 6, 9, 13, 15, 16)
COMMERCIAL = ("aetna", "uhc", "highmark")


def digest(data: DemoData) -> str:
    """SHA-256 of the canonical JSON of ``data``: equal digests mean identical demo data."""
    text = json.dumps(asdict(data), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- people ------------------------------------------------------------------------------------


def _dob(rng: random.Random, age: int, on: dt.date) -> dt.date:
    born = on - dt.timedelta(days=age * 365 + age // 4 + rng.randint(1, 360))
    return born if age_on(born, on) == age else born + dt.timedelta(days=2)


def _address(rng: random.Random) -> AddressRow:
    town, state, zip5 = rng.choice(people.TOWNS)
    return {
        "line1": f"{rng.randint(10, 4999)} {rng.choice(people.STREETS)}",
        "line2": rng.choice(["", "", "", f"Apt {rng.randint(1, 40)}"]),
        "city": town,
        "state": state,
        "zip": f"{zip5}{rng.randint(1000, 9999)}",
    }


def _person(
    rng: random.Random,
    age: int,
    on: dt.date,
    sex: str | None = None,
    last: str | None = None,
    address: AddressRow | None = None,
) -> Person:
    sex = sex or rng.choice("FM")
    first = rng.choice(people.FEMALE if sex == "F" else people.MALE)
    return Person(
        first,
        last or rng.choice(people.SURNAMES),
        _dob(rng, age, on),
        sex,
        address or _address(rng),
    )


_MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY"  # letters a Medicare Beneficiary Identifier may use


def _member_id(rng: random.Random, payer: str) -> str:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if payer == "medicare":  # MBI layout: C A AN N A AN N A A N N
        an = _MBI_ALPHA + "0123456789"
        return "".join(
            [
                rng.choice("123456789"),
                rng.choice(_MBI_ALPHA),
                rng.choice(an),
                digits(1),
                rng.choice(_MBI_ALPHA),
                rng.choice(an),
                digits(1),
                rng.choice(_MBI_ALPHA),
                rng.choice(_MBI_ALPHA),
                digits(2),
            ]
        )
    if payer == "medicaid":
        return digits(10)
    if payer == "aetna":
        return "W" + digits(9)
    if payer == "uhc":
        return digits(9)
    return "YHP" + digits(9) + "01"  # highmark: alpha prefix + member number + suffix


def _group(rng: random.Random, payer: str) -> str:
    if payer in ("medicare", "medicaid"):
        return ""
    return {"aetna": "0", "uhc": "7", "highmark": "1"}[payer] + str(rng.randint(100000, 999999))


def _coverage(
    rng: random.Random,
    payer: str,
    order: str,
    subscriber: Person,
    relationship: str,
    on: dt.date,
    subscriber_patient: str | None = None,
) -> CoverageSpec:
    if payer == "medicare":
        birthday65 = dt.date(subscriber.dob.year + 65, subscriber.dob.month, 1)
        effective = min(birthday65, dt.date(on.year, 1, 1))
    else:
        effective = dt.date(on.year - rng.randint(0, 4), rng.choice([1, 1, 1, 4, 7, 10]), 1)
    return CoverageSpec(
        payer,
        order,
        _member_id(rng, payer),
        _group(rng, payer),
        relationship,
        subscriber,
        effective,
        subscriber_patient,
    )


def _conditions(rng: random.Random, practice: str, age: int, sex: str) -> tuple[str, ...]:
    fits = [
        s.key
        for s in SCENARIOS
        if s.chronic
        and s.practice == practice
        and s.min_age <= age <= s.max_age
        and (s.sex is None or s.sex == sex)
    ]
    if not fits:
        return ()
    want = 1 if practice == "card" else rng.choice([0, 1, 1, 2])
    return tuple(sorted(rng.sample(fits, min(want, len(fits)))))


def _patients(rng: random.Random, on: dt.date) -> list[PatientSpec]:
    out: list[PatientSpec] = []
    numbers = {"fm": 10000, "card": 20000}
    child_ages = list(CHILD_AGES)
    rng.shuffle(child_ages)
    parents: list[PatientSpec] = []
    for practice, kind, count in PANEL:
        for _ in range(count):
            numbers[practice] += rng.randint(3, 41)
            account = f"{SHORT_CODES[practice]}-{numbers[practice]}"
            out.append(_patient(rng, on, practice, kind, account, child_ages, parents))
            if (
                practice == "fm"
                and kind == "commercial"
                and 25 <= age_on(out[-1].person.dob, on) <= 50
            ):
                parents.append(out[-1])
    return _every_condition_held(rng, out, on)


def _every_condition_held(
    rng: random.Random, patients: list[PatientSpec], on: dt.date
) -> list[PatientSpec]:
    """Give each chronic scenario to at least one patient, so every seed shows all of them."""
    for s in SCENARIOS:
        if not s.chronic or any(s.key in p.conditions for p in patients):
            continue
        fits = [
            i
            for i, p in enumerate(patients)
            if p.practice == s.practice
            and not p.new_patient
            and s.min_age <= age_on(p.person.dob, on) <= s.max_age
            and (s.sex is None or s.sex == p.person.sex)
        ]
        i = rng.choice(fits)
        p = patients[i]
        patients[i] = replace(p, conditions=tuple(sorted({*p.conditions, s.key})))
    return patients


def _patient(
    rng: random.Random,
    on: dt.date,
    practice: str,
    kind: str,
    account: str,
    child_ages: list[int],
    parents: list[PatientSpec],
) -> PatientSpec:
    guarantor, g_rel, new_patient = None, "self", False
    coverages: tuple[CoverageSpec, ...]
    if kind.startswith("child"):
        age = child_ages.pop() if child_ages else rng.randint(1, 17)
        parent_patient = parents.pop(0) if kind.startswith("child_dependant") and parents else None
        if parent_patient is not None:
            parent, parent_account = parent_patient.person, parent_patient.account
        else:
            parent = _person(rng, rng.randint(26, 48), on)
            parent_account = None
        person = _person(rng, age, on, last=parent.last, address=parent.address)
        guarantor, g_rel = parent, "child"
        if kind == "child_medicaid":
            coverages = (_coverage(rng, "medicaid", "primary", person, "self", on),)
        else:
            policy = parent_patient.coverages[0] if parent_patient else None
            payer = policy.payer if policy else rng.choice(COMMERCIAL)
            cov = _coverage(rng, payer, "primary", parent, "child", on, parent_account)
            if policy:  # the child's card carries the parent's member and group numbers
                cov = CoverageSpec(
                    payer,
                    "primary",
                    policy.member_id,
                    policy.group_number,
                    "child",
                    parent,
                    policy.effective,
                    parent_account,
                )
            coverages = (cov,)
            if kind == "child_dependant_medicaid":
                coverages += (_coverage(rng, "medicaid", "secondary", person, "self", on),)
    else:
        if kind.startswith("medicare"):
            age = rng.randint(65, 91)
        elif practice == "card":
            age = rng.randint(40, 64)
        else:
            age = rng.randint(19, 64)
        person = _person(rng, age, on)
        if kind == "self_pay":
            coverages = ()
        elif kind == "medicaid":
            coverages = (_coverage(rng, "medicaid", "primary", person, "self", on),)
        elif kind == "commercial":
            coverages = (_coverage(rng, rng.choice(COMMERCIAL), "primary", person, "self", on),)
        elif kind == "spouse_dependant":
            spouse = _person(
                rng,
                min(64, max(19, age + rng.randint(-4, 4))),
                on,
                sex="M" if person.sex == "F" else "F",
                last=person.last,
                address=person.address,
            )
            coverages = (_coverage(rng, rng.choice(COMMERCIAL), "primary", spouse, "spouse", on),)
        else:
            coverages = (_coverage(rng, "medicare", "primary", person, "self", on),)
            second = "medicaid" if kind == "medicare_medicaid" else rng.choice(COMMERCIAL)
            if kind != "medicare":
                coverages += (_coverage(rng, second, "secondary", person, "self", on),)
        new_patient = practice == "card" and rng.random() < 0.3
    language = rng.choices([c for c, _ in people.LANGUAGES], [w for _, w in people.LANGUAGES])[0]
    phone = f"717555{rng.randint(100, 199):04d}"
    email = (
        ""
        if rng.random() < 0.2
        else (f"{person.first}.{person.last}".lower().replace("'", "") + "@example.com")
    )
    age = age_on(person.dob, on)
    conditions = () if new_patient else _conditions(rng, practice, age, person.sex)
    return PatientSpec(
        account,
        practice,
        kind,
        person,
        phone,
        email,
        LANGUAGE_NAMES[language],
        coverages,
        guarantor,
        g_rel,
        conditions,
        new_patient,
    )


def build(seed: int = DEFAULT_SEED, start: dt.date = DEFAULT_START) -> DemoData:
    """The demo practice for ``seed``: patients, coverages and two weeks of visits from ``start``.

    Deterministic: equal ``(seed, start)`` give equal data (compare :func:`digest`).
    """
    if start.weekday() != 0:
        raise ValueError(f"start must be a Monday, got {start.isoformat()} ({start:%A})")
    rng = random.Random(seed)
    patients = _patients(rng, start)
    visits = schedule.visits(rng, start, patients)
    counts = {
        "patients": len(patients),
        "self_pay": sum(1 for p in patients if not p.coverages),
        "with_secondary": sum(1 for p in patients if len(p.coverages) > 1),
        "dependants": sum(
            1 for p in patients if any(c.relationship != "self" for c in p.coverages)
        ),
        "visits": len(visits),
        "notes": sum(1 for v in visits if v.note),
    }
    return DemoData(seed, start, tuple(patients), tuple(visits), counts)
