"""``/api/codes/``: code search (type-ahead) and ICD-10-CM look-up with validity by date.

Search covers ICD-10-CM, HCPCS Level II, modifiers, places of service and the CPT codes of the
practice's fee schedule (``?practice=<id>``, or the user's only practice).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from medbill.core.codesets import ReleaseNotFound, hcpcs, icd10cm, validity
from medbill.core.codesets.search import SYSTEMS, search
from medbill.web.api._status import Status
from medbill.web.api.common import acting_user
from medbill.web.api.schemas import ErrorOut
from medbill.web.coding.codesets import practice_search_index
from medbill.web.practice.tenancy import practice_ids_for

router = Router(tags=["codes"])

MAX_LIMIT = 50


class CodeHitOut(Schema):
    code: str
    system: str
    description: str
    billable: bool
    score: float
    matched: list[str]
    trail: str = ""  # the Alphabetic Index route to an ICD-10-CM code, when the Index found it


class SearchQuery(Schema):
    q: str
    system: list[str] = []
    date: dt.date | None = None
    limit: int = 10
    practice: int | None = None


class NoteOut(Schema):
    text: str
    source: str


class IcdCodeOut(Schema):
    code: str
    dotted: str
    description: str
    billable: bool
    kind: str
    parent: str | None
    release: str
    status: str
    successors: list[str]
    note: str
    inclusion_terms: list[str]
    includes: list[NoteOut]
    excludes1: list[NoteOut]
    excludes2: list[NoteOut]
    code_first: list[NoteOut]
    use_additional: list[NoteOut]
    code_also: list[NoteOut]
    seventh_characters: dict[str, str]
    is_manifestation: bool


def _practice(request: HttpRequest, wanted: int | None) -> int | None:
    """The practice whose fee schedule joins the search, if the user may see it."""
    ids = [row["practice_id"] for row in practice_ids_for(acting_user(request))]
    if wanted is not None:
        return wanted if wanted in ids else None
    return ids[0] if len(ids) == 1 else None


@router.get("/search", response={200: list[CodeHitOut], 422: ErrorOut}, url_name="search_codes")
def search_codes(request: HttpRequest, params: Query[SearchQuery]):
    """Codes for a query: words in any order, abbreviations, or a code prefix (dot optional).

    ``system`` (repeatable) limits the systems; ``date`` keeps codes valid on that date of
    service. Each hit lists the query terms it ``matched``.
    """
    unknown = [s for s in params.system if s not in SYSTEMS]
    if unknown:
        return Status(422, {"error": f"system: unknown code system {unknown[0]!r}"})
    practice = _practice(request, params.practice)
    extra = practice_search_index(practice) if practice is not None else None
    limit = max(1, min(params.limit, MAX_LIMIT))
    hits = search(
        params.q[:200], systems=params.system or None, dos=params.date, limit=limit, extra=extra
    )
    return Status(200, [h.to_json() for h in hits])


def _notes(notes) -> list[dict]:
    return [{"text": str(n), "source": n.source} for n in notes]


@router.get("/icd10cm/{code}", response={200: IcdCodeOut, 404: ErrorOut})
def get_icd10cm(request: HttpRequest, code: str, date: dt.date | None = None):
    """One ICD-10-CM code with its notes (inherited as the tabular defines) and its validity on
    ``date`` (default: the newest release)."""
    try:
        release = icd10cm(date)
    except ReleaseNotFound as exc:
        return Status(404, {"error": str(exc)})
    found = release.get(code)
    judged = validity(code, date) if date else None
    if found is None:
        if judged is not None and judged.status in ("deleted", "not_yet_valid"):
            message = f"{code}: {judged.status.replace('_', ' ')} on {date}"
            if judged.successors:
                message += f"; use {', '.join(judged.successors)}"
            return Status(404, {"error": message})
        return Status(404, {"error": f"{code} is not in ICD-10-CM {release.name}"})
    status = judged.status if judged else ("valid" if found.billable else "not_billable")
    successors = list(judged.successors) if judged else []
    if not judged and not found.billable and found.kind in ("category", "code"):
        successors = release.billable_descendants(found.code)
    return Status(
        200,
        {
            "code": found.code,
            "dotted": found.dotted,
            "description": found.description,
            "billable": found.billable,
            "kind": found.kind,
            "parent": found.parent,
            "release": found.release,
            "status": status,
            "successors": successors,
            "note": judged.note if judged else "",
            "inclusion_terms": list(found.inclusion_terms),
            "includes": _notes(found.includes),
            "excludes1": _notes(found.excludes1),
            "excludes2": _notes(found.excludes2),
            "code_first": _notes(found.code_first),
            "use_additional": _notes(found.use_additional),
            "code_also": _notes(found.code_also),
            "seventh_characters": found.seventh_characters,
            "is_manifestation": found.is_manifestation,
        },
    )


class HcpcsCodeOut(Schema):
    code: str
    kind: str
    long_description: str
    short_description: str
    add_date: dt.date | None
    action_date: dt.date | None
    termination_date: dt.date | None
    action_code: str
    coverage: str
    betos: str
    valid: bool | None


@router.get("/hcpcs/{code}", response={200: HcpcsCodeOut, 404: ErrorOut})
def get_hcpcs(request: HttpRequest, code: str, date: dt.date | None = None):
    """One HCPCS Level II code or modifier from the imported CMS file; ``valid`` says whether it
    is in force on ``date`` (null without a date)."""
    found = hcpcs().get(code)
    if found is None:
        return Status(404, {"error": f"{code} is not in the imported HCPCS file"})
    body = {name: getattr(found, name) for name in HcpcsCodeOut.model_fields if name != "valid"}
    body["valid"] = found.valid_on(date) if date else None
    return Status(200, body)
