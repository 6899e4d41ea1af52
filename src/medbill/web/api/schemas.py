"""Response and request bodies shared by the routers. Amounts are text (``"12.50"``)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, overload

from ninja import Schema

from medbill.core.money import Money


@overload
def money_text(value: None) -> None: ...
@overload
def money_text(value: Money | Decimal | int | str) -> str: ...
def money_text(value: Money | Decimal | int | str | None) -> str | None:
    return None if value is None else str(Money(value))


class CoverageOut(Schema):
    id: int
    payer_id: int
    payer_name: str
    order: str
    member_id: str
    group_number: str
    relationship_to_subscriber: str
    effective_date: datetime.date | None
    termination_date: datetime.date | None
    active: bool

    @staticmethod
    def resolve_payer_name(obj: Any) -> str:
        return obj.payer.name


class PatientOut(Schema):
    id: int
    practice_id: int
    account_number: str
    last_name: str
    first_name: str
    middle_name: str
    date_of_birth: datetime.date
    sex: str
    preferred_language: str


class PatientDetailOut(PatientOut):
    line1: str
    line2: str
    city: str
    state: str
    zip: str
    phone: str
    mobile_phone: str
    email: str
    coverages: list[CoverageOut]

    @staticmethod
    def resolve_coverages(obj: Any) -> list[Any]:
        return list(obj.coverages.select_related("payer").order_by("order"))


class DiagnosisOut(Schema):
    position: int
    code_system: str
    code: str


class ServiceLineOut(Schema):
    position: int
    code_system: str
    code: str
    modifiers: list[str]
    units: str
    charge: str
    dx_pointers: list[int]
    description: str
    unit_basis: str = "UN"
    ndc: str = ""
    ndc_quantity: str | None = None
    ndc_unit: str = ""

    @staticmethod
    def resolve_units(obj: Any) -> str:
        return format(obj.units.normalize(), "f")

    @staticmethod
    def resolve_ndc_quantity(obj: Any) -> str | None:
        return None if obj.ndc_quantity is None else format(obj.ndc_quantity.normalize(), "f")

    @staticmethod
    def resolve_charge(obj: Any) -> str:
        return money_text(obj.charge)


class VisitOut(Schema):
    id: int
    practice_id: int
    patient_id: int
    provider_id: int
    location_id: int
    scheduled_at: datetime.datetime
    status: str
    reason: str


class VisitDetailOut(VisitOut):
    diagnoses: list[DiagnosisOut]
    service_lines: list[ServiceLineOut]

    @staticmethod
    def resolve_diagnoses(obj: Any) -> list[Any]:
        return list(obj.diagnoses.all())

    @staticmethod
    def resolve_service_lines(obj: Any) -> list[Any]:
        return list(obj.service_lines.all())


class LineIn(Schema):
    code: str
    modifiers: list[str] = []
    units: str | int = 1
    charge: str | None = None
    dx_pointers: list[int] = []
    description: str = ""
    unit_basis: str = "UN"
    ndc: str = ""  # 5-4-2; with it, ndc_quantity and ndc_unit (F2, GR, ME, ML, UN)
    ndc_quantity: str | None = None
    ndc_unit: str = ""


class VisitCodesIn(Schema):
    diagnoses: list[str]
    lines: list[LineIn]


class ClaimLineOut(Schema):
    line_number: int
    code: str
    modifiers: list[str]
    units: str
    charge: str
    dx_pointers: list[int]
    date_of_service: datetime.date | None

    @staticmethod
    def resolve_units(obj: Any) -> str:
        return format(obj.units.normalize(), "f")

    @staticmethod
    def resolve_charge(obj: Any) -> str:
        return money_text(obj.charge)


class ClaimOut(Schema):
    id: int
    practice_id: int
    patient_control_number: str
    status: str
    frequency_code: str
    patient_id: int
    visit_id: int
    payer_id: int
    coverage_id: int
    total_charge: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_total_charge(obj: Any) -> str:
        return str(obj.total_charge)


class ClaimDetailOut(ClaimOut):
    original_claim_ref: str
    payer_claim_number: str
    diagnoses: list[str]
    status_reason: str
    lines: list[ClaimLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class EntryOut(Schema):
    id: int
    practice_id: int
    patient_id: int
    kind: str
    amount: str
    responsibility: str
    claim_id: int | None
    payer_id: int | None
    effective_date: datetime.date
    posted_at: datetime.datetime
    group_code: str
    reason_code: str
    method: str
    reference: str
    source: str
    source_ref: str

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return money_text(obj.amount)


class LedgerOut(Schema):
    patient_id: int
    balance: str
    patient_balance: str
    insurance_balance: str
    entries: list[EntryOut]


class PaymentIn(Schema):
    patient_id: int
    amount: str
    method: str = "cash"
    reference: str = ""
    memo: str = ""
    claim_id: int | None = None
    effective_date: datetime.date | None = None


class ErrorOut(Schema):
    error: str
