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
    # The refused text stays in the box as the biller typed it, to be corrected.
    assert answer.status_code == 422
    box = answer.content.decode().split('name="raw"', 1)[1].split("</textarea>", 1)[0]
    assert "|Q-2|" in box and "|Q-1|" not in box


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


THREE_PROBLEMS = (
    "MSH|^~\\&|EHR|CLINIC|MEDBILL|CVFP|20260303113000||ADT^A04|Q-3|P|2.5.1\r"
    "PID|1||E3005^^^EHR^MR||Quist^Ida||1968021|F\r"
    "IN1|1||ACME1|Acme Mutual\r"
    "IN1|2||LCI220|Lakeland Commercial Insurance\r"
)


def test_the_queue_lists_every_problem_of_a_held_message(world, client_for):
    outcome = receive(world.a.practice, THREE_PROBLEMS, source="mllp")
    assert outcome.code == "AE"
    row = InboundMessage.objects.get(control_id="Q-3")
    texts = [p["text"] for p in row.problems]
    assert texts == [
        "PID-7 birth date '1968021' is not a date",
        "IN1 #1 IN1-36 policy number (member id) is missing",
        "IN1 #2 IN1-36 policy number (member id) is missing",
    ]
    # The ACK carries one ERR segment per problem, naming segment, repetition and field.
    from medbill.web.interfaces.services import ack_for

    errs = [s for s in ack_for(outcome, world.a.practice, "A1").split("\r") if s[:3] == "ERR"]
    assert [e.split("|")[2] for e in errs] == ["PID^1^7", "IN1^1^36", "IN1^2^36"]
    client = client_for(world.users["biller"])
    page = client.get("/interfaces/").content.decode()
    for text in texts:
        assert text.replace("'", "&#x27;") in page
    detail = client.get(f"/interfaces/{row.pk}/").content.decode()
    assert '<ol class="problems">' in detail
    # The pages say what one answer holds: the message's problems and the practice's
    # together, except for a part that could not be read at all (the IN1s here), under
    # the problems themselves.
    assert "every problem found, listed together" in page
    reason = detail[detail.index('<dd class="reason">') :]
    reason = reason[: reason.index("</dd>")]
    assert "A part that could not be read at all is matched" in reason


def test_a_biller_discards_a_junk_message_which_stays_in_the_log(world, client_for):
    receive(world.a.practice, HELD, source="mllp")
    row = InboundMessage.objects.get(control_id="Q-1")
    biller = world.users["biller"]
    client = client_for(biller)
    refused = client.post(f"/interfaces/{row.pk}/discard/", {"reason": "  "}, follow=True)
    assert b"say why the message is discarded" in refused.content
    done = client.post(
        f"/interfaces/{row.pk}/discard/",
        {"reason": "test message from the EHR vendor"},
        follow=True,
    )
    assert b"discarded; it stays in the log" in done.content
    row.refresh_from_db()
    assert (row.status, row.discarded_by, row.discard_reason) == (
        "discarded",
        biller,
        "test message from the EHR vendor",
    )
    assert row.discarded_at is not None and row.raw == HELD
    event = AuditEvent.objects.get(object_id=str(row.pk), action="update", user=biller)
    assert event.changes["status"] == {"before": "held", "after": "discarded"}
    page = client.get("/interfaces/").content.decode()
    assert "test message from the EHR vendor" in page and "No message is held." in page
    # A discarded message is neither replayed nor discarded again; the same message sent
    # again is answered as received, not held anew.
    again = client.post(f"/interfaces/{row.pk}/replay/", {"raw": HELD}, follow=True)
    assert b"only a held message can be replayed" in again.content
    twice = client.post(f"/interfaces/{row.pk}/discard/", {"reason": "again"}, follow=True)
    assert b"only a held message can be discarded" in twice.content
    assert receive(world.a.practice, HELD, source="mllp").duplicate
    row.refresh_from_db()
    assert row.status == "discarded"


def test_only_who_may_manage_interfaces_discards(world, client_for):
    receive(world.a.practice, HELD, source="mllp")
    row = InboundMessage.objects.get(control_id="Q-1")
    coder = client_for(world.users["coder"])
    assert coder.post(f"/interfaces/{row.pk}/discard/", {"reason": "x"}).status_code == 403
    outsider = client_for(world.outsider)
    assert outsider.post(f"/interfaces/{row.pk}/discard/", {"reason": "x"}).status_code == 404
    row.refresh_from_db()
    assert row.status == "held"


def test_a_held_fhir_bundle_is_fixed_and_replayed_from_the_queue(world, client_for):
    import json

    from test_fhir_import import bundle

    from medbill.web.frontdesk.models import Patient
    from medbill.web.interfaces.fhir_in import import_bundle

    doc = bundle()
    doc["entry"][3]["resource"]["payor"] = [{"display": "Acme Mutual"}]
    assert import_bundle(world.a.practice, json.dumps(doc).encode()).status == "held"
    row = InboundMessage.objects.get(message_type="FHIR^Bundle")
    client = client_for(world.users["biller"])
    page = client.get(f"/interfaces/{row.pk}/").content.decode()
    assert "Bundle.identifier must stay urn:ehr|B-transaction-J02.0" in page
    assert "Coverage/cov-1.payor: payer" in page
    renamed = json.loads(json.dumps(doc))
    renamed["identifier"]["value"] = "other"
    refused = client.post(
        f"/interfaces/{row.pk}/replay/", {"raw": json.dumps(renamed)}, follow=True
    )
    assert b"Bundle.identifier must stay" in refused.content
    fixed = json.loads(json.dumps(doc))
    fixed["entry"][3]["resource"]["payor"] = [{"display": "Lakeland Commercial Insurance"}]
    done = client.post(f"/interfaces/{row.pk}/replay/", {"raw": json.dumps(fixed)}, follow=True)
    assert b"replayed and applied" in done.content
    row.refresh_from_db()
    assert row.status == "replayed" and row.problems == []
    assert Patient.objects.filter(practice=world.a.practice, last_name="Falkner").count() == 1


BOTH_KINDS = (
    "MSH|^~\\&|EHR|CLINIC|MEDBILL|CVFP|20260303113000||DFT^P03|Q-5|P|2.5.1\r"
    "PID|1||E3007^^^EHR^MR||Quist^Ida||19680221|F\r"
    "PV1|1|O|Main office||||1283746505^Whitaker^Joan^^^^^^^^^^NPI||||||||||||V-Q5\r"
    "FT1|1|||20991231||CG||||1|||||||||||||||99213^^C4\r"
    "IN1|1||ACME1|Acme Mutual||||||||||||||||||||||||||||||||AM-1\r"
)


def test_a_mapping_problem_and_an_unknown_payer_show_on_the_page_at_once(world, client_for):
    receive(world.a.practice, BOTH_KINDS, source="mllp")
    row = InboundMessage.objects.get(control_id="Q-5")
    client = client_for(world.users["biller"])
    page = client.get("/interfaces/").content.decode()
    assert "FT1 #1 FT1-4 (transaction date): 12/31/2099 is after today" in page
    assert "IN1 #1 IN1-3 payer &#x27;Acme Mutual&#x27; (id &#x27;ACME1&#x27;) matches none" in page
    # The date fixed on the page: still held, for the payer alone, named as before.
    fixed = BOTH_KINDS.replace("20991231", "20260303")
    answer = client.post(f"/interfaces/{row.pk}/replay/", {"raw": fixed}, follow=True)
    assert "Still held: IN1 #1 IN1-3 payer" in answer.content.decode()
    row.refresh_from_db()
    assert [p["location"] for p in row.problems] == ["IN1 #1 IN1-3"]


def _two_patients_bundle() -> dict:
    """A bundle of Greta Falkner (with her visit) and Mateo Ortega, each of whom the
    practice may have registered already."""
    from test_fhir_import import bundle

    doc = bundle()
    doc["identifier"]["value"] = "B-two-patients"
    doc["entry"].append(
        {
            "fullUrl": "urn:uuid:p-2",
            "resource": {
                "resourceType": "Patient",
                "id": "p-2",
                "name": [{"use": "official", "family": "Ortega", "given": ["Mateo"]}],
                "gender": "male",
                "birthDate": "2019-06-30",
            },
        }
    )
    return doc


def test_a_held_bundle_links_or_registers_each_of_its_patients_from_the_queue(world, client_for):
    """Each Patient of a held bundle gets its own choice on the page: Greta is linked to
    the account she already has, Mateo (whom the duplicate check mistakes for the
    practice's Mateo Ortega) is registered new; one replay applies the bundle, once."""
    import datetime
    import json

    from medbill.web.frontdesk.models import Patient, Visit
    from medbill.web.interfaces.fhir_in import import_bundle
    from medbill.web.interfaces.models import EhrLink

    practice = world.a.practice
    greta = Patient.objects.create(
        practice=practice,
        account_number="CVFP-0777",
        last_name="Falkner",
        first_name="Greta",
        date_of_birth=datetime.date(1984, 7, 2),
        sex="F",
    )
    data = json.dumps(_two_patients_bundle()).encode()
    held = import_bundle(practice, data)
    assert held.status == "held"
    assert [p.location for p in held.problems] == ["Patient/p-1.name", "Patient/p-2.name"]
    assert "may be patient CVFP-0777 already registered" in held.problems[0].text
    assert "may be patient CVFP-0001 already registered" in held.problems[1].text
    row = InboundMessage.objects.get(control_id="fhir:urn:ehr|B-two-patients")

    biller = world.users["biller"]
    client = client_for(biller)
    page = client.get(f"/interfaces/{row.pk}/").content.decode()
    for ehr_id, who in (("Patient/p-1", "Falkner, Greta"), ("Patient/p-2", "Ortega, Mateo")):
        assert f'name="link_account:{ehr_id}"' in page and f'name="new_patient:{ehr_id}"' in page
        assert f"{ehr_id}: {who}" in page

    # Both choices for one patient are refused, the bundle kept as the biller had it.
    both = {"raw": row.raw, "link_account:Patient/p-1": "CVFP-0777"}
    both["new_patient:Patient/p-1"] = "on"
    refused = client.post(f"/interfaces/{row.pk}/replay/", both, follow=True)
    assert refused.status_code == 422
    assert "link to an account or register a new patient for Patient/p-1, not both" in (
        refused.content.decode()
    )
    # An account that is not the practice's keeps it held, saying so.
    wrong = {"raw": row.raw, "link_account:Patient/p-1": world.b.patient.account_number}
    wrong["new_patient:Patient/p-2"] = "on"
    still = client.post(f"/interfaces/{row.pk}/replay/", wrong, follow=True).content.decode()
    assert f"no patient with account number {world.b.patient.account_number}" in still
    row.refresh_from_db()
    assert row.status == "held"
    assert not EhrLink.objects.filter(practice=practice, kind="patient").exists()

    chosen = {"raw": row.raw, "link_account:Patient/p-1": "CVFP-0777"}
    chosen["new_patient:Patient/p-2"] = "on"
    done = client.post(f"/interfaces/{row.pk}/replay/", chosen, follow=True)
    assert b"replayed and applied" in done.content
    row.refresh_from_db()
    assert row.status == "replayed"
    links = {
        link.ehr_id: link.patient
        for link in EhrLink.objects.filter(practice=practice, kind="patient")
    }
    assert links["Patient/p-1"] == greta
    assert links["Patient/p-2"] not in (greta, world.a.patient)
    assert Patient.objects.filter(practice=practice, last_name="Falkner").count() == 1
    assert Patient.objects.filter(practice=practice, last_name="Ortega").count() == 2
    assert Visit.objects.filter(patient=greta).count() == 1
    # The biller's decision is on the trail: the links made, as the biller.
    made = AuditEvent.objects.filter(
        object_type="interfaces.EhrLink", action="create", user=biller, source="fhir"
    )
    assert made.count() >= 2

    # Once: neither the page nor the EHR applies it again.
    again = client.post(f"/interfaces/{row.pk}/replay/", chosen, follow=True)
    assert b"only a held message can be replayed" in again.content
    assert import_bundle(practice, data).status == "duplicate"
    assert Patient.objects.filter(practice=practice, last_name="Ortega").count() == 2
    assert Visit.objects.filter(patient=greta).count() == 1
