"""Statistics learned from coded notes and the ranker that turns candidates into scores.

Three things are learned from (note, codes) pairs:

* phrase statistics: for word n-grams of the notes, how often a code was assigned when the phrase
  was present (``P(code | phrase)``);
* sentence phrase statistics, when the notes say which sentence holds each code's evidence: how
  often a code's evidence was in a sentence containing the phrase (sharper than per note, and
  useful for codes seen only once or twice);
* term statistics: how often a dictionary term's code was really assigned when the term matched
  (titles such as "pain" match far more often than coders use R52);
* a gradient-boosted ranker over the candidate features (see ``_features.FEATURES``), trained on
  out-of-fold statistics so it learns how much to trust them on unseen notes, with a decision
  threshold chosen by cross-validation on the training notes only.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import numpy.typing as npt

from medbill.core.suggest._features import FEATURES, SECTION_WEIGHT, Analysis, Mention

if TYPE_CHECKING:
    from medbill.core.suggest._lexicon import Lexicon, Match

# A scipy sparse matrix: scipy ships no type information.
Sparse: TypeAlias = Any
# A note's evidence spans: (start, end, code) of each of its codes' evidence.
Regions: TypeAlias = tuple[tuple[int, int, str], ...]
# The terms of a note's evidence: (words, code).
Terms: TypeAlias = tuple[tuple[tuple[str, ...], str], ...]

__all__ = ["Candidate", "Statistics", "candidates", "fit_statistics"]

MIN_CO = 2
MIN_P = 0.08
NEIGHBOURS = 15
RIDGE_LAMBDA = 1.0
BASE_PRECISION = 0.08
MIN_SENTENCE_P = 0.1
SENTENCE_POOL = 0.3
SENTENCE_NEIGHBOURS = 10
LEARNED_POOL = 0.1
# Side and degree words a learned term can do without.
_QUALIFIERS = frozenset(
    [
        "right",
        "left",
        "bilateral",
        "both",
        "severe",
        "mild",
        "moderate",
        "small",
        "large",
        "intense",
        "important",
        "significant",
        "multiple",
        "several",
        "marked",
        "slight",
    ]
)


@dataclass
class Statistics:
    """Phrase -> code and term -> code counts from one set of coded notes."""

    n_notes: int = 0
    prior: dict[str, float] = field(default_factory=dict)
    phrase: dict[str, list[tuple[str, float, int]]] = field(default_factory=dict)
    sentence: dict[str, list[tuple[str, float, int]]] = field(default_factory=dict)
    # the same per 3-character category: which kind of condition a sentence's phrase points at
    sentence_category: dict[str, list[tuple[str, float, int]]] = field(default_factory=dict)
    category_prior: dict[str, float] = field(default_factory=dict)
    # nearest sentences: TF-IDF rows of the sentences of notes with evidence, and their codes
    sentence_matrix: Sparse | None = None
    sentence_labels: list[tuple[str, ...]] = field(default_factory=list)
    # dictionary terms judged per sentence: (term, code) -> (sentences matched, code's evidence)
    sentence_term: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    # terms learned from the evidence of coded notes, matched like dictionary terms, with how
    # often a match meant the code was assigned: (words, code) -> (notes matched, notes coded,
    # sentences matched, sentences holding the code's evidence)
    learned: Lexicon | None = None
    learned_precision: dict[tuple[tuple[str, ...], str], tuple[int, ...]] = field(
        default_factory=dict
    )
    term: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    code_term: dict[str, tuple[int, int]] = field(default_factory=dict)
    # nearest coded notes: TF-IDF rows (L2-normalised) over the phrase vocabulary
    vocab: dict[str, int] = field(default_factory=dict)
    idf: npt.NDArray[np.float64] | None = None
    matrix: Sparse | None = None
    labels: list[tuple[str, ...]] = field(default_factory=list)
    # kernel ridge regression over the same rows: one dual coefficient row per coded note
    ridge_codes: list[str] = field(default_factory=list)
    ridge_alpha: npt.NDArray[np.float32] | None = None

    def _similarities(self, grams: Iterable[str]) -> npt.NDArray[np.float64] | None:
        if self.matrix is None or self.idf is None or not self.vocab:
            return None
        cols = sorted({self.vocab[g] for g in grams if g in self.vocab})
        if not cols:
            return None
        w = self.idf[cols]
        w = w / np.linalg.norm(w)
        sims: npt.NDArray[np.float64] = np.asarray(self.matrix[:, cols] @ w).ravel()
        return sims

    def linear(self, grams: Iterable[str]) -> dict[str, float]:
        """Per-code ridge score (a linear model over the note's phrases, fitted in dual form)."""
        sims = self._similarities(grams)
        if sims is None or self.ridge_alpha is None:
            return {}
        z = (sims + 1.0) @ self.ridge_alpha
        return {c: float(v) for c, v in zip(self.ridge_codes, z, strict=True) if v >= 0.02}

    def sentence_neighbours(
        self, a: Analysis, k: int = SENTENCE_NEIGHBOURS
    ) -> dict[str, tuple[float, float, tuple[int, int]]]:
        """For each code, the best share of similarity-weighted votes it gets from the ``k``
        most similar coded sentences of any one sentence of the note, and that sentence's span."""
        if self.sentence_matrix is None or self.idf is None or not self.vocab:
            return {}
        q, kept = _tfidf_rows(a.sentence_grams, self.vocab, self.idf)
        if not kept:
            return {}
        spans = [(a.sentences[i].start, a.sentences[i].end) for i in kept]
        sims = np.asarray((q @ self.sentence_matrix.T).todense())
        out: dict[str, tuple[float, float, tuple[int, int]]] = {}
        for r in range(len(spans)):
            top = np.argpartition(-sims[r], min(k, sims.shape[1] - 1))[:k]
            total = float(sims[r, top].sum())
            if total <= 0:
                continue
            votes: dict[str, float] = defaultdict(float)
            best: dict[str, float] = defaultdict(float)
            for i in top:
                for code in self.sentence_labels[i]:
                    votes[code] += float(sims[r, i])
                    best[code] = max(best[code], float(sims[r, i]))
            for code, v in votes.items():
                share = v / total
                if code not in out or share > out[code][0]:
                    out[code] = (share, best[code], spans[r])
        return out

    def neighbours(self, grams: Iterable[str], k: int = NEIGHBOURS) -> dict[str, tuple[float, int]]:
        """Codes of the ``k`` most similar coded notes: similarity-weighted share and count."""
        sims = self._similarities(grams)
        if sims is None:
            return {}
        top = np.argsort(-sims)[:k]
        total = float(sims[top].sum()) or 1.0
        votes: dict[str, list[float]] = {}
        for i in top:
            for code in self.labels[i]:
                v = votes.setdefault(code, [0.0, 0])
                v[0] += float(sims[i])
                v[1] += 1
        return {c: (v[0] / total, int(v[1])) for c, v in votes.items()}


def fit_statistics(
    analyses: list[Analysis],
    labels: list[set[str]],
    regions: list[Regions] | None = None,
    terms: list[Terms] | None = None,
) -> Statistics:
    """Count phrase and term co-occurrence with the codes of each note (and, where ``regions``
    give the evidence spans of a note's codes, with the codes of each sentence)."""
    from scipy import sparse

    df: Counter[str] = Counter()
    for a in analyses:
        df.update(a.grams.keys())
    vocab = {g: i for i, g in enumerate(g for g, n in df.items() if n >= MIN_CO)}
    codes = sorted({c for y in labels for c in y})
    cidx = {c: i for i, c in enumerate(codes)}
    rows: list[int] = []
    cols: list[int] = []
    for r, a in enumerate(analyses):
        for g in a.grams:
            j = vocab.get(g)
            if j is not None:
                rows.append(r)
                cols.append(j)
    x = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(analyses), len(vocab))
    )
    yr: list[int] = []
    yc: list[int] = []
    for r, y in enumerate(labels):
        for c in y:
            yr.append(r)
            yc.append(cidx[c])
    y = sparse.csr_matrix(
        (np.ones(len(yr), dtype=np.float32), (yr, yc)), shape=(len(analyses), len(codes))
    )
    co = (x.T @ y).tocoo()
    inv = {i: g for g, i in vocab.items()}
    phrase: dict[str, list[tuple[str, float, int]]] = defaultdict(list)
    for gi, ci, n in zip(co.row, co.col, co.data, strict=True):
        if n < MIN_CO:
            continue
        g = inv[int(gi)]
        p = float(n) / (df[g] + 1)
        if p >= MIN_P:
            phrase[g].append((codes[int(ci)], p, int(n)))
    term: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for a, gold in zip(analyses, labels, strict=True):
        seen = {(m.match.term, m.match.code) for m in a.mentions}
        for key in seen:
            term[key][0] += 1
            term[key][1] += key[1] in gold
    code_term: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, gold in zip(analyses, labels, strict=True):
        for code in {m.match.code for m in a.mentions}:
            code_term[code][0] += 1
            code_term[code][1] += code in gold
    n = len(analyses)
    prior = Counter(c for y in labels for c in y)
    idf = np.log((1 + n) / (1 + np.asarray([df[g] for g in sorted(vocab, key=vocab.__getitem__)])))
    idf = idf + 1.0
    tfidf = x.multiply(idf.reshape(1, -1)).tocsr()
    norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    tfidf = sparse.diags(1.0 / norms) @ tfidf
    ridge_codes, ridge_alpha = _fit_ridge(tfidf.tocsr(), labels)
    sent_matrix, sent_labels = (
        _sentence_rows(analyses, regions, vocab, idf) if regions else (None, [])
    )
    return Statistics(
        n_notes=n,
        sentence=_sentence_phrases(analyses, regions) if regions else {},
        sentence_category=_sentence_phrases(analyses, regions, category=True) if regions else {},
        category_prior=dict(Counter(c[:3] for y in labels for c in y)),
        sentence_matrix=sent_matrix,
        sentence_labels=sent_labels,
        sentence_term=_sentence_terms(analyses, regions) if regions else {},
        **_learned_terms(analyses, labels, regions, terms),
        ridge_codes=ridge_codes,
        ridge_alpha=ridge_alpha,
        prior={c: k / n for c, k in prior.items()},
        phrase=dict(phrase),
        term={k: (v[0], v[1]) for k, v in term.items()},
        code_term={k: (v[0], v[1]) for k, v in code_term.items()},
        vocab=vocab,
        idf=idf,
        matrix=tfidf.tocsc(),
        labels=[tuple(sorted(y)) for y in labels],
    )


def _sentence_phrases(
    analyses: list[Analysis], regions: list[Regions], category: bool = False
) -> dict[str, list[tuple[str, float, int]]]:
    """``P(code's evidence in the sentence | phrase in the sentence)`` over the notes that have
    evidence spans (with ``category``, of any code of the code's 3-character category)."""
    df: Counter[str] = Counter()
    co: Counter[tuple[str, str]] = Counter()
    for a, regs in zip(analyses, regions, strict=True):
        if not regs:
            continue
        for grams, codes in zip(a.sentence_grams, _sentence_labels(a, regs), strict=True):
            df.update(grams)
            if category:
                codes = {c[:3] for c in codes}
            for g in grams:
                for c in codes:
                    co[g, c] += 1
    out: dict[str, list[tuple[str, float, int]]] = defaultdict(list)
    for (g, c), k in co.items():
        p = k / (df[g] + 1)
        if p >= MIN_SENTENCE_P:
            out[g].append((c, p, k))
    return dict(out)


def _learned_terms(
    analyses: list[Analysis],
    labels: list[set[str]],
    regions: list[Regions] | None,
    terms: list[Terms] | None,
) -> dict[str, Any]:
    """A lexicon of the evidence terms of the notes, and how precise each was on them."""
    from medbill.core.suggest._lexicon import Lexicon

    pairs = {t for ts in terms or () for t in ts}
    # "enlarged right testis" also teaches "enlarged testis"
    for ws, code in list(pairs):
        core = tuple(w for w in ws if w not in _QUALIFIERS)
        if core and core != ws:
            pairs.add((core, code))
    ordered = sorted(pairs)
    if not ordered:
        return {}
    lex = Lexicon()
    lex.terms = [(ws, code, " ".join(ws), "learned") for ws, code in ordered]
    lex._index()
    counts: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for i, (a, gold) in enumerate(zip(analyses, labels, strict=True)):
        regs: Regions = regions[i] if regions else ()
        per_sentence = _sentence_labels(a, regs) if regs else None
        found: set[tuple[tuple[str, ...], str]] = set()
        for j, sent in enumerate(a.sentences):
            for m in lex.match(a.text, sent):
                key = (m.key, m.code)
                found.add(key)
                if per_sentence is not None:
                    counts[key][2] += 1
                    counts[key][3] += m.code in per_sentence[j]
        for key in found:
            counts[key][0] += 1
            counts[key][1] += key[1] in gold
    return {
        "learned": lex,
        "learned_precision": {k: tuple(v) for k, v in counts.items()},
    }


def _sentence_labels(a: Analysis, regs: Regions) -> list[set[str]]:
    return [{c for s, e, c in regs if s < sent.end and sent.start < e} for sent in a.sentences]


def _sentence_terms(
    analyses: list[Analysis], regions: list[Regions]
) -> dict[tuple[str, str], tuple[int, int]]:
    """How often a dictionary term's code had its evidence in the sentence the term matched."""
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for a, regs in zip(analyses, regions, strict=True):
        if not regs:
            continue
        per_sentence = _sentence_labels(a, regs)
        for key, i in {((m.match.term, m.match.code), m.sentence) for m in a.mentions}:
            out[key][0] += 1
            out[key][1] += key[1] in per_sentence[i]
    return {k: (v[0], v[1]) for k, v in out.items()}


def _sentence_rows(
    analyses: list[Analysis],
    regions: list[Regions],
    vocab: dict[str, int],
    idf: npt.NDArray[np.float64],
) -> tuple[Sparse | None, list[tuple[str, ...]]]:
    """L2-normalised TF-IDF rows of every sentence of the notes with evidence spans, and the
    codes whose evidence lies in each."""
    from scipy import sparse

    grams: list[tuple[str, ...]] = []
    labels: list[tuple[str, ...]] = []
    for a, regs in zip(analyses, regions, strict=True):
        if regs:
            grams += a.sentence_grams
            labels += [tuple(sorted(c)) for c in _sentence_labels(a, regs)]
    matrix, kept = _tfidf_rows(grams, vocab, idf)
    if not kept:
        return None, []
    return sparse.csr_matrix(matrix, dtype=np.float32), [labels[i] for i in kept]


def _tfidf_rows(
    gram_sets: Sequence[Iterable[str]], vocab: dict[str, int], idf: npt.NDArray[np.float64]
) -> tuple[Sparse, list[int]]:
    """One L2-normalised TF-IDF row per set of n-grams that has any in ``vocab`` (a sparse
    matrix), and the positions of the sets those rows stand for."""
    from scipy import sparse

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    kept: list[int] = []
    for pos, grams in enumerate(gram_sets):
        idx = sorted({vocab[g] for g in grams if g in vocab})
        if not idx:
            continue
        w = idf[idx]
        rows += [len(kept)] * len(idx)
        cols += idx
        vals += list(w / np.linalg.norm(w))
        kept.append(pos)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(kept), len(vocab))), kept


def _fit_ridge(
    x: Sparse, labels: list[set[str]], lam: float = RIDGE_LAMBDA
) -> tuple[list[str], npt.NDArray[np.float32] | None]:
    """Kernel ridge regression of every code's 0/1 label on the TF-IDF rows (linear kernel
    plus a constant for the bias): one small n-by-n solve for all codes at once."""
    codes = sorted({c for y in labels for c in y})
    if not codes:
        return [], None
    index = {c: j for j, c in enumerate(codes)}
    y = np.zeros((len(labels), len(codes)), dtype=np.float64)
    for i, lab in enumerate(labels):
        for c in lab:
            y[i, index[c]] = 1.0
    k = np.asarray((x @ x.T).todense(), dtype=np.float64) + 1.0
    alpha = np.linalg.solve(k + lam * np.eye(k.shape[0]), y)
    return codes, alpha.astype(np.float32)


@dataclass
class _SentencePhrase:
    """A code's best sentence phrase in a note: its ``P(code's evidence | phrase)``, count,
    span and words; how many of the note's phrases reach ``SENTENCE_POOL``; and the noisy-or
    of all of them."""

    p: float
    co: int
    span: tuple[int, int]
    gram: str
    support: int
    noisy_or: float


_NO_SENTENCE = _SentencePhrase(0.0, 0, (0, 0), "", 0, 0.0)  # its span and words are not read


@dataclass
class Candidate:
    """A code the note may support, its feature row and the best evidence span found."""

    code: str
    features: list[float]
    evidence: list[tuple[int, int]]
    terms: list[str]


def _term_precision(stats: Statistics, term: str, code: str) -> tuple[float, int]:
    seen, hits = stats.term.get((term, code), (0, 0))
    return (hits + 2 * BASE_PRECISION) / (seen + 2), seen


def _sentence_term_precision(stats: Statistics | None, term: str, code: str) -> float:
    if stats is None or not stats.sentence_term:
        return 0.0
    seen, hits = stats.sentence_term.get((term, code), (0, 0))
    return (hits + 2 * BASE_PRECISION) / (seen + 2)


def _category_share(stats: Statistics | None, code: str) -> float:
    """How much of its category's use the code gets in the coded notes (the coders' default)."""
    if stats is None or not stats.category_prior:
        return 0.0
    n = stats.n_notes or 1
    return (stats.prior.get(code, 0.0) * n + 0.1) / (stats.category_prior.get(code[:3], 0) + 1.0)


def _code_precision(stats: Statistics | None, code: str) -> float:
    if stats is None:
        return BASE_PRECISION
    seen, hits = stats.code_term.get(code, (0, 0))
    return (hits + 2 * BASE_PRECISION) / (seen + 2)


def candidates(a: Analysis, stats: Statistics | None, lexicon: Lexicon) -> list[Candidate]:
    """Every candidate code of an analysed note with its feature row (order of ``FEATURES``)."""
    span: tuple[int, int] | None
    by_code: dict[str, list[Mention]] = defaultdict(list)
    for m in a.mentions:
        by_code[m.match.code].append(m)
    assoc: dict[str, tuple[float, int, float, tuple[int, int], str]] = {}
    if stats is not None:
        for g, span in a.grams.items():
            for code, p, co in stats.phrase.get(g, ()):
                best = assoc.get(code)
                if best is None or p > best[0]:
                    second = best[0] if best else 0.0
                    assoc[code] = (p, co, second, span, g)
                elif p > best[2]:
                    assoc[code] = (best[0], best[1], p, best[3], best[4])
    support: Counter[str] = Counter()
    if stats is not None:
        for g in a.grams:
            for code, p, _co in stats.phrase.get(g, ()):
                if p >= 0.2:
                    support[code] += 1
    sent: dict[str, _SentencePhrase] = {}
    if stats is not None and stats.sentence:
        for g, span in a.grams.items():
            for code, p, co in stats.sentence.get(g, ()):
                found = sent.get(code)
                if found is None:
                    sent[code] = _SentencePhrase(p, co, span, g, int(p >= SENTENCE_POOL), p)
                else:
                    if p > found.p:
                        found.p, found.co, found.span, found.gram = p, co, span, g
                    found.support += p >= SENTENCE_POOL
                    found.noisy_or = 1.0 - (1.0 - found.noisy_or) * (1.0 - p)
    per_sentence: dict[str, float] = {}
    if stats is not None and stats.sentence:
        for grams in a.sentence_grams:
            miss: dict[str, float] = {}
            for g in grams:
                for code, p, _co in stats.sentence.get(g, ()):
                    miss[code] = miss.get(code, 1.0) * (1.0 - p)
            for code, none_of in miss.items():
                per_sentence[code] = max(per_sentence.get(code, 0.0), 1.0 - none_of)
    learned: dict[str, list[float]] = {}
    learned_span: dict[str, tuple[int, int, str]] = {}
    learned_matches: list[Match] = []
    if stats is not None and stats.learned is not None:
        for sentence in a.sentences:
            for lm in stats.learned.match(a.text, sentence):
                learned_matches.append(lm)
                seen, hits, s_seen, s_hits = stats.learned_precision.get(
                    (lm.key, lm.code), (0, 0, 0, 0)
                )
                prec = (hits + 2 * BASE_PRECISION) / (seen + 2)
                v = learned.setdefault(lm.code, [0.0, 0.0, 0.0, 0.0, 0.0])
                v[4] = max(v[4], (s_hits + 2 * BASE_PRECISION) / (s_seen + 2))
                v[1] += 1
                v[2] = max(v[2], float(lm.size))
                v[3] = max(v[3], math.log1p(hits))
                if prec > v[0]:
                    v[0] = prec
                    learned_span[lm.code] = (lm.start, lm.end, lm.term)
    by_category: dict[str, float] = {}
    if stats is not None and stats.sentence_category:
        for g in a.grams:
            for cat, p, _co in stats.sentence_category.get(g, ()):
                by_category[cat] = max(by_category.get(cat, 0.0), p)
    near = stats.neighbours(a.grams) if stats is not None else {}
    near_sent = stats.sentence_neighbours(a) if stats is not None else {}
    linear = stats.linear(a.grams) if stats is not None else {}
    pool = set(by_code) | set(assoc) | {c for c, (share, _n) in near.items() if share >= 0.1}
    pool |= {c for c, p in linear.items() if p >= 0.15}
    pool |= {c for c, v in sent.items() if v.p >= SENTENCE_POOL}
    pool |= {c for c, v in near_sent.items() if v[0] >= SENTENCE_POOL}
    pool |= {c for c, v in learned.items() if v[0] >= LEARNED_POOL}
    spans = [(m.match.start, m.match.end, m.match.size, m.match.code) for m in a.mentions]
    spans += [(m.start, m.end, m.size, m.code) for m in learned_matches]
    learned_free: Counter[str] = Counter(
        m.code
        for m in learned_matches
        if not any(
            s <= m.start and m.end <= e and z > m.size and c != m.code for s, e, z, c in spans
        )
    )
    cats = Counter(c[:3] for c in pool)
    length = max(1, len(a.text))
    out: list[Candidate] = []
    for code in sorted(pool):
        ms = by_code.get(code, [])
        asserted = [m for m in ms if m.asserted]
        longest = max(ms, key=lambda m: m.match.size, default=None)
        if ms:
            precs = [
                _term_precision(stats, m.match.term, code) if stats else (BASE_PRECISION, 0)
                for m in ms
            ]
            prec, seen = max(precs)
            ambiguity = min(lexicon.ambiguity.get(m.match.key, 1) for m in ms)
            covered = [
                any(
                    s <= m.match.start and m.match.end <= e and z > m.match.size and c != code
                    for s, e, z, c in spans
                )
                for m in ms
            ]
            subsumed = all(covered)
            free = sum(not c for c in covered)
            weight = max(SECTION_WEIGHT.get(m.section, 0.5) for m in ms)
            first = min(m.match.start for m in ms) / length
            inclusion = float(all(m.match.source == "inclusion" for m in ms))
        else:
            prec, seen, ambiguity, subsumed, weight, inclusion = 0.0, 0, 0, False, 0.0, 0.0
            free = 0
            first = 1.0
        p, co, second, span, gram = assoc.get(code, (0.0, 0, 0.0, None, ""))
        sv = sent.get(code, _NO_SENTENCE)
        if stats is not None and first == 1.0 and span is not None:
            first = span[0] / length
        near_share, near_count = near.get(code, (0.0, 0))
        near_sent_share, near_sent_similarity = near_sent.get(code, (0.0, 0.0, None))[:2]
        l_prec, l_mentions, l_size, l_hits, l_sentence = learned.get(code, (0.0,) * 5)
        named = {
            "dict_size": float(longest.match.size) if longest else 0.0,
            "dict_mentions": float(len(ms)),
            "dict_asserted": float(len(asserted)),
            "dict_negated": float(sum(m.negated for m in ms)),
            "dict_historical": float(sum(m.historical for m in ms)),
            "dict_family": float(sum(m.family for m in ms)),
            "dict_uncertain": float(sum(m.uncertain or m.hypothetical for m in ms)),
            "term_precision": prec,
            "term_seen": math.log1p(seen),
            "term_ambiguity": float(ambiguity),
            "subsumed": float(subsumed),
            "from_inclusion": inclusion,
            "assoc_max": p,
            "assoc_co": float(co),
            "assoc_second": second,
            "prior": stats.prior.get(code, 0.0) if stats else 0.0,
            "chapter": float(ord(code[0]) - 65),
            "section_weight": weight,
            "first_position": first,
            "siblings": float(cats[code[:3]]),
            "neighbour_share": near_share,
            "neighbour_count": float(near_count),
            "code_precision": _code_precision(stats, code),
            "phrase_support": float(support[code]),
            "linear": linear.get(code, 0.0),
            "free_mentions": float(free),
            "sentence_max": sv.p,
            "sentence_co": float(sv.co),
            "sentence_support": float(sv.support),
            "sentence_noisy_or": sv.noisy_or,
            "sentence_neighbour_share": near_sent_share,
            "sentence_neighbour_similarity": near_sent_similarity,
            "sentence_best": per_sentence.get(code, 0.0),
            "sentence_term_precision": max(
                (_sentence_term_precision(stats, m.match.term, code) for m in ms), default=0.0
            ),
            "sentence_category": by_category.get(code[:3], 0.0),
            "category_share": _category_share(stats, code),
            "learned_precision": l_prec,
            "learned_mentions": l_mentions,
            "learned_size": l_size,
            "learned_hits": l_hits,
            "learned_sentence_precision": l_sentence,
            "learned_free": float(learned_free[code]),
        }
        row = [named[name] for name in FEATURES]  # the model reads them in this order
        ev_mentions = asserted or ms
        evidence = sorted({(m.match.start, m.match.end) for m in ev_mentions})[:4]
        terms = sorted({m.match.term for m in ev_mentions})
        if not evidence and code in learned_span:
            s0, e0, term = learned_span[code]
            evidence = [(s0, e0)]
            terms = [f"learned term '{term}'"]
        elif not evidence and code in sent and sent[code].p >= max(p, 0.2):
            evidence = [sent[code].span]
            terms = [f"learned phrase '{sent[code].gram}'"]
        elif not evidence and span is not None:
            evidence = [span]
            terms = [f"learned phrase '{gram}'"]
        if not terms:
            terms = ["codes of the most similar coded notes"]
        out.append(Candidate(code, row, evidence, terms))
    return out
