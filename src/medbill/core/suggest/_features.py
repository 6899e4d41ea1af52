"""What the ranker sees for each candidate code of a note.

A note is *analysed* once (sentences, dictionary matches with their context, word n-grams with
offsets); candidate codes are the union of dictionary hits and codes the learned phrase statistics
point to; each candidate gets a fixed-length feature row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from medbill.core.suggest._lexicon import Lexicon, Match
from medbill.core.suggest._text import STOPWORDS, Sentence, sentences

if TYPE_CHECKING:
    from medbill.core.suggest._context import ContextReader

__all__ = ["FEATURES", "Analysis", "Mention", "analyse", "ngrams"]

MAX_N = 3

# Sections whose findings describe today's problems; history sections weigh less.
SECTION_WEIGHT = {
    "assessment": 1.0,
    "plan": 0.9,
    "complaint": 0.8,
    "procedures": 0.8,
    "body": 0.7,
    "history": 0.7,
    "exam": 0.6,
    "data": 0.6,
    "review": 0.4,
    "past_history": 0.3,
    "medications": 0.2,
    "allergies": 0.1,
    "family_history": 0.1,
    "social_history": 0.2,
}


@dataclass(slots=True)
class Mention:
    """A dictionary hit in the note plus the ConText attributes of its sentence position."""

    match: Match
    section: str
    sentence: int
    negated: bool = False
    uncertain: bool = False
    historical: bool = False
    family: bool = False
    hypothetical: bool = False

    @property
    def asserted(self) -> bool:
        return not (self.negated or self.uncertain or self.family or self.hypothetical)


@dataclass
class Analysis:
    """One note, read once: sentences, dictionary mentions and n-grams with their first offsets."""

    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    grams: dict[str, tuple[int, int]] = field(default_factory=dict)
    # the n-grams of each sentence (same order as ``sentences``), sorted
    sentence_grams: list[tuple[str, ...]] = field(default_factory=list)
    # the ConText reader and its parsed note, to judge evidence found after the dictionary
    reader: ContextReader | None = None
    doc: Any = None

    def judge(
        self, evidence: dict[str, tuple[list[tuple[int, int]], str]]
    ) -> dict[str, list[Mention]]:
        """Mentions, with their ConText, for evidence found by the learned model rather than by
        the dictionary: ``{code: (spans, term)}`` in, ``{code: [Mention, ...]}`` out (nothing
        without a ConText reader). ConText runs once over all of them."""
        if self.reader is None or self.doc is None:
            return {}
        out: dict[str, list[Mention]] = {}
        for code, (spans, term) in evidence.items():
            for start, end in spans:
                i = next(
                    (k for k, s in enumerate(self.sentences) if s.start <= start < s.end + 1),
                    None,
                )
                if i is not None:
                    match = Match(code, start, end, 1, term, "learned")
                    out.setdefault(code, []).append(Mention(match, self.sentences[i].section, i))
        if out:
            self.reader.apply(self.doc, [m for ms in out.values() for m in ms])
        return out


def ngrams(sentence: Sentence) -> list[tuple[str, int, int]]:
    """Content-word n-grams (1..3) of one sentence with their character spans."""
    toks = [t for t in sentence.tokens if t.norm not in STOPWORDS and not t.norm.isdigit()]
    out = []
    for i in range(len(toks)):
        for n in range(1, MAX_N + 1):
            if i + n > len(toks):
                break
            out.append(
                (" ".join(t.norm for t in toks[i : i + n]), toks[i].start, toks[i + n - 1].end)
            )
    return out


def analyse(text: str, lexicon: Lexicon, reader: ContextReader | None = None) -> Analysis:
    """Read a note: split it, match the dictionary, run ConText over the hits.

    ``reader`` is a ``ContextReader`` (medspacy's ConText); without one no context is marked.
    """
    sents = sentences(text)
    doc = reader.split(text, sents) if reader is not None else None
    mentions: list[Mention] = []
    grams: dict[str, tuple[int, int]] = {}
    per_sentence: list[tuple[str, ...]] = []
    for i, sent in enumerate(sents):
        for m in lexicon.match(text, sent):
            mentions.append(Mention(m, sent.section, i))
        found = ngrams(sent)
        for g, s, e in found:
            grams.setdefault(g, (s, e))
        per_sentence.append(tuple(sorted({g for g, _s, _e in found})))
    if reader is not None and doc is not None and mentions:
        reader.apply(doc, mentions)
    return Analysis(text, sents, mentions, grams, per_sentence, reader, doc)


FEATURES = (
    "dict_size",
    "dict_mentions",
    "dict_asserted",
    "dict_negated",
    "dict_historical",
    "dict_family",
    "dict_uncertain",
    "term_precision",
    "term_seen",
    "term_ambiguity",
    "subsumed",
    "from_inclusion",
    "assoc_max",
    "assoc_co",
    "assoc_second",
    "prior",
    "chapter",
    "section_weight",
    "first_position",
    "siblings",
    "neighbour_share",
    "neighbour_count",
    "code_precision",
    "phrase_support",
    "linear",
    "free_mentions",
    "sentence_max",
    "sentence_co",
    "sentence_support",
    "sentence_noisy_or",
    "sentence_neighbour_share",
    "sentence_neighbour_similarity",
    "sentence_best",
    "sentence_term_precision",
    "sentence_category",
    "category_share",
    "learned_precision",
    "learned_mentions",
    "learned_size",
    "learned_hits",
    "learned_sentence_precision",
    "learned_free",
)
