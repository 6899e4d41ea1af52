"""The remittance document: what an 835 (005010X221A1) says, as frozen values.

Every record carries ``position``: the 1-based position of the segment it was
read from inside its file, so a posting can be traced back to the 835 line that
caused it. Amounts are ``Money``; quantities are ``Decimal``; dates are ``date``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from medbill.core.money import ZERO, Money

__all__ = [
    "Adjustment",
    "ClaimPayment",
    "Contact",
    "EntityName",
    "Party",
    "Procedure",
    "ProviderAdjustment",
    "ProviderSummary",
    "ReadProblem",
    "Remittance",
    "ServicePayment",
    "CLAIM_STATUS",
    "GROUP_CODES",
]

# CLP02 claim status codes (005010X221A1).
CLAIM_STATUS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to additional payer(s)",
    "20": "processed as secondary, forwarded to additional payer(s)",
    "21": "processed as tertiary, forwarded to additional payer(s)",
    "22": "reversal of previous payment",
    "23": "not our claim, forwarded to additional payer(s)",
    "25": "predetermination pricing only, no payment",
}

# CAS01 claim adjustment group codes.
GROUP_CODES = {
    "CO": "contractual obligation",
    "CR": "correction and reversal",
    "OA": "other adjustment",
    "PI": "payer initiated reduction",
    "PR": "patient responsibility",
    "OI": "other insurance",  # not in 5010 (kept for older and hand-made files)
}


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something wrong in the partner's file; ``severity`` is ``error`` or ``warning``.

    Errors hold the file back from posting; warnings are repairs the reader made
    (and says so) or facts a biller should see.
    """

    severity: str
    message: str
    position: int | None = None
    segment: str | None = None
    element: int | None = None

    def __str__(self) -> str:
        where = []
        if self.segment:
            where.append(f"{self.segment}{self.element:02d}" if self.element else self.segment)
        if self.position is not None:
            where.append(f"segment {self.position}")
        return f"{self.severity}: {self.message}" + (f" ({', '.join(where)})" if where else "")


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS reason/amount/quantity triplet with its group code."""

    group: str
    reason: str
    amount: Money
    quantity: Decimal | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class EntityName:
    """An NM1: patient (QC), insured (IL), corrected insured (74), rendering (82),
    crossover carrier (TT), corrected priority payer (PR), other subscriber (GB)."""

    entity: str
    entity_type: str
    last: str
    first: str = ""
    middle: str = ""
    suffix: str = ""
    id_qualifier: str = ""
    id: str = ""
    position: int = 0

    def display(self) -> str:
        parts = [p for p in (self.first, self.middle, self.last) if p]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Procedure:
    """A composite procedure (SVC01 or SVC06): qualifier, code, modifiers, description."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class ServicePayment:
    """Loop 2110: how the payer paid one service line."""

    procedure: Procedure
    charge: Money
    paid: Money
    revenue_code: str = ""
    units_paid: Decimal | None = None
    original_procedure: Procedure | None = None
    original_units: Decimal | None = None
    service_date: date | None = None
    service_start: date | None = None
    service_end: date | None = None
    adjustments: tuple[Adjustment, ...] = ()
    line_control_number: str = ""
    references: tuple[tuple[str, str], ...] = ()
    amounts: tuple[tuple[str, Money], ...] = ()
    quantities: tuple[tuple[str, Decimal], ...] = ()
    remarks: tuple[tuple[str, str], ...] = ()
    position: int = 0

    @property
    def units(self) -> Decimal:
        """Units billed: SVC07 when the payer changed them, else SVC05, else 1."""
        if self.original_units is not None:
            return self.original_units
        return self.units_paid if self.units_paid is not None else Decimal(1)

    @property
    def allowed(self) -> Money | None:
        """The allowed amount (AMT*B6), when the payer sent it."""
        return self.amount("B6")

    def amount(self, qualifier: str) -> Money | None:
        for qual, value in self.amounts:
            if qual == qualifier:
                return value
        return None

    @property
    def adjusted(self) -> Money:
        return sum((a.amount for a in self.adjustments), ZERO)

    @property
    def dates(self) -> tuple[date | None, date | None]:
        """(first, last) date of service of the line."""
        if self.service_date:
            return self.service_date, self.service_date
        return self.service_start, self.service_end or self.service_start


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    """Loop 2100: the payer's decision on one claim (CLP and what follows it)."""

    claim_id: str
    status: str
    charge: Money
    paid: Money
    patient_responsibility: Money | None = None
    filing_indicator: str = ""
    payer_claim_number: str = ""
    facility_type: str = ""
    frequency: str = ""
    drg: str = ""
    adjustments: tuple[Adjustment, ...] = ()
    names: tuple[EntityName, ...] = ()
    inpatient: tuple[str, ...] = ()  # MIA01..MIA24 as sent
    outpatient: tuple[str, ...] = ()  # MOA01..MOA09 as sent
    statement_start: date | None = None
    statement_end: date | None = None
    received: date | None = None
    references: tuple[tuple[str, str], ...] = ()
    amounts: tuple[tuple[str, Money], ...] = ()
    quantities: tuple[tuple[str, Decimal], ...] = ()
    services: tuple[ServicePayment, ...] = ()
    header_number: str = ""  # the LX this claim sits under
    position: int = 0

    def name(self, entity: str) -> EntityName | None:
        for n in self.names:
            if n.entity == entity:
                return n
        return None

    @property
    def patient(self) -> EntityName | None:
        return self.name("QC")

    @property
    def insured(self) -> EntityName | None:
        return self.name("IL") or self.name("QC")

    @property
    def corrected_insured(self) -> EntityName | None:
        return self.name("74")

    @property
    def rendering(self) -> EntityName | None:
        return self.name("82")

    @property
    def crossover_carrier(self) -> EntityName | None:
        return self.name("TT")

    @property
    def member_id(self) -> str:
        """The member id the payer knows: corrected insured, insured, then patient."""
        for entity in ("74", "IL", "QC"):
            n = self.name(entity)
            if n and n.id:
                return n.id
        return ""

    @property
    def remark_codes(self) -> tuple[str, ...]:
        """RARC codes from MOA03..MOA07 / MIA05, MIA20..MIA24."""
        codes: list[str] = []
        for index in (2, 3, 4, 5, 6):
            if index < len(self.outpatient) and self.outpatient[index]:
                codes.append(self.outpatient[index])
        for index in (4, 19, 20, 21, 22, 23):
            if index < len(self.inpatient) and self.inpatient[index]:
                codes.append(self.inpatient[index])
        return tuple(codes)

    @property
    def all_adjustments(self) -> tuple[Adjustment, ...]:
        out = list(self.adjustments)
        for svc in self.services:
            out.extend(svc.adjustments)
        return tuple(out)

    @property
    def adjusted(self) -> Money:
        return sum((a.amount for a in self.all_adjustments), ZERO)

    @property
    def is_reversal(self) -> bool:
        return self.status == "22"

    @property
    def is_denied(self) -> bool:
        return self.status == "4" or (
            not self.paid
            and self.status not in ("22", "25")
            and not self.patient_responsibility
            and bool(self.all_adjustments)
        )

    @property
    def forwarded(self) -> bool:
        """The payer sent the claim on to another payer (crossover)."""
        return self.status in ("19", "20", "21", "23")

    @property
    def service_dates(self) -> tuple[date | None, date | None]:
        starts = [s.dates[0] for s in self.services if s.dates[0]]
        ends = [s.dates[1] for s in self.services if s.dates[1]]
        first = self.statement_start or (min(starts) if starts else None)
        last = self.statement_end or (max(ends) if ends else None) or first
        return first, last


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB adjustment: reason, reference (the composite's second part), amount.

    A positive amount reduces the payment (a recoupment), a negative one adds to it.
    """

    provider_id: str
    fiscal_period_end: date | None
    reason: str
    reference: str
    amount: Money
    position: int = 0


@dataclass(frozen=True, slots=True)
class Contact:
    """A PER: function (CX, BL, IC), name and up to three communication numbers."""

    function: str
    name: str = ""
    numbers: tuple[tuple[str, str], ...] = ()
    position: int = 0


@dataclass(frozen=True, slots=True)
class Party:
    """Loop 1000A (payer) or 1000B (payee): N1, N3, N4, REF, PER."""

    entity: str
    name: str
    id_qualifier: str = ""
    id: str = ""
    address_lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    zip: str = ""
    references: tuple[tuple[str, str], ...] = ()
    contacts: tuple[Contact, ...] = ()
    position: int = 0


@dataclass(frozen=True, slots=True)
class ProviderSummary:
    """Loop 2000 header: LX number with its TS3 / TS2 provider summaries as sent."""

    number: str
    ts3: tuple[str, ...] = ()
    ts2: tuple[str, ...] = ()
    position: int = 0


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set: one payment (or notice) and the claims it covers."""

    control_number: str
    handling: str
    total_paid: Money
    credit_debit: str
    method: str
    payment_date: date | None
    trace_number: str
    trace_originator: str
    payer: Party
    payee: Party
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    headers: tuple[ProviderSummary, ...] = ()
    payment_format: str = ""
    bank_details: tuple[str, ...] = ()  # BPR06..BPR15 as sent (DFI and account numbers)
    currency: str = ""
    production_date: date | None = None
    references: tuple[tuple[str, str], ...] = ()
    trace_type: str = ""
    version: str = ""
    sender: str = ""
    receiver: str = ""
    interchange_control: str = ""
    problems: tuple[ReadProblem, ...] = field(default=())
    position: int = 0

    @property
    def payer_id(self) -> str:
        """Who paid: the payer's identifier (REF*2U, N104) or TRN03 (1 + the payer TIN)."""
        for qual, value in self.payer.references:
            if qual == "2U" and value:
                return value
        return self.payer.id or self.trace_originator

    @property
    def effective_date(self) -> date | None:
        """The date money moved (BPR16), else the production date (DTM*405)."""
        return self.payment_date or self.production_date

    @property
    def errors(self) -> tuple[ReadProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def provider_adjustment_total(self) -> Money:
        return sum((p.amount for p in self.provider_adjustments), ZERO)
