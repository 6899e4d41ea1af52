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
