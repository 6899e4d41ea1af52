"""Suggestions take candidates from the Alphabetic Index, and show the coder's route (trail)."""

from __future__ import annotations

import pytest

from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.suggest import SuggestEngine
from shared_data import need_built


@pytest.fixture(scope="module")
def engine() -> SuggestEngine:
    ensure_icd10cm()
    return SuggestEngine.load(learned=False)


@pytest.fixture(autouse=True)
def index_built() -> None:
    need_built("icd10cm-index")


def by_code(result) -> dict:
    return {d.code: d for d in result.diagnoses if d.status == "suggested"}


def test_a_problem_only_the_index_names_is_suggested_with_its_trail(engine) -> None:
    text = "Assessment: Primary generalized osteoarthritis."
    found = by_code(engine.suggest(text))
    assert "M15.0" in found
    dx = found["M15.0"]
    assert dx.trail == "Osteoarthritis, generalized, primary → M15.0"
    assert dx.reasons[0].startswith("Index: ")
    assert text[dx.evidence[0].start : dx.evidence[0].end] == "Primary generalized osteoarthritis"
    # the dictionary's unspecified guesses give way to the code the Index names
    assert not {"M19.90", "M15.9"} & set(found)


def test_the_index_route_is_judged_like_any_other_finding(engine) -> None:
    text = "Assessment: Primary generalized osteoarthritis ruled out."
    assert "M15.0" not in by_code(engine.suggest(text))
    assert "M15.0" not in by_code(engine.suggest("No primary generalized osteoarthritis."))


def test_a_qualifier_after_a_comma_belongs_to_its_problem(engine) -> None:
    found = by_code(engine.suggest("Assessment: Acute conjunctivitis, bilateral."))
    assert set(found) == {"H10.33"}
    assert found["H10.33"].trail.endswith("→ H10.33")


def test_codes_found_by_the_dictionary_show_the_index_trail(engine) -> None:
    result = engine.suggest("Assessment: type 2 diabetes with diabetic nephropathy.")
    dx = by_code(result)["E11.21"]
    assert dx.trail.startswith("Diabetes, diabetic, type 2, with, nephropathy → E11.21")
    assert result.to_dict()["diagnoses"][0]["trail"] == dx.trail


def test_a_trail_notes_only_the_codes_own_additional_codes(engine) -> None:
    # I10 is under the block note on tobacco exposure, which applies to every code there:
    # the trail does not pick one of its choices as if the code asked for it
    dx = by_code(engine.suggest("Assessment: essential hypertension."))["I10"]
    assert dx.trail == "Hypertension, hypertensive → I10"


def test_every_mention_mode_takes_no_index_route(engine) -> None:
    result = engine.suggest("Primary generalized osteoarthritis.", assertion="mentions")
    assert all(not d.reasons[0].startswith("Index: ") for d in result.diagnoses)
    assert all(d.trail == "" for d in result.diagnoses)
