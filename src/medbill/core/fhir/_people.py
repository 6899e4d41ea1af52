"""Patients, their guarantors (RelatedPerson), their coverages (with the payer
Organization) and practitioners, as intake records."""

from __future__ import annotations

from typing import Any

from medbill.core.fhir._base import (
    NPI,
    FHIRError,
    Index,
    Problems,
    address,
    codes,
    date_of,
    fit,
    name_of,
    resource_name,
    telecom,
)
from medbill.core.hl7._records import (
    Address,
    CoverageRecord,
    GuarantorRecord,
    PatientRecord,
    ProviderRef,
)

__all__ = ["coverage", "coverages", "guarantor", "patient", "practitioner", "provider_ref"]

_SPOUSE = {"SPS", "HUSB", "WIFE", "DOMPART", "SPOUSE", "spouse"}
_PARENT = {"MTH", "FTH", "PRN", "PAR", "NMTH", "NFTH", "STPMTH", "STPFTH", "GUARD", "parent"}
_ORDER = {1: "primary", 2: "secondary", 3: "tertiary"}
_SEX = {"female": "F", "male": "M"}


def patient(res: dict[str, Any], where: str = "") -> PatientRecord:
    """A Patient; ``where`` (default ``Patient/id``) is also the EHR's id of it."""
    where = where or resource_name(res)
    if not res.get("birthDate"):
        raise FHIRError(f"{where}.birthDate", "the birth date is missing")
    return PatientRecord(
        ehr_id=where,
        name=name_of(res, where),
        birth_date=date_of(res["birthDate"], f"{where}.birthDate"),
        sex=_SEX.get(str(res.get("gender", "")), "U"),
        address=address(res, where),
        phone=telecom(res, "phone", "home") or telecom(res, "phone"),
        mobile_phone=telecom(res, "phone", "mobile"),
        email=telecom(res, "email"),
    )


def _relationship(concept: Any, default: str) -> str:
    for coding in codes(concept):
        code = str(coding.get("code", ""))
        if code in ("self", "ONESELF"):
            return "self"
        if code in _SPOUSE:
            return "spouse"
        if code in _PARENT or code == "child":
            return "child"  # the patient is the parent's (or guardian's) child
        if code:
            return "other"
    return default


def guarantor(index: Index, person: dict[str, Any]) -> GuarantorRecord | None:
    """The patient's RelatedPerson, as the guarantor."""
    for rp in index.of("RelatedPerson"):
        if not index.points_to(rp.get("patient"), person):
            continue
        where = resource_name(rp)
        relation = "other"
        for concept in rp.get("relationship") or []:
            relation = _relationship(concept, relation)
        return GuarantorRecord(
            name=name_of(rp, where),
            relationship=relation,
            birth_date=date_of(rp["birthDate"], f"{where}.birthDate")
            if rp.get("birthDate")
            else None,
            address=address(rp),
            phone=telecom(rp, "phone"),
        )
    return None


def coverage(
    index: Index,
    cov: dict[str, Any],
    position: int,
    *,
    person: dict[str, Any] | None = None,
    within: dict[str, Any] | None = None,
    where: str = "",
) -> CoverageRecord | None:
    """A Coverage (None when cancelled or entered in error); ``position`` is its order
    when it states none, ``within`` the resource that contains it."""
    where = where or resource_name(cov)
    if cov.get("status") in ("cancelled", "entered-in-error"):
        return None
    self_pay = any(c.get("code") == "pay" for c in codes(cov.get("type")))
    payors = cov.get("payor") or []
    org = index.get(payors[0], within) if payors else None
    if org is not None and org.get("resourceType") != "Organization":
        self_pay = self_pay or (person is not None and org is person)
        org = None
    payer_name = str((org or {}).get("name") or (payors[0].get("display", "") if payors else ""))
    payer_id = ""
    for ident in (org or {}).get("identifier") or []:
        payer_id = str(ident.get("value", ""))
        break
    if not payer_id and not org and payors:
        # A logical reference: the payer by its identifier alone.
        payer_id = str((payors[0].get("identifier") or {}).get("value", ""))
    member = fit(str(cov.get("subscriberId") or ""), 80, f"{where}.subscriberId")
    if not member:
        for ident in cov.get("identifier") or []:
            member = str(ident.get("value", ""))
            break
    if not member and not self_pay:
        raise FHIRError(f"{where}.subscriberId", "the member id is missing")
    group_number = group_name = ""
    for cls in cov.get("class") or []:
        if any(c.get("code") == "group" for c in codes(cls.get("type"))):
            group_number = fit(str(cls.get("value", "")), 50, f"{where}.class.value")
            group_name = fit(str(cls.get("name", "")), 60, f"{where}.class.name")
    relation = _relationship(cov.get("relationship"), "self")
    subscriber = index.get(cov.get("subscriber"), within)
    other = subscriber if subscriber and relation != "self" else None
    period = cov.get("period") or {}
    order = _ORDER.get(int(cov["order"]) if cov.get("order") else position, "tertiary")
    return CoverageRecord(
        where=f"{where}.payor",
        order=order,
        payer_id=payer_id,
        payer_name=payer_name,
        member_id=member,
        group_number=group_number,
        group_name=group_name,
        relationship=relation,
        subscriber=name_of(other, resource_name(other)) if other else None,
        subscriber_birth_date=(
            date_of(other["birthDate"], "subscriber.birthDate")
            if other and other.get("birthDate")
            else None
        ),
        subscriber_sex=_SEX.get(str((other or {}).get("gender")), "U")
        if relation != "self"
        else "",
        subscriber_address=address(other) if other else Address(),
        effective_date=date_of(period["start"], f"{where}.period.start")
        if period.get("start")
        else None,
        termination_date=date_of(period["end"], f"{where}.period.end")
        if period.get("end")
        else None,
        self_pay=self_pay,
    )


def coverages(
    index: Index, person: dict[str, Any], problems: Problems
) -> tuple[CoverageRecord, ...]:
    """The coverages of the bundle whose beneficiary is ``person``; the problems of each
    go to ``problems``, and the others are still read."""
    out = []
    mine = [c for c in index.of("Coverage") if index.points_to(c.get("beneficiary"), person)]
    for n, cov in enumerate(mine, 1):
        found = problems.take(lambda: coverage(index, cov, n, person=person), None)  # noqa: B023
        if found is not None:
            out.append(found)
    return tuple(out)


def provider_ref(
    index: Index, ref: Any, where: str, within: dict[str, Any] | None = None
) -> ProviderRef | None:
    """The practitioner a reference names: the Practitioner of the bundle (its NPI and
    name), else the reference's own NPI identifier or display ("Last, First")."""
    person = index.get(ref, within)
    if person is not None and person.get("resourceType") == "Practitioner":
        npi = ""
        for ident in person.get("identifier") or []:
            if ident.get("system") in NPI:
                npi = str(ident.get("value", ""))
        names = person.get("name") or [{}]
        given = names[0].get("given") or [""]
        return ProviderRef(where, npi, str(names[0].get("family", "")), str(given[0]), bool(npi))
    if not isinstance(ref, dict):
        return None
    ident = ref.get("identifier") or {}
    npi = str(ident.get("value", "")) if ident.get("system") in NPI else ""
    display = str(ref.get("display", ""))
    if npi or display:
        last, _, first = display.partition(",")
        return ProviderRef(where, npi, last.strip(), first.strip(), bool(npi))
    return None


def practitioner(index: Index, encounter: dict[str, Any]) -> ProviderRef | None:
    """The first practitioner of an Encounter."""
    where = f"{resource_name(encounter)}.participant"
    for part in encounter.get("participant") or []:
        found = provider_ref(index, part.get("individual"), where)
        if found is not None:
            return found
    return None
