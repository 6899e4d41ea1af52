"""ConText (negation, uncertainty, history, family) with medspacy.

The pipeline is a blank spaCy English tokenizer and medspacy's ConText with its default rules plus
a few the billing office needs ("rule out", "mother had"); no statistical model is downloaded.
Sentence boundaries, which bound each ConText modifier's scope, come from ``_text.sentences``
(line ends, full stops, section headings) and are set on the spaCy doc: medspacy's PyRuSH
splitter gives the same boundaries on clinical notes but costs up to a second on a 5 KB note,
which the latency budget (200 ms per 2 KB) does not allow. medspacy logs through loguru; its
loggers are switched off so note text (PHI) never reaches a log.
"""

from __future__ import annotations

import threading
from typing import Any

from medbill.core.suggest._features import Mention
from medbill.core.suggest._text import Sentence

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


def _import_context() -> tuple[Any, Any]:
    """medspacy's ConText classes, imported without QuickUMLS.

    ``medspacy.util`` imports QuickUMLS unconditionally, and QuickUMLS imports NLTK, SciPy and
    scikit-learn: about three seconds, for a UMLS matcher we never use. While medspacy is
    imported, empty stand-in modules answer for QuickUMLS; they are removed afterwards, so a
    later ``import quickumls`` gets the real package.
    """
    import sys
    import types

    stubs: dict[str, types.ModuleType] = {}
    if "quickumls" not in sys.modules:
        pkg = types.ModuleType("quickumls")
        component = types.ModuleType("quickumls.spacy_component")
        vars(pkg)["spacy_component"] = component
        stubs = {"quickumls": pkg, "quickumls.spacy_component": component}
        sys.modules.update(stubs)
    try:
        from medspacy.context import ConText, ConTextRule
    finally:
        for name, module in stubs.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return ConText, ConTextRule


class ContextReader:
    """Splits notes into sentences and marks dictionary mentions with their ConText."""

    def __init__(self) -> None:
        from loguru import logger

        for name in ("PyRuSH", "medspacy", "PyFastNER"):
            logger.disable(name)
        import spacy

        ConText, ConTextRule = _import_context()

        self.nlp = spacy.blank("en")
        self.context = ConText(self.nlp, input_span_type="group", span_group_name="medbill")
        self.context.add(
            [ConTextRule(text, category, direction=d) for text, category, d in _EXTRA_RULES]
        )
        # The modifier phrases of a note ("denies", "history of") are found once per note:
        # the engine asks ConText twice (dictionary mentions, then the learned model's
        # evidence), and matching them is most of ConText's time.
        matcher = getattr(self.context, "_ConText__matcher", None)
        if matcher is not None and hasattr(matcher, "rule_map"):
            self.context._ConText__matcher = _MatchesOncePerDoc(matcher)

    def split(self, text: str, sentences: list[Sentence]) -> Any:
        """The spaCy doc of ``text`` with sentence starts set from ``sentences``."""
        with _lock:
            doc = self.nlp.make_doc(text)
        starts = {s.start for s in sentences}
        pending = sorted(starts)
        i = 0
        for tok in doc:
            # a sentence starts at the first spaCy token at or after each sentence's first word
            is_start = tok.i == 0
            while i < len(pending) and pending[i] <= tok.idx:
                is_start = True
                i += 1
            tok.is_sent_start = is_start
        return doc

    def apply(self, doc: Any, mentions: list[Mention]) -> None:
        """Set negated/uncertain/historical/family/hypothetical on each mention."""
        spans: dict[tuple[int, int], Any] = {}
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
        attrs: dict[tuple[int, int], tuple[bool, bool, bool, bool, bool]] = {}
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


class _MatchesOncePerDoc:
    """ConText's phrase matcher, remembering its matches on the doc it matched (the doc is
    the caller's: nothing is kept once the note is coded)."""

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher
        self.rule_map = matcher.rule_map

    def __call__(self, doc: Any) -> Any:
        found = doc.user_data.get("medbill.context_matches")
        if found is None:
            found = doc.user_data["medbill.context_matches"] = self.matcher(doc)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)
