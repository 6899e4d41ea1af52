"""A FHIR ``Claim`` the EHR made, as an intake record: the patient and coverage (in the
bundle, contained, or only referred to), the rendering provider, ICD-10-CM diagnoses and
CPT/HCPCS lines with their charges. Only professional claims are taken (medbill sends
837P); what cannot be billed as sent is refused with the element at fault, never guessed
(a code in another code set, a line without a date, a total that is not the lines')."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from medbill.core.fhir._base import (
    CPT,
    HCPCS,
    ICD10CM,
    FHIRError,
    Index,
    Problems,
    codes,
    date_of,
    display,
    resource_name,
)
from medbill.core.fhir._people import coverage, patient, provider_ref
from medbill.core.hl7._checks import ChargeChecks
from medbill.core.hl7._records import (
    Address,
    ChargeRecord,
    ClaimRecord,
    DiagnosisRecord,
    Intake,
    Name,
    PatientRecord,
    ProviderRef,
    VisitRecord,
)

__all__ = ["Checked", "NotOurs", "claim_intake"]

CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
# The WHO's ICD-10: US EHRs label ICD-10-CM codes with it; the scrubber checks every code
# against ICD-10-CM for the date of service.
ICD10_WHO = "http://hl7.org/fhir/sid/icd-10"
ICD9 = (
    "http://hl7.org/fhir/sid/icd-9-cm",
    "http://terminology.hl7.org/CodeSystem/icd9cm",
    "urn:oid:2.16.840.1.113883.6.103",
)
_ICD10_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")
_PROCEDURE = re.compile(r"^[A-Z0-9]{5}$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_NO_NAME = Name("", "")


def _identifier(res: dict[str, Any], where: str) -> str:
    for ident in res.get("identifier") or []:
        if ident.get("value"):
            return f"{ident.get('system', '')}|{ident['value']}".lstrip("|")[:200]
    if res.get("id"):
        return where
    raise FHIRError(
        f"{where}.identifier",
        "the claim has neither an identifier nor an id: medbill takes each claim once, by it",
    )


def _patient(
    index: Index, res: dict[str, Any], where: str
) -> tuple[PatientRecord, bool, tuple[tuple[str, str], ...]]:
    """The claim's patient: (record, only referred to, the reference's identifiers)."""
    ref = res.get("patient") or {}
    found = index.get(ref, res)
    if found is not None and found.get("resourceType") == "Patient":
        contained = str(ref.get("reference", "")).startswith("#")
        # A contained patient's id is the claim's own: it names no one elsewhere.
        return patient(found, f"{where}{ref['reference']}" if contained else ""), False, ()
    ident = ref.get("identifier") or {}
    identifiers = (
        ((str(ident.get("system", "")), str(ident["value"])),) if ident.get("value") else ()
    )
    text = str(ref.get("reference", ""))
    if not text and not identifiers:
        raise FHIRError(f"{where}.patient", "names no patient")
    record = PatientRecord(
        text or f"{where}.patient", _NO_NAME, datetime.date(1900, 1, 1), "U", Address()
    )
    return record, True, identifiers


def _coverage(index: Index, res: dict[str, Any], where: str) -> tuple[Any, str]:
    """The focal insurance's coverage: (a CoverageRecord from the bundle, else None, and the
    member id it is known by)."""
    insurance = res.get("insurance") or []
    focal = next((i for i in insurance if i.get("focal")), insurance[0] if insurance else None)
    if focal is None:
        raise FHIRError(f"{where}.insurance", "no insurance: a claim bills a payer")
    n = insurance.index(focal)
    ref = focal.get("coverage") or {}
    found = index.get(ref, res)
    if found is not None and found.get("resourceType") == "Coverage":
        contained = str(ref.get("reference", "")).startswith("#")
        record = coverage(
            index,
            found,
            int(focal.get("sequence") or 1),
            within=res,
            where=f"{where}{ref['reference']}" if contained else "",
        )
        if record is None:
            raise FHIRError(f"{where}.insurance[{n}]", "its coverage is cancelled")
        return record, record.member_id
    member = str((ref.get("identifier") or {}).get("value", ""))
    if not member:
        named = ref.get("reference") or ref.get("display") or "the coverage"
        raise FHIRError(
            f"{where}.insurance[{n}].coverage",
            f"{named} is not in the bundle and names no member id (identifier): send the "
            "Coverage with the claim",
        )
    return None, member


def _provider(index: Index, res: dict[str, Any], where: str) -> ProviderRef:
    team = res.get("careTeam") or []
    wanted = next(
        (
            m
            for m in team
            if any(c.get("code") == "primary" for c in codes(m.get("role"))) or m.get("responsible")
        ),
        team[0] if team else None,
    )
    if wanted is not None:
        n = team.index(wanted)
        found = provider_ref(index, wanted.get("provider"), f"{where}.careTeam[{n}]", res)
        if found is not None:
            return found
        named = (wanted.get("provider") or {}).get("reference", "the provider")
        raise FHIRError(
            f"{where}.careTeam[{n}].provider",
            f"{named} is not in the bundle and names no NPI or name: send the Practitioner",
        )
    found = provider_ref(index, res.get("provider"), f"{where}.provider", res)
    if found is not None:
        return found
    raise FHIRError(f"{where}.careTeam", "no rendering provider (careTeam, or a Practitioner)")


def _billing_npi(index: Index, res: dict[str, Any]) -> str:
    ref = res.get("provider") or {}
    org = index.get(ref, res)
    idents = (org or {}).get("identifier") or ([ref["identifier"]] if ref.get("identifier") else [])
    for ident in idents:
        if ident.get("system") in (
            "http://hl7.org/fhir/sid/us-npi",
            "urn:oid:2.16.840.1.113883.4.6",
        ):
            return str(ident.get("value", ""))
    return ""


def _diagnosis_code(concept: Any, where: str) -> str:
    for coding in codes(concept):
        code = str(coding.get("code", "")).strip().upper()
        system = str(coding.get("system", ""))
        if not code:
            continue
        if system in ICD9:
            raise FHIRError(
                where,
                f"'{code}' is coded in ICD-9-CM; medbill takes ICD-10-CM only (ICD-9-CM "
                "ended for services from 2015-10-01): send the ICD-10-CM code",
            )
        if system in (ICD10CM, ICD10_WHO) or (not system and _ICD10_SHAPE.match(code)):
            if not _ICD10_SHAPE.match(code):
                raise FHIRError(where, f"'{code}' is not an ICD-10-CM code")
            return code.replace(".", "")
    first = codes(concept)[0] if codes(concept) else {}
    raise FHIRError(
        where,
        f"'{first.get('code', '')}' is coded in {first.get('system') or 'no code system'}, "
        f"not ICD-10-CM ({ICD10CM}): a claim bills ICD-10-CM diagnoses",
    )


def _diagnoses(
    index: Index, res: dict[str, Any], where: str, problems: Problems
) -> dict[int, DiagnosisRecord]:
    out: dict[int, DiagnosisRecord] = {}
    entries = sorted(res.get("diagnosis") or [], key=lambda d: int(d.get("sequence") or 0))
    for n, dx in enumerate(entries):
        at = f"{where}.diagnosis[{n}]"
        concept = dx.get("diagnosisCodeableConcept")
        if concept is None:
            condition = index.get(dx.get("diagnosisReference"), res)
            concept = (condition or {}).get("code")
            if concept is None:
                problems.add(f"{at}.diagnosisReference", "the Condition is not in the bundle")
                continue
        code = problems.take(lambda: _diagnosis_code(concept, at), "")  # noqa: B023
        if code:
            out[int(dx.get("sequence") or n + 1)] = DiagnosisRecord(at, code, display(concept))
    return out


def _money(value: Any) -> Decimal | None:
    if not isinstance(value, dict) or value.get("value") is None:
        return None
    try:
        return Decimal(str(value["value"])).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _served(item: dict[str, Any], at: str, res: dict[str, Any]) -> tuple[Any, str]:
    """A line's date of service and the element it came from (the line's, else the
    claim's billable period)."""
    if item.get("servicedDate"):
        return item["servicedDate"], f"{at}.servicedDate"
    if (item.get("servicedPeriod") or {}).get("start"):
        return item["servicedPeriod"]["start"], f"{at}.servicedPeriod.start"
    if (res.get("billablePeriod") or {}).get("start"):
        return res["billablePeriod"]["start"], f"{resource_name(res)}.billablePeriod.start"
    raise FHIRError(f"{at}.servicedDate", "the line has no date of service")


def _line(
    item: dict[str, Any],
    at: str,
    res: dict[str, Any],
    diagnoses: dict[int, DiagnosisRecord],
    provider: ProviderRef,
    checks: Checked,
) -> ChargeRecord:
    """One item; a problem of its code or date (``checks``) is kept with the claim's other
    problems and the line still read."""
    product = item.get("productOrService")
    coded = [
        c
        for c in codes(product)
        if c.get("code")
        and (
            c.get("system") in (CPT, *HCPCS)
            or (not c.get("system") and _PROCEDURE.match(str(c["code"]).upper()))
        )
    ]
    if not coded:
        first = codes(product)[0] if codes(product) else {}
        raise FHIRError(
            f"{at}.productOrService",
            f"'{first.get('code', display(product))}' is coded in "
            f"{first.get('system') or 'no code system'}, not CPT or HCPCS",
        )
    code = str(coded[0]["code"]).strip().upper()
    if not _PROCEDURE.match(code):
        raise FHIRError(f"{at}.productOrService", f"'{code}' is not a CPT or HCPCS code")
    modifiers = []
    for m, concept in enumerate(item.get("modifier") or []):
        mod = str((codes(concept)[0] if codes(concept) else {}).get("code", "")).upper()
        if not _MODIFIER.match(mod):
            raise FHIRError(f"{at}.modifier[{m}]", f"'{mod}' is not a two-character modifier")
        modifiers.append(mod)
    units = Decimal(str((item.get("quantity") or {}).get("value", 1)))
    if not units.is_finite() or units <= 0:
        raise FHIRError(f"{at}.quantity", "must be more than zero")
    charge = _money(item.get("net"))
    if charge is None:
        each = _money(item.get("unitPrice"))
        charge = (each * units).quantize(Decimal("0.01")) if each is not None else None
    served, served_at = _served(item, at, res)
    day = date_of(served, served_at)
    checks.charge(code, f"{at}.productOrService", day, served_at)
    pointers = []
    for seq in item.get("diagnosisSequence") or []:
        if int(seq) not in diagnoses:
            raise FHIRError(f"{at}.diagnosisSequence", f"no diagnosis has sequence {seq}")
        pointers.append(diagnoses[int(seq)].code)
    return ChargeRecord(
        where=at,
        code=code,
        modifiers=tuple(modifiers),
        units=units,
        service_date=day,
        charge=charge,
        provider=provider,
        diagnoses=tuple(pointers),
        description=display(product)[:120],
    )


def _encounter(index: Index, res: dict[str, Any]) -> dict[str, Any] | None:
    for item in res.get("item") or []:
        for ref in item.get("encounter") or []:
            found = index.get(ref, res)
            if found is not None and found.get("resourceType") == "Encounter":
                return found
    return None


def _billable(res: dict[str, Any]) -> bool:
    """Whether the claim carries any CPT/HCPCS line or ICD-10-CM diagnosis at all."""
    for item in res.get("item") or []:
        if any(c.get("system") in (CPT, *HCPCS) for c in codes(item.get("productOrService"))):
            return True
    for dx in res.get("diagnosis") or []:
        systems = {c.get("system") for c in codes(dx.get("diagnosisCodeableConcept"))}
        if systems & {ICD10CM, ICD10_WHO}:
            return True
    return False


class NotOurs(FHIRError):
    """A claim of a kind medbill does not bill (pharmacy, institutional, oral, vision):
    left out of a patient's bundle, refused when the bundle has nothing else."""


def _once(diagnoses: dict[int, DiagnosisRecord]) -> tuple[DiagnosisRecord, ...]:
    """The diagnoses in sequence order, each code once (a claim may list one twice)."""
    seen: dict[str, DiagnosisRecord] = {}
    for key in sorted(diagnoses):
        seen.setdefault(diagnoses[key].code, diagnoses[key])
    return tuple(seen.values())


class Checked:
    """The checks of every charge (``ChargeChecks``) made on a resource's codes and dates,
    their problems kept in ``problems`` by the element at fault; ``born`` is the
    patient's birth date when the bundle gives it (``born_at`` the element)."""

    def __init__(
        self,
        checks: ChargeChecks,
        problems: Problems,
        born: datetime.date | None = None,
        born_at: str = "",
    ) -> None:
        self.checks, self.problems, self.born, self.born_at = checks, problems, born, born_at

    def charge(self, code: str, code_at: str, served: datetime.date, served_at: str) -> None:
        misdated = self.checks.date(served, self.born, self.born_at)
        if misdated:
            self.problems.add(served_at, misdated)
        refused = self.checks.code(code, served)
        if refused:
            self.problems.add(code_at, refused)


_UNREAD = PatientRecord("", _NO_NAME, datetime.date(1900, 1, 1), "U", Address())


def claim_intake(
    index: Index,
    res: dict[str, Any],
    bundle_id: str,
    taken_encounters: set[int],
    checks: ChargeChecks,
    found: Problems,
) -> Intake | None:
    """The intake of one Claim, or None for a claim with no billing code at all whose
    encounter the bundle also sends (Synthea's SNOMED CT claims: the visit goes to the
    coder, who codes it from the note). Every problem goes to ``found``, the intake then
    being the claim as far as it could be read (``Intake.unread``); a claim of a kind
    medbill does not bill raises ``NotOurs``."""
    where = resource_name(res)
    encounter = _encounter(index, res)
    if not _billable(res) and encounter is not None and id(encounter) in taken_encounters:
        return None
    problems = Problems()
    kind = next((str(c.get("code", "")) for c in codes(res.get("type"))), "")
    if kind != "professional":
        problems.add(
            f"{where}.type",
            f"a{'n' if kind[:1] in 'aeiou' else ''} {kind or 'untyped'} claim: medbill bills "
            "professional claims (837P, the CMS-1500's)",
        )
    ours = not problems.found
    identifier = problems.take(lambda: _identifier(res, where), "")
    if res.get("use") != "claim":
        problems.add(
            f"{where}.use",
            f"'{res.get('use')}' asks the payer a question; only a claim is billed",
        )
    if res.get("status") != "active":
        problems.add(f"{where}.status", f"'{res.get('status')}': only an active claim is billed")
    person = problems.take(lambda: _patient(index, res, where), None)
    insured = problems.take(lambda: _coverage(index, res, where), None)
    provider = problems.take(lambda: _provider(index, res, where), None)
    diagnoses = _diagnoses(index, res, where, problems)
    born = person[0] if person is not None and not person[1] else None
    checked = Checked(
        checks,
        problems,
        born.birth_date if born is not None else None,
        f"{born.ehr_id}.birthDate" if born is not None else "",
    )
    lines = []
    for n, item in enumerate(res.get("item") or []):
        at = f"{where}.item[{n}]"
        if provider is not None:
            line = problems.take(
                lambda: _line(item, at, res, diagnoses, provider, checked),  # noqa: B023
                None,
            )
            if line is not None:
                lines.append(line)
    if not res.get("item"):
        problems.add(f"{where}.item", "the claim has no line to bill")
    total = _money(res.get("total"))
    nets = [_money(i.get("net")) for i in res.get("item") or []]
    if total is not None and nets and all(x is not None for x in nets):
        summed = sum((x for x in nets if x is not None), Decimal(0))
        if summed != total:
            problems.add(f"{where}.total", f"{total} is not the sum of the lines' net ({summed})")
    if not ours:
        unique = list(dict.fromkeys(problems.found))
        location, text = unique[0]
        raise NotOurs(location, text.removeprefix(f"{location}: "), more=unique[1:])
    found.found.extend(problems.found)
    unread = [
        part
        for part, value in (("patient", person), ("insurance", insured), ("provider", provider))
        if value is None
    ]
    record, by_reference, identifiers = person or (_UNREAD, False, ())
    cov_record, member = insured or (None, "")
    return Intake(
        control_id=f"{bundle_id}:{where}",
        message_type="FHIR^Claim",
        kind="claim",
        patient=record,
        visit=VisitRecord(
            resource_name(encounter) if encounter is not None else "", provider, "", None
        ),
        diagnoses=_once(diagnoses),
        charges=tuple(lines),
        claim=ClaimRecord(
            where=where,
            identifier=identifier,
            coverage=cov_record,
            member_id=member,
            billing_npi=_billing_npi(index, res),
            encounter=resource_name(encounter) if encounter is not None else "",
            total=total,
        ),
        patient_by_reference=by_reference,
        patient_identifiers=identifiers,
        unread=tuple(unread),
    )
