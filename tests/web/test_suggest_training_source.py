"""The practice's coded visits as training notes (``medbill suggest train --from-db``)."""

from __future__ import annotations

import pytest
from coding_support import new_visit

from medbill.core.codesets import icd10cm
from medbill.core.codesets.build import ensure_icd10cm
from medbill.web.coding.models import Diagnosis
from medbill.web.coding.training import coded_notes

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
