"""HL7 v2 messages applied to a practice: registration, appointments, charges, notes,
held messages and their replay, idempotency by MSH-10 and by the EHR's visit number."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.frontdesk.models import ClinicalNote, Coverage, Patient, Visit
from medbill.web.interfaces.models import EhrLink, InboundMessage, InterfaceSettings
from medbill.web.interfaces.services import ack_for, receive, replay
from medbill.web.practice.models import AuditEvent, Payer

pytestmark = pytest.mark.django_db

MSH = "MSH|^~\\&|EHR|CLINIC|MEDBILL|CVFP|20260303113000||{type}|{control}|P|2.5.1"
PID = (
    "PID|1||E1001^^^EHR^MR||Lindqvist^Anna^M||19800214|F|||12 Oak St^^Madison^WI^53703"
    "||(608)555-0101"
)
NPI = "1283746505^Whitaker^Joan^^^^^^^^^^NPI"


def seg(name: str, **fields: str) -> str:
    values = [""] * max(int(k[1:]) for k in fields)
    for key, value in fields.items():
        values[int(key[1:]) - 1] = value
    return "|".join([name, *values])


def msg(kind: str, control: str, *segments: str, pid: str = PID) -> str:
    return "\r".join([MSH.format(type=kind, control=control), pid, *segments]) + "\r"


IN1 = seg(
    "IN1",
    f1="1",
    f3="LCI220",
    f4="Lakeland Commercial Insurance",
    f8="G-77",
    f16="Lindqvist^Erik",
    f17="SPO",
    f18="19790101",
    f36="LCI-123",
)
GT1 = seg("GT1", f1="1", f3="Lindqvist^Erik", f5="12 Oak St^^Madison^WI^53703", f11="SPO")


def adt(control: str, event: str = "A04", *extra: str, pid: str = PID) -> str:
    return msg(f"ADT^{event}", control, "PV1|1|O", GT1, IN1, *extra, pid=pid)


def dft(control: str, visit_number: str = "V5001", dx: str = "J02.0^Pharyngitis^I10") -> str:
    return msg(
        "DFT^P03",
        control,
        seg("PV1", f1="1", f2="O", f3="Main office", f7=NPI, f19=visit_number),
        seg(
            "FT1",
            f1="1",
            f4="20260303",
            f6="CG",
            f10="1",
            f19=dx,
            f20=NPI,
            f25="99213^Office visit^C4",
            f26="25",
        ),
        seg("FT1", f1="2", f4="20260303", f6="CG", f10="2", f11="36.00&USD", f25="36415^^C4"),
        f"DG1|1||{dx}",
    )


def ehr_patients(practice):
    return Patient.objects.filter(practice=practice, last_name="Lindqvist")


def test_a04_registers_patient_guarantor_and_coverage_and_a08_updates(world):
    practice = world.a.practice
    outcome = receive(practice, adt("ADT-1"), source="file")
    assert outcome.code == "AA", outcome.error
    patient = ehr_patients(practice).get()
    assert (patient.first_name, patient.zip, patient.phone) == ("Anna", "53703", "(608)555-0101")
    assert patient.account_number.startswith("CVFP-")
    assert patient.guarantor.last_name == "Lindqvist" and patient.guarantor.relationship == "spouse"
    coverage = Coverage.objects.get(patient=patient)
    assert (coverage.payer, coverage.member_id, coverage.order) == (
        world.a.payer,
        "LCI-123",
        "primary",
    )
    assert coverage.relationship_to_subscriber == "spouse"
    assert coverage.subscriber_first_name == "Erik"

    moved = PID.replace("12 Oak St", "40 Elm St")
    assert receive(practice, adt("ADT-2", "A08", pid=moved), source="file").code == "AA"
    assert ehr_patients(practice).count() == 1
    assert ehr_patients(practice).get().line1 == "40 Elm St"
    assert Coverage.objects.filter(patient=patient).count() == 1


def test_the_same_message_twice_is_taken_once(world):
    practice = world.a.practice
    first = receive(practice, adt("ADT-1"), source="file")
    again = receive(practice, adt("ADT-1"), source="file")
    assert (first.code, again.code, again.duplicate) == ("AA", "AA", True)
    assert ehr_patients(practice).count() == 1
    assert InboundMessage.objects.filter(practice=practice).count() == 1


def test_another_practice_is_untouched(world):
    receive(world.a.practice, adt("ADT-1"), source="file")
    assert not ehr_patients(world.b.practice).exists()


def test_dft_makes_a_visit_for_the_coder_marked_codes_from_the_ehr(world):
    practice = world.a.practice
    outcome = receive(practice, dft("DFT-1"), source="file")
    assert outcome.code == "AA", outcome.error
    visit = Visit.objects.get(patient__in=ehr_patients(practice))
    assert visit.status == Visit.Status.CHECKED_OUT  # in the coding queue
    assert visit.provider == world.a.provider
    assert "Codes from the EHR" in visit.desk_note
    assert [d.code for d in Diagnosis.objects.filter(visit=visit)] == ["J020"]
    lines = list(ServiceLine.objects.filter(visit=visit))
    assert [(s.code, s.modifiers, s.units, s.charge) for s in lines] == [
        ("99213", ["25"], 1, 130),  # priced from the fee schedule
        ("36415", [], 2, 36),
    ]
    assert EhrLink.objects.get(visit=visit, kind="visit").codes_from_ehr

    # The same visit number again (a corrected charge message): the same visit.
    again = receive(practice, dft("DFT-2", dx="J02.9^Pharyngitis^I10"), source="file")
    assert again.code == "AA"
    assert Visit.objects.filter(patient__in=ehr_patients(practice)).count() == 1
    assert [d.code for d in Diagnosis.objects.filter(visit=visit)] == ["J029"]


def test_a_practice_may_send_ehr_coded_visits_straight_to_billing(world):
    practice = world.a.practice
    InterfaceSettings.objects.create(practice=practice, ehr_codes_to_billing=True)
    assert receive(practice, dft("DFT-1"), source="file").code == "AA"
    assert Visit.objects.get(patient__in=ehr_patients(practice)).status == Visit.Status.CODED


def test_icd9_charges_are_held_with_the_reason(world):
    practice = world.a.practice
    outcome = receive(practice, dft("DFT-9", dx="034.0^Strep^I9"), source="file")
    assert outcome.code == "AE"
    assert "ICD-9-CM" in outcome.error
    row = InboundMessage.objects.get(control_id="DFT-9")
    assert row.status == "held" and "ICD-9-CM" in row.error
    assert not ehr_patients(practice).exists()  # nothing of it was applied


def test_a_wrong_date_is_held_naming_the_field(world):
    text = adt("ADT-7").replace("19800214", "1990133")
    outcome = receive(world.a.practice, text, source="file")
    assert outcome.code == "AE"
    assert outcome.error.startswith("PID-7 birth date '1990133' is not a date")


def test_garbage_and_unknown_types_are_rejected_and_not_logged(world):
    assert receive(world.a.practice, "\x00garbage", source="file").code == "AR"
    other = adt("X-1").replace("ADT^A04", "ORM^O01")
    assert receive(world.a.practice, other, source="file").code == "AR"
    assert not InboundMessage.objects.exists()


def test_unknown_payer_is_held_then_replayed_once_the_payer_exists(world):
    practice = world.a.practice
    text = adt("ADT-3").replace("LCI220", "ZZ999").replace("Lakeland Commercial", "Prairie")
    outcome = receive(practice, text, source="file")
    assert outcome.code == "AE" and "IN1 #1 IN1-3 payer 'Prairie" in outcome.error
    # The biller working the queue cannot open Practice setup: the advice says who can.
    assert "have a practice manager add it under Practice setup" in outcome.error
    assert not ehr_patients(practice).exists()
    Payer.objects.create(
        organization=practice.organization,
        name="Prairie Insurance",
        payer_id="ZZ999",
        claim_filing_indicator="CI",
    )
    row = InboundMessage.objects.get(control_id="ADT-3")
    replayed = replay(world.users["biller"], row, row.raw)
    assert replayed.code == "AA", replayed.error
    row.refresh_from_db()
    assert row.status == "replayed" and row.patient is not None
    assert Coverage.objects.get(patient=row.patient).payer.payer_id == "ZZ999"


def test_a_likely_duplicate_is_held_and_can_be_linked(world):
    practice = world.a.practice
    ortega = PID.replace("Lindqvist^Anna^M", "Ortega^Mateo").replace("19800214", "20190630")
    outcome = receive(practice, adt("ADT-4", pid=ortega), source="file")
    assert outcome.code == "AE" and "may be patient CVFP-0001" in outcome.error
    row = InboundMessage.objects.get(control_id="ADT-4")
    from medbill.web.interfaces.services import ReplayChoices

    done = replay(world.users["biller"], row, row.raw, ReplayChoices(link_account="CVFP-0001"))
    assert done.code == "AA", done.error
    assert Patient.objects.filter(practice=practice, last_name="Ortega").count() == 1
    assert EhrLink.objects.get(kind="patient", ehr_id="E1001").patient == world.a.patient
    # What the replay changed is on the trail as the biller's, from the interface.
    changed = AuditEvent.objects.filter(
        object_type="frontdesk.Patient", object_id=str(world.a.patient.pk), action="update"
    ).latest("id")
    assert (changed.username, changed.source) == ("biller", "hl7")
    assert "line1" in changed.changes or "last_name" in changed.changes


def test_siu_books_moves_and_cancels_an_appointment(world):
    practice = world.a.practice
    aip = seg("AIP", f1="1", f3=NPI)
    ail = seg("AIL", f1="1", f3="Main office")

    def siu(event: str, control: str, start: str) -> str:
        sch = seg(
            "SCH", f1="P-1", f2="A-77", f7="^Follow-up", f9="20", f10="min", f11=f"^^^{start}"
        )
        return msg(f"SIU^{event}", control, sch, "PV1|1|O", aip, ail).replace(
            f"{PID}\r{sch}", f"{sch}\r{PID}"
        )

    assert receive(practice, siu("S12", "S-1", "20260310090000"), source="file").code == "AA"
    visit = Visit.objects.get(patient__in=ehr_patients(practice))
    assert (visit.duration_minutes, visit.reason, visit.status) == (20, "Follow-up", "scheduled")
    assert receive(practice, siu("S14", "S-2", "20260311100000"), source="file").code == "AA"
    visit.refresh_from_db()
    assert visit.scheduled_at.day == 11
    assert receive(practice, siu("S15", "S-3", "20260311100000"), source="file").code == "AA"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert Visit.objects.filter(patient__in=ehr_patients(practice)).count() == 1


def test_mdm_note_goes_to_the_visit_of_its_number(world):
    practice = world.a.practice
    note = msg(
        "MDM^T02",
        "N-1",
        seg("PV1", f1="1", f19="V5001"),
        seg("TXA", f1="1", f2="PN", f5=NPI, f12="DOC-9"),
        "OBX|1|TX|||Sore throat for two days.~Rapid strep positive.",
    )
    held = receive(practice, note, source="file")
    assert held.code == "AE" and "came from the EHR yet" in held.error
    assert receive(practice, dft("DFT-1"), source="file").code == "AA"
    row = InboundMessage.objects.get(control_id="N-1")
    assert replay(world.users["biller"], row, row.raw).code == "AA"
    visit = Visit.objects.get(patient__in=ehr_patients(practice))
    text = ClinicalNote.objects.get(visit=visit).text
    assert text == "Sore throat for two days.\nRapid strep positive."


def test_replay_needs_the_role(world):
    outcome = receive(world.a.practice, dft("DFT-9", dx="034.0^Strep^I9"), source="file")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        replay(world.users["coder"], outcome.row, outcome.row.raw)


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_take_the_message_once(world):
    if connection.vendor != "postgresql":
        # The test database on SQLite is in memory, where threads get "table is locked"
        # instead of waiting; a file database serialises writers (IMMEDIATE transactions).
        pytest.skip("concurrent writers are tested on PostgreSQL (set DATABASE_URL)")
    practice = world.a.practice
    results = []

    def take():
        try:
            results.append(receive(practice, dft("DFT-1"), source="file").code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["AA", "AA"]
    assert ehr_patients(practice).count() == 1
    assert Visit.objects.filter(patient__in=ehr_patients(practice)).count() == 1
    assert InboundMessage.objects.filter(practice=practice).count() == 1
    assert AuditEvent.objects.filter(object_type="frontdesk.Patient", action="create").exists()


def test_charges_with_an_unknown_code_or_a_future_date_are_held_with_every_problem(world):
    """CPT 99999 is in none of the code sources, a HCPCS code must be in the HCPCS file, and
    a charge cannot be dated after the practice's today; the ICD-9 diagnosis of the same
    message is named in the same answer, so one replay can fix them all."""
    practice = world.a.practice
    text = (
        dft("DFT-F", dx="034.0^Strep^I9")
        .replace("99213^Office visit^C4", "99999^Made up^C4")
        .replace("FT1|2|||20260303", "FT1|2|||20991231")
        .replace("36415^^C4", "V9999^^HC")
    )
    outcome = receive(practice, text, source="file")
    assert outcome.code == "AE"
    found = " | ".join(f"{where} {words}" for where, words, _ in outcome.problems)
    assert "FT1 #1 FT1-25 (procedure code): CPT code 99999 is in none of the loaded" in found
    assert "FT1 #2 FT1-25 (procedure code): HCPCS code V9999 is not in the HCPCS file" in found
    assert "FT1 #2 FT1-4 (transaction date): 12/31/2099 is after today" in found
    assert "ICD-9-CM" in found
    row = InboundMessage.objects.get(control_id="DFT-F")
    assert row.status == "held"
    held = " | ".join(str(p.get("text", "")) for p in row.problems)
    assert "FT1-25" in held and "FT1-4" in held and "ICD-9-CM" in held
    assert not ehr_patients(practice).exists()
    assert not Visit.objects.filter(practice=practice, reason="Charges from the EHR").exists()
    ack = ack_for(outcome, practice, "ACK-1")
    fields = [line.split("|")[2] for line in ack.split("\r") if line.startswith("ERR|")]
    assert {"FT1^1^25", "FT1^2^25", "FT1^2^4"} <= set(fields), fields


def test_a_charge_before_the_birth_date_names_both_fields(world):
    text = dft("DFT-B").replace("20260303", "19700101")
    outcome = receive(world.a.practice, text, source="file")
    assert outcome.code == "AE"
    found = " | ".join(f"{where} {words}" for where, words, _ in outcome.problems)
    assert "FT1 #1 FT1-4 (transaction date): 01/01/1970 is before the patient's birth date" in found
    assert "PID-7" in found


def test_a_far_appointment_names_the_field(world):
    """The scheduler's refusal of a day names the SIU's field, not the desk form's."""
    practice = world.a.practice
    sch = seg(
        "SCH", f1="P-1", f2="A-78", f7="^Follow-up", f9="20", f10="min", f11="^^^20991231090000"
    )
    text = msg(
        "SIU^S12",
        "SIU-F",
        sch,
        "PV1|1|O",
        seg("AIP", f1="1", f3=NPI),
        seg("AIL", f1="1", f3="Main office"),
    ).replace(f"{PID}\r{sch}", f"{sch}\r{PID}")
    outcome = receive(practice, text, source="file")
    assert outcome.code == "AE"
    assert outcome.error.startswith(
        "SCH-11 (appointment start): 12/31/2099 is more than two years ahead"
    ), outcome.error


@pytest.mark.django_db(transaction=True)
def test_new_patients_registered_at_the_same_moment_get_their_own_account_numbers(world):
    """Four EHR connections register four new patients of one practice at once: each
    registration waits for the one that took the next number and takes the one after;
    every message is accepted (none fails on the unique account number)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested on PostgreSQL (set DATABASE_URL)")
    practice = world.a.practice
    before = set(Patient.objects.filter(practice=practice).values_list("account_number", flat=True))
    people = ["Okonkwo^Tomas", "Haraldsen^Ines", "Baptiste^Rahul", "Szabo^Maren"]
    texts = [
        adt(
            f"ADT-C{n}",
            pid=f"PID|1||C{n}^^^EHR^MR||{name}||19{50 + 9 * n}0{n + 1}1{n}|F|||{n} Elm St^^Madison"
            "^WI^53703",
        )
        for n, name in enumerate(people)
    ]
    barrier = threading.Barrier(len(texts))
    results: list[str] = []

    def take(text: str) -> None:
        try:
            barrier.wait()
            results.append(receive(practice, text, source="mllp").code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["AA"] * 4
    numbers = set(
        Patient.objects.filter(practice=practice).values_list("account_number", flat=True)
    )
    new = numbers - before
    assert len(new) == 4
    assert InboundMessage.objects.filter(practice=practice, status="accepted").count() == 4


def test_problems_of_the_message_and_of_the_practice_are_listed_at_once(world):
    """A charge dated after today (the message's own problem) and what the message names
    that the practice lacks (the payer, the provider) or may already have (this patient)
    are all in the first answer: fixing the date and replaying reveals nothing new."""
    from medbill.web.interfaces.services import ReplayChoices

    practice = world.a.practice
    ortega = PID.replace("Lindqvist^Anna^M", "Ortega^Mateo").replace("19800214", "20190630")
    nobody = "1999999992^Nobody^Ned^^^^^^^^^^NPI"
    acme = IN1.replace("LCI220", "ACME1").replace("Lakeland Commercial Insurance", "Acme Mutual")
    text = msg(
        "DFT^P03",
        "DFT-R",
        seg("PV1", f1="1", f2="O", f3="Main office", f7=nobody, f19="V7001"),
        seg("FT1", f1="1", f4="20991231", f6="CG", f10="1", f20=nobody, f25="99213^^C4"),
        "DG1|1||J02.0^Pharyngitis^I10",
        acme,
        pid=ortega,
    )
    outcome = receive(practice, text, source="file")
    assert outcome.code == "AE"
    where = [loc for loc, *_ in outcome.problems]
    assert where == ["FT1 #1 FT1-4", "PID-5", "IN1 #1 IN1-3", "FT1-20"], outcome.problems
    found = " | ".join(words for _, words, _ in outcome.problems)
    assert "(transaction date): 12/31/2099 is after today" in found
    assert "may be patient CVFP-0001 already registered" in found
    assert "payer 'Acme Mutual' (id 'ACME1') matches none" in found
    assert "provider 'Nobody, Ned (id 1999999992)' matches none" in found
    row = InboundMessage.objects.get(control_id="DFT-R")
    assert len(row.problems) == 4
    # The ACK names every one of them too.
    errs = [s.split("|")[2] for s in ack_for(outcome, practice, "A").split("\r") if s[:3] == "ERR"]
    assert errs == ["FT1^1^4", "PID^1^5", "IN1^1^3", "FT1^1^20"]

    # The date fixed: the replay shows the same problems of the practice, and no other.
    biller = world.users["biller"]
    dated = text.replace("20991231", "20260303")
    again = replay(biller, row, dated)
    assert again.code == "AE"
    assert list(again.problems) == list(outcome.problems[1:])

    # Once the practice has the payer and the provider and the biller links the account,
    # one replay applies it.
    Payer.objects.create(
        organization=practice.organization,
        name="Acme Mutual",
        payer_id="ACME1",
        claim_filing_indicator="CI",
    )
    linked = ReplayChoices(link_account="CVFP-0001")
    still = replay(biller, row, dated, linked)
    assert [loc for loc, *_ in still.problems] == ["FT1-20"]
    fixed = dated.replace(nobody, NPI)
    done = replay(biller, row, fixed, linked)
    assert done.code == "AA", done.problems
    row.refresh_from_db()
    assert row.status == "replayed" and row.patient == world.a.patient


def test_a_patient_that_cannot_be_read_is_not_matched_but_its_payer_is(world):
    """What could not be read is left out of the matching (no duplicate check on a
    patient without a birth date); what could be read is still matched."""
    practice = world.a.practice
    undated = PID.replace("19800214", "1980")
    text = adt("ADT-U", pid=undated).replace("LCI220", "ACME1")
    text = text.replace("Lakeland Commercial Insurance", "Acme Mutual")
    outcome = receive(practice, text, source="file")
    assert [loc for loc, *_ in outcome.problems] == ["PID-7", "IN1 #1 IN1-3"], outcome.problems


def test_a_charge_code_is_known_from_the_code_sets_or_else_the_fee_schedule(
    world, django_assert_num_queries
):
    """A code the CMS tables list is accepted without reading the practice's fee
    schedule; one they do not list is accepted when the fee schedule prices it."""
    import datetime

    from medbill.web.billing.scrubbing import procedure_check
    from medbill.web.practice.models import FeeSchedule, FeeScheduleEntry

    practice = world.a.practice
    day = datetime.date(2026, 3, 3)
    check = procedure_check(practice.pk)
    with django_assert_num_queries(0):
        assert check("99213", day) is None
    assert "99999 is in none of the loaded" in (check("99999", day) or "")
    schedule = FeeSchedule.objects.create(
        practice=practice, name="House codes", effective_from=datetime.date(2020, 1, 1)
    )
    FeeScheduleEntry.objects.create(
        practice=practice,
        fee_schedule=schedule,
        code="99999",
        description="House code",
        price="10.00",
        effective_from=datetime.date(2020, 1, 1),
    )
    assert procedure_check(practice.pk)("99999", day) is None


def test_a_birth_date_ahead_and_an_unknown_state_are_held_naming_their_fields(world):
    practice = world.a.practice
    text = adt(
        "ADT-BORN",
        pid="PID|1||E7001^^^EHR^MR||Quist^Ida||20991231|F|||1 Elm St^^Madison^ZZ^53703",
    )
    outcome = receive(practice, text, source="mllp")
    assert outcome.code == "AE"
    found = " | ".join(f"{where} {words}" for where, words, _ in outcome.problems)
    assert "state 'ZZ' is not a US state, territory or APO/FPO code" in found
    fixed = text.replace("^ZZ^", "^WI^")
    outcome = receive(practice, fixed.replace("ADT-BORN", "ADT-BORN2"), source="mllp")
    assert outcome.code == "AE"
    assert outcome.problems[0][0] == "PID-7"
    assert "birth date 12/31/2099 is in the future" in outcome.problems[0][1]
    assert not Patient.objects.filter(last_name="Quist").exists()


def test_a_wrong_state_and_a_wrong_zip_of_one_address_are_listed_together(world):
    text = adt(
        "ADT-ADDR",
        pid="PID|1||E7002^^^EHR^MR||Quist^Ida||19700101|F|||1 Elm St^^Madison^ZZ^1703",
    )
    outcome = receive(world.a.practice, text, source="mllp")
    assert outcome.code == "AE"
    found = [(where, words) for where, words, _ in outcome.problems]
    assert [w for w, _ in found].count("PID-11") == 2, found
    assert any("state 'ZZ'" in words for _, words in found)
    assert any("ZIP '1703' is not 5 or 9 digits" in words for _, words in found)
