"""The MSP questionnaire's answers give the Medicare secondary payer type (837P SBR05)."""

from __future__ import annotations

import pytest

from medbill.core.msp import MSP_QUESTIONS, MSP_TYPES, MspAnswers, msp_type


@pytest.mark.parametrize("name, _text, code", MSP_QUESTIONS)
def test_each_yes_gives_its_type(name, _text, code):
    assert msp_type(MspAnswers(**{name: True})) == code
    assert code in MSP_TYPES


def test_no_yes_means_medicare_pays_first():
    assert msp_type(MspAnswers()) is None
    assert msp_type(MspAnswers(black_lung=False, working_aged_group_health_plan=False)) is None


def test_the_questionnaire_order_decides_between_two_yeses():
    # A work injury of a working beneficiary: workers' compensation pays first.
    both = MspAnswers(work_related=True, working_aged_group_health_plan=True)
    assert msp_type(both) == "15"
    assert msp_type(MspAnswers(liability=True, esrd_coordination_period=True)) == "47"


def test_every_type_of_the_tr3_has_a_question():
    assert sorted(code for _, _, code in MSP_QUESTIONS) == sorted(MSP_TYPES)


def test_answers_round_trip_and_ignore_unknown_keys():
    answers = MspAnswers(veterans_affairs=True, no_fault=False)
    assert MspAnswers.from_dict({**answers.to_dict(), "favourite_colour": True}) == answers
