"""The interface queue page: held messages with their reason, viewable, editable and
replayable by billers and managers of the practice only, every look audited."""

from __future__ import annotations

import pytest

from medbill.web.interfaces.models import InboundMessage
from medbill.web.interfaces.services import receive
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db

HELD = (
    "MSH|^~\\&|EHR|CLINIC|MEDBILL|CVFP|20260303113000||ADT^A04|Q-1|P|2.5.1\r"
    "PID|1||E3003^^^EHR^MR||Quist^Ida||1968021|F\r"
)


def test_biller_sees_fixes_and_replays_a_held_message(world, client_for):
    receive(world.a.practice, HELD, source="mllp")
    row = InboundMessage.objects.get(control_id="Q-1")
    client = client_for(world.users["biller"])
    page = client.get("/interfaces/")
    assert page.status_code == 200
    assert b"PID-7 birth date &#x27;1968021&#x27; is not a date" in page.content
    detail = client.get(f"/interfaces/{row.pk}/")
    assert b"Quist^Ida" in detail.content
    assert AuditEvent.objects.filter(object_id=str(row.pk), action="view").exists()
    assert AuditEvent.objects.filter(action="list", user=world.users["biller"]).exists()

    fixed = HELD.replace("1968021", "19680221").replace("\r", "\n")
    done = client.post(f"/interfaces/{row.pk}/replay/", {"raw": fixed}, follow=True)
    assert b"replayed and applied" in done.content
    row.refresh_from_db()
    assert row.status == "replayed" and row.patient.date_of_birth.day == 21


def test_replay_keeps_the_control_id(world, client_for):
    receive(world.a.practice, HELD, source="mllp")
    row = InboundMessage.objects.get(control_id="Q-1")
    client = client_for(world.users["manager"])
    answer = client.post(
        f"/interfaces/{row.pk}/replay/", {"raw": HELD.replace("Q-1", "Q-2")}, follow=True
    )
    assert b"MSH-10 must stay Q-1" in answer.content
    row.refresh_from_db()
    assert row.status == "held"


def test_other_roles_and_practices_get_nothing(world, client_for):
    receive(world.a.practice, HELD, source="mllp")
    row = InboundMessage.objects.get(control_id="Q-1")
    assert client_for(world.users["front_desk"]).get("/interfaces/").status_code == 403
    assert client_for(world.users["coder"]).get(f"/interfaces/{row.pk}/").status_code == 403
    outsider = client_for(world.outsider)  # a manager, of practice B
    assert outsider.get(f"/interfaces/{row.pk}/").status_code == 404
    assert b"Q-1" not in outsider.get("/interfaces/").content


def test_the_practice_setting_sends_ehr_coded_visits_to_billing(world, client_for):
    client = client_for(world.users["manager"])
    client.post("/interfaces/settings/", {"ehr_codes_to_billing": "on"})
    page = client.get("/interfaces/")
    assert b'name="ehr_codes_to_billing" checked' in page.content
