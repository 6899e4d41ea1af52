"""Rows the coding tests share: a visit with a note waiting for coding, and stored suggestions."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from medbill.web.coding.models import CodingPolicy, CodingWork
from medbill.web.frontdesk.models import ClinicalNote, Visit

NOTE = (
    "Subjective: sore throat for three days, no cough.\n"
    "Assessment: Acute streptococcal pharyngitis. Type 2 diabetes mellitus without "
    "complications.\nPlan: rapid strep test positive; amoxicillin."
)

_AT = NOTE.index("Acute streptococcal pharyngitis")

SUGGESTIONS = {
    "diagnoses": [
        {
            "code": "J02.0",
            "description": "Streptococcal pharyngitis",
            "score": 0.9,
            "evidence": [
                {"start": _AT, "end": _AT + 31, "text": "Acute streptococcal pharyngitis"}
            ],
            "status": "suggested",
            "reasons": [],
        },
        {
            "code": "E11.9",
            "description": "Type 2 diabetes mellitus without complications",
            "score": 0.9,
            "evidence": [],
            "status": "suggested",
            "reasons": [],
        },
        {
            "code": "J02.9",
            "description": "Acute pharyngitis, unspecified",
            "score": 0.4,
            "evidence": [],
            "status": "review",
            "reasons": [],
        },
    ],
    "procedures": [
        {
            "code": "87880",
            "description": "Rapid strep test",
            "score": 0.9,
            "evidence": [],
            "status": "suggested",
            "reasons": [],
        },
    ],
    "em": {"code": "99213", "basis": "mdm", "reason": "low MDM", "modifiers": []},
    "notes": [],
}


def new_visit(site: Any, day: int = 4, note: str = NOTE, status: str = "checked_out") -> Visit:
    """A visit of ``site`` on 2026-03-``day`` with a signed note, waiting for coding."""
    visit = Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=timezone.make_aware(datetime.datetime(2026, 3, day, 9, 0)),
        status=status,
        reason="Sore throat",
    )
    ClinicalNote.objects.create(
        practice=site.practice, visit=visit, author=site.provider, text=note
    )
    return visit


def with_suggestions(visit: Visit, suggestions: dict | None = None) -> CodingWork:
    """Store what the engine suggested, as the coding screen would have."""
    import hashlib

    from medbill.web.coding.workspace import note_text

    digest = hashlib.sha256(note_text(visit).encode()).hexdigest()
    work, _ = CodingWork.objects.get_or_create(visit=visit, defaults={"practice": visit.practice})
    work.suggestions = suggestions or SUGGESTIONS
    work.note_digest = digest
    work.save()
    return work


def no_review(site: Any) -> None:
    """Sample nothing and treat every coder as experienced."""
    CodingPolicy.objects.update_or_create(
        practice=site.practice, defaults={"review_percent": 0, "new_coder_visits": 0}
    )


SIMPLE_CODES = (
    [{"code": "J02.0"}],
    [{"code": "99213", "dx_pointers": [1]}, {"code": "87880", "dx_pointers": [1]}],
)
