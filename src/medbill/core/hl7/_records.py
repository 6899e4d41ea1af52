"""What a message asks of medbill, as typed records (no database, no Django)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from medbill.core.hl7._errors import Problem

__all__ = [
    "Address",
    "AppointmentRecord",
    "ChargeRecord",
    "ClaimRecord",
    "CoverageRecord",
    "DiagnosisRecord",
    "GuarantorRecord",
    "Intake",
    "Name",
    "NoteRecord",
    "PatientRecord",
    "ProviderRef",
    "VisitRecord",
]


@dataclass(frozen=True)
class Name:
    last: str
    first: str
    middle: str = ""
    suffix: str = ""

    def __str__(self) -> str:
        return f"{self.last}, {self.first}".strip(", ")


@dataclass(frozen=True)
class Address:
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""


@dataclass(frozen=True)
class ProviderRef:
    """A provider as the EHR names one (XCN): its id, whether that id is an NPI, the name."""

    where: str  # the field it came from, for messages: "FT1-20"
    id: str
    last: str
    first: str
    is_npi: bool = False

    def __str__(self) -> str:
        name = f"{self.last}, {self.first}".strip(", ")
        return f"{name} (id {self.id})" if self.id else name


@dataclass(frozen=True)
class PatientRecord:
    ehr_id: str  # PID-3 (else PID-2): the EHR's patient identifier
    name: Name
    birth_date: datetime.date
    sex: str  # F, M or U
    address: Address
    phone: str = ""
    mobile_phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class GuarantorRecord:
    name: Name
    relationship: str  # self, spouse, child, other
    birth_date: datetime.date | None
    address: Address
    phone: str = ""


@dataclass(frozen=True)
class CoverageRecord:
    where: str  # "IN1 #1"
    order: str  # primary, secondary, tertiary
    payer_id: str  # IN1-3
    payer_name: str  # IN1-4
    member_id: str  # IN1-36, else IN2-8 / IN1-49
    group_number: str
    group_name: str
    relationship: str  # the patient's relationship to the subscriber
    subscriber: Name | None
    subscriber_birth_date: datetime.date | None
    subscriber_sex: str
    subscriber_address: Address
    effective_date: datetime.date | None
    termination_date: datetime.date | None
    self_pay: bool = False


@dataclass(frozen=True)
class VisitRecord:
    """PV1: the EHR's visit number (PV1-19), the attending provider, the location name."""

    visit_number: str
    attending: ProviderRef | None
    location: str
    admitted_at: datetime.datetime | None


@dataclass(frozen=True)
class DiagnosisRecord:
    where: str  # "DG1 #2"
    code: str  # ICD-10-CM without the dot
    description: str


@dataclass(frozen=True)
class ChargeRecord:
    where: str  # "FT1 #1"
    code: str  # CPT or HCPCS
    modifiers: tuple[str, ...]
    units: Decimal
    service_date: datetime.date
    charge: Decimal | None  # None: the practice's fee schedule prices it
    provider: ProviderRef | None
    diagnoses: tuple[str, ...]  # ICD-10-CM codes of FT1-19, without the dot
    description: str = ""


@dataclass(frozen=True)
class AppointmentRecord:
    action: str  # book, modify, cancel
    ehr_id: str  # SCH-2 filler id, else SCH-1 placer id
    start: datetime.datetime | None
    minutes: int
    reason: str
    provider: ProviderRef | None
    location: str


@dataclass(frozen=True)
class NoteRecord:
    text: str
    author: ProviderRef | None
    document_id: str


@dataclass(frozen=True)
class ClaimRecord:
    """A claim the EHR made (FHIR ``Claim``), to be billed as it is.

    ``identifier`` (``system|value``, else ``Claim/id``) makes it once only. The coverage
    it bills comes from the bundle (``coverage``) or, when only referred to, is the
    patient's coverage with ``member_id``. ``encounter`` names the Encounter of the bundle
    it bills, when it names one; ``billing_npi`` the NPI of ``Claim.provider``.
    """

    where: str  # "Claim/123"
    identifier: str
    coverage: CoverageRecord | None
    member_id: str
    billing_npi: str = ""
    encounter: str = ""
    total: Decimal | None = None


@dataclass(frozen=True)
class Intake:
    """Everything one message brings, by kind: ``registration`` (ADT), ``appointment``
    (SIU), ``charges`` (DFT), ``note`` (MDM, ORU) or ``claim`` (a FHIR Claim). ``update``
    marks an A08. ``patient_by_reference``: the EHR only referred to the patient (by
    ``patient.ehr_id`` and ``patient_identifiers``), which must be known already.

    An intake held for its problems carries what could be read; ``unread`` names the
    parts that could not (``patient``, ``visit``; of a claim also ``insurance`` and
    ``provider``), which are not matched against the practice until they read.
    """

    control_id: str
    message_type: str  # "ADT^A04"
    kind: str
    patient: PatientRecord
    update: bool = False
    guarantor: GuarantorRecord | None = None
    coverages: tuple[CoverageRecord, ...] = ()
    visit: VisitRecord | None = None
    diagnoses: tuple[DiagnosisRecord, ...] = ()
    problems: tuple[str, ...] = ()  # diagnoses in other code sets (SNOMED CT), as text
    charges: tuple[ChargeRecord, ...] = ()
    appointment: AppointmentRecord | None = None
    note: NoteRecord | None = None
    claim: ClaimRecord | None = None
    patient_by_reference: bool = False
    patient_identifiers: tuple[tuple[str, str], ...] = ()  # (system, value)
    ignored: tuple[str, ...] = field(default=())  # segment ids kept but not used
    unread: tuple[str, ...] = ()
    # What is taken otherwise than sent (a SNOMED CT diagnosis as words): the ACK's
    # warnings.
    warnings: tuple[Problem, ...] = ()
