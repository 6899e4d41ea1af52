"""Office procedures: vaccine products and administrations, waived tests, counted lesions,
repairs by length, biopsies, instruments, counseling time, the side of an injection."""

from __future__ import annotations

from medbill.core.suggest import suggest_em, suggest_services


def found(text: str, **kw) -> dict[str, tuple[int, tuple[str, ...]]]:
    procedures, _notes = suggest_services(text, **kw)
    return {p.code: (p.units, p.modifiers) for p in procedures}


def test_childhood_vaccines_with_counseling_count_components() -> None:
    text = (
        "Vaccines: DTaP, IPV, MMR and varicella given today after counseling the mother on "
        "each vaccine."
    )
    codes = found(text, patient_age=4)
    assert {c for c in codes if c.startswith("907")} == {"90700", "90713", "90707", "90716"}
    assert codes["90460"][0] == 4
    assert codes["90461"][0] == 4  # DTaP and MMR carry two more components each
    assert "90471" not in codes


def test_adult_vaccines_without_counseling_codes() -> None:
    codes = found("Influenza vaccine and Tdap given IM.", patient_age=40)
    assert codes["90471"][0] == 1 and codes["90472"][0] == 1
    assert "90460" not in codes


def test_a_child_without_documented_counseling_gets_90471() -> None:
    codes = found("Hepatitis A vaccine dose 2 given.", patient_age=2)
    assert "90633" in codes and "90471" in codes and "90460" not in codes


def test_medicare_flu_and_pneumococcal_administrations() -> None:
    codes = found(
        "Medicare patient. High-dose influenza vaccine and PCV20 given IM.", patient_age=68
    )
    assert {"90662", "90677", "G0008", "G0009"} <= set(codes)
    assert "90686" not in codes and "90471" not in codes


def test_vaccine_status_reviewed_is_not_a_vaccine_given() -> None:
    assert found("Pneumococcal vaccine status reviewed, up to date.") == {}


def test_waived_tests_carry_qw_and_exempt_ones_do_not() -> None:
    codes = found("Rapid strep test positive. Urine pregnancy test negative.")
    assert codes["87880"][1] == ("QW",)
    assert codes["81025"][1] == ()
    assert found("Point-of-care INR today 2.6.")["85610"][1] == ("QW",)


def test_urinalysis_automated_or_not() -> None:
    assert "81002" in found("Urine dipstick (non-automated): negative protein.")
    assert "81003" not in found("Urine dipstick (non-automated): negative protein.")
    assert "81003" in found("Urinalysis (automated dipstick): positive nitrites.")


def test_premalignant_lesions_are_counted() -> None:
    codes = found("Destruction of 5 premalignant lesions with liquid nitrogen cryotherapy.")
    assert codes["17000"][0] == 1 and codes["17003"][0] == 4
    assert "17004" in found("Cryotherapy of 16 actinic keratoses.")
    assert "17000" not in found("5 actinic keratoses noted; observe.")


def test_simple_repair_by_site_and_length() -> None:
    assert "12002" in found("4.0 cm laceration of the right palm; simple repair with sutures.")
    assert "12011" in found("2.0 cm laceration of the forehead; simple repair with 5-0 nylon.")
    assert "12001" in found("Simple repair of a 1.5 cm thumb laceration.")
    assert not {"12001", "12002", "12011"} & set(found("2 cm laceration, steri-strips applied."))


def test_biopsy_technique() -> None:
    assert "11102" in found("Shave biopsy of the lesion, sent to pathology.")
    assert "11104" in found("Punch biopsy, 4 mm.")
    assert not {"11102", "11104"} & set(found("Biopsy to be scheduled."))


def test_instruments_scored_are_96127() -> None:
    assert found("PHQ-9 score 14, scored in clinic.")["96127"][0] == 1
    assert "96127" not in found("PHQ-A negative.")


def test_tobacco_counseling_by_minutes() -> None:
    assert "99406" in found("Counseled for 5 minutes on smoking cessation.")
    assert "99407" in found("Counseled for 15 minutes on smoking cessation.")
    assert not {"99406", "99407"} & set(found("Advised to quit smoking."))


def test_joint_injection_side() -> None:
    codes = found("Right knee joint injection with triamcinolone 40 mg.")
    assert codes["20610"][1] == ("RT",)
    assert found("Left knee injection with triamcinolone 40 mg.")["20610"][1] == ("LT",)


def test_minor_procedure_alone_has_no_em() -> None:
    text = "Plantar warts: cryotherapy with liquid nitrogen to 3 warts. Assessment: plantar warts."
    procedures, _ = suggest_services(text)
    assert suggest_em(text, procedures, diagnoses=1).code is None
    text += " Hypertension, not at goal: increase lisinopril to 20 mg daily. Total time 25 minutes."
    procedures, _ = suggest_services(text)
    em = suggest_em(text, procedures, diagnoses=2, new_patient=False)
    assert em.code is not None and "25" in em.modifiers


def test_routine_prenatal_visit_is_in_the_global_package() -> None:
    text = "Routine prenatal visit at 24 weeks, uncomplicated pregnancy."
    assert suggest_em(text, (), diagnoses=2).code is None
    assert suggest_em(
        "Prenatal visit, gestational diabetes, insulin started.", (), diagnoses=1
    ).code


def test_vaccine_only_visit_has_no_em() -> None:
    text = "Here for vaccines only. Influenza vaccine given."
    procedures, _ = suggest_services(text)
    assert suggest_em(text, procedures, diagnoses=1).code is None


def test_a_dose_in_millilitres_does_not_split_the_sentence_that_says_it_was_given() -> None:
    text = "Influenza vaccine, quadrivalent, 0.5 mL IM given in left deltoid by RN."
    assert {"90686", "90471"} <= set(found(text, patient_age=45))


def test_the_vaccine_named_in_one_sentence_and_given_in_the_next() -> None:
    text = "Pt here for flu vaccine only. Vaccine administered by MA, lot 123, left deltoid."
    assert {"90686", "90471"} <= set(found(text, patient_age=40))
    declined = "Discussed the flu vaccine. Patient declined; will return next visit."
    assert "90686" not in found(declined, patient_age=40)
    # the next sentence names its own product: that one was given, not the first
    other = found("Flu vaccine discussed. Tdap given today IM.", patient_age=40)
    assert "90715" in other and "90686" not in other


def test_influenza_brand_names_are_the_product() -> None:
    codes = found("Fluzone 0.5 mL IM administered. No adverse reaction.", patient_age=40)
    assert {"90686", "90471"} <= set(codes)


def test_a_nurse_only_vaccine_visit_has_no_separate_em() -> None:
    for text in (
        "RN visit for influenza immunization. Fluzone 0.5 mL IM administered.",
        "Patient presents for annual influenza vaccine. Flu vaccine given IM by the nurse.",
    ):
        procedures, _ = suggest_services(text, patient_age=40)
        em = suggest_em(text, procedures, patient_age=40, new_patient=True)
        assert em.code is None, text
