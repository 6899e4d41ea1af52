"""The demo practice as plain data: frozen records the generator builds and the seed writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from medbill.web.demo.tables import AddressRow

__all__ = [
    "CoverageSpec",
    "DemoData",
    "PatientSpec",
    "Person",
    "ServiceSpec",
    "VisitSpec",
    "age_on",
]


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    dob: dt.date
    sex: str
    address: AddressRow


@dataclass(frozen=True)
class CoverageSpec:
    payer: str  # key in tables.PAYERS
    order: str  # primary / secondary
    member_id: str
    group_number: str
    relationship: str  # self / spouse / child
    subscriber: Person
    effective: dt.date
    subscriber_patient: str | None = None  # the subscriber's own account, when a patient too


@dataclass(frozen=True)
class PatientSpec:
    account: str
    practice: str
    kind: str
    person: Person
    phone: str
    email: str
    language: str
    coverages: tuple[CoverageSpec, ...]
    guarantor: Person | None  # None: the patient is their own guarantor
    guarantor_relationship: str
    conditions: tuple[str, ...]
    new_patient: bool = False


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    system: str
    modifiers: tuple[str, ...]
    units: int
    pointers: tuple[int, ...]
    charge: str  # dollars, exact cents
    description: str


@dataclass(frozen=True)
class VisitSpec:
    key: str
    patient: str  # account
    practice: str
    provider: str
    location: str
    start: dt.datetime  # naive local time at the practice
    minutes: int
    scenario: str
    reason: str
    status: str  # coded / checked_out / scheduled / no_show
    note: str  # empty when the patient has not been seen
    diagnoses: tuple[str, ...]  # the answer key, ICD-10-CM with the dot
    services: tuple[ServiceSpec, ...]


@dataclass(frozen=True)
class DemoData:
    seed: int
    start: dt.date
    patients: tuple[PatientSpec, ...]
    visits: tuple[VisitSpec, ...]
    counts: dict = field(default_factory=dict)

    def patient(self, account: str) -> PatientSpec:
        return next(p for p in self.patients if p.account == account)


def age_on(dob: dt.date, on: dt.date) -> int:
    """Age in whole years on the date ``on``."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
