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


def test_word_translations_are_learned_from_sentence_pairs() -> None:
    from medbill.core.suggest._align import source_words, translation_table

    pairs = [
        (source_words("dolor abdominal intenso"), ["severe", "abdominal", "pain"]),
        (source_words("dolor torácico"), ["chest", "pain"]),
        (source_words("fiebre y dolor"), ["fever", "pain"]),
        (source_words("fiebre alta"), ["high", "fever"]),
        (source_words("tos y fiebre"), ["cough", "fever"]),
    ]
    assert source_words("Fiebre y dolor de 3 días") == ["fiebre", "dolor", "días"]
    table = translation_table(pairs)
    assert max(table["dolor"], key=table["dolor"].get) == "pain"
    assert max(table["fiebre"], key=table["fiebre"].get) == "fever"
    assert table["dolor"]["pain"] > 0.5
    assert translation_table([]) == {}


def test_a_phrase_is_translated_into_the_words_of_its_sentence() -> None:
    from medbill.core.suggest._align import translate_phrase

    table = {"dolor": {"pain": 0.9}, "torácico": {"chest": 0.7, "thoracic": 0.25}}
    assert translate_phrase(table, "dolor torácico", {"chest", "pain", "sudden"}) == (
        "chest",
        "pain",
    )
    # the sentence decides between translations
    assert translate_phrase(table, "dolor torácico", {"thoracic", "pain"}) == (
        "pain",
        "thoracic",
    )
    # fewer than half of the words found: no term
    assert translate_phrase(table, "dolor torácico opresivo", {"pain"}) is None
    assert translate_phrase(table, "de la", {"pain"}) is None


def test_a_rare_word_falls_back_to_its_cognate() -> None:
    from medbill.core.suggest._align import _cognate, translate_phrase

    assert _cognate("espondilodiscitis", {"spondylodiscitis", "abscess"}) == "spondylodiscitis"
    assert _cognate("nistagmus", {"nystagmus", "horizontal"}) == "nystagmus"
    assert _cognate("hemorragia", {"bleeding", "history"}) is None
    assert _cognate("dolor", {"door"}) is None  # too short to judge by spelling
    assert _cognate("cicatriz", {"cicatricial"}) is None  # the lengths differ too much
    # the table first, spelling only for words it cannot place
    table = {"dolor": {"pain": 0.9}}
    assert translate_phrase(table, "dolor abdominal", {"abdominal", "pain", "low"}) == (
        "abdominal",
        "pain",
    )
