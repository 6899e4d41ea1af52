"""Reading clinician shorthand: what names the diagnosis, what is context."""

from __future__ import annotations

import pytest

from medbill.core.codesets._shorthand import read_shorthand


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("T2DM w/ CKD3b", "t2dm with chronic kidney disease stage 3b"),
        ("CKD stage IV", "chronic kidney disease stage 4"),
        ("L knee OA", "left knee oa"),
        ("dry eye OU", "dry eye bilateral"),
        ("hx of falls", "personal history of falls"),
        ("FHx colon ca", "family history of colon cancer"),
        ("s/p R TKA", "status post right tka"),
        ("IDA 2/2 chronic blood loss", "ida due to chronic blood loss"),
        ("HIV+, on ART, VL undetectable", "hiv positive"),
        ("acute on chronic diastolic CHF", "acute on chronic diastolic chf"),
        ("mets to bone", "secondary malignant neoplasm of bone"),
    ],
)
def test_shorthand_is_spelt_out(query: str, text: str) -> None:
    assert read_shorthand(query).text == text


def test_drugs_doses_and_lab_values_are_context() -> None:
    reading = read_shorthand("T2DM on metformin, A1c 6.8")
    assert reading.text == "t2dm"
    assert reading.context == ("on metformin", "a1c 6.8")
    assert read_shorthand("HTN, on lisinopril 20 mg").context == ("on lisinopril 20 mg",)
    assert read_shorthand("smoker 1 ppd").text == "smoker"


def test_an_entry_that_is_all_context_keeps_its_words() -> None:
    assert read_shorthand("on dialysis").text == "on dialysis"


@pytest.mark.parametrize(
    ("query", "text"),
    [
        # a removal leaves the acquired absence of the part (Z89-Z90)
        ("s/p L BKA", "acquired absence of left leg below knee"),
        ("s/p cholecystectomy", "acquired absence of gallbladder"),
        ("s/p TAH", "acquired absence of uterus with cervix"),
        # dependence on a device is a status, not a drug taken
        ("on home O2", "dependence supplemental oxygen"),
        ("wheelchair dependent", "dependence wheelchair"),
        ("dependent on ventilator", "dependence ventilator"),
        # a vaccine given is the encounter for vaccination, whatever it prevents
        ("Tdap booster", "encounter for vaccination"),
        ("COVID shot", "encounter for vaccination"),
        ("flu A+", "influenza due to identified influenza virus"),
        ("vaping", "nicotine dependence other tobacco product"),
        ("AOM bilat", "acute otitis media bilateral"),
        ("FTT, child", "failure to thrive child"),
        ("preeclampsia, 3rd tri", "pre-eclampsia 3rd trimester"),
    ],
)
def test_statuses_and_encounters_are_read_as_the_index_files_them(query: str, text: str) -> None:
    assert read_shorthand(query).text == text


def test_a_vaccine_reaction_or_administration_is_not_the_encounter_for_vaccination() -> None:
    assert "vaccination" not in read_shorthand("flu vaccine reaction").text
    assert read_shorthand("flu shot administration").text == "flu shot administration"


def test_a1c_of_nine_or_uncontrolled_means_hyperglycemia_for_diabetes() -> None:
    assert read_shorthand("T2DM, A1c 9.4").text == "t2dm with hyperglycemia"
    assert read_shorthand("T2DM, A1c 9.4").notes == ("A1c 9.4: diabetes with hyperglycemia",)
    assert read_shorthand("T2DM, A1c 7.1").text == "t2dm"
    assert read_shorthand("DM2 poorly controlled").text == "dm2 with hyperglycemia"
    assert read_shorthand("hypothyroid, A1c 9.4").text == "hypothyroid"  # not diabetes


def test_metastasis_clause_yields_to_the_primary_site() -> None:
    reading = read_shorthand("RUL NSCLC w/ mets to bone")
    assert reading.text == "right upper lobe non-small cell lung cancer"


def test_receptor_status_beside_a_neoplasm_is_context() -> None:
    reading = read_shorthand("R breast ca UOQ, ER+/PR+, HER2-")
    assert reading.text == "right breast cancer upper outer quadrant"
    assert reading.context == ("er+/pr+", "her2-")
    # alone, it is what the entry is about
    assert read_shorthand("ER+").text == "estrogen receptor positive"


def test_a_lung_lobe_is_context_except_for_a_neoplasm() -> None:
    reading = read_shorthand("RLL pneumonia")
    assert (reading.text, reading.context) == ("pneumonia", ("right lower lobe",))
    assert read_shorthand("LLL nodule").text == "lung nodule"
    assert read_shorthand("RUL NSCLC").text == "right upper lobe non-small cell lung cancer"


def test_a_fracture_is_traumatic_unless_said_otherwise() -> None:
    assert read_shorthand("closed fx R 5th metatarsal").text == (
        "closed traumatic fracture right 5th metatarsal"
    )
    assert "lower end of right radius" in read_shorthand("fx distal right radius").text
    assert "traumatic" not in read_shorthand("osteoporotic compression fx L1").text
    assert "traumatic" not in read_shorthand("pathologic fracture of femur").text
