"""FHIR R4 Bundles (transaction, batch, collection, searchset) to intake records."""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medbill.core.hl7._records import (
    Address,
    ChargeRecord,
    CoverageRecord,
    DiagnosisRecord,
    GuarantorRecord,
    Intake,
    Name,
    NoteRecord,
    PatientRecord,
    ProviderRef,
    VisitRecord,
)

__all__ = ["BundleIntake", "FHIRError", "map_bundle", "read_bundle"]

BUNDLE_TYPES = ("transaction", "batch", "collection", "searchset")
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = (
    "https://www.cms.gov/medicare/coding/hcpcsreleasecodesets",
    "urn:oid:2.16.840.1.113883.6.285",
)
NPI = ("http://hl7.org/fhir/sid/us-npi", "urn:oid:2.16.840.1.113883.4.6")
_SPOUSE = {"SPS", "HUSB", "WIFE", "DOMPART", "SPOUSE", "spouse"}
_PARENT = {"MTH", "FTH", "PRN", "PAR", "NMTH", "NFTH", "STPMTH", "STPFTH", "GUARD", "parent"}
_ORDER = {1: "primary", 2: "secondary", 3: "tertiary"}


class FHIRError(ValueError):
    """The bundle is not one we take; ``location`` names the resource and element
    (``Patient/123.birthDate``)."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"{location}: {problem}" if location else problem)
        self.location = location
        self.problem = problem


@dataclass(frozen=True)
class BundleIntake:
    """A bundle's identity (its identifier, else a hash of its bytes) and its intakes."""

    bundle_id: str
    intakes: tuple[Intake, ...]
    ignored: tuple[str, ...]  # resource types kept but not used


def _resource_name(resource: Any) -> str:
    if isinstance(resource, dict):
        return f"{resource.get('resourceType', '?')}/{resource.get('id', '?')}"
    return "?"


def _validate(doc: dict[str, Any]) -> None:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    kind = str(doc.get("resourceType", ""))
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        raise FHIRError("resourceType", f"'{kind}' is not a FHIR R4 resource type") from None
    try:
        model.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        where, node = _resource_name(doc), doc
        rest: list[str] = []
        i = 0
        while i < len(loc):
            if (
                kind == "Bundle"
                and loc[i] == "entry"
                and i + 2 < len(loc)
                and loc[i + 2] == "resource"
            ):
                entry = doc.get("entry", [])[int(loc[i + 1])]
                node = entry.get("resource", {})
                where, rest, i = _resource_name(node), [], i + 3
                continue
            rest.append(loc[i])
            i += 1
        element = ".".join(p for p in rest if not p[:1].isupper() or "." not in p)
        raise FHIRError(f"{where}.{element}" if element else where, str(first["msg"])) from None


def read_bundle(data: bytes) -> dict[str, Any]:
    """The bundle as JSON, checked against the FHIR R4 models. A single resource is taken
    as a collection of one."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FHIRError("", f"not FHIR JSON ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(doc, dict) or "resourceType" not in doc:
        raise FHIRError("", "not a FHIR resource (no resourceType)")
    digest = hashlib.sha256(data).hexdigest()
    if doc["resourceType"] != "Bundle":
        _validate(doc)
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": doc}],
            "_hash": digest,
        }
    if doc.get("type") not in BUNDLE_TYPES:
        raise FHIRError(
            "Bundle.type",
            f"'{doc.get('type')}' bundles are not taken ({', '.join(BUNDLE_TYPES)} are)",
        )
    _validate(doc)
    doc["_hash"] = digest
    return doc


class _Index:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.resources: list[dict[str, Any]] = []
        self.by_ref: dict[str, dict[str, Any]] = {}
        for entry in bundle.get("entry", []):
            res = entry.get("resource")
            if not isinstance(res, dict):
                continue
            self.resources.append(res)
            if entry.get("fullUrl"):
                self.by_ref[entry["fullUrl"]] = res
            if res.get("id"):
                self.by_ref[f"{res['resourceType']}/{res['id']}"] = res
            for contained in res.get("contained", []):
                self.by_ref[f"#{contained.get('id')}"] = contained

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["resourceType"] == kind]

    def get(self, ref: Any) -> dict[str, Any] | None:
        if not isinstance(ref, dict) or not ref.get("reference"):
            return None
        key = str(ref["reference"])
        found = self.by_ref.get(key)
        if found is None and "/" in key and not key.startswith(("urn:", "#")):
            found = self.by_ref.get("/".join(key.rsplit("/", 2)[-2:]))
        return found

    def points_to(self, ref: Any, target: dict[str, Any]) -> bool:
        return self.get(ref) is target


def _name(res: dict[str, Any], where: str) -> Name:
    names = res.get("name") or []
    chosen = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    if not chosen or not chosen.get("family"):
        raise FHIRError(f"{where}.name", "a family name is needed")
    given = chosen.get("given") or [""]
    return Name(
        last=str(chosen["family"]),
        first=str(given[0]),
        middle=" ".join(given[1:]),
        suffix=" ".join(chosen.get("suffix") or []),
    )


def _date(value: Any, where: str) -> datetime.date:
    text = str(value or "")
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise FHIRError(where, f"'{text}' is not a full date (YYYY-MM-DD)") from None


def _when(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    text = str(value)
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _address(res: dict[str, Any]) -> Address:
    found = res.get("address") or []
    a = next((x for x in found if x.get("use") in ("home", None)), found[0] if found else {})
    lines = a.get("line") or []
    return Address(
        line1=lines[0] if lines else "",
        line2=" ".join(lines[1:]),
        city=a.get("city", ""),
        state=a.get("state", ""),
        zip=str(a.get("postalCode", "")).replace("-", ""),
    )


def _telecom(res: dict[str, Any], system: str, use: str | None = None) -> str:
    for t in res.get("telecom") or []:
        if t.get("system") == system and (use is None or t.get("use") == use):
            return str(t.get("value", ""))
    return ""


def _patient(res: dict[str, Any]) -> PatientRecord:
    where = _resource_name(res)
    if not res.get("birthDate"):
        raise FHIRError(f"{where}.birthDate", "the birth date is missing")
    sex = {"female": "F", "male": "M"}.get(str(res.get("gender", "")), "U")
    return PatientRecord(
        ehr_id=where,
        name=_name(res, where),
        birth_date=_date(res["birthDate"], f"{where}.birthDate"),
        sex=sex,
        address=_address(res),
        phone=_telecom(res, "phone", "home") or _telecom(res, "phone"),
        mobile_phone=_telecom(res, "phone", "mobile"),
        email=_telecom(res, "email"),
    )


def _codes(concept: Any) -> list[dict[str, Any]]:
    return list((concept or {}).get("coding") or []) if isinstance(concept, dict) else []


def _relationship(concept: Any, default: str) -> str:
    for coding in _codes(concept):
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


def _guarantor(index: _Index, patient: dict[str, Any]) -> GuarantorRecord | None:
    for rp in index.of("RelatedPerson"):
        if not index.points_to(rp.get("patient"), patient):
            continue
        where = _resource_name(rp)
        concepts = rp.get("relationship") or []
        relation = "other"
        for concept in concepts:
            relation = _relationship(concept, relation)
        return GuarantorRecord(
            name=_name(rp, where),
            relationship=relation,
            birth_date=_date(rp["birthDate"], f"{where}.birthDate")
            if rp.get("birthDate")
            else None,
            address=_address(rp),
            phone=_telecom(rp, "phone"),
        )
    return None


def _coverages(index: _Index, patient: dict[str, Any]) -> tuple[CoverageRecord, ...]:
    out = []
    mine = [c for c in index.of("Coverage") if index.points_to(c.get("beneficiary"), patient)]
    for n, cov in enumerate(mine, 1):
        where = _resource_name(cov)
        if cov.get("status") in ("cancelled", "entered-in-error"):
            continue
        self_pay = any(c.get("code") == "pay" for c in _codes(cov.get("type")))
        payors = cov.get("payor") or []
        org = index.get(payors[0]) if payors else None
        if org is not None and org.get("resourceType") != "Organization":
            self_pay = self_pay or org is patient
            org = None
        payer_name = str(
            (org or {}).get("name") or (payors[0].get("display", "") if payors else "")
        )
        payer_id = ""
        for ident in (org or {}).get("identifier") or []:
            payer_id = str(ident.get("value", ""))
            break
        member = str(cov.get("subscriberId") or "")
        if not member:
            for ident in cov.get("identifier") or []:
                member = str(ident.get("value", ""))
                break
        if not member and not self_pay:
            raise FHIRError(f"{where}.subscriberId", "the member id is missing")
        group_number = group_name = ""
        for cls in cov.get("class") or []:
            if any(c.get("code") == "group" for c in _codes(cls.get("type"))):
                group_number, group_name = str(cls.get("value", "")), str(cls.get("name", ""))
        relation = _relationship(cov.get("relationship"), "self")
        subscriber = index.get(cov.get("subscriber"))
        sub_name = (
            _name(subscriber, _resource_name(subscriber))
            if subscriber and relation != "self"
            else None
        )
        period = cov.get("period") or {}
        order = _ORDER.get(int(cov["order"]) if cov.get("order") else n, "tertiary")
        out.append(
            CoverageRecord(
                where=f"{where}.payor",
                order=order,
                payer_id=payer_id,
                payer_name=payer_name,
                member_id=member,
                group_number=group_number,
                group_name=group_name,
                relationship=relation,
                subscriber=sub_name,
                subscriber_birth_date=(
                    _date(subscriber["birthDate"], "subscriber.birthDate")
                    if subscriber and relation != "self" and subscriber.get("birthDate")
                    else None
                ),
                subscriber_sex=(
                    {"female": "F", "male": "M"}.get(str((subscriber or {}).get("gender")), "U")
                    if relation != "self"
                    else ""
                ),
                subscriber_address=_address(subscriber)
                if subscriber and relation != "self"
                else Address(),
                effective_date=_date(period["start"], f"{where}.period.start")
                if period.get("start")
                else None,
                termination_date=_date(period["end"], f"{where}.period.end")
                if period.get("end")
                else None,
                self_pay=self_pay,
            )
        )
    return tuple(out)


def _practitioner(index: _Index, encounter: dict[str, Any]) -> ProviderRef | None:
    where = f"{_resource_name(encounter)}.participant"
    for part in encounter.get("participant") or []:
        person = index.get(part.get("individual"))
        if person is None or person.get("resourceType") != "Practitioner":
            display = str((part.get("individual") or {}).get("display", ""))
            if display:
                last, _, first = display.partition(",")
                return ProviderRef(where, "", last.strip(), first.strip())
            continue
        npi = ""
        for ident in person.get("identifier") or []:
            if ident.get("system") in NPI:
                npi = str(ident.get("value", ""))
        names = person.get("name") or [{}]
        given = names[0].get("given") or [""]
        return ProviderRef(where, npi, str(names[0].get("family", "")), str(given[0]), bool(npi))
    return None


def _about(index: _Index, res: dict[str, Any], encounter: dict[str, Any]) -> bool:
    return index.points_to(
        res.get("encounter") or (res.get("context") or {}).get("encounter"), encounter
    ) or any(
        index.points_to(e, encounter)
        for e in ((res.get("context") or {}).get("encounter") or [])
        if isinstance((res.get("context") or {}).get("encounter"), list)
    )


def _display(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in _codes(concept):
        if coding.get("display"):
            return str(coding["display"])
    return ""


def _visit_intake(
    index: _Index, enc: dict[str, Any], record: PatientRecord, bundle_id: str
) -> tuple[Intake, list[Intake]]:
    where = _resource_name(enc)
    period = enc.get("period") or {}
    start = _when(period.get("start"))
    if start is None:
        raise FHIRError(f"{where}.period.start", "the visit's start is missing")
    location = ""
    for loc in enc.get("location") or []:
        target = index.get(loc.get("location"))
        location = str((target or {}).get("name") or (loc.get("location") or {}).get("display", ""))
        break
    visit = VisitRecord(where, _practitioner(index, enc), location, start)
    diagnoses: list[DiagnosisRecord] = []
    problems: list[str] = []
    charges: list[ChargeRecord] = []
    for cond in index.of("Condition"):
        if not _about(index, cond, enc):
            continue
        icd = [c for c in _codes(cond.get("code")) if c.get("system") == ICD10CM and c.get("code")]
        if icd:
            code = str(icd[0]["code"]).replace(".", "").upper()
            diagnoses.append(
                DiagnosisRecord(f"{_resource_name(cond)}.code", code, _display(cond.get("code")))
            )
        elif _display(cond.get("code")):
            # Other code sets (SNOMED CT) go to the coder as words; no mapping is invented.
            problems.append(_display(cond.get("code")))
    for proc in index.of("Procedure"):
        if not _about(index, proc, enc):
            continue
        pwhere = _resource_name(proc)
        cpt = [
            c
            for c in _codes(proc.get("code"))
            if c.get("system") in (CPT, *HCPCS) and c.get("code")
        ]
        if cpt:
            performed = proc.get("performedDateTime") or (proc.get("performedPeriod") or {}).get(
                "start"
            )
            charges.append(
                ChargeRecord(
                    where=f"{pwhere}.code",
                    code=str(cpt[0]["code"]).upper(),
                    modifiers=(),
                    units=Decimal(1),
                    service_date=_date(performed, f"{pwhere}.performed")
                    if performed
                    else start.date(),
                    charge=None,
                    provider=visit.attending,
                    diagnoses=tuple(d.code for d in diagnoses),
                    description=_display(proc.get("code"))[:80],
                )
            )
        elif _display(proc.get("code")):
            problems.append(f"procedure: {_display(proc.get('code'))}")
    visit_intake = Intake(
        control_id=f"{bundle_id}:{where}",
        message_type="FHIR^Encounter",
        kind="charges",
        patient=record,
        visit=visit,
        diagnoses=tuple(diagnoses),
        problems=tuple(problems),
        charges=tuple(charges),
    )
    notes = []
    for doc in index.of("DocumentReference"):
        if not _about(index, doc, enc):
            continue
        text = _note_text(doc)
        if text:
            notes.append(
                Intake(
                    control_id=f"{bundle_id}:{_resource_name(doc)}",
                    message_type="FHIR^DocumentReference",
                    kind="note",
                    patient=record,
                    visit=visit,
                    note=NoteRecord(text, None, _resource_name(doc)),
                )
            )
    return visit_intake, notes


def _note_text(doc: dict[str, Any]) -> str:
    where = _resource_name(doc)
    for n, content in enumerate(doc.get("content") or []):
        att = content.get("attachment") or {}
        if not str(att.get("contentType", "text/plain")).startswith("text/"):
            continue
        if att.get("data"):
            try:
                return base64.b64decode(att["data"], validate=True).decode("utf-8").strip()
            except (binascii.Error, UnicodeDecodeError):
                raise FHIRError(
                    f"{where}.content[{n}].attachment.data", "is not base64 UTF-8 text"
                ) from None
    return ""


def map_bundle(bundle: dict[str, Any]) -> BundleIntake:
    """The intakes of ``bundle`` (from ``read_bundle``): for each patient its registration
    (with guarantor and coverages), then one visit per ambulatory encounter with its
    diagnoses, problems and procedures, then the encounter's notes."""
    bundle_id = ""
    ident = bundle.get("identifier") or {}
    if ident.get("value"):
        bundle_id = f"{ident.get('system', '')}|{ident['value']}".lstrip("|")
    bundle_id = bundle_id or f"sha256:{bundle.get('_hash', '')[:40]}"
    index = _Index(bundle)
    patients = index.of("Patient")
    if not patients:
        raise FHIRError(
            "Bundle.entry", "no Patient in the bundle: medbill takes a patient's bundle"
        )
    intakes: list[Intake] = []
    used = {
        "Patient",
        "RelatedPerson",
        "Coverage",
        "Organization",
        "Practitioner",
        "Encounter",
        "Condition",
        "Procedure",
        "DocumentReference",
        "Location",
    }
    for pat in patients:
        record = _patient(pat)
        intakes.append(
            Intake(
                control_id=f"{bundle_id}:{record.ehr_id}",
                message_type="FHIR^Patient",
                kind="registration",
                patient=record,
                guarantor=_guarantor(index, pat),
                coverages=_coverages(index, pat),
            )
        )
        notes: list[Intake] = []
        for enc in index.of("Encounter"):
            if not index.points_to(enc.get("subject"), pat):
                continue
            if (enc.get("class") or {}).get("code") != "AMB" or enc.get("status") in (
                "cancelled",
                "entered-in-error",
            ):
                continue  # outpatient billing: inpatient and emergency stays are not ours
            visit, its_notes = _visit_intake(index, enc, record, bundle_id)
            intakes.append(visit)
            notes += its_notes
        intakes += notes
    ignored = tuple(sorted({r["resourceType"] for r in index.resources} - used))
    return BundleIntake(bundle_id, tuple(intakes), ignored)
