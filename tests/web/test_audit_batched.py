"""``audit.batched()``: the events of a block written together at its end, in the same
transaction: none lost, none for a change a savepoint undid, none when the block fails."""

from __future__ import annotations

import pytest
from django.db import transaction

from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.models import AuditEvent, AuditEventPatient

pytestmark = pytest.mark.django_db


def _events(patient: Patient) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="frontdesk.Patient", object_id=str(patient.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_events_of_a_block_are_written_at_its_end(world):
    patient = world.a.patient
    before = AuditEvent.objects.count()
    with transaction.atomic(), audit.batched():
        patient.first_name = "Matías"
        patient.save()
        patient.phone = "6085550100"
        patient.save()
        assert AuditEvent.objects.count() == before  # not yet
    assert _events(patient)[-2:] == ["update", "update"]
    last = AuditEvent.objects.filter(object_id=str(patient.pk)).order_by("-id").first()
    assert last.changes == {"phone": {"before": "", "after": "6085550100"}}
    assert AuditEventPatient.objects.filter(event=last, patient_id=patient.pk).exists()


def test_a_rolled_back_savepoint_takes_its_events_with_it(world):
    patient = world.a.patient
    count = len(_events(patient))
    with transaction.atomic(), audit.batched():
        try:
            with transaction.atomic():
                patient.first_name = "Undone"
                patient.save()
                raise RuntimeError("the step fails")
        except RuntimeError:
            pass
        fresh = Patient.objects.get(pk=patient.pk)
        fresh.phone = "6085550101"
        fresh.save()
    events = AuditEvent.objects.filter(object_id=str(patient.pk)).order_by("id")
    assert len(_events(patient)) == count + 1
    assert events.last().changes == {"phone": {"before": "", "after": "6085550101"}}


def test_a_failing_block_writes_nothing(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit.batched():
        world.a.patient.first_name = "Never"
        world.a.patient.save()
        raise RuntimeError("undo it all")
    assert AuditEvent.objects.count() == before


def test_many_events_keep_their_order_values_and_patients(world):
    """The events of a block, each with its own patients (none, one, several), written
    together: every field as given, ids in the order they were written, every patient
    linked to its own event only."""
    a, b = world.a.patient, world.b.patient
    practice_id = a.practice_id
    with transaction.atomic(), audit.batched():
        written = [
            audit._write(
                practice_id=practice_id,
                object_type="test.Thing",
                object_id=str(n),
                object_repr=f'thing {n} ‘quoted’ "and" {{braces}}',
                action="update",
                changes={"n": {"before": None, "after": n}},
                detail={"amount": "12.30", "list": [1, "two"], "none": None},
                patients=patients,
                source="test",
            )
            for n, patients in enumerate([[], [a.pk], [a.pk, b.pk], [], [b.pk]])
        ]
    ids = [event.pk for event in written]
    assert all(ids) and ids == sorted(ids)
    rows = {e.pk: e for e in AuditEvent.objects.filter(pk__in=ids)}
    for n, event in enumerate(written):
        row = rows[event.pk]
        assert row.object_id == str(n) and row.object_type == "test.Thing"
        assert row.object_repr == f'thing {n} ‘quoted’ "and" {{braces}}'
        assert row.changes == {"n": {"before": None, "after": n}}
        assert row.detail == {"amount": "12.30", "list": [1, "two"], "none": None}
        assert row.source == "test" and row.practice_id == practice_id
    linked = {
        (link.event_id, link.patient_id)
        for link in AuditEventPatient.objects.filter(event_id__in=ids)
    }
    assert linked == {
        (ids[1], a.pk),
        (ids[2], a.pk),
        (ids[2], b.pk),
        (ids[4], b.pk),
    }


def test_a_batched_event_is_stored_as_it_was_made(world):
    """Every column of an event written at the block's end, as the event had it: the time
    to the microsecond, text with quotes and accents, nested details, every patient."""
    patients = [world.a.patient, world.b.patient]
    with transaction.atomic(), audit.batched():
        (made,) = audit.record_list(patients[:1], source='cli "nightly"', search="Muñoz, 'O")
        other = audit.record_list(patients, source="cli")
    stored = AuditEvent.objects.get(pk=made.pk)
    assert made.at.microsecond and stored.at == made.at
    assert (stored.source, stored.detail) == (
        'cli "nightly"',
        {"count": 1, "ids": [patients[0].pk], "search": "Muñoz, 'O"},
    )
    assert (stored.object_type, stored.object_repr, stored.practice_id) == (
        "frontdesk.Patient",
        made.object_repr,
        world.a.practice.pk,
    )
    linked = AuditEventPatient.objects.filter(event__in=[e.pk for e in [made, *other]])
    assert sorted(linked.values_list("event_id", "patient_id")) == sorted(
        [(made.pk, patients[0].pk)] + [(e.pk, pid) for e in other for pid in e.detail["ids"]]
    )
