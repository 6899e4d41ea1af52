"""``/api/suggest``: code suggestions for a note sent in the request (nothing is stored).

For integrations that hold the note elsewhere; the coder's workspace uses
``/api/coding/visits/{id}/suggestions``, which keeps what was suggested with the visit.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from medbill.web.api.common import practice_or_404, require_role
from medbill.web.api.schemas import ErrorOut
from medbill.web.practice.models import FeeScheduleEntry

router = Router(tags=["suggest"])

MAX_NOTE = 100_000


class SuggestIn(Schema):
    practice_id: int
    text: str = Field(..., min_length=1, max_length=MAX_NOTE)
    setting: Literal["outpatient", "inpatient"] = "outpatient"
    encounter: Literal["initial", "subsequent", "sequela"] | None = None
    patient_age: int | None = Field(None, ge=0, le=130)
    new_patient: bool | None = None


@router.post("", response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut})
def suggest_codes(request: HttpRequest, payload: SuggestIn):
    """Suggested diagnoses (in reporting order, with evidence offsets), services mapped to the
    practice's fee schedule and the E/M level (role: may change codes in ``practice_id``)."""
    from medbill.core.suggest import SuggestEngine

    practice = practice_or_404(request, payload.practice_id)
    require_role(request, practice, "change_codes")
    fees = FeeScheduleEntry.objects.filter(practice_id=payload.practice_id).values_list(
        "code", "description"
    )
    result = SuggestEngine.shared().suggest(
        payload.text,
        setting=payload.setting,
        encounter=payload.encounter,
        patient_age=payload.patient_age,
        new_patient=payload.new_patient,
        fee_schedule=list(fees),
    )
    return result.to_dict()
