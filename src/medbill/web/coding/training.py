"""The practice's own coded visits as training notes for the suggestion engine."""

from __future__ import annotations

import hashlib

from medbill.core.suggest import CodedNote, normalise_code

__all__ = ["coded_notes"]

CODED_STATUSES = ("coded", "billed")


def coded_notes(release, practice_id: int | None = None) -> list[CodedNote]:
    """Every coded or billed visit with a note and ICD-10-CM diagnoses, as ``CodedNote``.

    The visit's notes are joined in the order they were written; its diagnosis codes are
    normalised to billable codes of ``release``. Where the coder kept a suggested code, the
    evidence the suggestion showed (offsets into the same text, when the note has not changed
    since) teaches which sentence and which words support the code.
    """
    from medbill.core.suggest._lexicon import words
    from medbill.web.coding.workspace import note_text
    from medbill.web.frontdesk.models import Visit

    visits = Visit.objects.filter(status__in=CODED_STATUSES)
    if practice_id is not None:
        visits = visits.filter(practice_id=practice_id)
    visits = visits.prefetch_related("notes", "diagnoses", "code_choices").select_related(
        "coding_work"
    )
    out: list[CodedNote] = []
    for visit in visits.order_by("id"):
        text = note_text(visit)
        codes = set()
        for dx in visit.diagnoses.all():
            if dx.code_system == "ICD10CM":
                code = normalise_code(release, dx.code)
                if code:
                    codes.add(code)
        if not (text and codes):
            continue
        regions, terms = _accepted_evidence(visit, text, codes, release, words)
        out.append(CodedNote(f"visit-{visit.pk}", text, frozenset(codes), regions, terms))
    return out


def _accepted_evidence(visit, text: str, codes: set[str], release, words):
    """Evidence spans and words of the suggestions the coder kept as suggested."""
    work = getattr(visit, "coding_work", None)
    if work is None or not work.suggestions:
        return (), ()
    if work.note_digest != hashlib.sha256(text.encode()).hexdigest():
        return (), ()  # the note changed after the suggestions were made
    kept = {
        c.code.replace(".", "")
        for c in visit.code_choices.all()
        if c.kind == "diagnosis" and c.origin == "suggested"
    }
    regions, terms = [], []
    for dx in work.suggestions.get("diagnoses", []):
        code = normalise_code(release, str(dx.get("code", "")))
        if not code or code not in codes or code.replace(".", "") not in kept:
            continue
        for ev in dx.get("evidence", []):
            start, end = ev.get("start"), ev.get("end")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
                continue
            if end > len(text) or text[start:end] != ev.get("text"):
                continue
            regions.append((start, end, code))
            ws = words(text[start:end])
            if ws:
                terms.append((tuple(sorted(set(ws))), code))
    return tuple(dict.fromkeys(regions)), tuple(dict.fromkeys(terms))
