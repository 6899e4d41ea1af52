"""Learning from coded notes: CodiEsp folders, code normalisation, a small training run."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill.core.codesets import icd10cm
from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.suggest import (
    CodedNote,
    CorpusError,
    SuggestEngine,
    load_model,
    normalise_code,
    read_codiesp,
    save_model,
    train,
)
from shared_data import shared_path


@pytest.fixture(scope="module")
def release():
    ensure_icd10cm()
    return icd10cm()


def test_codes_are_normalised_to_fy2026_billable_codes(release) -> None:
    assert normalise_code(release, "r51") == "R519"
    assert normalise_code(release, "i10") == "I10"
    assert normalise_code(release, "n44.8") == "N448"
    assert normalise_code(release, "t14.90") == "T1490XA"
    assert normalise_code(release, "") is None


def test_a_folder_without_codes_is_named(tmp_path: Path, release) -> None:
    with pytest.raises(CorpusError, match=r"D\.tsv"):
        read_codiesp(tmp_path, release)
    (tmp_path / "trainD.tsv").write_text("n1\ti10\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="text_files_en"):
        read_codiesp(tmp_path, release)
    (tmp_path / "text_files_en").mkdir()
    with pytest.raises(CorpusError, match="n1.txt"):
        read_codiesp(tmp_path, release)


def test_training_on_a_slice_of_codiesp_train(tmp_path: Path, release) -> None:
    notes = read_codiesp(shared_path("codiesp/train"), release)
    assert len(notes) == 500
    first = notes[0]
    assert first.id == "S0004-06142005000700014-1"
    assert "N448" in first.codes and "R52" in first.codes

    engine = SuggestEngine.load(learned=False)
    model = train(notes[:40], engine=engine, folds=2, source="slice")
    assert model.meta["notes"] == 40
    assert 0.0 < model.threshold < 1.0
    assert model.stats.phrase, "phrase statistics were learned"
    path = save_model(model, tmp_path / "model.pickle")
    again = load_model(path)
    assert again is not None and again.threshold == model.threshold

    learned = SuggestEngine(engine.release, engine.lexicon, again, engine.reader)
    # On a note it learned from, the model recovers some of the coder's codes.
    hits = 0
    for note in notes[:10]:
        suggested = {c.replace(".", "") for c in learned.suggest(note.text).codes()}
        hits += len(suggested & note.codes)
    assert hits >= 10


def test_too_few_notes_is_an_error(release) -> None:
    engine = SuggestEngine.load(learned=False, context=False)
    notes = [CodedNote(str(i), "fever", frozenset({"R509"})) for i in range(3)]
    with pytest.raises(ValueError, match="at least"):
        train(notes, engine=engine, folds=5)
