"""Sentence alignment of a note with its translation, and evidence carried across it."""

from __future__ import annotations

from medbill.core.suggest._align import align, carry, line_spans, sentence_spans

SOURCE = (
    "Varón de 37 años con fiebre de 40 grados. Presenta orquiepididimitis derecha.\n"
    "Se inicia tratamiento con doxiciclina y estreptomicina durante 21 días, con buena "
    "evolución clínica. Alta a los 10 días."
)
TARGET = (
    "A 37-year-old man with a fever of 40 degrees.\n"
    "He presented with right orchiepididymitis.\n"
    "Treatment with doxycycline and streptomycin was started for 21 days.\n"
    "Clinical course was good.\n"
    "Discharged after 10 days.\n"
)


def _text(text: str, spans) -> str:
    return " ".join(text[s:e] for s, e in spans)


def test_sentences_and_lines_are_split_with_offsets() -> None:
    src = sentence_spans(SOURCE)
    assert [SOURCE[s:e] for s, e in src][:2] == [
        "Varón de 37 años con fiebre de 40 grados.",
        "Presenta orquiepididimitis derecha.",
    ]
    assert len(src) == 4
    lines = line_spans(TARGET)
    assert len(lines) == 5
    assert TARGET[lines[1][0] : lines[1][1]] == "He presented with right orchiepididymitis."


def test_one_to_one_and_one_to_two_pairings_are_found() -> None:
    pairs = align(SOURCE, TARGET)
    rendered = [(_text(SOURCE, a), _text(TARGET, b)) for a, b in pairs]
    assert rendered[0] == (
        "Varón de 37 años con fiebre de 40 grados.",
        "A 37-year-old man with a fever of 40 degrees.",
    )
    assert rendered[1][1] == "He presented with right orchiepididymitis."
    # the long source sentence was translated as two lines
    third = rendered[2]
    assert third[0].startswith("Se inicia tratamiento")
    assert third[1] == (
        "Treatment with doxycycline and streptomycin was started for 21 days. "
        "Clinical course was good."
    )
    assert rendered[3] == ("Alta a los 10 días.", "Discharged after 10 days.")


def test_evidence_offsets_land_on_the_translated_sentence() -> None:
    offset = SOURCE.index("orquiepididimitis")
    later = SOURCE.index("Alta")
    spans = carry(SOURCE, TARGET, [(offset, "N453"), (later, "Z09")])
    assert [(TARGET[s:e], code) for s, e, code in spans] == [
        ("He presented with right orchiepididymitis.", "N453"),
        ("Discharged after 10 days.", "Z09"),
    ]


def test_empty_texts_align_to_nothing() -> None:
    assert align("", "") == []
    assert carry("", "One line.\n", [(0, "R69")]) == []
