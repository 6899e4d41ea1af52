"""Sentence splitting and ConText (negation, uncertainty, history, family) with medspacy.

The pipeline is a blank spaCy English tokenizer, medspacy's PyRuSH sentence splitter and medspacy's
ConText with its default rules plus a few the billing office needs ("rule out", "mother had").
No statistical model is downloaded. PyRuSH logs every token at debug level through loguru; that
would put note text (PHI) in logs, so its logger is switched off here.
"""

from __future__ import annotations

import threading

from medbill.core.suggest._features import Mention

__all__ = ["ContextReader"]

_lock = threading.Lock()

# Extra modifier phrases: (literal, ConText category, direction).
_EXTRA_RULES = (
    ("rule out", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("r/o", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("suspected", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("probable", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("questionable", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("concern for", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("versus", "POSSIBLE_EXISTENCE", "BIDIRECTIONAL"),
    ("personal history of", "HISTORICAL", "FORWARD"),
    ("hx of", "HISTORICAL", "FORWARD"),
    ("status post", "HISTORICAL", "FORWARD"),
    ("s/p", "HISTORICAL", "FORWARD"),
    ("resolved", "HISTORICAL", "BACKWARD"),
    ("mother", "FAMILY", "BIDIRECTIONAL"),
    ("father", "FAMILY", "BIDIRECTIONAL"),
    ("sister", "FAMILY", "BIDIRECTIONAL"),
    ("brother", "FAMILY", "BIDIRECTIONAL"),
    ("family history of", "FAMILY", "FORWARD"),
    ("denies", "NEGATED_EXISTENCE", "FORWARD"),
    ("negative for", "NEGATED_EXISTENCE", "FORWARD"),
    ("no evidence of", "NEGATED_EXISTENCE", "FORWARD"),
)


class ContextReader:
    """Splits notes into sentences and marks dictionary mentions with their ConText."""

    def __init__(self) -> None:
        from loguru import logger

        logger.disable("PyRuSH")
        logger.disable("medspacy")
        import medspacy
        from medspacy.context import ConText, ConTextRule

        self.nlp = medspacy.load(medspacy_enable=["medspacy_pyrush"])
        self.context = ConText(self.nlp, input_span_type="group", span_group_name="medbill")
        self.context.add(
            [ConTextRule(text, category, direction=d) for text, category, d in _EXTRA_RULES]
        )

    def split(self, text: str):
        """The spaCy doc and its sentence character spans."""
        with _lock:
            doc = self.nlp(text)
        return doc, [(s.start_char, s.end_char) for s in doc.sents]

    def apply(self, doc, mentions: list[Mention]) -> None:
        """Set negated/uncertain/historical/family/hypothetical on each mention."""
        spans = {}
        for m in mentions:
            key = (m.match.start, m.match.end)
            if key not in spans:
                span = doc.char_span(*key, alignment_mode="expand")
                if span is not None:
                    spans[key] = span
        if not spans:
            return
        doc.spans["medbill"] = list(spans.values())
        with _lock:
            self.context(doc)
        attrs = {}
        for key, span in zip(spans, doc.spans["medbill"], strict=True):
            attrs[key] = (
                span._.is_negated,
                span._.is_uncertain,
                span._.is_historical,
                span._.is_family,
                span._.is_hypothetical,
            )
        for m in mentions:
            a = attrs.get((m.match.start, m.match.end))
            if a:
                m.negated, m.uncertain, m.historical, m.family, m.hypothetical = a
