"""Superbill and blank encounter form: every required item is printed, read back with pypdf."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from medbill.core.claim import Claim, PersonName, Provider, loads
from medbill.core.forms import (
    CommonDiagnosis,
    EncounterForm,
    FeeScheduleItem,
    Practice,
    Superbill,
    SuperbillError,
    render_encounter_form,
    render_superbill,
    section_for,
)
from medbill.core.forms.readback import page_count, plain_text
from medbill.core.money import Money

# A stand-in for the code-set lookup: the application passes medbill.core.codesets.
DESCRIPTIONS = {
    "E1165": "Type 2 diabetes mellitus with hyperglycemia",
    "I10": "Essential (primary) hypertension",
    "E785": "Hyperlipidemia, unspecified",
    "J020": "Streptococcal pharyngitis",
    "J449": "Chronic obstructive pulmonary disease, unspecified",
    "Z23": "Encounter for immunization",
}
OWN_WORDS = {
    "99214": "Established patient office visit, moderate complexity",
    "83036": "Hemoglobin A1c, waived test",
    "36415": "Blood draw from a vein",
}


def lines_of(pdf: bytes) -> list[str]:
    return [line.strip() for line in plain_text(pdf).splitlines() if line.strip()]


def assert_in_order(lines: list[str], expected: list[str]) -> None:
    """``expected`` appears in ``lines`` one after the other (one table row, cell by cell).

    Cells come back one per line; a cell that wraps comes back as two lines, so the
    comparison is made on the text with its line breaks turned into spaces.
    """
    assert " ".join(expected) in " ".join(lines), f"{expected} not found in order"


def example(shared_examples: Path, name: str) -> Claim:
    return loads((shared_examples / f"{name}.json").read_text())[0]


def test_superbill_prints_every_item(shared_examples):
    claim = example(shared_examples, "office_visit")
    claim = dataclasses.replace(
        claim,
        referring_provider=Provider(
            name=PersonName(last="Nakamura", first="Ken"), npi="1386742509", credential="DO"
        ),
        prior_authorization="PA-2026-0042",
    )
    bill = Superbill.from_claim(
        claim,
        copay_collected=Money("25.00"),
        patient_phone="608-555-0142",
        service_descriptions=OWN_WORDS,
        visit_id="V-1001",
        follow_up="3 months",
    )
    pdf = render_superbill(bill, DESCRIPTIONS.get)
    text = plain_text(pdf)
    lines = lines_of(pdf)
    practice = [
        "Cedar Valley Family Practice",
        "2400 University Ave",
        "Suite 110",
        "Madison, WI 53705-1212",
        "NPI 1746502933",
        "TIN 39-1847265",
        "Taxonomy 207Q00000X",
    ]
    patient = [
        "Erik Halvorsen",
        "08/19/1971 · Male",
        "18 Spring Harbor Dr, Madison, WI",
        "53705-2233",
        "(608) 555-0142",
        "CVFP-000101",
    ]
    insurance = [
        "Badger State Health Plan · ID BSHP01",
        "BSH88120455 · GRP-4410",
        "Erik Halvorsen · born 08/19/1971",
        "Self",
    ]
    visit = [
        "03/02/2026",
        "11 Office",
        "Joan Whitaker, MD (NPI 1283746505)",
        "Ken Nakamura, DO (NPI 1386742509)",
        "PA-2026-0042",
    ]
    for value in practice + patient + insurance + visit:
        assert value in text, value
    assert_in_order(
        lines,
        ["1", "03/02/2026", "99214", OWN_WORDS["99214"], "A, B, C", "1", "$185.00", "$185.00"],
    )
    assert_in_order(
        lines, ["2", "03/02/2026", "83036", "QW", OWN_WORDS["83036"], "A", "1", "$38.00", "$38.00"]
    )
    assert_in_order(
        lines, ["3", "03/02/2026", "36415", OWN_WORDS["36415"], "C", "1", "$15.00", "$15.00"]
    )
    # Diagnoses in claim order, each with its pointer letter and description.
    assert_in_order(
        lines,
        [
            "A",
            "E11.65",
            DESCRIPTIONS["E1165"],
            "B",
            "I10",
            DESCRIPTIONS["I10"],
            "C",
            "E78.5",
            DESCRIPTIONS["E785"],
        ],
    )
    assert_in_order(
        lines, ["Total charges", "$238.00", "Copay collected", "-$25.00", "Balance", "$213.00"]
    )
    assert "Provider signature — Joan Whitaker, MD (NPI 1283746505)" in text
    assert "Follow-up: 3 months" in text
    assert bill.balance == Money("213.00")


def test_superbill_for_a_dependent_names_subscriber_and_other_coverage(shared_examples):
    claim = example(shared_examples, "dependent_with_secondary")
    pdf = render_superbill(Superbill.from_claim(claim), DESCRIPTIONS.get)
    text = plain_text(pdf)
    for value in (
        "Mateo Ortega",
        "06/30/2019 · Male",
        "Lucia Ortega · born 02/11/1988",
        "Child",
        "UHW5512093301 · 7741023",
        "Secondary: Wisconsin Medicaid",
        "WI00918273",
        "J02.0",
        "Streptococcal pharyngitis",
        "$162.00",
    ):
        assert value in text, value
    assert_in_order(lines_of(pdf), ["Balance", "$162.00"])


def test_superbill_with_modifiers_and_units(shared_examples):
    claim = example(shared_examples, "medicare_replacement")
    line = dataclasses.replace(claim.lines[1], units=claim.lines[1].units * 2)
    claim = dataclasses.replace(claim, lines=(claim.lines[0], line, claim.lines[2]))
    pdf = render_superbill(Superbill.from_claim(claim, copay_collected=Money(0)))
    lines = lines_of(pdf)
    assert_in_order(lines, ["1", "02/10/2026", "99213", "25"])
    assert_in_order(lines, ["2", "02/10/2026", "90662", "B", "2", "$41.00", "$82.00"])
    # Without a lookup the codes still print, in order.
    assert_in_order(lines, ["A", "J44.9", "B", "Z23"])


def test_superbill_refuses_bad_input_by_field(shared_examples):
    claim = example(shared_examples, "office_visit")
    with pytest.raises(SuperbillError) as err:
        render_superbill(Superbill.from_claim(claim, copay_collected=Money("-1")))
    assert err.value.field == "copay_collected"
    with pytest.raises(SuperbillError) as err:
        render_superbill(Superbill.from_claim(dataclasses.replace(claim, lines=())))
    assert err.value.field == "lines"


def practice() -> Practice:
    return Practice(
        name="Cedar Valley Family Practice",
        phone="6085550100",
        npi="1746502933",
        tin="391847265",
        taxonomy="207Q00000X",
    )


def test_encounter_form_lists_the_fee_schedule_with_check_boxes():
    items = (
        FeeScheduleItem(
            "99213", "Established patient office visit, low complexity", Money("130.00")
        ),
        FeeScheduleItem("99203", "New patient office visit, low complexity", Money("145.00")),
        FeeScheduleItem("83036", "Hemoglobin A1c (three-month sugar average)", Money("28.00")),
        FeeScheduleItem("90686", "Flu shot, four-strain", Money("32.00")),
        FeeScheduleItem("J1885", "Ketorolac, 15 mg", Money("8.00")),
        FeeScheduleItem("99000", "Specimen handling", None, section="Lab handling"),
    )
    form = EncounterForm(
        practice(),
        items,
        (CommonDiagnosis("I10", "Hypertension"),),
        providers=("Dr. Whitaker", "NP Olsen"),
    )
    pdf = render_encounter_form(form)
    lines = lines_of(pdf)
    text = "\n".join(lines)
    assert page_count(pdf) == 1
    for heading in (
        "ENCOUNTER FORM",
        "Office visits, new patient",
        "Office visits, established patient",
        "Laboratory",
        "Vaccines",
        "Drugs and supplies",
        "Lab handling",
        "Diagnoses (ICD-10-CM)",
        "PATIENT NAME",
        "DATE OF SERVICE",
        "Provider signature",
        "Dr. Whitaker",
    ):
        assert heading in text, heading
    assert_in_order(lines, ["99213", items[0].description, "$130.00"])
    assert_in_order(lines, ["I10", "Hypertension"])
    # Sections in visit order: new before established, services before drugs.
    assert text.index("Office visits, new patient") < text.index("Office visits, established")
    assert text.index("Laboratory") < text.index("Drugs and supplies")


def test_encounter_form_check_boxes_are_drawn_for_every_code():
    items = tuple(
        FeeScheduleItem(f"9921{i}", f"Visit level {i}", Money(50 + i)) for i in range(1, 6)
    )
    pdf = render_encounter_form(EncounterForm(practice(), items))
    # One square per code: the rectangles in the page's content stream.
    from io import BytesIO

    from pypdf import PdfReader

    content = PdfReader(BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    assert content.count(" 7 7 re") == len(items)


def test_long_fee_schedules_continue_on_more_pages():
    items = tuple(
        FeeScheduleItem(f"{80000 + i}", f"Laboratory test number {i}", Money(10))
        for i in range(150)
    )
    pdf = render_encounter_form(EncounterForm(practice(), items))
    assert page_count(pdf) >= 2
    text = plain_text(pdf)
    assert "80000" in text and "80149" in text


def test_sections_for_common_codes():
    assert section_for("99214") == "Office visits, established patient"
    assert section_for("99396") == "Preventive care"
    assert section_for("G0439") == "Preventive care"
    assert section_for("90471") == "Vaccine and injection administration"
    assert section_for("G0008") == "Vaccine and injection administration"
    assert section_for("36415") == "Laboratory"
    assert section_for("20610") == "Procedures"
    assert section_for("J3420") == "Drugs and supplies"
    assert section_for("93000") == "Tests in the office"


def test_encounter_form_needs_codes():
    with pytest.raises(ValueError, match="items"):
        render_encounter_form(EncounterForm(practice(), ()))


def test_superbill_date_defaults_to_the_claim(shared_examples):
    bill = Superbill.from_claim(example(shared_examples, "office_visit"))
    assert bill.date_of_service == date(2026, 3, 2)
    assert bill.account == "CVFP-000101"
