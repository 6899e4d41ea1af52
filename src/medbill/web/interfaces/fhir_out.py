"""Our rows as FHIR R4 resources (JSON dicts) for the read API: Organization (a
practice), Patient, Coverage, Claim, ExplanationOfBenefit (Encounter and ClaimResponse:
``fhir_out_visits.py``). One place turns rows into resources; the API (``fhir_api.py``)
scopes, audits and serves them. ``meta.lastUpdated`` is the row's last change: its
``updated_at`` where it has one, else the newest create or update in the audit trail."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.remittance_models import DenialItem, RemittanceClaim
from medbill.web.frontdesk.models import Coverage, Patient
from medbill.web.practice.models import AuditEvent, Practice

__all__ = [
    "FHIR_VERSION",
    "SearchParam",
    "capability",
    "claim",
    "coverage",
    "explanation_of_benefit",
    "instant",
    "last_changed",
    "meta",
    "organization",
    "patient",
]

FHIR_VERSION = "4.0.1"
_GENDER = {"F": "female", "M": "male", "U": "unknown"}
_RELATION = {"self": "self", "spouse": "spouse", "child": "child", "other": "other"}
_CLAIM_STATUS = {"draft": "draft", "closed": "cancelled"}
X12_PAYER = "urn:medbill:payer-id"  # the payer id claims are sent to (NM109)
ACCOUNT = "urn:medbill:account-number"
NPI = "http://hl7.org/fhir/sid/us-npi"
PRACTICE_CODE = "urn:medbill:practice"  # the practice's short code (an HL7 MSH-6)
PCN = "urn:medbill:patient-control-number"  # CLM01


def last_changed(rows: QuerySet) -> QuerySet:
    """``rows`` annotated with ``last_changed``: the newest create or update of each row in
    the audit trail, else its ``created_at``."""
    label = rows.model._meta.label
    newest = (
        AuditEvent.objects.filter(
            object_type=label,
            object_id=Cast(OuterRef("pk"), CharField()),
            action__in=("create", "update"),
        )
        .values("object_id")
        .annotate(at=Max("at"))
        .values("at")[:1]
    )
    fallback = "created_at" if hasattr(rows.model, "created_at") else None
    if fallback:
        return rows.annotate(last_changed=Coalesce(Subquery(newest), fallback))
    return rows.annotate(last_changed=Subquery(newest))


def instant(when: datetime.datetime | None) -> str:
    """``when`` (else now) as a FHIR instant in UTC, to the second."""
    when = when or timezone.now()
    return when.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _amount(value: Decimal) -> dict[str, Any]:
    # JSON numbers: a cents amount's shortest float form reads back as the same decimal.
    return {"value": float(value), "currency": "USD"}


def meta(row: Any) -> dict[str, Any]:
    """A resource's ``meta``: its last update (``updated_at``, else ``last_changed``)."""
    when = getattr(row, "updated_at", None) or getattr(row, "last_changed", None)
    return {"lastUpdated": instant(when)}


def _address(row: Any, prefix: str = "") -> list[dict[str, Any]]:
    line1, line2 = getattr(row, f"{prefix}line1"), getattr(row, f"{prefix}line2")
    city, state, zip_ = (getattr(row, f"{prefix}{f}") for f in ("city", "state", "zip"))
    if not (line1 or city):
        return []
    out: dict[str, Any] = {"line": [x for x in (line1, line2) if x]}
    for key, value in (("city", city), ("state", state), ("postalCode", zip_)):
        if value:
            out[key] = value
    return [out]


def organization(row: Practice) -> dict[str, Any]:
    """A practice: its group NPI and short code, name, phone and billing address."""
    out: dict[str, Any] = {
        "resourceType": "Organization",
        "id": str(row.pk),
        "meta": meta(row),
        "identifier": [
            {"system": NPI, "value": row.group_npi},
            {"system": PRACTICE_CODE, "value": row.short_code},
        ],
        "active": row.active,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "prov",
                        "display": "Healthcare Provider",
                    }
                ]
            }
        ],
        "name": row.name,
    }
    if row.phone:
        out["telecom"] = [{"system": "phone", "value": row.phone, "use": "work"}]
    address = _address(row, "billing_")
    if address:
        out["address"] = address
    return out


def _managing(practice: Practice) -> dict[str, Any]:
    """The reference to the practice whose record a resource is (its Organization)."""
    return {
        "reference": f"Organization/{practice.pk}",
        "identifier": {"system": NPI, "value": practice.group_npi},
        "display": practice.name,
    }


def patient(row: Patient) -> dict[str, Any]:
    name: dict[str, Any] = {"use": "official", "family": row.last_name}
    given = [x for x in (row.first_name, row.middle_name) if x]
    if given:
        name["given"] = given
    if row.suffix:
        name["suffix"] = [row.suffix]
    telecom = [
        {"system": system, "value": value, "use": use}
        for system, value, use in (
            ("phone", row.phone, "home"),
            ("phone", row.mobile_phone, "mobile"),
            ("email", row.email, "home"),
        )
        if value
    ]
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(row.pk),
        "meta": meta(row),
        "identifier": [{"system": ACCOUNT, "value": row.account_number}],
        "active": row.active,
        "name": [name],
        "gender": _GENDER.get(row.sex, "unknown"),
        "birthDate": row.date_of_birth.isoformat(),
    }
    if telecom:
        out["telecom"] = telecom
    address = _address(row)
    if address:
        out["address"] = address
    # Whose patient it is, for a user (a billing company's) of several practices.
    out["managingOrganization"] = _managing(row.practice)
    return out


def _period(start: datetime.date | None, end: datetime.date | None) -> dict[str, str]:
    out = {}
    if start:
        out["start"] = start.isoformat()
    if end:
        out["end"] = end.isoformat()
    return out


def coverage(row: Coverage) -> dict[str, Any]:
    order = {"primary": 1, "secondary": 2, "tertiary": 3}.get(row.order, 1)
    out: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": str(row.pk),
        "meta": meta(row),
        "status": "active" if row.active else "cancelled",
        "subscriberId": row.member_id,
        "beneficiary": {"reference": f"Patient/{row.patient_id}"},
        "relationship": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                    "code": _RELATION.get(row.relationship_to_subscriber, "other"),
                }
            ]
        },
        "payor": [
            {
                "display": row.payer.name,
                "identifier": {"system": X12_PAYER, "value": row.payer.payer_id},
            }
        ],
        "order": order,
    }
    if row.group_number:
        group: dict[str, Any] = {
            "type": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                        "code": "group",
                    }
                ]
            },
            "value": row.group_number,
        }
        if row.group_name:
            group["name"] = row.group_name
        out["class"] = [group]
    period = _period(row.effective_date, row.termination_date)
    if period:
        out["period"] = period
    return out


def claim(row: Claim) -> dict[str, Any]:
    lines = list(row.lines.all())
    dates = [line.date_of_service for line in lines if line.date_of_service]
    total = sum((Decimal(line.charge) for line in lines), Decimal(0))
    out: dict[str, Any] = {
        "resourceType": "Claim",
        "id": str(row.pk),
        "meta": meta(row),
        "identifier": [{"system": PCN, "value": row.patient_control_number}],
        "status": _CLAIM_STATUS.get(row.status, "active"),
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "professional",
                }
            ]
        },
        "use": "claim",
        "patient": {"reference": f"Patient/{row.patient_id}"},
        "created": instant(row.created_at),
        "provider": {"display": row.practice.name},
        "priority": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/processpriority",
                    "code": "normal",
                }
            ]
        },
        "insurance": [
            {
                "sequence": 1,
                "focal": True,
                "coverage": {"reference": f"Coverage/{row.coverage_id}"},
            }
        ],
        "insurer": {"display": row.payer.name},
        "total": _amount(total),
    }
    if dates:
        out["billablePeriod"] = {"start": min(dates).isoformat(), "end": max(dates).isoformat()}
    if row.diagnoses:
        out["diagnosis"] = [
            {
                "sequence": n,
                "diagnosisCodeableConcept": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/icd-10-cm",
                            "code": code[:3] + ("." + code[3:] if len(code) > 3 else ""),
                        }
                    ]
                },
            }
            for n, code in enumerate(row.diagnoses, 1)
        ]
    items = []
    for line in lines:
        item: dict[str, Any] = {
            "sequence": line.line_number,
            "productOrService": {
                "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": line.code}]
            },
            "quantity": {"value": float(line.units)},
            "net": _amount(Decimal(line.charge)),
        }
        if line.modifiers:
            item["modifier"] = [
                {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": m}]}
                for m in line.modifiers
            ]
        if line.dx_pointers:
            item["diagnosisSequence"] = list(line.dx_pointers)
        if line.date_of_service:
            item["servicedDate"] = line.date_of_service.isoformat()
        items.append(item)
    if items:
        out["item"] = items
    return out


ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
CAS_GROUP = "https://x12.org/codes/claim-adjustment-group-codes"
CARC = "https://x12.org/codes/claim-adjustment-reason-codes"
_OUTCOME = {"partial": "partial", "held": "queued", "unmatched": "queued"}


def _category(code: str, system: str = ADJUDICATION) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _cas(group: str, reason: str, amount: Decimal) -> dict[str, Any]:
    return {
        "category": _category(group, CAS_GROUP),
        "reason": _category(reason, CARC),
        "amount": _amount(amount),
    }


def explanation_of_benefit(row: RemittanceClaim) -> dict[str, Any]:
    """A posted 835 claim payment (CLP) as the payer adjudicated it, from what was posted:
    per line the charge (submitted), the payer's payment (benefit) and each CAS adjustment
    with its group and CARC; amounts held as denials come from the denial queue."""
    assert row.claim is not None
    claim_row = row.claim
    sha = row.remittance.file.sha256[:16]
    posted = Entry.objects.filter(
        claim=claim_row,
        payer_id=claim_row.payer_id,
        responsibility="payer",
        source="era",
        source_ref__startswith=f"835 {sha} ",
    )
    per_line: dict[int | None, list[dict[str, Any]]] = {}
    paid: dict[int | None, Decimal] = {}
    for entry in posted:
        amount = -Decimal(entry.amount)  # the ledger credits what the payer paid or adjusted
        if entry.kind == "payment":
            paid[entry.claim_line_id] = paid.get(entry.claim_line_id, Decimal(0)) + amount
        elif entry.group_code and entry.reason_code:
            per_line.setdefault(entry.claim_line_id, []).append(
                _cas(entry.group_code, entry.reason_code, amount)
            )
    for denial in DenialItem.objects.filter(remittance_claim=row):
        group, reason = (denial.reasons[0] + ["", ""])[:2] if denial.reasons else ("", "")
        if group and reason:
            per_line.setdefault(denial.claim_line_id, []).append(
                _cas(group, reason, Decimal(denial.amount))
            )
    items = []
    for line in claim_row.lines.all():
        adjudication = [
            {"category": _category("submitted"), "amount": _amount(Decimal(line.charge))},
            {
                "category": _category("benefit"),
                "amount": _amount(paid.get(line.pk, Decimal(0))),
            },
            *per_line.get(line.pk, []),
        ]
        item: dict[str, Any] = {
            "sequence": line.line_number,
            "productOrService": {
                "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": line.code}]
            },
            "adjudication": adjudication,
        }
        if line.date_of_service:
            item["servicedDate"] = line.date_of_service.isoformat()
        items.append(item)
    remittance = row.remittance
    out: dict[str, Any] = {
        "resourceType": "ExplanationOfBenefit",
        "id": str(row.pk),
        "meta": {"lastUpdated": instant(remittance.posted_at)},
        "identifier": [{"system": PCN, "value": row.claim_identifier}],
        "status": "active",
        "type": _category("professional", "http://terminology.hl7.org/CodeSystem/claim-type"),
        "use": "claim",
        "patient": {"reference": f"Patient/{claim_row.patient_id}"},
        "created": instant(remittance.posted_at),
        "insurer": {"display": remittance.payer_name or claim_row.payer.name},
        "provider": {"display": claim_row.practice.name},
        "claim": {"reference": f"Claim/{claim_row.pk}"},
        "outcome": _OUTCOME.get(row.outcome, "complete"),
        "insurance": [
            {"focal": True, "coverage": {"reference": f"Coverage/{claim_row.coverage_id}"}}
        ],
        "total": [
            {"category": _category("submitted"), "amount": _amount(Decimal(row.charge))},
            {"category": _category("benefit"), "amount": _amount(Decimal(row.paid))},
        ],
        "payment": {"amount": _amount(Decimal(row.paid))},
    }
    if remittance.payment_date:
        out["payment"]["date"] = remittance.payment_date.isoformat()
    if remittance.trace_number:
        out["payment"]["identifier"] = {"value": remittance.trace_number}
    if row.payer_claim_number:
        out["identifier"].append({"value": row.payer_claim_number})
    if items:
        out["item"] = items
    return out


@dataclass(frozen=True)
class SearchParam:
    """A search parameter a resource type is searched by: its name, its FHIR search type
    (token, date, number, reference) and what it matches, in words."""

    name: str
    type: str
    documentation: str


def capability(base: str, search: Mapping[str, Sequence[SearchParam]]) -> dict[str, Any]:
    """The CapabilityStatement of the read API at ``base``: each resource type of
    ``search``, read and searched by its parameters."""
    resources = [
        {
            "type": kind,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": p.name, "type": p.type, "documentation": p.documentation} for p in params
            ],
        }
        for kind, params in search.items()
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "kind": "instance",
        "software": {"name": "medbill"},
        "implementation": {"description": "medbill FHIR R4 read API", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "A bearer token (Authorization: Bearer mb_...) or the "
                    "signed-in session; a user sees the practices they belong to."
                },
                "resource": resources,
            }
        ],
    }
