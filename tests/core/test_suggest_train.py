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
    with pytest.raises(CorpusError, match="missing: no such folder"):
        read_codiesp(tmp_path / "missing", release)
    with pytest.raises(CorpusError, match=r"D\.tsv"):
        read_codiesp(tmp_path, release)
    (tmp_path / "trainD.tsv").write_text("n1\ti10\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="text_files_en"):
        read_codiesp(tmp_path, release)
    (tmp_path / "text_files_en").mkdir()
    with pytest.raises(CorpusError, match="n1.txt"):
        read_codiesp(tmp_path, release)


def _folder_with_evidence(root: Path, offsets: str = "9 17") -> Path:
    (root / "text_files_en").mkdir()
    (root / "text_files").mkdir()
    (root / "trainD.tsv").write_text("n1\tr51\nn1\ti10\n", encoding="utf-8")
    (root / "text_files").joinpath("n1.txt").write_text(
        "Refiere cefalea intensa desde hace 3 días. Hipertensión arterial en tratamiento.",
        encoding="utf-8",
    )
    (root / "text_files_en").joinpath("n1.txt").write_text(
        "He reports severe headache for 3 days.\nArterial hypertension under treatment.\n",
        encoding="utf-8",
    )
    (root / "trainX.tsv").write_text(
        f"n1\tDIAGNOSTICO\tr51\tcefalea\t{offsets}\n"
        "n1\tDIAGNOSTICO\ti10\tHipertensión arterial\t43 64\n"
        "n1\tPROCEDIMIENTO\tbw03zzz\tRx\t0 2\n",
        encoding="utf-8",
    )
    return root


def test_evidence_is_carried_to_the_translated_sentence(tmp_path: Path, release) -> None:
    (note,) = read_codiesp(_folder_with_evidence(tmp_path), release)
    assert note.codes == {"R519", "I10"}
    found = {code: note.text[s:e] for s, e, code in note.regions}
    assert found == {
        "R519": "He reports severe headache for 3 days.",
        "I10": "Arterial hypertension under treatment.",
    }
    # the evidence text becomes words of the translated sentence
    # the evidence text becomes words of the translated sentence (two sentence pairs teach
    # little, so only where a term was found is checked)
    terms = dict((code, ws) for ws, code in note.terms)
    assert "I10" in terms
    assert set(terms["I10"]) <= {"arterial", "hypertension", "under", "treatment"}
    assert set(terms.get("R519", ())) <= {"report", "severe", "headache", "day"}


def test_malformed_evidence_offsets_are_named(tmp_path: Path, release) -> None:
    with pytest.raises(CorpusError, match=r"trainX\.tsv line 1: offsets 'nine'"):
        read_codiesp(_folder_with_evidence(tmp_path, offsets="nine"), release)


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
    # CodiEsp's evidence file gives sentence-level statistics
    assert sum(bool(n.regions) for n in notes) >= 450
    assert model.stats.sentence and model.stats.sentence_term
    assert model.stats.sentence_matrix.shape[0] == len(model.stats.sentence_labels)
    learned = {(ws, code) for ws, code, _t, _s in model.stats.learned.terms}
    assert (("orchiepididymitis",), "N453") in learned
    assert (("enlarged", "test"), "N448") in learned  # "enlarged right testis", side dropped
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

    # evidence found only by the learned model gets the same ConText judgement
    def codes(text: str) -> dict[str, str]:
        return {d.code: d.status for d in learned.suggest(text, review=20).diagnoses}

    assert "N45.3" in codes("He presented with right orchiepididymitis and fever.")
    assert "N45.3" not in codes("He denies orchiepididymitis. Fever.")
    assert "N45.3" in codes("He denies orchiepididymitis. Fever.".replace("denies", "has"))


def test_too_few_notes_is_an_error(release) -> None:
    engine = SuggestEngine.load(learned=False, context=False)
    notes = [CodedNote(str(i), "fever", frozenset({"R509"})) for i in range(3)]
    with pytest.raises(ValueError, match="at least"):
        train(notes, engine=engine, folds=5)


def test_sentence_statistics_credit_the_evidence_sentence_only(release) -> None:
    from medbill.core.suggest._features import analyse
    from medbill.core.suggest._model import candidates, fit_statistics

    engine = SuggestEngine.load(learned=False, context=False)
    texts = [
        "Seen for a checkup.\nThe x-ray showed a scaphoid fracture.\nFollow-up in clinic.\n",
        "Came by ambulance.\nThe x-ray showed a scaphoid fracture.\nFollow-up in clinic.\n",
        "Seen for a checkup.\nBlood pressure high.\nFollow-up in clinic.\n",
    ]
    analyses = [analyse(t, engine.lexicon) for t in texts]
    regions = []
    for t, code in zip(texts, ("S62009A", "S62009A", "I10"), strict=True):
        line = next(x for x in t.splitlines() if "x-ray" in x or "pressure" in x)
        regions.append(((t.index(line), t.index(line) + len(line), code),))
    labels = [{r[0][2]} for r in regions]
    stats = fit_statistics(analyses, labels, regions)
    by_code = {c: p for c, p, _n in stats.sentence["scaphoid fracture"]}
    assert by_code == {"S62009A": 2 / 3}
    # a phrase of a sentence without evidence is credited to no code
    assert "clinic" not in stats.sentence
    # per note, "clinic" co-occurs with every code
    assert {c for c, _p, _n in stats.phrase["clinic"]} == {"S62009A"}
    assert stats.sentence_labels.count(("S62009A",)) == 2

    new = analyse("Wrist pain.\nX-ray: scaphoid fracture.\n", engine.lexicon)
    cands = {c.code: c for c in candidates(new, stats, engine.lexicon)}
    assert "S62009A" in cands
    (term,) = cands["S62009A"].terms
    assert term.startswith("learned phrase")
    assert term.split("'")[1] in "x ray showed scaphoid fracture"
