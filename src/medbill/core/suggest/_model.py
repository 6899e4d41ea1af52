"""Statistics learned from coded notes and the ranker that turns candidates into scores.

Three things are learned from (note, codes) pairs:

* phrase statistics: for word n-grams of the notes, how often a code was assigned when the phrase
  was present (``P(code | phrase)``);
* term statistics: how often a dictionary term's code was really assigned when the term matched
  (titles such as "pain" match far more often than coders use R52);
* a gradient-boosted ranker over the candidate features (see ``_features.FEATURES``), trained on
  out-of-fold statistics so it learns how much to trust them on unseen notes, with a decision
  threshold chosen by cross-validation on the training notes only.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from medbill.core.suggest._features import FEATURES, SECTION_WEIGHT, Analysis

__all__ = ["Candidate", "Statistics", "candidates", "fit_statistics"]

MIN_CO = 2
MIN_P = 0.08
BASE_PRECISION = 0.08


@dataclass
class Statistics:
    """Phrase -> code and term -> code counts from one set of coded notes."""

    n_notes: int = 0
    prior: dict[str, float] = field(default_factory=dict)
    phrase: dict[str, list[tuple[str, float, int]]] = field(default_factory=dict)
    term: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)


def fit_statistics(analyses: list[Analysis], labels: list[set[str]]) -> Statistics:
    """Count phrase and term co-occurrence with the codes of each note."""
    from scipy import sparse

    df: Counter[str] = Counter()
    for a in analyses:
        df.update(a.grams.keys())
    vocab = {g: i for i, g in enumerate(g for g, n in df.items() if n >= MIN_CO)}
    codes = sorted({c for y in labels for c in y})
    cidx = {c: i for i, c in enumerate(codes)}
    rows, cols = [], []
    for r, a in enumerate(analyses):
        for g in a.grams:
            j = vocab.get(g)
            if j is not None:
                rows.append(r)
                cols.append(j)
    x = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(analyses), len(vocab))
    )
    yr, yc = [], []
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
    n = len(analyses)
    prior = Counter(c for y in labels for c in y)
    return Statistics(
        n_notes=n,
        prior={c: k / n for c, k in prior.items()},
        phrase=dict(phrase),
        term={k: (v[0], v[1]) for k, v in term.items()},
    )


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


def candidates(a: Analysis, stats: Statistics | None, lexicon) -> list[Candidate]:
    """Every candidate code of an analysed note with its feature row (order of ``FEATURES``)."""
    by_code: dict[str, list] = defaultdict(list)
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
    spans = [(m.match.start, m.match.end, m.match.size, m.match.code) for m in a.mentions]
    cats = Counter(c[:3] for c in set(by_code) | set(assoc))
    length = max(1, len(a.text))
    out: list[Candidate] = []
    for code in set(by_code) | set(assoc):
        ms = by_code.get(code, [])
        asserted = [m for m in ms if m.asserted]
        best = max(ms, key=lambda m: m.match.size, default=None)
        if ms:
            precs = [
                _term_precision(stats, m.match.term, code) if stats else (BASE_PRECISION, 0)
                for m in ms
            ]
            prec, seen = max(precs)
            ambiguity = min(lexicon.ambiguity.get(m.match.key, 1) for m in ms)
            subsumed = all(
                any(
                    s <= m.match.start and m.match.end <= e and z > m.match.size and c != code
                    for s, e, z, c in spans
                )
                for m in ms
            )
            weight = max(SECTION_WEIGHT.get(m.section, 0.5) for m in ms)
            first = min(m.match.start for m in ms) / length
            inclusion = float(all(m.match.source == "inclusion" for m in ms))
        else:
            prec, seen, ambiguity, subsumed, weight, inclusion = 0.0, 0, 0, False, 0.0, 0.0
            first = 1.0
        p, co, second, span, gram = assoc.get(code, (0.0, 0, 0.0, None, ""))
        if stats is not None and first == 1.0 and span is not None:
            first = span[0] / length
        row = [
            float(best.match.size) if best else 0.0,
            float(len(ms)),
            float(len(asserted)),
            float(sum(m.negated for m in ms)),
            float(sum(m.historical for m in ms)),
            float(sum(m.family for m in ms)),
            float(sum(m.uncertain or m.hypothetical for m in ms)),
            prec,
            math.log1p(seen),
            float(ambiguity),
            float(subsumed),
            inclusion,
            p,
            float(co),
            second,
            stats.prior.get(code, 0.0) if stats else 0.0,
            float(ord(code[0]) - 65),
            weight,
            first,
            float(cats[code[:3]]),
        ]
        ev_mentions = asserted or ms
        evidence = sorted({(m.match.start, m.match.end) for m in ev_mentions})[:4]
        terms = sorted({m.match.term for m in ev_mentions})
        if not evidence and span is not None:
            evidence = [span]
            terms = [f"learned phrase '{gram}'"]
        out.append(Candidate(code, row, evidence, terms))
    assert all(len(c.features) == len(FEATURES) for c in out)
    return out
