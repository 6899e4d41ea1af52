"""Suggestion engine without a learned model: context, combination codes, sequencing, evidence."""

from __future__ import annotations

import pytest

from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.suggest import SuggestEngine


@pytest.fixture(scope="module")
def engine() -> SuggestEngine:
    ensure_icd10cm()
    return SuggestEngine.load(learned=False)


def codes(engine: SuggestEngine, text: str, **kw) -> list[str]:
    return engine.suggest(text, **kw).codes()


def test_it_finds_a_plain_diagnosis_with_evidence(engine) -> None:
    text = "Assessment: essential hypertension."
    result = engine.suggest(text)
    dx = result.diagnoses[0]
    assert dx.code == "I10"
    assert dx.status == "suggested"
    assert dx.description == "Essential (primary) hypertension"
    ev = dx.evidence[0]
    assert text[ev.start : ev.end] == ev.text == "essential hypertension"
    assert dx.reasons


def test_evidence_offsets_point_at_the_words_in_a_longer_note(engine) -> None:
    text = (
        "Chief complaint: cough for three days.\n"
        "HPI: productive cough, no fever.\n"
        "Assessment: acute bronchitis.\n"
    )
    result = engine.suggest(text)
    by_code = {d.code: d for d in result.diagnoses}
    assert "J20.9" in by_code
    for d in result.diagnoses:
        for ev in d.evidence:
            assert text[ev.start : ev.end] == ev.text
    bronchitis = by_code["J20.9"].evidence[0]
    assert bronchitis.text == "acute bronchitis"
    assert bronchitis.start == text.index("acute bronchitis")


def test_denied_symptom_suggests_nothing(engine) -> None:
    assert "R07.9" not in codes(engine, "The patient denies chest pain.")
    assert codes(engine, "The patient denies chest pain.") == []
    assert "R07.9" in codes(engine, "The patient reports chest pain.")


def test_negated_findings_are_kept_when_every_mention_is_coded(engine) -> None:
    text = "Patient denies chest pain."
    assert "R07.9" in codes(engine, text, assertion="mentions")


def test_rule_out_in_an_outpatient_note_codes_the_symptom(engine) -> None:
    text = "Cough and fever for two days.\nAssessment: rule out pneumonia."
    found = codes(engine, text)
    assert "J18.9" not in found
    assert "R05.9" in found
    assert "R50.9" in found
    assert "J18.9" in codes(engine, text, setting="inpatient")
    same_sentence = codes(engine, "Assessment: rule out pneumonia given cough.")
    assert "J18.9" not in same_sentence
    assert "R05.9" in same_sentence


def test_history_of_a_resolved_condition_is_a_personal_history_code(engine) -> None:
    found = codes(engine, "History of stroke three years ago, no deficits.")
    assert "Z86.73" in found
    assert "I63.9" not in found


def test_history_of_a_chronic_condition_stays_current(engine) -> None:
    found = codes(engine, "History of hypertension, on lisinopril.")
    assert "I10" in found


def test_family_history(engine) -> None:
    result = engine.suggest("Mother had breast cancer at 50.")
    found = result.codes()
    assert "Z80.3" in found
    assert not any(c.startswith("C50") for c in found)
    z803 = next(d for d in result.diagnoses if d.code == "Z80.3")
    assert z803.evidence[0].text == "breast cancer"
    assert any("family" in r for r in z803.reasons)


def test_diabetes_with_ckd_stage_is_a_combination_code(engine) -> None:
    text = "Assessment: type 2 diabetes mellitus. Chronic kidney disease stage 3b."
    found = codes(engine, text)
    assert "E11.22" in found
    assert "N18.32" in found
    assert "E11.9" not in found
    assert found.index("E11.22") < found.index("N18.32")


def test_a_number_of_one_term_does_not_complete_another(engine) -> None:
    text = "Assessment: type 2 diabetes mellitus with CKD stage 3b."
    result = engine.suggest(text)
    ckd = next(d for d in result.diagnoses if d.code == "N18.32")
    assert [e.text for e in ckd.evidence] == ["CKD stage 3b"]
    assert "N18.2" not in result.codes("review")


def test_hypertension_with_ckd_and_heart_failure(engine) -> None:
    found = codes(engine, "Assessment: hypertension. CKD stage 4. Chronic diastolic heart failure.")
    assert "I13.0" in found
    assert "I10" not in found
    assert "N18.4" in found
    assert "I50.32" in found
    found = codes(engine, "Assessment: hypertension and heart failure.")
    assert "I11.0" in found


def test_hypertension_with_esrd_on_dialysis(engine) -> None:
    found = codes(engine, "Hypertension. ESRD on hemodialysis.")
    assert "I12.0" in found
    assert "N18.6" in found
    assert "Z99.2" in found


def test_laterality_picks_the_documented_side(engine) -> None:
    result = engine.suggest("Assessment: osteoarthritis of right knee.")
    dx = result.diagnoses[0]
    assert dx.code == "M17.11"
    assert any("laterality" in r for r in dx.reasons)


def test_injury_seventh_character_from_the_encounter(engine) -> None:
    text = "Assessment: sprain of right ankle."
    first = codes(engine, text)
    assert any(c.startswith("S93.40") and c.endswith("A") for c in first)
    later = codes(engine, text, encounter="subsequent")
    assert any(c.startswith("S93.40") and c.endswith("D") for c in later)
    sequela = codes(engine, text, encounter="sequela")
    assert any(c.startswith("S93.40") and c.endswith("S") for c in sequela)


def test_abbreviations_from_the_coder_lexicon(engine) -> None:
    found = codes(engine, "A/P: HTN, stable. T2DM.")
    assert "I10" in found
    assert "E11.9" in found


def test_json_shape(engine) -> None:
    data = engine.suggest("Assessment: essential hypertension.").to_dict()
    assert set(data) >= {"diagnoses", "procedures", "em"}
    dx = data["diagnoses"][0]
    assert set(dx) >= {"code", "description", "score", "evidence", "status"}
    assert set(dx["evidence"][0]) == {"start", "end", "text"}
    assert set(data["em"]) >= {"code", "basis", "reason"}


def test_bad_setting_is_named(engine) -> None:
    with pytest.raises(ValueError, match="setting"):
        engine.suggest("cough", setting="hospital")


def test_context_matches_a_note_once_however_often_it_is_asked() -> None:
    from medbill.core.suggest._context import ContextReader
    from medbill.core.suggest._features import Mention
    from medbill.core.suggest._lexicon import Match
    from medbill.core.suggest._text import sentences

    reader = ContextReader()
    inner = reader.context._ConText__matcher.matcher
    calls = []

    class Counting:
        rule_map = inner.rule_map

        def __call__(self, doc):
            calls.append(doc)
            return inner(doc)

    reader.context._ConText__matcher.matcher = Counting()
    text = "Patient denies chest pain. Mother had breast cancer."
    doc = reader.split(text, sentences(text))
    pain = Mention(Match("R079", 15, 25, 2, "chest pain", "title"), "body", 0)
    cancer = Mention(Match("C50919", 38, 51, 2, "breast cancer", "learned"), "body", 1)
    reader.apply(doc, [pain])
    reader.apply(doc, [cancer])  # the learned model's evidence, judged after the dictionary's
    assert pain.negated and not pain.family
    assert cancer.family and not cancer.negated
    assert len(calls) == 1


def test_a_code_the_diagnosis_rules_would_drop_is_not_offered_for_review(engine) -> None:
    from medbill.core.suggest._engine import _survives
    from medbill.core.suggest._registry import Visit
    from medbill.core.suggest._rules import Dx
    from medbill.core.suggest._text import sentences

    text = "Nurse visit: flu shot given today in right deltoid."
    visit = Visit(text, engine.release, sentences=sentences(text))
    immunization = [Dx("Z23", 0.9, [], ["flu"])]
    firearm = Dx("W3400XA", 0.3, [], ["shot"])
    assert not _survives(firearm, immunization, visit)
    assert _survives(firearm, [*immunization, Dx("S61412A", 0.9, [], ["wound"])], visit)
    assert _survives(Dx("J069", 0.3, [], ["cold"]), immunization, visit)
    result = engine.suggest(text)
    assert result.diagnoses[0].code == "Z23"
    assert not [d.code for d in result.diagnoses if d.code.startswith("W34")]
