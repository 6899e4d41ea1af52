"""Learning a suggestion model from coded notes (``medbill suggest train``)."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from medbill.core.suggest._corpus import CodedNote
from medbill.core.suggest._features import FEATURES, Analysis
from medbill.core.suggest._model import Statistics, candidates, fit_statistics
from medbill.core.suggest._trees import Bag, TreeEnsemble

if TYPE_CHECKING:
    from medbill.core.suggest._lexicon import Lexicon

__all__ = ["SuggestModel", "best_threshold", "fit_model", "load_model", "save_model"]

MODEL_FORMAT = 4


@dataclass
class SuggestModel:
    """Learned statistics, the candidate ranker (a ``TreeEnsemble``) and its threshold."""

    stats: Statistics
    ranker: TreeEnsemble | Bag
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)
    format: int = MODEL_FORMAT
    features: tuple[str, ...] = FEATURES

    def score(self, rows: list[list[float]], screen: float = 0.0) -> npt.NDArray[np.float64]:
        """Probability that each candidate row is a code the coder would assign; rows below
        ``screen`` may be scored by one ensemble of a bag instead of all (see ``Bag``)."""
        if not rows:
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        if isinstance(self.ranker, Bag):
            yes: npt.NDArray[np.float64] = self.ranker.predict_proba(x, screen=screen)[:, 1]
        else:
            yes = self.ranker.predict_proba(x)[:, 1]
        return yes


def _ranker(seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=300,
        learning_rate=0.05,
        early_stopping=False,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        l2_regularization=1.0,
        random_state=seed,
    )


def _rows(
    analyses: list[Analysis],
    labels: list[set[str]],
    stats: Statistics,
    lexicon: Lexicon,
    which: list[int],
) -> tuple[list[list[float]], list[bool], list[int], list[str]]:
    xs: list[list[float]] = []
    ys: list[bool] = []
    groups: list[int] = []
    codes: list[str] = []
    for i in which:
        for cand in candidates(analyses[i], stats, lexicon):
            xs.append(cand.features)
            ys.append(cand.code in labels[i])
            groups.append(i)
            codes.append(cand.code)
    return xs, ys, groups, codes


def best_threshold(
    probs: Sequence[float] | npt.NDArray[np.float64],
    hits: Sequence[bool] | npt.NDArray[np.bool_],
    groups: Sequence[int],
    labels: Sequence[set[str]],
) -> tuple[float, float]:
    """The score cut-off that maximises micro-F1 over the notes, and that F1."""
    total_gold = sum(len(labels[g]) for g in set(groups))
    order = np.argsort(-np.asarray(probs))
    tp = fp = 0
    best = (0.5, 0.0)
    probs = np.asarray(probs)
    hits = np.asarray(hits)
    for k in order:
        tp += int(hits[k])
        fp += int(not hits[k])
        f1 = 2 * tp / (tp + fp + total_gold) if total_gold else 0.0
        if f1 > best[1]:
            best = (float(probs[k]), f1)
    return best


def fit_model(
    notes: Sequence[CodedNote],
    analyse: Callable[[str], Analysis],
    lexicon: Lexicon,
    folds: int = 5,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> SuggestModel:
    """Learn statistics and the ranker from coded notes; the threshold is cross-validated."""
    say = progress or (lambda _msg: None)
    started = time.time()
    if len(notes) < folds * 2:
        raise ValueError(f"need at least {folds * 2} coded notes to train, got {len(notes)}")
    say(f"reading {len(notes)} notes")
    analyses = [analyse(n.text) for n in notes]
    labels = [set(n.codes) for n in notes]
    regions = [tuple(n.regions) for n in notes]
    terms = [tuple(n.terms) for n in notes]
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(notes)) % folds
    xs, ys, groups = [], [], []
    for k in range(folds):
        say(f"statistics, fold {k + 1} of {folds}")
        inside = [i for i in range(len(notes)) if fold_of[i] != k]
        held = [i for i in range(len(notes)) if fold_of[i] == k]
        stats = fit_statistics(
            [analyses[i] for i in inside],
            [labels[i] for i in inside],
            [regions[i] for i in inside],
            [terms[i] for i in inside],
        )
        x, y, g, _ = _rows(analyses, labels, stats, lexicon, held)
        xs += x
        ys += y
        groups += g
    x_all = np.asarray(xs, dtype=np.float64)
    y_all = np.asarray(ys, dtype=bool)
    g_all = np.asarray(groups)
    say("cross-validating the ranker threshold")
    oof = np.zeros(len(y_all))
    members = []
    for k in range(folds):
        test = fold_of[g_all] == k
        model = _ranker(seed).fit(x_all[~test], y_all[~test])
        oof[test] = model.predict_proba(x_all[test])[:, 1]
        members.append(TreeEnsemble.from_sklearn(model))
    threshold, cv_f1 = best_threshold(oof, y_all, list(g_all), labels)
    say("fitting the final ranker")
    ranker = Bag([TreeEnsemble.from_sklearn(_ranker(seed).fit(x_all, y_all)), *members])
    stats = fit_statistics(analyses, labels, regions, terms)
    return SuggestModel(
        stats=stats,
        ranker=ranker,
        threshold=threshold,
        meta={
            "notes": len(notes),
            "candidates": int(len(y_all)),
            "cv_micro_f1": round(cv_f1, 4),
            "candidate_recall": round(float(y_all.sum()) / max(1, sum(len(y) for y in labels)), 4),
            "seconds": round(time.time() - started, 1),
        },
    )


def save_model(model: SuggestModel, path: Path) -> Path:
    """Write the model with pickle (it lives under ``data_dir()``, never in git)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return path


def load_model(path: Path) -> SuggestModel | None:
    """Read a saved model; None when there is none, or it was written for other features or an
    older format (train again)."""
    if not path.exists():
        return None
    with path.open("rb") as fh:
        model: SuggestModel = pickle.load(fh)
    if getattr(model, "format", None) != MODEL_FORMAT:
        return None
    if tuple(getattr(model, "features", ())) != FEATURES:
        return None
    return model
