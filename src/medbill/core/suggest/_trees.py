"""The trained ranker as plain arrays, so the engine predicts without importing scikit-learn.

scikit-learn is needed to *train* the gradient-boosted ranker; importing it costs about a second,
which the engine's load budget (3 s) cannot spare. After training, every tree's nodes are copied
into flat numpy arrays and all trees are walked together, one level per step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Bag", "TreeEnsemble"]


class TreeEnsemble:
    """Sum of regression trees plus a baseline, squashed by the logistic function."""

    def __init__(
        self,
        feature: npt.NDArray[Any],
        threshold: npt.NDArray[Any],
        nan_left: npt.NDArray[Any],
        left: npt.NDArray[Any],
        right: npt.NDArray[Any],
        leaf: npt.NDArray[Any],
        value: npt.NDArray[Any],
        roots: npt.NDArray[Any],
        baseline: float,
    ) -> None:
        self.feature = feature
        self.threshold = threshold
        self.nan_left = nan_left
        self.left = left
        self.right = right
        self.leaf = leaf
        self.value = value
        self.roots = roots
        self.baseline = baseline

    @classmethod
    def from_sklearn(cls, model: Any) -> TreeEnsemble:
        """Copy a fitted binary ``HistGradientBoostingClassifier`` with numeric features only."""
        if getattr(model, "is_categorical_", None) is not None and model.is_categorical_.any():
            raise ValueError("categorical features are not supported by TreeEnsemble")
        parts, roots, offset = [], [], 0
        for iteration in model._predictors:
            (tree,) = iteration
            nodes = tree.nodes
            parts.append((nodes, offset))
            roots.append(offset)
            offset += len(nodes)
        feature = np.concatenate([n["feature_idx"] for n, _ in parts]).astype(np.int64)
        threshold = np.concatenate([n["num_threshold"] for n, _ in parts]).astype(np.float64)
        nan_left = np.concatenate([n["missing_go_to_left"] for n, _ in parts]).astype(bool)
        left = np.concatenate([n["left"].astype(np.int64) + off for n, off in parts])
        right = np.concatenate([n["right"].astype(np.int64) + off for n, off in parts])
        leaf = np.concatenate([n["is_leaf"] for n, _ in parts]).astype(bool)
        value = np.concatenate([n["value"] for n, _ in parts]).astype(np.float64)
        baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
        return cls(
            feature, threshold, nan_left, left, right, leaf, value, np.asarray(roots), baseline
        )

    def predict_proba(self, x: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """``[P(no), P(yes)]`` per row, as scikit-learn's ``predict_proba`` answers."""
        x = np.asarray(x, dtype=np.float64)
        n, trees = x.shape[0], len(self.roots)
        # one (row, tree) walker per pair; only walkers not yet at a leaf move each step
        node = np.tile(self.roots, n)
        row = np.repeat(np.arange(n), trees)
        active = np.flatnonzero(~self.leaf[node])
        while active.size:
            nd = node[active]
            vals = x[row[active], self.feature[nd]]
            go_left = np.where(np.isnan(vals), self.nan_left[nd], vals <= self.threshold[nd])
            nxt = np.where(go_left, self.left[nd], self.right[nd])
            node[active] = nxt
            active = active[~self.leaf[nxt]]
        raw = self.baseline + self.value[node].reshape(n, trees).sum(axis=1)
        p = 1.0 / (1.0 + np.exp(-raw))
        return np.column_stack([1.0 - p, p])


class Bag:
    """The mean of several ensembles' probabilities (the final ranker and the cross-validation
    fold rankers), steadier than any one of them."""

    def __init__(self, members: list[TreeEnsemble]) -> None:
        self.members = members

    def predict_proba(self, x: npt.NDArray[Any], screen: float = 0.0) -> npt.NDArray[Any]:
        """The members' mean probability per row. With ``screen``, a row the first member scores
        below it is not walked through the others and keeps the first member's probability:
        the members learned from nearly the same notes, so such a row stays far below any cut
        the engine draws, and most candidates of a note are such rows."""
        x = np.asarray(x, dtype=np.float64)
        first = self.members[0].predict_proba(x)[:, 1]
        keep = np.flatnonzero(first >= screen) if screen > 0 else np.arange(len(first))
        p = first.copy()
        if keep.size and len(self.members) > 1:
            rest = np.sum([m.predict_proba(x[keep])[:, 1] for m in self.members[1:]], axis=0)
            p[keep] = (first[keep] + rest) / len(self.members)
        return np.column_stack([1.0 - p, p])
