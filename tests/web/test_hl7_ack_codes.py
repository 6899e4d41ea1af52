"""The ACK of a message taken for a practice: each problem the practice finds (payer,
provider, a possible duplicate, a visit or appointment it never had, a visit of another
patient or already billed, a control id of another message) answered with its HL7 table
0357 code in ERR-3, read back by hl7apy; and those that need the practice's rows found
in the first answer, before anything is written."""

from __future__ import annotations

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message
from test_hl7_intake import IN1, NPI, PID, adt, dft, ehr_patients, msg, seg

from medbill.web.frontdesk.models import ClinicalNote, Patient, Visit
from medbill.web.interfaces import wire
from medbill.web.interfaces.models import InboundMessage
from medbill.web.interfaces.services import ack_for, receive

pytestmark = pytest.mark.django_db


def errs(outcome, practice) -> list[tuple[str, str, str]]:
    """(ERR-2, ERR-3's code, ERR-4) of each ERR of the outcome's ACK, as hl7apy reads it."""
    return _errs(ack_for(outcome, practice, "ACK-1"))


def _errs(text: str) -> list[tuple[str, str, str]]:
    parsed = parse_message(text, validation_level=VALIDATION_LEVEL.STRICT)
    assert parsed.validate()
    return [
        (e.err_2.to_er7(), e.err_3.err_3_1.to_er7(), e.err_4.to_er7())
        for e in parsed.children.get("ERR")
    ]


def test_what_the_practice_lacks_or_may_have_has_its_code(world):
    practice = world.a.practice
    ortega = PID.replace("Lindqvist^Anna^M", "Ortega^Mateo").replace("19800214", "20190630")
    nobody = "1999999992^Nobody^Ned^^^^^^^^^^NPI"
    acme = IN1.replace("LCI220", "ACME1").replace("Lakeland Commercial Insurance", "Acme Mutual")
    text = msg(
        "DFT^P03",
        "DFT-K",
        seg("PV1", f1="1", f2="O", f3="Main office", f7=nobody, f19="V7001"),
        seg("FT1", f1="1", f4="20260303", f6="CG", f10="1", f20=nobody, f25="99213^^C4"),
        "DG1|1||J02.0^Pharyngitis^I10",
        acme,
        pid=ortega,
    )
    outcome = receive(practice, text, source="file")
    assert outcome.code == "AE"
    assert errs(outcome, practice) == [
        ("PID^1^5", "205", "E"),  # may be a patient already registered
        ("IN1^1^3", "103", "E"),  # no such payer
        ("FT1^1^20", "103", "E"),  # no such provider
    ]
    row = InboundMessage.objects.get(control_id="DFT-K")
    assert [p["code"] for p in row.problems] == ["205", "103", "103"]


def test_a_note_or_a_cancel_of_what_the_ehr_never_sent_is_an_unknown_key(world):
    practice = world.a.practice
    note = msg(
        "MDM^T02",
        "N-K",
        seg("PV1", f1="1", f19="V-NEVER"),
        "OBX|1|TX|||Sore throat.",
    )
    assert errs(receive(practice, note, source="file"), practice) == [
        ("PID^1^3", "204", "E"),  # the patient never came from the EHR
        ("PV1^1^19", "204", "E"),  # nor the visit
    ]
    sch = seg("SCH", f1="P-1", f2="A-NEVER", f11="^^^20260310090000")
    cancel = msg("SIU^S15", "S-K", sch, "PV1|1|O")
    assert receive(practice, adt("ADT-K"), source="file").code == "AA"
    assert errs(receive(practice, cancel, source="file"), practice) == [("SCH^1^2", "204", "E")]


def test_another_message_under_a_control_id_is_a_duplicate_key(world):
    practice = world.a.practice
    assert receive(practice, adt("ADT-D"), source="file").code == "AA"
    other = adt("ADT-D", pid=PID.replace("12 Oak St", "9 Elm St"))
    outcome = receive(practice, other, source="file")
    assert outcome.code == "AR"
    assert errs(outcome, practice) == [("MSH^1^10", "205", "E")]


def test_an_accepted_message_warns_of_a_snomed_diagnosis(world):
    practice = world.a.practice
    outcome = receive(practice, dft("DFT-W", dx="38341003^Hypertension^SCT"), source="file")
    assert outcome.code == "AA"
    assert errs(outcome, practice) == [("DG1^1^3", "103", "W"), ("FT1^1^19", "103", "W")]


def test_the_listener_answers_an_unknown_facility_and_its_own_failure(world, monkeypatch):
    text = adt("ADT-F").replace("|MEDBILL|CVFP|", "|MEDBILL|NOPE|")
    answer = wire.answer_frame(text.encode(), None).decode()
    assert _errs(answer) == [("MSH^1^6", "103", "E")]

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(wire, "receive", broken)
    answer = wire.answer_frame(adt("ADT-G").encode(), world.a.practice).decode()
    assert answer.split("\r")[1].startswith("MSA|AR|ADT-G|")
    assert _errs(answer) == [("", "207", "E")]


def test_charges_for_a_billed_visit_are_held_in_the_first_answer(world):
    """A visit already billed takes no charges from the EHR: the message is held for it
    with its other problems (an unknown payer) at once, nothing written."""
    practice = world.a.practice
    assert receive(practice, dft("DFT-1"), source="file").code == "AA"
    visit = Visit.objects.get(patient__in=ehr_patients(practice))
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.BILLED)
    acme = IN1.replace("LCI220", "ACME1").replace("Lakeland Commercial Insurance", "Acme Mutual")
    again = dft("DFT-2").replace("DG1|1||", f"{acme}\rDG1|1||")
    outcome = receive(practice, again, source="file")
    assert outcome.code == "AE"
    assert [(p.location, p.fault.code) for p in outcome.problems] == [
        ("IN1 #1 IN1-3", "103"),
        ("PV1-19", "206"),
    ]
    assert "the visit is billed; charges for it go through the biller" in outcome.problems[1].text
    assert errs(outcome, practice)[1] == ("PV1^1^19", "206", "E")


def test_another_patients_visit_number_is_held_in_the_first_answer(world):
    """Charges or a note under another patient's visit number are held with the other
    problems of the message, before anything is written."""
    practice = world.a.practice
    assert receive(practice, dft("DFT-1"), source="file").code == "AA"
    hill = PID.replace("E1001", "E2002").replace("Lindqvist^Anna^M", "Hill^Bo")
    hill = hill.replace("19800214", "19700101").replace("12 Oak St", "3 Pine Rd")
    assert receive(practice, adt("ADT-H", pid=hill), source="file").code == "AA"
    bad_date = msg(
        "DFT^P03",
        "DFT-H",
        seg("PV1", f1="1", f2="O", f3="Main office", f7=NPI, f19="V5001"),
        seg("FT1", f1="1", f4="20991231", f6="CG", f10="1", f20=NPI, f25="99213^^C4"),
        pid=hill,
    )
    outcome = receive(practice, bad_date, source="file")
    assert outcome.code == "AE"
    assert [(p.location, p.fault.code) for p in outcome.problems] == [
        ("FT1 #1 FT1-4", "102"),
        ("PV1-19", "205"),
    ]
    assert outcome.problems[1].text == "PV1-19 visit V5001 belongs to another patient"
    note = msg(
        "MDM^T02",
        "N-H",
        seg("PV1", f1="1", f19="V5001"),
        "OBX|1|TX|||Not hers.",
        pid=hill,
    )
    held = receive(practice, note, source="file")
    assert [(p.location, p.fault.code) for p in held.problems] == [("PV1-19", "205")]
    assert not ClinicalNote.objects.exists()
    hills = Patient.objects.filter(practice=practice, last_name="Hill").get()
    assert not Visit.objects.filter(patient=hills).exists()


def test_an_appointment_under_way_cannot_move_and_says_so_first(world):
    """Moving an appointment already checked in is held in the same answer as the
    message's own problems (here a state that is no US state)."""
    practice = world.a.practice
    aip = seg("AIP", f1="1", f3=NPI)
    ail = seg("AIL", f1="1", f3="Main office")

    def siu(event: str, control: str, start: str, pid: str = PID) -> str:
        sch = seg("SCH", f1="P-1", f2="A-77", f9="20", f10="min", f11=f"^^^{start}")
        return msg(f"SIU^{event}", control, sch, "PV1|1|O", aip, ail, pid=pid)

    assert receive(practice, siu("S12", "S-1", "20260310090000"), source="file").code == "AA"
    visit = Visit.objects.get(patient__in=ehr_patients(practice))
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.CHECKED_IN)
    abroad = PID.replace("^WI^", "^ZZ^")
    outcome = receive(practice, siu("S14", "S-2", "20260311100000", abroad), source="file")
    assert [(p.location, p.fault.code) for p in outcome.problems] == [
        ("PID-11", "103"),
        ("SCH-11", "206"),
    ]
    assert "appointment A-77 is checked in; it can no longer move" in outcome.problems[1].text
    visit.refresh_from_db()
    assert visit.scheduled_at.day == 10
