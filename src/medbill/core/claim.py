"""The claim document: what edits, X12 and forms consume.

A claim is a tree of frozen dataclasses. ``Claim.from_dict`` reads the JSON
format documented in ``docs/schemas/claim.schema.json`` (the format of the
files the command line accepts) and ``Claim.to_dict`` writes it back.
Missing, ``null`` and ``""`` all mean absent. Amounts are read as Decimal
(``loads`` parses JSON numbers with ``parse_float=Decimal``), never floats.

Errors name the field that is wrong, as a path such as ``lines[2].charge``,
and never echo patient data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from medbill.core.attachments import REPORT_TYPES, TRANSMISSIONS, Attachment
from medbill.core.money import Money, MoneyError
from medbill.core.msp import MSP_TYPES

__all__ = [
    "Address",
    "Adjudication",
    "Attachment",
    "Claim",
    "ClaimFormatError",
    "LineAdjudication",
    "OtherCoverage",
    "Party",
    "Patient",
    "Payer",
    "PersonName",
    "Provider",
    "ServiceLine",
    "Subscriber",
    "BillingProvider",
    "CasAdjustment",
    "Ambulance",
    "dumps",
    "loads",
]

RELATIONSHIPS = ("self", "spouse", "child", "other")
# A claim document is about five levels deep; anything far deeper is not a claim.
MAX_DEPTH = 32
# The largest amount a ledger column holds (DecimalField(max_digits=12, decimal_places=2)).
MAX_AMOUNT = Decimal("9999999999.99")
# Units, quantities and line numbers: an 837P R element has at most 15 digits, and no
# quantity needs more than six decimal places.
MAX_PLACES = 6
COVERAGE_ORDERS = ("primary", "secondary", "tertiary")
FREQUENCY_CODES = ("1", "7", "8")


class ClaimFormatError(ValueError):
    """The claim document is malformed; ``path`` names the field (``lines[1].units``)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


# -- reading helpers --------------------------------------------------------------------------


def _absent(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _obj(data: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ClaimFormatError(path, "expected an object")
    return data


def _str(data: Mapping[str, Any], key: str, path: str, required: bool = False) -> str | None:
    value = data.get(key)
    if _absent(value):
        if required:
            raise ClaimFormatError(_join(path, key), "is required")
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, str | int)
        or (isinstance(value, int) and value.bit_length() > 128)
    ):
        raise ClaimFormatError(_join(path, key), "expected text")
    return str(value).strip()


def _date(data: Mapping[str, Any], key: str, path: str, required: bool = False) -> date | None:
    text = _str(data, key, path, required)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ClaimFormatError(_join(path, key), "expected a date as YYYY-MM-DD") from None


def _money(data: Mapping[str, Any], key: str, path: str) -> Money | None:
    value = data.get(key)
    if _absent(value):
        return None
    if isinstance(value, float):
        # A float here means the JSON was parsed without parse_float=Decimal. Use its
        # shortest repr: exactly the digits that were written in the file.
        value = repr(value)
    try:
        amount = Money(value)
    except MoneyError:
        raise ClaimFormatError(_join(path, key), "expected an amount in dollars") from None
    if abs(amount.amount) > MAX_AMOUNT:
        raise ClaimFormatError(_join(path, key), f"amount is larger than {MAX_AMOUNT:,} dollars")
    return amount


def _decimal(data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
    value = data.get(key)
    if _absent(value):
        return None
    if isinstance(value, bool):
        raise ClaimFormatError(_join(path, key), "expected a number")
    if isinstance(value, float):
        value = repr(value)
    try:
        dec = Decimal(str(value))
    except InvalidOperation:
        raise ClaimFormatError(_join(path, key), "expected a number") from None
    if not dec.is_finite():
        raise ClaimFormatError(_join(path, key), "expected a number")
    if not dec:
        return Decimal(0)  # 0E-1000000 and -0 as plain zero
    # adjusted() and as_tuple() use no context: abs() or normalize() of 1E+999999999
    # would overflow it.
    if dec.adjusted() >= 15:
        raise ClaimFormatError(_join(path, key), "number is too large (15 digits at most)")
    sign, digits, exponent = dec.as_tuple()
    exponent = cast(int, exponent)  # finite, so a number of places
    trailing = len(digits) - len(bytes(digits).rstrip(b"\0"))
    if -(exponent + trailing) > MAX_PLACES:
        raise ClaimFormatError(
            _join(path, key), f"number has more than {MAX_PLACES} decimal places"
        )
    return dec


def _list(data: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = data.get(key)
    if _absent(value):
        return []
    if not isinstance(value, list):
        raise ClaimFormatError(_join(path, key), "expected a list")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _clean(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values so written JSON stays as small as the examples."""
    return {k: v for k, v in mapping.items() if not _absent(v)}


# -- the document -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str
    line2: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Address:
        d = _obj(data, path)
        return cls(
            line1=_str(d, "line1", path) or "",
            line2=_str(d, "line2", path),
            city=_str(d, "city", path) or "",
            state=_str(d, "state", path) or "",
            zip=(_str(d, "zip", path) or "").replace("-", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "line1": self.line1,
                "line2": self.line2,
                "city": self.city,
                "state": self.state,
                "zip": self.zip,
            }
        )


@dataclass(frozen=True, slots=True)
class PersonName:
    last: str
    first: str | None = None
    middle: str | None = None
    suffix: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> PersonName:
        if isinstance(data, str):
            return cls(last=data.strip())
        d = _obj(data, path)
        return cls(
            last=_str(d, "last", path) or "",
            first=_str(d, "first", path),
            middle=_str(d, "middle", path),
            suffix=_str(d, "suffix", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {"last": self.last, "first": self.first, "middle": self.middle, "suffix": self.suffix}
        )

    def display(self) -> str:
        parts = [p for p in (self.first, self.middle, self.last) if p]
        text = " ".join(parts)
        return f"{text} {self.suffix}" if self.suffix else text


def _name(d: Mapping[str, Any], path: str) -> PersonName:
    value = d.get("name")
    if _absent(value):
        return PersonName(last="")
    return PersonName.from_dict(value, _join(path, "name"))


def _address(d: Mapping[str, Any], path: str, key: str = "address") -> Address | None:
    value = d.get(key)
    return None if _absent(value) else Address.from_dict(value, _join(path, key))


def _attachments(d: Mapping[str, Any], path: str) -> tuple[Attachment, ...]:
    """The ``attachments`` list: report type and transmission codes of the 837P PWK."""
    at = _join(path, "attachments")
    out = []
    for i, item in enumerate(_list(d, "attachments", path)):
        where = f"{at}[{i}]"
        a = _obj(item, where)
        report = (_str(a, "report_type", where, required=True) or "").upper()
        if report not in REPORT_TYPES:
            raise ClaimFormatError(
                _join(where, "report_type"), "is not an 837P attachment report type (PWK01)"
            )
        how = (_str(a, "transmission", where, required=True) or "").upper()
        if how not in TRANSMISSIONS:
            raise ClaimFormatError(
                _join(where, "transmission"), f"expected one of {', '.join(TRANSMISSIONS)}"
            )
        out.append(Attachment(report, how, _str(a, "control_number", where)))
    return tuple(out)


def _attachments_json(attachments: tuple[Attachment, ...]) -> list[dict[str, Any]]:
    return [
        _clean(
            {
                "report_type": a.report_type,
                "transmission": a.transmission,
                "control_number": a.control_number,
            }
        )
        for a in attachments
    ]


@dataclass(frozen=True, slots=True)
class BillingProvider:
    """The billing provider (837P loop 2010AA): an organization or a person."""

    name: str
    npi: str | None
    tin: str | None
    address: Address | None
    taxonomy: str | None = None
    pay_to_address: Address | None = None
    contact_name: str | None = None
    contact_phone: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> BillingProvider:
        d = _obj(data, path)
        return cls(
            name=_str(d, "name", path) or "",
            npi=_str(d, "npi", path),
            tin=(_str(d, "tin", path) or "").replace("-", "") or None,
            address=_address(d, path),
            taxonomy=_str(d, "taxonomy", path),
            pay_to_address=_address(d, path, "pay_to_address"),
            contact_name=_str(d, "contact_name", path),
            contact_phone=_str(d, "contact_phone", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "name": self.name,
                "npi": self.npi,
                "tin": self.tin,
                "taxonomy": self.taxonomy,
                "address": self.address.to_dict() if self.address else None,
                "pay_to_address": self.pay_to_address.to_dict() if self.pay_to_address else None,
                "contact_name": self.contact_name,
                "contact_phone": self.contact_phone,
            }
        )


@dataclass(frozen=True, slots=True)
class Provider:
    """A person provider: rendering (2310B), referring (2310A) or supervising."""

    name: PersonName
    npi: str | None
    credential: str | None = None
    taxonomy: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Provider:
        d = _obj(data, path)
        return cls(
            name=_name(d, path),
            npi=_str(d, "npi", path),
            credential=_str(d, "credential", path),
            taxonomy=_str(d, "taxonomy", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "name": self.name.to_dict(),
                "credential": self.credential,
                "npi": self.npi,
                "taxonomy": self.taxonomy,
            }
        )


@dataclass(frozen=True, slots=True)
class Party:
    """An organization named on the claim: the service facility (2310C)."""

    name: str
    address: Address | None = None
    npi: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Party:
        d = _obj(data, path)
        return cls(
            name=_str(d, "name", path) or "", address=_address(d, path), npi=_str(d, "npi", path)
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "name": self.name,
                "npi": self.npi,
                "address": self.address.to_dict() if self.address else None,
            }
        )


@dataclass(frozen=True, slots=True)
class Payer:
    name: str
    payer_id: str | None
    type: str | None = None
    address: Address | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Payer:
        d = _obj(data, path)
        kind = _str(d, "type", path)
        return cls(
            name=_str(d, "name", path) or "",
            payer_id=_str(d, "payer_id", path),
            type=kind.lower() if kind else None,
            address=_address(d, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "name": self.name,
                "payer_id": self.payer_id,
                "type": self.type,
                "address": self.address.to_dict() if self.address else None,
            }
        )


@dataclass(frozen=True, slots=True)
class Subscriber:
    name: PersonName
    member_id: str | None
    dob: date | None = None
    sex: str | None = None
    group_number: str | None = None
    group_name: str | None = None
    address: Address | None = None
    coverage_start: date | None = None  # first day the coverage is in force, when known
    coverage_end: date | None = None  # last day the coverage is in force, when known
    # Why Medicare pays second when this is a Medicare coverage billed after another
    # payer (837P SBR05: 12, 13, 14, 15, 16, 41, 42, 43 or 47; see ``core.msp``).
    medicare_secondary_type: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Subscriber:
        d = _obj(data, path)
        sex = _str(d, "sex", path)
        msp = _str(d, "medicare_secondary_type", path)
        if msp is not None and msp not in MSP_TYPES:
            raise ClaimFormatError(
                _join(path, "medicare_secondary_type"), f"expected one of {', '.join(MSP_TYPES)}"
            )
        return cls(
            name=_name(d, path),
            member_id=_str(d, "member_id", path),
            dob=_date(d, "dob", path),
            sex=sex.upper() if sex else None,
            group_number=_str(d, "group_number", path),
            group_name=_str(d, "group_name", path),
            address=_address(d, path),
            coverage_start=_date(d, "coverage_start", path),
            coverage_end=_date(d, "coverage_end", path),
            medicare_secondary_type=msp,
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "name": self.name.to_dict(),
                "dob": self.dob.isoformat() if self.dob else None,
                "sex": self.sex,
                "member_id": self.member_id,
                "group_number": self.group_number,
                "group_name": self.group_name,
                "address": self.address.to_dict() if self.address else None,
                "coverage_start": self.coverage_start.isoformat() if self.coverage_start else None,
                "coverage_end": self.coverage_end.isoformat() if self.coverage_end else None,
                "medicare_secondary_type": self.medicare_secondary_type,
            }
        )


@dataclass(frozen=True, slots=True)
class Patient:
    name: PersonName
    dob: date | None
    sex: str | None
    relationship_to_subscriber: str
    address: Address | None = None
    account_number: str | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Patient:
        d = _obj(data, path)
        sex = _str(d, "sex", path)
        rel = (_str(d, "relationship_to_subscriber", path) or "self").lower()
        if rel not in RELATIONSHIPS:
            raise ClaimFormatError(
                _join(path, "relationship_to_subscriber"),
                f"expected one of {', '.join(RELATIONSHIPS)}",
            )
        return cls(
            name=_name(d, path),
            dob=_date(d, "dob", path),
            sex=sex.upper() if sex else None,
            relationship_to_subscriber=rel,
            address=_address(d, path),
            account_number=_str(d, "account_number", path),
        )

    @property
    def is_subscriber(self) -> bool:
        return self.relationship_to_subscriber == "self"

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "name": self.name.to_dict(),
                "dob": self.dob.isoformat() if self.dob else None,
                "sex": self.sex,
                "relationship_to_subscriber": self.relationship_to_subscriber,
                "address": self.address.to_dict() if self.address else None,
                "account_number": self.account_number,
            }
        )


@dataclass(frozen=True, slots=True)
class CasAdjustment:
    """One claim adjustment: group code (CO, PR, OI, PI, CR), reason code, amount."""

    group: str
    reason: str
    amount: Money
    quantity: Decimal | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> CasAdjustment:
        d = _obj(data, path)
        return cls(
            group=(_str(d, "group", path, required=True) or "").upper(),
            reason=_str(d, "reason", path, required=True) or "",
            amount=_money(d, "amount", path) or Money(0),
            quantity=_decimal(d, "quantity", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "group": self.group,
                "reason": self.reason,
                "amount": self.amount.amount,
                "quantity": self.quantity,
            }
        )


@dataclass(frozen=True, slots=True)
class LineAdjudication:
    """How a prior payer adjudicated one line (837P loop 2430)."""

    line: int
    code: str
    paid: Money
    paid_date: date | None
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    adjustments: tuple[CasAdjustment, ...] = ()

    @classmethod
    def from_dict(cls, data: Any, path: str) -> LineAdjudication:
        d = _obj(data, path)
        return cls(
            line=int(_decimal(d, "line", path) or 0),
            code=(_str(d, "code", path, required=True) or "").upper(),
            paid=_money(d, "paid", path) or Money(0),
            paid_date=_date(d, "paid_date", path),
            units=_decimal(d, "units", path) or Decimal(1),
            modifiers=tuple(str(m).upper() for m in _list(d, "modifiers", path)),
            adjustments=tuple(
                CasAdjustment.from_dict(a, f"{path}.adjustments[{i}]")
                for i, a in enumerate(_list(d, "adjustments", path))
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "line": self.line,
                "code": self.code,
                "modifiers": list(self.modifiers),
                "units": self.units,
                "paid": self.paid.amount,
                "paid_date": self.paid_date.isoformat() if self.paid_date else None,
                "adjustments": [a.to_dict() for a in self.adjustments],
            }
        )


@dataclass(frozen=True, slots=True)
class Adjudication:
    """What a prior payer did with this claim: the COB data of loops 2320 and 2430."""

    paid: Money
    paid_date: date | None = None
    payer_claim_number: str | None = None
    adjustments: tuple[CasAdjustment, ...] = ()
    lines: tuple[LineAdjudication, ...] = ()
    patient_responsibility: Money | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Adjudication:
        d = _obj(data, path)
        return cls(
            paid=_money(d, "paid", path) or Money(0),
            paid_date=_date(d, "paid_date", path),
            payer_claim_number=_str(d, "payer_claim_number", path),
            adjustments=tuple(
                CasAdjustment.from_dict(a, f"{path}.adjustments[{i}]")
                for i, a in enumerate(_list(d, "adjustments", path))
            ),
            lines=tuple(
                LineAdjudication.from_dict(a, f"{path}.lines[{i}]")
                for i, a in enumerate(_list(d, "lines", path))
            ),
            patient_responsibility=_money(d, "patient_responsibility", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "paid": self.paid.amount,
                "paid_date": self.paid_date.isoformat() if self.paid_date else None,
                "payer_claim_number": self.payer_claim_number,
                "adjustments": [a.to_dict() for a in self.adjustments],
                "lines": [a.to_dict() for a in self.lines],
                "patient_responsibility": (
                    self.patient_responsibility.amount if self.patient_responsibility else None
                ),
            }
        )


@dataclass(frozen=True, slots=True)
class Ambulance:
    """Ambulance transport facts (837P CR1, CRC and the pick-up and drop-off loops)."""

    pickup: Address
    dropoff: Address
    miles: Decimal
    transport_reason: str = "A"  # CR104: A nearest facility, B preferred physician, C ...
    weight_lbs: Decimal | None = None
    dropoff_name: str | None = None
    conditions: tuple[str, ...] = ()  # CRC03..: 01 admitted, 04 stretcher, 06 emergency ...

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Ambulance:
        d = _obj(data, path)
        pickup = _address(d, path, "pickup")
        dropoff = _address(d, path, "dropoff")
        if pickup is None or dropoff is None:
            raise ClaimFormatError(
                _join(path, "pickup" if pickup is None else "dropoff"), "is required"
            )
        return cls(
            pickup=pickup,
            dropoff=dropoff,
            miles=_decimal(d, "miles", path) or Decimal(0),
            transport_reason=(_str(d, "transport_reason", path) or "A").upper(),
            weight_lbs=_decimal(d, "weight_lbs", path),
            dropoff_name=_str(d, "dropoff_name", path),
            conditions=tuple(str(x) for x in _list(d, "conditions", path)),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "pickup": self.pickup.to_dict(),
                "dropoff": self.dropoff.to_dict(),
                "dropoff_name": self.dropoff_name,
                "miles": self.miles,
                "transport_reason": self.transport_reason,
                "weight_lbs": self.weight_lbs,
                "conditions": list(self.conditions),
            }
        )


@dataclass(frozen=True, slots=True)
class OtherCoverage:
    """Another payer of the patient, with its adjudication once it has paid."""

    payer: Payer
    subscriber: Subscriber
    relationship_to_subscriber: str
    order: str
    adjudication: Adjudication | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str) -> OtherCoverage:
        d = _obj(data, path)
        rel = (_str(d, "relationship_to_subscriber", path) or "self").lower()
        if rel not in RELATIONSHIPS:
            raise ClaimFormatError(
                _join(path, "relationship_to_subscriber"),
                f"expected one of {', '.join(RELATIONSHIPS)}",
            )
        order = (_str(d, "order", path) or "secondary").lower()
        if order not in COVERAGE_ORDERS:
            raise ClaimFormatError(_join(path, "order"), "expected primary, secondary or tertiary")
        adj = d.get("adjudication")
        return cls(
            payer=Payer.from_dict(d.get("payer") or {}, _join(path, "payer")),
            subscriber=Subscriber.from_dict(d.get("subscriber") or {}, _join(path, "subscriber")),
            relationship_to_subscriber=rel,
            order=order,
            adjudication=None
            if _absent(adj)
            else Adjudication.from_dict(adj, _join(path, "adjudication")),
        )

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "payer": self.payer.to_dict(),
                "subscriber": self.subscriber.to_dict(),
                "relationship_to_subscriber": self.relationship_to_subscriber,
                "order": self.order,
                "adjudication": self.adjudication.to_dict() if self.adjudication else None,
            }
        )


@dataclass(frozen=True, slots=True)
class ServiceLine:
    line: int
    code: str
    charge: Money
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    dx_pointers: tuple[int, ...] = ()
    unit_basis: str = "UN"  # UN units, MJ anesthesia minutes
    date_of_service: date | None = None
    date_of_service_end: date | None = None
    place_of_service: str | None = None
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None  # F2, GR, ME, ML, UN
    line_control_number: str | None = None
    description: str | None = None
    rendering_provider: Provider | None = None
    prior_authorization: str | None = None
    attachments: tuple[Attachment, ...] = ()

    @classmethod
    def from_dict(cls, data: Any, path: str) -> ServiceLine:
        d = _obj(data, path)
        pointers = []
        for i, p in enumerate(_list(d, "dx_pointers", path)):
            if isinstance(p, str) and p.isascii() and p.isdigit() and len(p) <= 4:
                p = int(p)
            if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p < 10_000:
                raise ClaimFormatError(f"{path}.dx_pointers[{i}]", "expected a positive number")
            pointers.append(p)
        modifiers = []
        for i, m in enumerate(_list(d, "modifiers", path)):
            if not isinstance(m, str):
                raise ClaimFormatError(f"{path}.modifiers[{i}]", "expected text")
            if m.strip():
                modifiers.append(m.strip().upper())
        units = _decimal(d, "units", path)
        charge = _money(d, "charge", path)
        line_no = _decimal(d, "line", path)
        if line_no is not None and line_no != line_no.to_integral_value():
            raise ClaimFormatError(_join(path, "line"), "expected a whole number")
        rendering = d.get("rendering_provider")
        return cls(
            line=int(line_no) if line_no is not None else 0,
            code=(_str(d, "code", path) or "").upper(),
            charge=charge if charge is not None else Money(0),
            units=units if units is not None else Decimal(1),
            modifiers=tuple(modifiers),
            dx_pointers=tuple(pointers),
            unit_basis=(_str(d, "unit_basis", path) or "UN").upper(),
            date_of_service=_date(d, "date_of_service", path),
            date_of_service_end=_date(d, "date_of_service_end", path),
            place_of_service=_str(d, "place_of_service", path),
            ndc=_str(d, "ndc", path),
            ndc_quantity=_decimal(d, "ndc_quantity", path),
            ndc_unit=_str(d, "ndc_unit", path),
            line_control_number=_str(d, "line_control_number", path),
            description=_str(d, "description", path),
            rendering_provider=None
            if _absent(rendering)
            else Provider.from_dict(rendering, _join(path, "rendering_provider")),
            prior_authorization=_str(d, "prior_authorization", path),
            attachments=_attachments(d, path),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "line": self.line,
            "code": self.code,
            "modifiers": list(self.modifiers),
            "units": self.units,
            "charge": self.charge.amount,
            "dx_pointers": list(self.dx_pointers),
        }
        extra = _clean(
            {
                "unit_basis": None if self.unit_basis == "UN" else self.unit_basis,
                "date_of_service": self.date_of_service.isoformat()
                if self.date_of_service
                else None,
                "date_of_service_end": self.date_of_service_end.isoformat()
                if self.date_of_service_end
                else None,
                "place_of_service": self.place_of_service,
                "ndc": self.ndc,
                "ndc_quantity": self.ndc_quantity,
                "ndc_unit": self.ndc_unit,
                "line_control_number": self.line_control_number,
                "description": self.description,
                "rendering_provider": self.rendering_provider.to_dict()
                if self.rendering_provider
                else None,
                "prior_authorization": self.prior_authorization,
                "attachments": _attachments_json(self.attachments),
            }
        )
        out.update(extra)
        return out

    @property
    def total_charge(self) -> Money:
        """The line's billed amount (SV102): the charge for all its units."""
        return self.charge


@dataclass(frozen=True, slots=True)
class Claim:
    """One professional claim (CMS-1500 / 837P)."""

    claim_id: str
    date_of_service: date | None
    place_of_service: str | None
    frequency_code: str
    billing_provider: BillingProvider
    payer: Payer
    subscriber: Subscriber
    patient: Patient
    diagnoses: tuple[str, ...]
    lines: tuple[ServiceLine, ...]
    submission_date: date | None = None
    original_claim_ref: str | None = None
    rendering_provider: Provider | None = None
    referring_provider: Provider | None = None
    service_facility: Party | None = None
    other_coverage: tuple[OtherCoverage, ...] = ()
    prior_authorization: str | None = None
    referral_number: str | None = None
    onset_date: date | None = None
    initial_treatment_date: date | None = None
    accident_date: date | None = None
    related_causes: tuple[str, ...] = ()  # AA auto accident, EM employment, OA other accident
    accident_state: str | None = None
    provider_signature_on_file: bool = True
    assignment_accepted: bool = True
    benefits_assigned: bool = True
    release_of_information: str = "Y"  # Y signed statement on file, I informed consent only
    note: str | None = None
    ambulance: Ambulance | None = None
    attachments: tuple[Attachment, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)

    # -- reading and writing ---------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Any) -> Claim:
        """Read one claim in the documented JSON format (a dict parsed from it)."""
        d = _obj(data, "")
        claim_id = _str(d, "claim_id", "", required=True) or ""
        freq = _str(d, "frequency_code", "") or "1"
        if freq not in FREQUENCY_CODES:
            raise ClaimFormatError("frequency_code", "expected 1, 7 or 8")
        diagnoses = []
        for i, code in enumerate(_list(d, "diagnoses", "")):
            if not isinstance(code, str):
                raise ClaimFormatError(f"diagnoses[{i}]", "expected an ICD-10-CM code as text")
            diagnoses.append(code.strip().upper().replace(".", ""))

        def opt(key: str, kind: Any) -> Any:
            value = d.get(key)
            return None if _absent(value) else kind.from_dict(value, key)

        known = {f.name for f in fields(cls)} | {"other_coverage"}
        return cls(
            claim_id=claim_id,
            date_of_service=_date(d, "date_of_service", ""),
            place_of_service=_str(d, "place_of_service", ""),
            frequency_code=freq,
            billing_provider=BillingProvider.from_dict(
                d.get("billing_provider") or {}, "billing_provider"
            ),
            payer=Payer.from_dict(d.get("payer") or {}, "payer"),
            subscriber=Subscriber.from_dict(d.get("subscriber") or {}, "subscriber"),
            patient=Patient.from_dict(d.get("patient") or {}, "patient"),
            diagnoses=tuple(diagnoses),
            lines=tuple(
                ServiceLine.from_dict(line, f"lines[{i}]")
                for i, line in enumerate(_list(d, "lines", ""))
            ),
            submission_date=_date(d, "submission_date", ""),
            original_claim_ref=_str(d, "original_claim_ref", ""),
            rendering_provider=opt("rendering_provider", Provider),
            referring_provider=opt("referring_provider", Provider),
            service_facility=opt("service_facility", Party),
            other_coverage=tuple(
                OtherCoverage.from_dict(c, f"other_coverage[{i}]")
                for i, c in enumerate(_list(d, "other_coverage", ""))
            ),
            prior_authorization=_str(d, "prior_authorization", ""),
            referral_number=_str(d, "referral_number", ""),
            onset_date=_date(d, "onset_date", ""),
            initial_treatment_date=_date(d, "initial_treatment_date", ""),
            accident_date=_date(d, "accident_date", ""),
            related_causes=tuple(str(c).upper() for c in _list(d, "related_causes", "")),
            accident_state=_str(d, "accident_state", ""),
            provider_signature_on_file=_bool(d, "provider_signature_on_file", True),
            assignment_accepted=_bool(d, "assignment_accepted", True),
            benefits_assigned=_bool(d, "benefits_assigned", True),
            release_of_information=(_str(d, "release_of_information", "") or "Y").upper(),
            note=_str(d, "note", ""),
            ambulance=opt("ambulance", Ambulance),
            attachments=_attachments(d, ""),
            extras={k: v for k, v in d.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        """The claim as JSON-ready data (amounts as Decimal; see ``dumps``)."""
        out: dict[str, Any] = {
            "claim_id": self.claim_id,
            "submission_date": self.submission_date.isoformat() if self.submission_date else None,
            "date_of_service": self.date_of_service.isoformat() if self.date_of_service else None,
            "place_of_service": self.place_of_service,
            "frequency_code": self.frequency_code,
            "original_claim_ref": self.original_claim_ref,
            "billing_provider": self.billing_provider.to_dict(),
            "rendering_provider": self.rendering_provider.to_dict()
            if self.rendering_provider
            else None,
            "payer": self.payer.to_dict(),
            "subscriber": self.subscriber.to_dict(),
            "patient": self.patient.to_dict(),
            "diagnoses": list(self.diagnoses),
            "lines": [line.to_dict() for line in self.lines],
        }
        optional = _clean(
            {
                "other_coverage": [c.to_dict() for c in self.other_coverage],
                "referring_provider": self.referring_provider.to_dict()
                if self.referring_provider
                else None,
                "service_facility": self.service_facility.to_dict()
                if self.service_facility
                else None,
                "prior_authorization": self.prior_authorization,
                "referral_number": self.referral_number,
                "onset_date": self.onset_date.isoformat() if self.onset_date else None,
                "initial_treatment_date": self.initial_treatment_date.isoformat()
                if self.initial_treatment_date
                else None,
                "accident_date": self.accident_date.isoformat() if self.accident_date else None,
                "related_causes": list(self.related_causes),
                "accident_state": self.accident_state,
                "release_of_information": None
                if self.release_of_information == "Y"
                else self.release_of_information,
                "note": self.note,
                "ambulance": self.ambulance.to_dict() if self.ambulance else None,
                "attachments": _attachments_json(self.attachments),
            }
        )
        for flag in ("provider_signature_on_file", "assignment_accepted", "benefits_assigned"):
            if not getattr(self, flag):
                optional[flag] = False
        out.update(optional)
        out.update(self.extras)
        return out

    # -- derived facts -----------------------------------------------------------------------

    @property
    def total_charge(self) -> Money:
        return sum((line.charge for line in self.lines), Money(0))

    def line_dates(self) -> Iterator[date | None]:
        for line in self.lines:
            yield line.date_of_service or self.date_of_service


def _bool(d: Mapping[str, Any], key: str, default: bool) -> bool:
    value = d.get(key)
    if _absent(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.upper() in ("Y", "N", "TRUE", "FALSE"):
        return value.upper() in ("Y", "TRUE")
    raise ClaimFormatError(key, "expected true or false")


# -- JSON text ----------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Integral amounts keep their cents only when they are money-like; units stay plain.
        return (
            int(value)
            if value == value.to_integral_value() and cast(int, value.as_tuple().exponent) >= 0
            else float(value)
        )
    if isinstance(value, Money):
        return float(value.amount)
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value):
        return value.to_dict()  # type: ignore[union-attr]
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


class _Refused(str):
    """A JSON number no claim field can hold (NaN, Infinity, thousands of digits): kept
    as its text until the field it sits in is known, then refused by name."""


def _parse_int(text: str) -> int | _Refused:
    # int() refuses more than 4300 digits with a ValueError json.loads does not wrap.
    return int(text) if len(text) <= 40 else _Refused(text)


def _check_tree(data: Any) -> None:
    """Refuse what JSON allows but no claim holds, naming the field: nesting deeper than
    ``MAX_DEPTH``, NaN and Infinity, numbers of thousands of digits, text with a lone
    surrogate (an escape such as ``\\ud800``, which is no character) or a NUL."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, _Refused):
            problem = (
                f"{value} is not a number JSON allows"
                if value.lstrip("-").isalpha()
                else f"a number of {len(value):,} digits is too large"
            )
            raise ClaimFormatError(path, problem)
        if isinstance(value, str):
            if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
                raise ClaimFormatError(
                    path, "text holds a NUL or a lone surrogate escape, which is no character"
                )
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise ClaimFormatError(path, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, _join(path, "(a key)"), depth + 1))
                stack.append((item, _join(path, key), depth + 1))
        else:
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def _deepest(text: str) -> str:
    """Where ``text`` first nests deeper than ``MAX_DEPTH`` (line and column)."""
    depth = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                column = m.start() - text.rfind("\n", 0, m.start())
                return f"line {line}, column {column}"
        elif token in "]}":
            depth -= 1
    return "somewhere"


def _text(data: str | bytes) -> str:
    if not isinstance(data, bytes | bytearray):
        return data
    try:
        # UTF-8 (a byte-order mark allowed), or UTF-16/32 as JSON permits.
        return bytes(data).decode(json.detect_encoding(data))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise ClaimFormatError(
            "", f"not UTF-8 text: byte {data[exc.start]:#04x} at line {line}, column {column}"
        ) from None


def loads(text: str | bytes) -> list[Claim]:
    """Claims from JSON text holding one claim object or a list of them.

    Anything wrong with the text or a field raises ``ClaimFormatError`` naming where.
    """
    text = _text(text)
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=_parse_int, parse_constant=_Refused)
    except json.JSONDecodeError as exc:
        raise ClaimFormatError(
            "", f"not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise ClaimFormatError(
            "", f"nested more than {MAX_DEPTH} levels deep ({_deepest(text)})"
        ) from None
    _check_tree(data)
    if isinstance(data, list):
        claims = []
        for i, item in enumerate(data):
            try:
                claims.append(Claim.from_dict(item))
            except ClaimFormatError as exc:
                raise ClaimFormatError(
                    f"[{i}].{exc.path}" if exc.path else f"[{i}]", exc.problem
                ) from None
        return claims
    return [Claim.from_dict(data)]


def dumps(claims: Claim | list[Claim], indent: int | None = 2) -> str:
    """JSON text for one claim or a list of claims, in the documented format."""
    data = [c.to_dict() for c in claims] if isinstance(claims, list) else claims.to_dict()
    return json.dumps(data, default=_encode, indent=indent)
