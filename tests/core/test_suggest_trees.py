"""The ranker's trees, walked without scikit-learn, give scikit-learn's probabilities."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from medbill.core.suggest._trees import Bag, TreeEnsemble


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3000, 6))
    y = (x[:, 0] + 0.5 * x[:, 1] ** 2 - x[:, 2] * x[:, 3] + rng.normal(scale=0.5, size=3000)) > 0
    x[rng.random(x.shape) < 0.05] = np.nan  # missing values take the learned side
    return x, y


def _fit(x, y, seed):
    return HistGradientBoostingClassifier(
        max_iter=60, max_leaf_nodes=15, early_stopping=False, random_state=seed
    ).fit(x, y)


def test_the_copied_trees_predict_what_scikit_learn_predicts(data) -> None:
    x, y = data
    model = _fit(x[:2000], y[:2000], 1)
    ours = TreeEnsemble.from_sklearn(model).predict_proba(x[2000:])
    np.testing.assert_allclose(ours, model.predict_proba(x[2000:]), rtol=1e-9, atol=1e-12)
    assert ours.shape == (1000, 2)
    assert 0.2 < ours[:, 1].mean() < 0.8


def test_a_bag_averages_its_members(data) -> None:
    x, y = data
    a = TreeEnsemble.from_sklearn(_fit(x[:1000], y[:1000], 1))
    b = TreeEnsemble.from_sklearn(_fit(x[1000:2000], y[1000:2000], 2))
    both = Bag([a, b]).predict_proba(x[2000:])
    mean = (a.predict_proba(x[2000:])[:, 1] + b.predict_proba(x[2000:])[:, 1]) / 2
    np.testing.assert_allclose(both[:, 1], mean)
    np.testing.assert_allclose(both.sum(axis=1), 1.0)
    assert not np.allclose(a.predict_proba(x[2000:]), b.predict_proba(x[2000:]))


def test_a_screened_bag_averages_the_rows_the_first_member_lets_through(data) -> None:
    x, y = data
    a = TreeEnsemble.from_sklearn(_fit(x[:1000], y[:1000], 1))
    b = TreeEnsemble.from_sklearn(_fit(x[1000:2000], y[1000:2000], 2))
    rows = x[2000:]
    first = a.predict_proba(rows)[:, 1]
    mean = (first + b.predict_proba(rows)[:, 1]) / 2
    screened = Bag([a, b]).predict_proba(rows, screen=0.3)[:, 1]
    passed = first >= 0.3
    assert 0 < passed.sum() < len(rows)
    np.testing.assert_allclose(screened[passed], mean[passed])
    np.testing.assert_allclose(screened[~passed], first[~passed])
    # without a screen every row is the members' mean
    np.testing.assert_allclose(Bag([a, b]).predict_proba(rows)[:, 1], mean)
