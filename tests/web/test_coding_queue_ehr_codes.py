"""Visits whose codes came from the EHR carry a badge in the coding queue and on the
coder's workspace; visits coded here do not."""

from __future__ import annotations

import re

import pytest
from test_hl7_intake import dft, ehr_patients

from medbill.web.frontdesk.models import Visit
from medbill.web.interfaces.services import receive

pytestmark = pytest.mark.django_db

BADGE = b"Codes from the EHR"


def test_it_marks_ehr_coded_visits_only(world, client_for):
    practice = world.a.practice
    assert receive(practice, dft("DFT-Q1"), source="file").code == "AA"
    ehr_visit = Visit.objects.get(patient__in=ehr_patients(practice))
    ours = world.a.visit
    ours.status = Visit.Status.CHECKED_OUT
    ours.save(update_fields=["status"])

    client = client_for(world.users["coder"])
    queue = client.get("/coding/queue/")
    assert queue.status_code == 200
    rows = {}
    for row in queue.content.decode().split("<tr>")[2:]:
        rows[int(re.search(r"<td>(\d+)</td>", row).group(1))] = row.encode()
    assert BADGE in rows[ehr_visit.pk]
    assert BADGE not in rows[ours.pk]

    page = client.get(f"/coding/visits/{ehr_visit.pk}/")
    assert b"Codes from the EHR</strong> \xe2\x80\x94 confirm against the note" in page.content
    assert BADGE not in client.get(f"/coding/visits/{ours.pk}/").content
