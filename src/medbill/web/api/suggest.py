"""``/api/suggest``: code suggestions for a note sent in the request (nothing is stored).

For integrations that hold the note elsewhere; the coder's workspace uses
``/api/coding/visits/{id}/suggestions``, which keeps what was suggested with the visit. The
request takes the same visit context as ``medbill code suggest``: age, new or established,
sex, date of service (the ICD-10-CM release in force that day), setting and assertion mode.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from medbill.web.api.common import practice_or_404, require_role
from medbill.web.api.schemas import ErrorOut
from medbill.web.practice.models import FeeScheduleEntry

router = Router(tags=["suggest"])

MAX_NOTE = 100_000


class SuggestIn(Schema):
    practice_id: int
    text: str = Field(..., min_length=1, max_length=MAX_NOTE)
    setting: Literal["outpatient", "inpatient"] = Field(
        "outpatient", description="outpatient: uncertain diagnoses are not coded (IV.H)"
    )
    encounter: Literal["initial", "subsequent", "sequela"] | None = Field(
        None, description="injury 7th character when the note does not say"
    )
    patient_age: int | None = Field(None, ge=0, le=130)
    new_patient: bool | None = None
    sex: Literal["F", "M"] | None = Field(
        None, description="the patient's sex: pregnancy and sex-specific codes"
    )
    date_of_service: dt.date | None = Field(
        None, description="the ICD-10-CM release in force on this day is used (default: newest)"
    )
    assertion: Literal["guidelines", "mentions"] = Field(
        "guidelines",
        description="guidelines: the Official Guidelines decide what is coded (the default); "
        "mentions: every mention coded, as research corpora such as CodiEsp annotate",
    )


class EvidenceOut(Schema):
    start: int
    end: int
    text: str


class DiagnosisOut(Schema):
    code: str
    description: str
    score: float
    evidence: list[EvidenceOut]
    status: Literal["suggested", "review"]
    reasons: list[str]
    trail: str = Field(
        "", description="the Alphabetic Index route to the code, when the Index leads there"
    )


class ProcedureOut(Schema):
    code: str
    description: str
    score: float
    evidence: list[EvidenceOut]
    status: str
    reasons: list[str]
    units: int = 1
    modifiers: list[str] = []


class EmOut(Schema):
    code: str | None
    basis: str
    reason: str
    modifiers: list[str]


class SuggestOut(Schema):
    diagnoses: list[DiagnosisOut] = Field(..., description="the first is the first-listed one")
    procedures: list[ProcedureOut]
    em: EmOut | None
    notes: list[str]


@router.post("", response={200: SuggestOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def suggest_codes(request: HttpRequest, payload: SuggestIn):
    """Suggested diagnoses (the first-listed first, with evidence offsets), services mapped to
    the practice's fee schedule and the E/M level (role: may change codes in ``practice_id``).
    ``status`` is ``suggested`` only for codes the engine would put on the claim."""
    from medbill.core.codesets import ReleaseNotFound
    from medbill.core.collector import collector_paused
    from medbill.core.suggest import SuggestEngine

    practice = practice_or_404(request, payload.practice_id)
    require_role(request, practice, "change_codes")
    fees = FeeScheduleEntry.objects.filter(practice_id=payload.practice_id).values_list(
        "code", "description"
    )
    dos = payload.date_of_service
    try:
        with collector_paused(keep=True):  # loaded once per process and kept
            engine = SuggestEngine.shared() if dos is None else SuggestEngine.for_date(dos)
    except ReleaseNotFound:
        return Status(422, {"error": f"date_of_service: no ICD-10-CM release covers {dos}"})
    result = engine.suggest(
        payload.text,
        setting=payload.setting,
        encounter=payload.encounter,
        patient_age=payload.patient_age,
        new_patient=payload.new_patient,
        sex=payload.sex,
        date_of_service=dos,
        assertion=payload.assertion,
        fee_schedule=list(fees),
    )
    return Status(200, result.to_dict())
