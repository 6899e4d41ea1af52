"""The practice's coded visits as training notes (``medbill suggest train --from-db``)."""

from __future__ import annotations

import pytest
from coding_support import NOTE, new_visit, with_suggestions

from medbill.core.codesets import icd10cm
from medbill.core.codesets.build import ensure_icd10cm
from medbill.web.coding.models import Diagnosis
from medbill.web.coding.training import coded_notes
from medbill.web.coding.work_models import CodeChoice
from medbill.web.frontdesk.models import ClinicalNote

pytestmark = pytest.mark.django_db


def test_it_works(world):
    ensure_icd10cm()
    release = icd10cm()
    coded = new_visit(world.a, day=5, note="Strep throat. Fever.", status="coded")
    for position, code in enumerate(("J020", "R509"), 1):
        Diagnosis.objects.create(practice=coded.practice, visit=coded, code=code, position=position)
    waiting = new_visit(world.a, day=6, note="Cough.", status="checked_out")
    Diagnosis.objects.create(practice=waiting.practice, visit=waiting, code="R059", position=1)
    other = new_visit(world.b, day=7, note="Headache.", status="billed")
    Diagnosis.objects.create(practice=other.practice, visit=other, code="R51", position=1)

    notes = {n.id: n for n in coded_notes(release)}
    assert f"visit-{coded.pk}" in notes
    assert f"visit-{waiting.pk}" not in notes  # not coded yet
    assert notes[f"visit-{coded.pk}"].codes == frozenset({"J020", "R509"})
    assert notes[f"visit-{coded.pk}"].text == "Strep throat. Fever."
    # a retired header code is normalised to its billable descendant
    assert notes[f"visit-{other.pk}"].codes == frozenset({"R519"})

    only_a = {n.id for n in coded_notes(release, world.a.practice.pk)}
    assert f"visit-{other.pk}" not in only_a


def _choose(visit, code: str, origin: str) -> None:
    CodeChoice.objects.create(
        practice=visit.practice, visit=visit, kind="diagnosis", code=code, origin=origin
    )


def test_the_evidence_of_kept_suggestions_teaches_sentences_and_words(world):
    ensure_icd10cm()
    release = icd10cm()
    visit = new_visit(world.a, day=8, note=NOTE, status="coded")
    for position, code in enumerate(("J020", "E119"), 1):
        Diagnosis.objects.create(practice=visit.practice, visit=visit, code=code, position=position)
    with_suggestions(visit)
    _choose(visit, "J020", "suggested")
    _choose(visit, "E119", "manual")

    (note,) = [n for n in coded_notes(release) if n.id == f"visit-{visit.pk}"]
    start = NOTE.index("Acute streptococcal pharyngitis")
    # only the kept suggestion with evidence counts; the hand-added code has none
    assert note.regions == ((start, start + 31, "J020"),)
    assert note.terms == ((("acute", "pharyngitis", "streptococcal"), "J020"),)


def test_evidence_of_an_edited_note_or_a_rejected_code_is_not_used(world):
    ensure_icd10cm()
    release = icd10cm()
    changed = new_visit(world.a, day=9, note=NOTE, status="coded")
    Diagnosis.objects.create(practice=changed.practice, visit=changed, code="J020", position=1)
    with_suggestions(changed)
    _choose(changed, "J020", "suggested")
    ClinicalNote.objects.filter(visit=changed).update(text="Addendum. " + NOTE)

    changed_code = new_visit(world.a, day=10, note=NOTE, status="coded")
    Diagnosis.objects.create(
        practice=changed_code.practice, visit=changed_code, code="J029", position=1
    )
    with_suggestions(changed_code)
    _choose(changed_code, "J029", "changed")

    notes = {n.id: n for n in coded_notes(release)}
    for visit in (changed, changed_code):
        assert notes[f"visit-{visit.pk}"].regions == ()
        assert notes[f"visit-{visit.pk}"].terms == ()
    assert notes[f"visit-{changed.pk}"].codes == frozenset({"J020"})
