"""The outpatient guideline rules, one by one: each with a note where it applies and one where
it must not."""

from __future__ import annotations

import re

import pytest

from medbill.core.codesets import icd10cm
from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.suggest._condition_guidelines import (
    condition_in_pregnancy,
    counseling_integral,
    dementia_manifestation,
    device_status,
    identified_influenza,
    infectious_agent,
    pregnancy_test,
    undocumented_remission,
)
from medbill.core.suggest._dx_guidelines import (
    drop_drug_names,
    drop_explained_symptoms,
    drop_external_cause_without_injury,
    drop_illness_unspecified,
    drop_superficial_beside_severe,
    drop_test_names,
    drop_unspecified_beside_specific,
    drop_unspecified_infection,
    drop_vaccine_names,
    keep_highest_substance_level,
)
from medbill.core.suggest._first_listed import (
    assessment_order,
    chronic_treated,
    encounter_reason_first,
    never_first,
)
from medbill.core.suggest._guidelines import RULES
from medbill.core.suggest._registry import Visit
from medbill.core.suggest._rules import Dx
from medbill.core.suggest._text import sentences
from medbill.core.suggest._z_guidelines import (
    add_bmi,
    add_follow_up,
    add_immunization,
    add_long_term_drugs,
    add_pregnancy_supervision,
    add_routine_exam,
    add_tobacco_history,
    add_weeks_of_gestation,
    set_trimester,
)


@pytest.fixture(scope="module")
def release():
    ensure_icd10cm()
    return icd10cm()


def visit(release, text: str, **kw) -> Visit:
    return Visit(text, release, sentences=sentences(text), **kw)


def dx(text: str, code: str, words: str | None = None) -> Dx:
    """A diagnosis whose evidence is the first occurrence of ``words`` in ``text``."""
    if words is None:
        return Dx(code, 0.9, [], ["test"])
    m = re.search(re.escape(words), text)
    assert m, words
    return Dx(code, 0.9, [m.span()], ["test"])


def codes(dxs: list[Dx]) -> list[str]:
    return [d.code for d in dxs]


def test_every_rule_has_a_unique_code_a_citation_and_an_example() -> None:
    seen = set()
    for r in RULES:
        assert re.fullmatch(r"(GL|PR)\d{3}", r.code)
        assert r.code not in seen
        seen.add(r.code)
        assert r.slug and r.what and r.example
        assert "Guidelines" in r.citation or "CPT" in r.citation or "CMS" in r.citation
        assert callable(r.apply)
    assert len(RULES) >= 30


# --- codes taken away -----------------------------------------------------------------------


def test_vaccine_names_are_not_the_disease(release) -> None:
    text = "Vaccines: DTaP, IPV, MMR and varicella given today."
    out = drop_vaccine_names(
        [dx(text, "B019", "varicella"), dx(text, "B059", "MMR")], visit(release, text)
    )
    assert out == []


def test_the_disease_itself_is_kept(release) -> None:
    text = "Exam: vesicular rash on the trunk. Assessment: varicella."
    out = drop_vaccine_names([dx(text, "B019", "varicella")], visit(release, text))
    assert codes(out) == ["B019"]


def test_a_test_target_is_not_the_disease(release) -> None:
    text = "Rapid strep test negative.\nAssessment: viral pharyngitis."
    out = drop_test_names(
        [dx(text, "J020", "strep"), dx(text, "J029", "pharyngitis")], visit(release, text)
    )
    assert codes(out) == ["J029"]


def test_an_imaging_finding_is_not_a_diagnosis_but_the_assessment_is(release) -> None:
    text = "X-ray today reviewed: stable alignment, callus formation.\nAssessment: fracture."
    v = visit(release, text)
    assert drop_test_names([dx(text, "L84", "callus")], v) == []
    kept = drop_test_names([dx(text, "S52501D", "fracture")], v)
    assert codes(kept) == ["S52501D"]


def test_a_drug_taken_is_not_a_poisoning(release) -> None:
    text = "Atrial fibrillation on warfarin 5 mg daily."
    out = drop_drug_names(
        [dx(text, "T45515A", "warfarin"), dx(text, "I4891", "Atrial")], visit(release, text)
    )
    assert codes(out) == ["I4891"]
    text = "Bleeding on warfarin, INR supratherapeutic."
    kept = drop_drug_names([dx(text, "T45515A", "warfarin")], visit(release, text))
    assert codes(kept) == ["T45515A"]


def test_external_cause_needs_an_injury(release) -> None:
    text = "Flu shot given."
    assert (
        drop_external_cause_without_injury([dx(text, "W3400XA", "shot")], visit(release, text))
        == []
    )
    text = "Fell from a ladder; wrist fracture."
    both = [dx(text, "S52501A", "wrist fracture"), dx(text, "W11XXXA", "ladder")]
    assert codes(drop_external_cause_without_injury(both, visit(release, text))) == [
        "S52501A",
        "W11XXXA",
    ]


def test_symptoms_of_the_diagnosis_are_dropped(release) -> None:
    text = "Sore throat and fever.\nAssessment: Streptococcal pharyngitis."
    out = drop_explained_symptoms(
        [dx(text, "J020", "Streptococcal"), dx(text, "R509", "fever")], visit(release, text)
    )
    assert codes(out) == ["J020"]


def test_unrelated_symptoms_stay(release) -> None:
    text = "Fever.\nAssessment: osteoarthritis of the knee."
    out = drop_explained_symptoms(
        [dx(text, "M1711", "osteoarthritis"), dx(text, "R509", "Fever")], visit(release, text)
    )
    assert codes(out) == ["M1711", "R509"]


def test_a_symptom_the_note_links_to_a_diagnosis_is_dropped(release) -> None:
    text = "Assessment: right knee pain due to gout of the right knee."
    out = drop_explained_symptoms(
        [dx(text, "M25561", "knee pain"), dx(text, "M10061", "gout")], visit(release, text)
    )
    assert codes(out) == ["M10061"]


def test_unspecified_beside_its_specific_sibling(release) -> None:
    v = visit(release, "anxiety")
    out = drop_unspecified_beside_specific([dx("", "F419"), dx("", "F411")], v)
    assert codes(out) == ["F411"]
    out = drop_unspecified_beside_specific([dx("", "J45909"), dx("", "J4531")], v)
    assert codes(out) == ["J4531"]
    out = drop_unspecified_beside_specific([dx("", "F329"), dx("", "F331")], v)
    assert codes(out) == ["F331"]


def test_the_code_with_fewer_unspecified_axes_wins(release) -> None:
    # both titles say "unspecified": the conjunctivitis is unspecified in both, the eye in one
    v = visit(release, "acute conjunctivitis, bilateral")
    out = drop_unspecified_beside_specific([dx("", "H1030"), dx("", "H1033")], v)
    assert codes(out) == ["H1033"]
    # the same number of unspecified axes: neither is more specific, both stay for the coder
    out = drop_unspecified_beside_specific([dx("", "H1031"), dx("", "H1032")], v)
    assert codes(out) == ["H1031", "H1032"]


def test_unspecified_alone_or_beside_other_categories_stays(release) -> None:
    v = visit(release, "anxiety")
    assert codes(drop_unspecified_beside_specific([dx("", "F419"), dx("", "I10")], v)) == [
        "F419",
        "I10",
    ]


def test_remission_only_when_documented(release) -> None:
    text = "Type 2 diabetes mellitus without complications."
    out = undocumented_remission([dx(text, "E11A")], visit(release, text))
    assert codes(out) == ["E119"]
    text = "Type 2 diabetes in remission after weight loss."
    assert codes(undocumented_remission([dx(text, "E11A")], visit(release, text))) == ["E11A"]


def test_identified_influenza(release) -> None:
    text = "Rapid test positive for influenza A."
    assert codes(identified_influenza([dx(text, "J111")], visit(release, text))) == ["J101"]
    text = "Influenza-like illness, not tested."
    assert codes(identified_influenza([dx(text, "J111")], visit(release, text))) == ["J111"]


# --- codes added ----------------------------------------------------------------------------


def test_routine_exam_by_age_and_findings(release) -> None:
    text = "Annual physical exam. No complaints."
    assert codes(add_routine_exam([], visit(release, text, age=47))) == ["Z0000"]
    text = "Well-child visit. Routine child health exam with abnormal findings: eczema."
    assert codes(add_routine_exam([], visit(release, text, age=2))) == ["Z00121"]
    assert add_routine_exam([], visit(release, "Cough for two days.", age=2)) == []


def test_immunization_needs_a_vaccine_given(release) -> None:
    from medbill.core.suggest import suggest_services

    text = "Influenza vaccine given IM."
    services, _ = suggest_services(text)
    assert codes(add_immunization([], visit(release, text, services=services))) == ["Z23"]
    text = "Influenza vaccine declined."
    services, _ = suggest_services(text)
    assert add_immunization([], visit(release, text, services=services)) == []


def test_follow_up_after_completed_treatment(release) -> None:
    text = (
        "Seen 4 weeks after pneumonia treated with levofloxacin; course completed.\n"
        "Assessment: Pneumonia resolved."
    )
    out = add_follow_up([dx(text, "J189", "Pneumonia resolved")], visit(release, text))
    assert sorted(codes(out)) == ["Z09", "Z8701"]
    text = "Pneumonia, on day 3 of levofloxacin."
    assert codes(add_follow_up([dx(text, "J189", "Pneumonia")], visit(release, text))) == ["J189"]


def test_follow_up_after_a_malignancy_is_z08(release) -> None:
    text = (
        "History of basal cell carcinoma of the nose, excised in 2023, no current treatment.\n"
        "Assessment: follow-up exam after completed treatment, no evidence of recurrence."
    )
    out = add_follow_up([dx(text, "C4431", "basal cell carcinoma")], visit(release, text))
    assert "Z08" in codes(out)
    assert "C4431" not in codes(out)


def test_pregnancy_supervision_and_weeks(release) -> None:
    text = "Routine prenatal visit. G2P1 at 24 weeks gestation, uncomplicated pregnancy."
    v = visit(release, text, sex="F")
    out = add_pregnancy_supervision([], v)
    assert codes(out) == ["Z3482"]
    out = add_weeks_of_gestation(out, v)
    assert codes(out) == ["Z3482", "Z3A24"]
    assert add_weeks_of_gestation([], visit(release, "Knee pain for 3 weeks.", sex="F")) == []


def test_first_pregnancy_supervision(release) -> None:
    text = "Routine prenatal visit, G1P0 at 10 weeks gestation."
    assert codes(add_pregnancy_supervision([], visit(release, text, sex="F"))) == ["Z3401"]


def test_trimester_from_weeks(release) -> None:
    text = "Pregnant, 35 weeks gestation."
    out = set_trimester([dx(text, "O99281")], visit(release, text))
    assert codes(out) == ["O99283"]
    text = "Pregnant, 10 weeks gestation."
    assert codes(set_trimester([dx(text, "O99281")], visit(release, text))) == ["O99281"]


def test_condition_in_pregnancy(release) -> None:
    text = "26-year-old at 35 weeks gestation with hypothyroidism on levothyroxine."
    out = condition_in_pregnancy(
        [dx(text, "E039", "hypothyroidism")], visit(release, text, sex="F")
    )
    assert codes(out) == ["O99283", "E039"]
    text = "26-year-old with hypothyroidism on levothyroxine, 35 weeks of symptoms."
    out = condition_in_pregnancy(
        [dx(text, "E039", "hypothyroidism")], visit(release, text, sex="F")
    )
    assert codes(out) == ["E039"]


def test_pregnancy_test_visit(release) -> None:
    text = "Missed period. Urine pregnancy test in office: positive."
    out = pregnancy_test([dx(text, "N912", "Missed period")], visit(release, text, sex="F"))
    assert codes(out) == ["Z3201"]
    text = "At 24 weeks gestation. Pregnant state."
    out = pregnancy_test([dx(text, "Z331"), dx(text, "Z3A24")], visit(release, text, sex="F"))
    assert codes(out) == ["Z3A24"]


def test_long_term_drugs(release) -> None:
    text = "Type 2 diabetes on metformin 1000 mg and insulin glargine 20 units."
    out = add_long_term_drugs([dx(text, "E119", "Type 2 diabetes")], visit(release, text))
    assert sorted(codes(out)) == ["E119", "Z794", "Z7984"]
    text = "Polycystic ovarian syndrome on metformin 500 mg."
    assert codes(add_long_term_drugs([dx(text, "E282")], visit(release, text))) == ["E282"]
    text = "Atrial fibrillation on apixaban."
    assert "Z7901" in codes(add_long_term_drugs([dx(text, "I4891")], visit(release, text)))
    text = "Type 1 diabetes on an insulin pump."
    assert codes(add_long_term_drugs([dx(text, "E109")], visit(release, text))) == ["E109"]


def test_bmi_only_with_a_weight_diagnosis(release) -> None:
    text = "Obesity, BMI 31.4."
    out = add_bmi([dx(text, "E669", "Obesity")], visit(release, text, age=44))
    assert codes(out) == ["E669", "Z6831"]
    text = "Annual exam, BMI 24."
    assert add_bmi([], visit(release, text, age=47)) == []
    text = "Severe obesity, BMI 44.2."
    assert "Z6841" in codes(add_bmi([dx(text, "E6601")], visit(release, text, age=45)))


def test_former_smoker(release) -> None:
    text = "Former smoker, quit 5 years ago. COPD exacerbation."
    out = add_tobacco_history([dx(text, "F17210"), dx(text, "J441")], visit(release, text))
    assert sorted(codes(out)) == ["J441", "Z87891"]
    text = "Smokes a pack a day."
    assert codes(add_tobacco_history([dx(text, "F17210")], visit(release, text))) == ["F17210"]


def test_counseling_is_part_of_the_visit(release) -> None:
    v = visit(release, "Counseled on vaccines.")
    assert codes(counseling_integral([dx("", "Z00129"), dx("", "Z719")], v)) == ["Z00129"]
    assert codes(counseling_integral([dx("", "Z719")], v)) == ["Z719"]


def test_infectious_agent_beside_an_infection_that_asks_for_it(release) -> None:
    text = "Urine culture grew E. coli. Assessment: urinary tract infection."
    out = infectious_agent([dx(text, "N390")], visit(release, text))
    assert codes(out) == ["N390", "B9620"]
    text = "E. coli outbreak in the news. Assessment: hypertension."
    assert codes(infectious_agent([dx(text, "I10")], visit(release, text))) == ["I10"]


def test_dementia_in_alzheimers(release) -> None:
    text = "Alzheimer's disease with late onset; dementia without behavioral disturbance."
    out = dementia_manifestation([dx(text, "G301"), dx(text, "F039")], visit(release, text))
    assert codes(out) == ["G301", "F0280"]
    text = "Alzheimer's disease, early."
    assert codes(dementia_manifestation([dx(text, "G301")], visit(release, text))) == ["G301"]


def test_device_status(release) -> None:
    text = "Coronary artery disease, stent to the LAD in 2021."
    out = device_status([dx(text, "I2510")], visit(release, text))
    assert codes(out) == ["I2510", "Z955"]
    text = "Coronary artery disease; no stent, medical management."
    assert codes(device_status([dx(text, "I2510")], visit(release, text))) == ["I2510"]


# --- what is coded and in which order --------------------------------------------------------


def test_chronic_condition_treated_is_promoted(release) -> None:
    text = "Hypertension on amlodipine.\nAssessment: chest tightness."
    review = [dx(text, "I10", "Hypertension")]
    out = chronic_treated([], visit(release, text), review)
    assert codes(out) == ["I10"] and review == []
    text = "PMH: hypertension, on lisinopril.\nAssessment: ankle sprain."
    review = [dx(text, "I10", "hypertension")]
    assert chronic_treated([], visit(release, text), review) == []
    text = "Assessment: ankle sprain. Hypertension noted."
    review = [dx(text, "I10", "Hypertension")]
    assert chronic_treated([], visit(release, text), review) == []


def test_first_listed_only_z_codes_lead(release) -> None:
    v = visit(release, "")
    assert codes(encounter_reason_first([dx("", "L209"), dx("", "Z00121"), dx("", "Z23")], v)) == [
        "Z00121",
        "L209",
        "Z23",
    ]
    assert codes(encounter_reason_first([dx("", "Z7901"), dx("", "Z23")], v)) == ["Z23", "Z7901"]


def test_assessment_order_is_the_providers(release) -> None:
    text = "HPI: hypertension and diabetes.\nAssessment:\n1. Type 2 diabetes.\n2. Hypertension."
    dm = Dx("E119", 0.9, [(text.index("Type 2 diabetes"), text.index("Type 2 diabetes") + 15)], [])
    htn = Dx("I10", 0.95, [(text.index("2. Hypertension") + 3, len(text) - 1)], [])
    assert codes(assessment_order([htn, dm], visit(release, text))) == ["E119", "I10"]


def test_never_first(release) -> None:
    v = visit(release, "")
    assert codes(never_first([dx("", "Z7901"), dx("", "I4891")], v)) == ["I4891", "Z7901"]
    assert codes(never_first([dx("", "F0280"), dx("", "G301")], v)) == ["G301", "F0280"]
    assert codes(never_first([dx("", "I10"), dx("", "Z7901")], v)) == ["I10", "Z7901"]


def test_never_first_follows_the_mce_manifestation_list(release) -> None:
    v = Visit("", release, manifestations=frozenset({"H36811"}))
    assert codes(never_first([dx("", "H36811"), dx("", "E11319")], v)) == ["H36811", "E11319"][::-1]
    assert codes(never_first([dx("", "H36811"), dx("", "E11319")], visit(release, ""))) == [
        "H36811",
        "E11319",
    ]


def test_the_assessment_governs_what_is_coded(release) -> None:
    from medbill.core.suggest._first_listed import assessment_governs

    text = "HPI: recent cold, now ear pain.\nAssessment: acute otitis media, right ear."
    v = visit(release, text)
    out = assessment_governs([dx(text, "J00", "cold"), dx(text, "H6691", "otitis media")], v)
    assert codes(out) == ["H6691"]
    text = "HPI: panic disorder, attacks monthly.\nAssessment: panic disorder, improving."
    assert codes(
        assessment_governs([dx(text, "F410", "panic disorder")], visit(release, text))
    ) == ["F410"]
    text = "Recent cold, now ear pain. Otitis media."
    out = assessment_governs([dx(text, "J00", "cold")], visit(release, text))
    assert codes(out) == ["J00"]  # no assessment written: nothing to go by


def test_superficial_injury_beside_a_severe_one_of_the_same_region(release) -> None:
    text = "Fractured right fifth metatarsal, bruised right foot, abrasion of the right elbow."
    v = visit(release, text)
    fracture, bruise, elbow = dx(text, "S92351A"), dx(text, "S9031XA"), dx(text, "S50311A")
    out = drop_superficial_beside_severe([fracture, bruise, elbow], v)
    # the foot bruise goes with the foot fracture; the elbow abrasion is another region
    assert codes(out) == ["S92351A", "S50311A"]
    # a superficial injury alone is coded
    assert codes(drop_superficial_beside_severe([bruise], v)) == ["S9031XA"]


def test_illness_unspecified_only_when_nothing_else_is_coded(release) -> None:
    text = "Coronary artery disease."
    v = visit(release, text)
    out = drop_illness_unspecified([dx(text, "I2510"), dx(text, "R69", "disease")], v)
    assert codes(out) == ["I2510"]
    assert codes(drop_illness_unspecified([dx(text, "R69", "disease")], v)) == ["R69"]


def test_only_the_highest_of_use_abuse_and_dependence(release) -> None:
    text = "Patient with alcohol dependence, drinks alcohol daily."
    v = visit(release, text)
    rows = [dx(text, "F1020", "alcohol dependence"), dx(text, "F1010", "alcohol")]
    out = keep_highest_substance_level(rows, v)
    assert codes(out) == ["F1020"]
    # another substance, or a code outside the hierarchy, stays
    rows = [dx(text, "F1020", "alcohol dependence"), dx(text, "F1210"), dx(text, "I10")]
    assert codes(keep_highest_substance_level(rows, v)) == ["F1020", "F1210", "I10"]
    rows = [dx(text, "F1010"), dx(text, "F1090")]
    assert codes(keep_highest_substance_level(rows, v)) == ["F1010"]


def test_unspecified_infection_beside_a_named_infection(release) -> None:
    text = "Urinary tract infection, E. coli."
    v = visit(release, text)
    out = drop_unspecified_infection([dx(text, "N390"), dx(text, "B9620"),
                                      dx(text, "B999", "infection")], v)  # fmt: skip
    assert codes(out) == ["N390", "B9620"]
    alone = [dx(text, "B999", "infection"), dx(text, "I10")]
    assert codes(drop_unspecified_infection(alone, v)) == ["B999", "I10"]
