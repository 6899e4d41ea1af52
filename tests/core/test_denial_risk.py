"""Denial risk: the learner on data whose truth is known, the time split, the measures."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest

from medbill.core.denial_risk import (
    ClaimFeatures,
    LineFeatures,
    RiskModel,
    auc,
    claim_features,
    denied_lines,
    fit,
    precision_recall,
    reliability,
    split_by_month,
)
from medbill.core.payersim import Adjudicator, PayerProfile
from x12_claims import claim

PAYERS = ("Aetna", "Medicare", "Highmark")
CODES = ("99213", "99214", "83036", "20610")


def synthetic(n: int, seed: int, start: date = date(2025, 1, 1)):
    """Claims whose true denial chance is known: Aetna denies 99214 without modifier 25
    billed with 20610 four times in five; everything else one time in twenty."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        payer = rng.choice(PAYERS)
        em = rng.choice(("99213", "99214"))
        mods = () if rng.random() < 0.5 else ("25",)
        lines = [LineFeatures(em, mods, ("M171",))]
        if rng.random() < 0.5:
            lines.append(LineFeatures("20610", (), ("M171",)))
        feats = ClaimFeatures(
            f"S{i}",
            start + timedelta(days=i * 365 // n),
            payer,
            rng.choice(("Dr A", "Dr B")),
            "11",
            tuple(lines),
        )
        bad = payer == "Aetna" and em == "99214" and not mods and len(lines) == 2
        truth = 0.8 if bad else 0.05
        out.append((feats, [rng.random() < truth, rng.random() < 0.02][: len(lines)], truth))
    return out


@pytest.fixture(scope="module")
def trained():
    data = synthetic(6000, seed=1)
    return fit([(f, d) for f, d, _ in data])


def test_a_known_bad_combination_ranks_above_a_good_one_and_says_why(trained):
    bad = ClaimFeatures(
        "B",
        date(2026, 1, 5),
        "Aetna",
        "Dr A",
        "11",
        (LineFeatures("99214", (), ("M171",)), LineFeatures("20610", (), ("M171",))),
    )
    good = ClaimFeatures(
        "G",
        date(2026, 1, 5),
        "Aetna",
        "Dr A",
        "11",
        (LineFeatures("99214", ("25",), ("M171",)), LineFeatures("20610", (), ("M171",))),
    )
    pb, pg = trained.predict(bad), trained.predict(good)
    assert pb.probability > 0.6 > 0.25 > pg.probability
    assert pb.flagged() and not pg.flagged()
    words = [r.words for r in pb.reasons]
    assert any("Aetna denied 99214 without a modifier" in w for w in words), words
    assert all(r.weight > 0 for r in pb.reasons)
    top = pb.reasons[0]
    assert top.seen >= top.denied > 0 and f"in {top.denied} of {top.seen} claims" in top.words


def test_calibration_on_unseen_data_is_within_tolerance(trained):
    test = synthetic(4000, seed=2, start=date(2026, 1, 1))
    scores = [trained.predict(f).lines[0] for f, _, _ in test]
    labels = [d[0] for _, d, _ in test]
    truth = [t for _, _, t in test]
    # As good at ranking as the true chances themselves (the best any model can do).
    assert auc(scores, labels) > auc(truth, labels) - 0.02
    for b in reliability(scores, labels):
        if b.count >= 100:
            assert abs(b.predicted - b.observed) < 0.08, b


def test_model_survives_json_and_refuses_another_format(trained):
    again = RiskModel.from_json(json.loads(json.dumps(trained.to_json())))
    feats = synthetic(5, seed=9)[0][0]
    assert again.predict(feats).probability == pytest.approx(trained.predict(feats).probability)
    with pytest.raises(ValueError, match="format"):
        RiskModel.from_json({"format": 99})


def test_split_by_month_never_lets_a_test_month_into_training():
    data = synthetic(1200, seed=3)
    train, test = split_by_month(data, lambda e: e[0].month, "2025-10")
    assert train and test and len(train) + len(test) == len(data)
    assert max(e[0].month for e in train) < "2025-10" <= min(e[0].month for e in test)
    with pytest.raises(ValueError, match="test_from"):
        split_by_month(data, lambda e: e[0].month, "10/2025")


def test_measures_on_a_small_table():
    assert auc([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == 1.0
    assert auc([0.5, 0.5], [True, False]) == 0.5
    assert precision_recall([0.9, 0.4, 0.2], [True, False, True], 0.3) == (0.5, 0.5, 2)
    bins = reliability([0.05, 0.06, 0.95], [False, True, True])
    assert [(b.count, b.observed) for b in bins] == [(2, 0.5), (1, 1.0)]


def test_features_and_labels_from_a_claim_and_its_835():
    visit = claim(
        "L-1",
        lines=[
            {"line": 1, "code": "99213", "charge": "130.00", "dx_pointers": [2]},
            {"line": 2, "code": "11102", "charge": "150.00", "dx_pointers": [1]},
        ],
    )
    feats = claim_features(
        visit, sent=date(2026, 3, 9), warnings=("DX010",), last_seen={"99213": date(2026, 1, 2)}
    )
    assert feats.payer == "Lakeland Commercial Insurance" and feats.filing_lag_days == 7
    assert feats.lines[0].diagnoses == ("I10",) and feats.lines[0].days_since_same == 59
    assert feats.provider == "Joan Whitaker" and feats.warnings == ("DX010",)
    payment = Adjudicator(PayerProfile("LCI220", "LAKELAND")).adjudicate_claim(
        visit, date(2026, 3, 10)
    )
    assert denied_lines(payment, 2) == [True, False]  # the E/M lacks modifier 25
    late = Adjudicator(PayerProfile("LCI220", "LAKELAND")).adjudicate_claim(visit, date(2027, 6, 1))
    assert denied_lines(late, 2) == [True, True]
