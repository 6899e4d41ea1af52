"""Sentence alignment of a note with its translation, to carry code evidence across languages.

A corpus may give the evidence of each code as character offsets into a note in one language
(CodiEsp's ``<split>X.tsv`` points into the Spanish originals) while the engine learns from a
translation with one sentence per line (``text_files_en``). Aligning the two sentence by sentence
tells which translated sentence holds each piece of evidence, so phrase statistics can be learned
per sentence instead of per note.

The aligner is the length-based dynamic programme of Gale and Church (1993): the cost of pairing
segments is how unlikely their length ratio is under a normal model, plus a prior for each kind of
pairing (one-to-one is by far the most common). Numbers are anchors: segments that share their
numbers are cheaper to pair, segments whose numbers differ dearer.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "align",
    "carry",
    "counterpart",
    "line_spans",
    "sentence_spans",
    "source_words",
    "translate_phrase",
    "translation_table",
]

_SOURCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡(0-9])|\n+")
_NUMBER = re.compile(r"\d+")

# -log prior of each pairing (source segments, target segments).
_PAIRINGS = {
    (1, 1): 0.0,
    (1, 2): 2.3,
    (2, 1): 2.3,
    (2, 2): 4.0,
    (1, 3): 4.0,
    (3, 1): 4.0,
    (1, 0): 4.5,
    (0, 1): 4.5,
}
_RATIO = 0.95  # target characters per source character
_VARIANCE = 6.8
_NUMBER_WEIGHT = 3.0

Span = tuple[int, int]


def sentence_spans(text: str) -> list[Span]:
    """Sentences of a source note: split at line ends and at full stops before a capital."""
    out: list[Span] = []
    pos = 0
    for m in _SOURCE_END.finditer(text):
        if text[pos : m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text)))
    return out


def line_spans(text: str) -> list[Span]:
    """Non-blank lines of a note (a translation written one sentence per line)."""
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _length_cost(source_len: int, target_len: int) -> float:
    if source_len == 0 or target_len == 0:
        return 0.0
    delta = (target_len - _RATIO * source_len) / math.sqrt(_VARIANCE * source_len)
    tail = 2.0 * (1.0 - 0.5 * (1.0 + math.erf(abs(delta) / math.sqrt(2.0))))
    return -math.log(max(tail, 1e-12))


def _number_cost(a: set[str], b: set[str]) -> float:
    if not (a or b):
        return 0.0
    return _NUMBER_WEIGHT * (0.5 - len(a & b) / len(a | b))


def align(source: str, target: str) -> list[tuple[list[Span], list[Span]]]:
    """Pair the sentences of ``source`` with the lines of ``target``, in order.

    Returns ``(source spans, target spans)`` pairs covering both texts; either side may be empty
    where a sentence has no counterpart.
    """
    a, b = sentence_spans(source), line_spans(target)
    a_len = [e - s for s, e in a]
    b_len = [e - s for s, e in b]
    a_num = [set(_NUMBER.findall(source[s:e])) for s, e in a]
    b_num = [set(_NUMBER.findall(target[s:e])) for s, e in b]
    n, m = len(a), len(b)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best = inf
            for (di, dj), prior in _PAIRINGS.items():
                if i < di or j < dj or cost[i - di][j - dj] == inf:
                    continue
                nums_a = set().union(*a_num[i - di : i]) if di else set()
                nums_b = set().union(*b_num[j - dj : j]) if dj else set()
                c = (
                    cost[i - di][j - dj]
                    + prior
                    + _length_cost(sum(a_len[i - di : i]), sum(b_len[j - dj : j]))
                    + _number_cost(nums_a, nums_b)
                )
                if c < best:
                    best = c
                    back[i, j] = (di, dj)
            cost[i][j] = best
    pairs = []
    i, j = n, m
    while i or j:
        di, dj = back[i, j]
        pairs.append((a[i - di : i], b[j - dj : j]))
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


def carry(
    source: str,
    target: str,
    offsets: list[tuple[int, str]],
    pairs: list[tuple[list[Span], list[Span]]] | None = None,
) -> list[tuple[int, int, str]]:
    """Map ``(source offset, label)`` pairs to ``(start, end, label)`` spans of ``target``: the
    target sentence(s) aligned with the source sentence holding each offset (``pairs``: the
    alignment, if already made)."""
    out = []
    pairs = align(source, target) if pairs is None else pairs
    for offset, label in offsets:
        tgt = counterpart(pairs, offset)
        if tgt:
            out.append((tgt[0][0], tgt[-1][1], label))
    return out


def counterpart(pairs: list[tuple[list[Span], list[Span]]], offset: int) -> list[Span]:
    """The target spans aligned with the source sentence holding ``offset`` (empty if none)."""
    for src, tgt in pairs:
        if any(s <= offset < e for s, e in src):
            return tgt
    return []


_SOURCE_WORD = re.compile(r"\w+")
# Function words of the source language (Spanish), left out of word alignment.
# fmt: off
_SOURCE_STOP = frozenset(
    [
        "de", "la", "el", "en", "y", "a", "los", "las", "del", "con", "se", "por", "un", "una",
        "unos", "unas", "que", "al", "no", "para", "su", "sus", "o", "u", "es", "lo", "como",
        "sin", "le", "les", "fue", "más", "entre", "este", "esta", "estos", "estas", "desde", "e",
        "ni", "sobre", "tras",
    ]
)
# fmt: on


def source_words(text: str) -> list[str]:
    """Content words of a source-language phrase, lower case."""
    return [
        w.lower()
        for w in _SOURCE_WORD.findall(text)
        if w.lower() not in _SOURCE_STOP and not w.isdigit()
    ]


def translation_table(
    pairs: list[tuple[list[str], list[str]]], iterations: int = 8, floor: float = 0.05
) -> dict[str, dict[str, float]]:
    """Word translation probabilities ``t(target | source)`` learned from aligned sentence pairs
    with IBM Model 1 (expectation-maximisation; a null source word absorbs target words with no
    counterpart). Entries below ``floor`` are dropped."""
    import numpy as np

    src_vocab: dict[str, int] = {"": 0}
    tgt_vocab: dict[str, int] = {}
    group: list[int] = []
    src: list[int] = []
    tgt: list[int] = []
    n_groups = 0
    for source, target in pairs:
        s_ids = [0] + sorted({src_vocab.setdefault(w, len(src_vocab)) for w in source})
        for word_id in sorted({tgt_vocab.setdefault(w, len(tgt_vocab)) for w in target}):
            group += [n_groups] * len(s_ids)
            src += s_ids
            tgt += [word_id] * len(s_ids)
            n_groups += 1
    if not group:
        return {}
    width = len(tgt_vocab)
    keys, inverse = np.unique(
        np.asarray(src, dtype=np.int64) * width + np.asarray(tgt, dtype=np.int64),
        return_inverse=True,
    )
    key_src = keys // width
    groups = np.asarray(group)
    t = np.full(len(keys), 1.0 / width)
    for _ in range(iterations):
        tv = t[inverse]
        share = tv / np.bincount(groups, weights=tv)[groups]
        counts = np.bincount(inverse, weights=share, minlength=len(keys))
        t = counts / np.bincount(key_src, weights=counts)[key_src]
    src_words = {i: w for w, i in src_vocab.items()}
    tgt_words = {i: w for w, i in tgt_vocab.items()}
    table: dict[str, dict[str, float]] = {}
    for key, p in zip(keys.tolist(), t.tolist(), strict=True):
        s = key // width
        if s and p >= floor:
            table.setdefault(src_words[s], {})[tgt_words[key % width]] = p
    return table


def _plain(word: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    ).lower()


def _cognate(word: str, target_words: set[str], least: float = 0.75) -> str | None:
    """The target word spelled most like ``word`` (a rare medical term the translation table
    has too few examples of: *espondilodiscitis* / spondylodiscitis), if alike enough."""
    from difflib import SequenceMatcher

    plain = _plain(word)
    if len(plain) < 7:
        return None  # short words are judged by the table alone ("dolor" is not "door")
    best, score = None, least
    for t in target_words:
        if len(t) < 6 or abs(len(t) - len(plain)) > 4:
            continue
        r = SequenceMatcher(None, plain, t).ratio()
        if r >= score:
            best, score = t, r
    return best


def translate_phrase(
    table: dict[str, dict[str, float]], phrase: str, target_words: set[str], least: float = 0.2
) -> tuple[str, ...] | None:
    """The target words that translate a source phrase, looked for among ``target_words`` (the
    aligned sentence's words), by the translation table or else by spelling; None unless at
    least half of the phrase's words are found."""
    words = source_words(phrase)
    if not words:
        return None
    found = set()
    for w in words:
        options = [(p, t) for t, p in table.get(w, {}).items() if t in target_words and p >= least]
        if options:
            found.add(max(options)[1])
            continue
        cognate = _cognate(w, target_words)
        if cognate:
            found.add(cognate)
    if not found or 2 * len(found) < len(words):
        return None
    return tuple(sorted(found))
