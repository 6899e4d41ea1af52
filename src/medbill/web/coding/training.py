"""The practice's own coded visits as training notes for the suggestion engine."""

from __future__ import annotations

from medbill.core.suggest import CodedNote, normalise_code

__all__ = ["coded_notes"]

CODED_STATUSES = ("coded", "billed")


def coded_notes(release, practice_id: int | None = None) -> list[CodedNote]:
    """Every coded or billed visit with a note and ICD-10-CM diagnoses, as ``CodedNote``.

    The visit's notes are joined in the order they were written; its diagnosis codes are
    normalised to billable codes of ``release``.
    """
    from medbill.web.frontdesk.models import Visit

    visits = Visit.objects.filter(status__in=CODED_STATUSES)
    if practice_id is not None:
        visits = visits.filter(practice_id=practice_id)
    visits = visits.prefetch_related("notes", "diagnoses").order_by("id")
    out: list[CodedNote] = []
    for visit in visits:
        text = "\n\n".join(n.text for n in visit.notes.all() if n.text.strip())
        codes = set()
        for dx in visit.diagnoses.all():
            if dx.code_system == "ICD10CM":
                code = normalise_code(release, dx.code)
                if code:
                    codes.add(code)
        if text and codes:
            out.append(CodedNote(f"visit-{visit.pk}", text, frozenset(codes)))
    return out
