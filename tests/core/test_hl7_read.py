"""HL7 v2 reading and mapping: the public samples, our own messages, broken input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from medbill.core import hl7
from medbill.core.hl7.mllp import Decoder, frame
from shared_data import shared_path


def intake(text: str) -> hl7.Intake:
    return hl7.map_message(hl7.parse(hl7.split_messages(text)[0]))


# Each public sample: what it becomes, or the words it is refused with.
SAMPLES = {
    "adt/fhirconverter__ADT-A04-01.hl7": "registration",
    "adt/fhirconverter__ADT-A08-01.hl7": "registration",
    "adt/fhirconverter__ADT01-23.hl7": "GT1-5 guarantor address state 'FOWL'",
    "adt/fhirconverter__ADT04-28.hl7": "registration",
    "adt/mirth__05.hl7": "registration",
    "adt/mirth__06.hl7": "registration",
    "adt/v2tofhir__A04-REDOX-A28-1-v2.3.txt": "registration",
    "adt/v2tofhir__A04-Register-Patient-v2.1.txt": "registration",
    "adt/v2tofhir__A08-Update-Patient-v2.3.txt": "registration",
    "dft/fhirconverter__DFT-P03-01.hl7": "charges",
    "dft/fhirconverter__DFT-P03-02.hl7": "charges",
    "dft/fhirconverter__DFT-P11-01.hl7": "charges",
    "dft/v2tofhir__P03-Charge-v2.3.txt": "DG1 #2 DG1-3 diagnosis '487.1' is coded in ICD-9-CM",
    "siu/fhirconverter__SIU-S12-01.hl7": "appointment",
    "siu/mirth__01.hl7": "appointment",
    "siu/v2tofhir__S12-New-Appointment-v2.3.txt": "appointment",
    "siu/v2tofhir__S12-sample-s12-v2.3.txt": "appointment",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_public_sample_maps_or_is_refused_in_words(name):
    data = (shared_path("hl7v2") / name).read_bytes()
    expected = SAMPLES[name]
    try:
        found = intake(data).kind  # type: ignore[arg-type]
    except hl7.HL7MappingError as exc:
        found = str(exc)
    assert found.startswith(expected)


def test_the_public_dft_keeps_modifiers_units_amounts_and_snomed_problems():
    data = (shared_path("hl7v2") / "dft/fhirconverter__DFT-P03-01.hl7").read_bytes()
    got = intake(data)  # type: ignore[arg-type]
    first, second = got.charges
    assert (first.code, first.modifiers, first.units, first.charge) == (
        "71045",
        ("26",),
        Decimal("2"),
        Decimal("100.00"),
    )
    assert first.service_date == datetime.date(2019, 11, 22)
    assert first.provider is not None and first.provider.is_npi
    assert (second.code, second.charge) == ("99011", Decimal("120.00"))  # FT1-25 over FT1-7
    assert got.diagnoses == ()
    assert got.problems == ("Chest pain", "Nasal congestion")
    assert got.coverages[0].relationship == "spouse"


def segment(name: str, **fields: str) -> str:
    """A segment with the given fields (``f3="x"``) and the rest empty."""
    values = [""] * max(int(k[1:]) for k in fields)
    for key, value in fields.items():
        values[int(key[1:]) - 1] = value
    return "|".join([name, *values])


OWN_DFT = (
    "\n".join(
        [
            "MSH|^~\\&|EHR|CLINIC|MEDBILL|CVFP|20260303113000||DFT^P03|DFT-1|P|2.5.1",
            "PID|1||E1001^^^EHR^MR||Lindqvist^Anna^M||19800214|F|||12 Oak St^^Madison^WI^53703",
            segment(
                "PV1",
                f1="1",
                f2="O",
                f3="Main office",
                f7="1283746505^Whitaker^Joan^^^^^^^^^^NPI",
                f19="V5001",
            ),
            segment(
                "FT1",
                f1="1",
                f4="20260303",
                f6="CG",
                f10="2",
                f19="J02.0^Pharyngitis^I10~R50.9^Fever^I10",
                f20="1283746505^Whitaker^Joan^^^^^^^^^^NPI",
                f25="99213^Office visit^C4",
                f26="25~GT",
            ),
            segment(
                "FT1",
                f1="2",
                f4="20260303",
                f6="CG",
                f10="1",
                f11="32.00&USD",
                f25="87880^Strep^C4",
            ),
            "DG1|1||J02.0^Streptococcal pharyngitis^I10",
        ]
    )
    + "\n"
)


def test_own_dft_with_icd10_modifiers_and_units():
    got = intake(OWN_DFT)
    assert [d.code for d in got.diagnoses] == ["J020", "R509"]
    first, second = got.charges
    assert first.modifiers == ("25", "GT") and first.units == Decimal(2)
    assert first.charge is None  # the fee schedule prices it
    assert first.diagnoses == ("J020", "R509")
    assert second.charge == Decimal("32.00")
    assert got.visit is not None and got.visit.visit_number == "V5001"


def test_lf_crlf_cr_and_a_bom_read_alike():
    cr = OWN_DFT.replace("\n", "\r")
    for text in (OWN_DFT, OWN_DFT.replace("\n", "\r\n"), cr, "\ufeff" + cr):
        assert intake(text) == intake(cr)
    assert len(hl7.split_messages((OWN_DFT * 3).encode())) == 3


def test_a_wrong_birth_date_names_the_field():
    text = OWN_DFT.replace("19800214", "1990133")
    with pytest.raises(hl7.HL7MappingError, match=r"^PID-7 birth date '1990133' is not a date"):
        intake(text)


def test_icd9_is_refused_in_words():
    text = OWN_DFT.replace("J02.0^Streptococcal pharyngitis^I10", "034.0^Strep sore throat^I9")
    with pytest.raises(hl7.HL7MappingError, match="ICD-9-CM .*send the ICD-10-CM code"):
        intake(text)


def test_garbage_is_not_a_message():
    for data in (b"\x00\xff garbage", b"", b"MSH", b"MSH|^~\\&|A\rPID|1"):
        with pytest.raises(hl7.HL7ParseError):
            hl7.parse(hl7.split_messages(data)[0])


def test_a_message_type_we_do_not_take_is_a_reject():
    text = OWN_DFT.replace("DFT^P03", "ORM^O01")
    with pytest.raises(hl7.HL7MappingError) as caught:
        intake(text)
    assert caught.value.reject and caught.value.location == "MSH-9"


def test_ack_carries_msa_and_err():
    message = hl7.parse(hl7.split_messages(OWN_DFT)[0])
    now = datetime.datetime(2026, 3, 3, 12, 0)
    problem = hl7.Problem("PID-7", "PID-7 bad|date", hl7.Fault.DATA_TYPE)
    text = hl7.ack("AE", control_id="A1", now=now, message=message, problems=[problem])
    msh, msa, err = text.strip("\r").split("\r")
    assert msh.split("|")[8] == "ACK^P03^ACK" and msh.split("|")[9] == "A1"
    assert msa == "MSA|AE|DFT-1|PID-7 bad\\F\\date"
    assert err.split("|")[2] == "PID^1^7" and err.endswith("PID-7 bad\\F\\date")
    assert "ERR" not in hl7.ack("AA", control_id="A2", now=now, message=message)


def test_mllp_frames_survive_any_chunking():
    stream = frame(b"one") + b"\n" + frame(b"two") + frame(b"three")
    for size in (1, 2, 5, len(stream)):
        decoder, got = Decoder(), []
        for i in range(0, len(stream), size):
            got += decoder.feed(stream[i : i + size])
        assert got == [b"one", b"two", b"three"]
