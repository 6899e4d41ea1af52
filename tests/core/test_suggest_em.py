"""Office E/M level from time and MDM, preventive codes by age, modifier 25, no E/M cases."""

from __future__ import annotations

import pytest

from medbill.core.suggest import mdm_level, suggest_em, suggest_services, time_level


def em(text: str, **kw):
    procedures, _notes = suggest_services(text)
    return suggest_em(text, procedures, **kw)


@pytest.mark.parametrize(
    ("minutes", "new", "level"),
    [
        (9, False, 0),
        (10, False, 2),
        (20, False, 3),
        (30, False, 4),
        (39, False, 4),
        (40, False, 5),
        (14, True, 0),
        (15, True, 2),
        (30, True, 3),
        (45, True, 4),
        (60, True, 5),
    ],
)
def test_time_thresholds(minutes, new, level) -> None:
    assert time_level(minutes, new) == level


def test_mdm_needs_two_of_three() -> None:
    assert mdm_level(5, 2, 2) == 2
    assert mdm_level(4, 4, 2) == 4
    assert mdm_level(5, 3, 4) == 4
    assert mdm_level(3, 5, 5) == 5


def test_established_moderate_mdm() -> None:
    text = (
        "Established patient for follow-up.\n"
        "Hypertension, poorly controlled. Increase lisinopril to 20 mg daily."
    )
    result = em(text)
    assert result.code == "99214"
    assert result.basis == "mdm"
    assert "moderate" in result.reason
    assert "prescription drug management" in result.reason


def test_time_wins_when_it_supports_more() -> None:
    text = (
        "Established patient. Sore throat, uncomplicated. Rest and fluids. Total time 42 minutes."
    )
    result = em(text)
    assert result.code == "99215"
    assert result.basis == "time"
    assert "42 minutes" in result.reason


def test_new_patient_code_family() -> None:
    text = (
        "New patient establishing care. Acute uncomplicated cold. Supportive care. "
        "Spent 32 minutes."
    )
    result = em(text)
    assert result.code == "99203"
    assert result.new_patient is True
    assert em(text, new_patient=False).code == "99214"


def test_minor_problem_is_straightforward() -> None:
    result = em("Established patient with a minor insect bite.")
    assert result.code == "99212"


def test_preventive_codes_by_age() -> None:
    assert em("Annual physical exam.", patient_age=45).code == "99396"
    assert em("Annual physical exam.", patient_age=70).code == "99397"
    assert em("Well-child visit. New patient.", patient_age=3).code == "99382"
    assert em("Annual physical exam.", patient_age=0).code == "99391"
    assert em("Preventive visit for a 25-year-old.").code == "99395"
    unknown = em("Annual physical exam.")
    assert unknown.code is None
    assert "age" in unknown.reason


def test_planned_procedure_only_gets_no_em() -> None:
    text = "Here for scheduled injection. Ceftriaxone 1 g IM given in the left gluteus."
    result = em(text)
    assert result.code is None
    assert "procedure" in result.reason


def test_nurse_visit_with_an_injection_gets_no_em_but_without_one_is_99211() -> None:
    assert em("Nurse visit. Vitamin B12 1000 mcg IM given.").code is None
    assert em("Nurse visit: blood pressure check, 128/80.").code == "99211"


def test_modifier_25_with_a_same_day_procedure() -> None:
    text = (
        "Established patient. Knee pain, worsening. Right knee injection with triamcinolone 40 mg."
        " Start meloxicam 15 mg daily."
    )
    result = em(text)
    assert result.code == "99214"
    assert result.modifiers == ("25",)
    assert "modifier 25" in result.reason
    plain = em("Established patient. Hypertension, stable. Continue lisinopril 10 mg daily.")
    assert plain.modifiers == ()


def test_an_empty_note_supports_no_em() -> None:
    result = em("  \n")
    assert result.code is None
    assert result.basis == "none"


def test_a_denied_finding_does_not_raise_the_problem_level() -> None:
    from medbill.core.suggest._em import _problems

    assert _problems("Denies suicidal thoughts. Depression stable on sertraline.", 1)[0] < 5
    assert _problems("No exacerbation since the last visit.", 1)[0] < 4
    assert _problems("Reports suicidal ideation with a plan.", 1)[0] == 5
    assert _problems("Asthma exacerbation; no fever.", 1)[0] == 4
