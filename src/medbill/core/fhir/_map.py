"""FHIR R4 Bundles (transaction, batch, collection, searchset) to intake records."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
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
    when,
)
from medbill.core.fhir._claims import Checked, NotOurs, claim_intake
from medbill.core.fhir._people import coverages, guarantor, patient, practitioner
from medbill.core.hl7._checks import ChargeChecks, CodeCheck
from medbill.core.hl7._records import (
    Address,
    ChargeRecord,
    DiagnosisRecord,
    Intake,
    Name,
    NoteRecord,
    PatientRecord,
    VisitRecord,
)

__all__ = ["BundleIntake", "FHIRError", "bundle_id_of", "map_bundle", "read_bundle"]

BUNDLE_TYPES = ("transaction", "batch", "collection", "searchset")
MAX_PROBLEMS = 20  # of a bundle the FHIR models refuse: enough to fix, not a flood


@dataclass(frozen=True)
class BundleIntake:
    """A bundle's identity (its identifier, else a hash of its bytes) and its intakes."""

    bundle_id: str
    intakes: tuple[Intake, ...]
    ignored: tuple[str, ...]  # resource types kept but not used


def _located(doc: dict[str, Any], kind: str, loc: list[str]) -> str:
    """The resource and element a validation error's path names."""
    where = resource_name(doc)
    rest: list[str] = []
    i = 0
    while i < len(loc):
        if kind == "Bundle" and loc[i] == "entry" and i + 2 < len(loc) and loc[i + 2] == "resource":
            entry = doc.get("entry", [])[int(loc[i + 1])]
            where, rest, i = resource_name(entry.get("resource", {})), [], i + 3
            continue
        rest.append(loc[i])
        i += 1
    element = ".".join(p for p in rest if not p[:1].isupper() or "." not in p)
    return f"{where}.{element}" if element else where


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
        problems = Problems()
        for error in exc.errors()[:MAX_PROBLEMS]:
            location = _located(doc, kind, [str(p) for p in error["loc"]])
            problems.add(location, str(error["msg"]))
        problems.check()


def read_bundle(data: bytes) -> dict[str, Any]:
    """The bundle as JSON, checked against the FHIR R4 models (every element refused is
    named, up to twenty). A single resource is taken as a collection of one. Decimals
    stay decimals (amounts are never floats)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
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


def _about(index: Index, res: dict[str, Any], encounter: dict[str, Any]) -> bool:
    return index.points_to(
        res.get("encounter") or (res.get("context") or {}).get("encounter"), encounter
    ) or any(
        index.points_to(e, encounter)
        for e in ((res.get("context") or {}).get("encounter") or [])
        if isinstance((res.get("context") or {}).get("encounter"), list)
    )


def _visit_intake(
    index: Index, enc: dict[str, Any], record: PatientRecord, bundle_id: str, checked: Checked
) -> tuple[Intake, list[Intake]]:
    """The encounter's visit with its diagnoses and its procedures' charges (each checked:
    ``checked`` keeps what is wrong with a code or a date and the charge is still read),
    and its notes."""
    where = resource_name(enc)
    period = enc.get("period") or {}
    start = when(period.get("start"))
    if start is None:
        raise FHIRError(f"{where}.period.start", "the visit's start is missing")
    location = ""
    for loc in enc.get("location") or []:
        target = index.get(loc.get("location"))
        location = str((target or {}).get("name") or (loc.get("location") or {}).get("display", ""))
        break
    visit = VisitRecord(where, practitioner(index, enc), location, start)
    diagnoses: list[DiagnosisRecord] = []
    problems: list[str] = []
    charges: list[ChargeRecord] = []
    for cond in index.of("Condition"):
        if not _about(index, cond, enc):
            continue
        icd = [c for c in codes(cond.get("code")) if c.get("system") == ICD10CM and c.get("code")]
        if icd:
            code = str(icd[0]["code"]).replace(".", "").upper()
            diagnoses.append(
                DiagnosisRecord(f"{resource_name(cond)}.code", code, display(cond.get("code")))
            )
        elif display(cond.get("code")):
            # Other code sets (SNOMED CT) go to the coder as words; no mapping is invented.
            problems.append(display(cond.get("code")))
    for proc in index.of("Procedure"):
        if not _about(index, proc, enc):
            continue
        pwhere = resource_name(proc)
        cpt = [
            c for c in codes(proc.get("code")) if c.get("system") in (CPT, *HCPCS) and c.get("code")
        ]
        if cpt:
            if proc.get("performedDateTime"):
                at = f"{pwhere}.performedDateTime"
                served = date_of(proc["performedDateTime"], at)
            elif (proc.get("performedPeriod") or {}).get("start"):
                at = f"{pwhere}.performedPeriod.start"
                served = date_of(proc["performedPeriod"]["start"], at)
            else:
                at, served = f"{where}.period.start", start.date()
            code = str(cpt[0]["code"]).upper()
            checked.charge(code, f"{pwhere}.code", served, at)
            charges.append(
                ChargeRecord(
                    where=f"{pwhere}.code",
                    code=code,
                    modifiers=(),
                    units=Decimal(1),
                    service_date=served,
                    charge=None,
                    provider=visit.attending,
                    diagnoses=tuple(d.code for d in diagnoses),
                    description=display(proc.get("code"))[:80],
                )
            )
        elif display(proc.get("code")):
            problems.append(f"procedure: {display(proc.get('code'))}")
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
                    control_id=f"{bundle_id}:{resource_name(doc)}",
                    message_type="FHIR^DocumentReference",
                    kind="note",
                    patient=record,
                    visit=visit,
                    note=NoteRecord(text, None, resource_name(doc)),
                )
            )
    return visit_intake, notes


def _note_text(doc: dict[str, Any]) -> str:
    where = resource_name(doc)
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


def bundle_id_of(bundle: dict[str, Any]) -> str:
    """A bundle's identity: its identifier (``system|value``), else the hash of its bytes."""
    ident = bundle.get("identifier") or {}
    if isinstance(ident, dict) and ident.get("value"):
        return f"{ident.get('system', '')}|{ident['value']}".lstrip("|")
    return f"sha256:{str(bundle.get('_hash', ''))[:40]}"


USED = {
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
    "Claim",
}


_UNREAD_NAME = Name("", "")


def map_bundle(
    bundle: dict[str, Any],
    *,
    today: datetime.date | None = None,
    check_code: CodeCheck | None = None,
) -> BundleIntake:
    """The intakes of ``bundle`` (from ``read_bundle``): for each patient its registration
    (with guarantor and coverages), then one visit per ambulatory encounter with its
    diagnoses, problems and procedures, then the encounter's notes; last, each Claim.

    Every charge (a Claim's item, an encounter's Procedure) goes through the checks an
    HL7 v2 charge does: ``check_code`` (the practice's rule for procedure codes), no date
    of service after ``today`` (the practice's) or before the patient's birth date.

    Raises ``FHIRError`` whose ``problems`` name every resource at fault, and whose
    ``partial`` holds the intakes as far as they could be read.
    """
    checks = ChargeChecks(today, check_code)
    bundle_id = bundle_id_of(bundle)
    index = Index(bundle)
    patients = index.of("Patient")
    claims = index.of("Claim")
    if not patients and not claims:
        raise FHIRError(
            "Bundle.entry",
            "no Patient and no Claim in the bundle: medbill takes a patient's bundle or claims",
        )
    problems = Problems()
    intakes: list[Intake] = []
    taken_encounters: set[int] = set()
    for pat in patients:
        record = problems.take(lambda: patient(pat), None)  # noqa: B023
        # A patient that cannot be read is not matched against the practice, but what
        # its bundle names (payers, providers, locations) still is.
        unread = ("patient",) if record is None else ()
        if record is None:
            where = resource_name(pat)
            record = PatientRecord(where, _UNREAD_NAME, datetime.date(1900, 1, 1), "U", Address())
        who_pays = problems.take(lambda: guarantor(index, pat), None)  # noqa: B023
        insured = coverages(index, pat, problems)
        intakes.append(
            Intake(
                control_id=f"{bundle_id}:{record.ehr_id}",
                message_type="FHIR^Patient",
                kind="registration",
                patient=record,
                guarantor=who_pays,
                coverages=insured,
                unread=unread,
            )
        )
        checked = Checked(
            checks,
            problems,
            None if unread else record.birth_date,
            f"{record.ehr_id}.birthDate",
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
            found = problems.take(
                lambda: _visit_intake(index, enc, record, bundle_id, checked),  # noqa: B023
                None,
            )
            if found is not None:
                taken_encounters.add(id(enc))
                intakes.append(dataclasses.replace(found[0], unread=unread))
                notes += [dataclasses.replace(n, unread=unread) for n in found[1]]
        intakes += notes
    left_out = set()
    not_ours: list[tuple[str, str]] = []
    for res in claims:
        try:
            found_claim = claim_intake(index, res, bundle_id, taken_encounters, checks, problems)
        except NotOurs as exc:
            not_ours.extend(exc.problems)
            left_out.add(f"Claim ({exc.problem.split(':')[0]}: medbill bills professional claims)")
            continue
        except FHIRError as exc:
            problems.found.extend(exc.problems)
            continue
        if found_claim is None:
            left_out.add("Claim (no CPT/HCPCS or ICD-10-CM code: its visit goes to the coder)")
        else:
            intakes.append(found_claim)
    if not_ours and not intakes and not problems.found:
        # Nothing else in the bundle: the claims were sent to be billed, and cannot be.
        problems.found.extend(not_ours)
    ignored = {r["resourceType"] for r in index.resources} - USED
    read = BundleIntake(bundle_id, tuple(intakes), tuple(sorted(ignored | left_out)))
    problems.check(partial=read)
    return read
