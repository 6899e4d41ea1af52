"""Patient and subscriber edits: names, birth dates, sex, member id, coverage dates."""

from __future__ import annotations

from datetime import date

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, WARNING, Finding, define, finding

__all__ = ["check"]

F = "demographics"
TR3 = "ASC X12N 837P (005010X222A1)"
SEXES = frozenset({"M", "F", "U"})

define(
    "DEM001",
    "subscriber-field-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the subscriber has no {field}",
    TR3 + " loop 2010BA {element}",
    what="The subscriber has a last and first name and a member id; when the subscriber is "
    "the patient, also a birth date, a sex and an address.",
    why="The payer finds the member by id, name and birth date; loop 2010BA NM1, and DMG, N3 "
    "and N4 when the subscriber is the patient, are required. Missing member data is "
    "rejected (277CA A7:164) or denied (CARC 31).",
    example="`subscriber.member_id` absent.",
    fix="Copy the member id and names exactly as on the insurance card.",
    reference="837P TR3 loop 2010BA NM1, N3, N4, DMG.",
)
define(
    "DEM002",
    "patient-field-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the patient has no {field}",
    TR3 + " loop 2010CA {element}",
    what="A patient who is not the subscriber has a last and first name, a birth date, a sex "
    "and an address.",
    why="Loop 2010CA (NM1, N3, N4, DMG) is required when the patient is a dependent; without "
    "it the claim is rejected.",
    example="A child patient with no `dob`.",
    fix="Complete the patient's registration.",
    reference="837P TR3 loop 2010CA NM1, N3, N4, DMG.",
)
define(
    "DEM003",
    "sex-code-invalid",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the {who}'s sex {sex!r} is not M, F or U",
    TR3 + " {loop} DMG03",
    what="The patient's and subscriber's sex is M, F or U.",
    why="DMG03 accepts only these codes; any other value is rejected.",
    example='`"sex": "X"`.',
    fix="Record the sex as the payer has it on file (M, F, or U for unknown).",
    reference="837P TR3 DMG03 (gender code).",
)
define(
    "DEM004",
    "dos-before-birth",
    "DATE_INVALID",
    ERROR,
    F,
    "the date of service {dos} is before the patient's birth date",
    TR3 + " DMG02, DTP*472",
    what="No service is dated before the patient was born.",
    why="A service before birth is impossible; the payer denies it (CARC 16) and it usually "
    "means the birth date or the date of service was mistyped.",
    example="Birth date 2026-03-01, date of service 2026-02-20.",
    fix="Correct the birth date or the date of service.",
    reference="837P TR3 loop 2010BA/2010CA DMG02; loop 2400 DTP*472.",
)
define(
    "DEM005",
    "birth-date-in-future",
    "DATE_INVALID",
    ERROR,
    F,
    "the {who}'s birth date is after {ref}",
    TR3 + " DMG02",
    what="Birth dates are not in the future.",
    why="A future birth date is a typing error and the claim is rejected.",
    example='`"dob": "2091-01-01"`.',
    fix="Correct the birth date.",
    reference="837P TR3 DMG02.",
)
define(
    "DEM006",
    "outside-coverage",
    "DATE_INVALID",
    ERROR,
    F,
    "the date of service {dos} is {problem} coverage {edge} {day}",
    "CARC 27 (expenses after coverage terminated); CARC 26 (before coverage)",
    what="The date of service falls within the coverage dates on file (the subscriber's "
    "`coverage_start` / `coverage_end`, when the practice recorded them).",
    why="Services after the coverage ends deny with CARC 27, before it starts with CARC 26.",
    example="Coverage ending 2026-01-31 and a service on 2026-02-10.",
    fix="Check eligibility (270/271) for the date of service and bill the coverage in force, or "
    "the patient.",
    reference="CARC 26, CARC 27; 271 eligibility dates (DTP*346/347).",
)


define(
    "DEM007",
    "eligibility-not-active",
    "DATE_INVALID",
    WARNING,
    F,
    "the payer's eligibility answer of {day} for the date of service: {answer}",
    "CARC 27 (coverage terminated); CARC 31 (patient cannot be identified as our insured)",
    what="The payer's latest eligibility answer (271) for the coverage billed and the date "
    "of service said the coverage was not active, or could not find the member "
    "(`extras.eligibility`: the answer's status, date and summary, when the practice "
    "checked).",
    why="A claim for coverage the payer says is inactive, or for a member it cannot find, "
    "denies (CARC 27, CARC 31) and waits weeks to say so.",
    example="A 271 of 2026-03-02 answering AAA*N**75 (subscriber not found) for a visit of "
    "2026-03-03.",
    fix="Check the member id, name and birth date against the card and check eligibility "
    "again; bill the coverage in force, or the patient when there is none.",
    reference="X12 271 EB01 (6: inactive) and AAA03 reject reasons; CARC 27, CARC 31.",
)


def _eligibility(claim: Claim) -> dict[str, str] | None:
    raw = claim.extras.get("eligibility") if claim.extras else None
    if not isinstance(raw, dict) or raw.get("status") not in ("inactive", "rejected"):
        return None
    return {k: str(v) for k, v in raw.items()}


def _coverage(claim: Claim, key: str) -> date | None:
    value = getattr(claim.subscriber, key, None)
    if value is None:
        raw = claim.extras.get(key) if claim.extras else None
        if isinstance(raw, str):
            try:
                value = date.fromisoformat(raw)
            except ValueError:
                return None
    return value if isinstance(value, date) else None


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """Subscriber and patient data, birth dates and coverage dates."""
    sub = claim.subscriber
    pat = claim.patient
    is_self = pat.relationship_to_subscriber == "self"
    if not sub.name.last:
        out.append(finding("DEM001", None, field="last name", element="NM103"))
    if not sub.name.first and (not is_self or pat.name.first is None):
        out.append(finding("DEM001", None, field="first name", element="NM104"))
    if not sub.member_id:
        out.append(finding("DEM001", None, field="member id", element="NM109"))
    if is_self:
        # The patient is the subscriber: the patient's facts are the subscriber's.
        if sub.dob is None and pat.dob is None:
            out.append(finding("DEM001", None, field="birth date", element="DMG02"))
        if not (sub.sex or pat.sex):
            out.append(finding("DEM001", None, field="sex", element="DMG03"))
        if sub.address is None and pat.address is None:
            out.append(finding("DEM001", None, field="address", element="N3/N4"))
    else:
        if not pat.name.last:
            out.append(finding("DEM002", None, field="last name", element="NM103"))
        if not pat.name.first:
            out.append(finding("DEM002", None, field="first name", element="NM104"))
        if pat.dob is None:
            out.append(finding("DEM002", None, field="birth date", element="DMG02"))
        if not pat.sex:
            out.append(finding("DEM002", None, field="sex", element="DMG03"))
        if pat.address is None:
            out.append(finding("DEM002", None, field="address", element="N3/N4"))
    if pat.sex and pat.sex not in SEXES:
        out.append(
            finding(
                "DEM003",
                None,
                who="patient",
                sex=pat.sex,
                loop="loop 2010CA" if not is_self else "loop 2010BA",
            )
        )
    if sub.sex and sub.sex not in SEXES:
        out.append(finding("DEM003", None, who="subscriber", sex=sub.sex, loop="loop 2010BA"))

    ref = ctx.ref_date
    dob = pat.dob or (sub.dob if is_self else None)
    for who, born in (("patient", pat.dob), ("subscriber", sub.dob)):
        if born is not None and born > ref:
            out.append(finding("DEM005", None, who=who, ref=ref.isoformat()))
    dos = ctx.dos
    if dos is None:
        return
    if dob is not None and dos < dob:
        out.append(finding("DEM004", None, dos=dos.isoformat()))
    start = _coverage(claim, "coverage_start")
    end = _coverage(claim, "coverage_end")
    if end is not None and dos > end:
        out.append(
            finding(
                "DEM006",
                None,
                dos=dos.isoformat(),
                problem="after",
                edge="ended",
                day=end.isoformat(),
            )
        )
    answer = _eligibility(claim)
    if answer is not None:
        words = answer.get("summary") or f"coverage {answer['status']}"
        out.append(finding("DEM007", None, day=answer.get("checked_on", "?"), answer=words))
    if start is not None and dos < start:
        out.append(
            finding(
                "DEM006",
                None,
                dos=dos.isoformat(),
                problem="before",
                edge="started",
                day=start.isoformat(),
            )
        )
