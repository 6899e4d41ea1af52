"""What one scrub run sees: the claim, its dates, and the reference tables in force."""

from __future__ import annotations

from datetime import date
from typing import Any

from medbill.core.claim import Claim

__all__ = ["Ctx", "age_on"]


def age_on(dob: date | None, day: date | None) -> int | None:
    """Completed years of age on ``day`` (None when either date is unknown)."""
    if dob is None or day is None:
        return None
    years = day.year - dob.year
    if (day.month, day.day) < (dob.month, dob.day):
        years -= 1
    return years


class Ctx:
    """Per-claim facts computed once and shared by every edit family."""

    __slots__ = (
        "claim",
        "dos",
        "ref_date",
        "age",
        "sex",
        "enabled",
        "refs",
        "line_dates",
        "mue",
        "aoc",
        "ptp",
        "mce",
        "icd",
        "payer_type",
        "payer_id",
    )

    def __init__(self, claim: Claim, refs: Any, enabled: frozenset[str], today: date) -> None:
        self.claim = claim
        self.refs = refs
        self.enabled = enabled
        dos = claim.date_of_service
        lines = claim.lines
        if dos is None and lines:
            dos = lines[0].date_of_service
        self.dos = dos
        self.line_dates = [ln.date_of_service or dos for ln in lines]
        self.ref_date = claim.submission_date or today
        patient = claim.patient
        dob = patient.dob
        if dob is None and patient.relationship_to_subscriber == "self":
            dob = claim.subscriber.dob
        self.age = age_on(dob, dos)
        self.sex = patient.sex or (
            claim.subscriber.sex if patient.relationship_to_subscriber == "self" else None
        )
        self.payer_type = claim.payer.type
        self.payer_id = claim.payer.payer_id
        self.mue = refs.mue.for_date(dos)
        self.aoc = refs.aoc.for_date(dos)
        self.ptp = refs.ptp.for_date(dos)
        self.mce = refs.mce.for_date(dos)
        self.icd = refs.icd_for(dos)
