"""A/R aging buckets and the key rates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from medbill.core.ledger.aging import (
    BUCKETS,
    age_balances,
    bucket_of,
    days_in_ar,
    net_collection_rate,
    rate,
)
from medbill.core.money import Money

M = Money
TODAY = date(2026, 6, 30)


def test_bucket_edges():
    assert [
        bucket_of(TODAY - timedelta(days=d), TODAY) for d in (0, 30, 31, 60, 61, 90, 91, 120, 121)
    ] == ["0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "91-120", "91-120", "120+"]
    assert bucket_of(None, TODAY) == "120+"


def test_balances_age_per_key_and_drop_zero_and_credits():
    rows = age_balances(
        [
            ("P1", "Badger", TODAY - timedelta(days=10), M("100.00")),
            ("P1", "Badger", TODAY - timedelta(days=45), M("50.00")),
            ("P2", "Lakeland", TODAY - timedelta(days=200), M("20.00")),
            ("P3", "Paid up", TODAY, M(0)),
            ("P4", "Overpaid", TODAY, M(-5)),
        ],
        TODAY,
    )
    assert [r.name for r in rows] == ["Badger", "Lakeland"]
    assert rows[0].buckets["0-30"] == M(100) and rows[0].buckets["31-60"] == M(50)
    assert rows[0].total == M(150)
    assert rows[1].as_list() == ["Lakeland", "0.00", "0.00", "0.00", "0.00", "20.00", "20.00"]
    assert len(BUCKETS) == 5
    with_credit = age_balances([("P4", "Overpaid", TODAY, M(-5))], TODAY, include_credits=True)
    assert with_credit[0].total == M(-5)


def test_rates():
    assert rate(M(45), M(60)) == Decimal("75.0") and rate(1, 0) is None
    assert days_in_ar(M(30000), M(90000), 90) == Decimal("30.0")
    assert days_in_ar(M(1), M(0)) is None
    assert net_collection_rate(M(760), M(1000), M(200)) == Decimal("95.0")


def test_aging_in_cents_matches_aging_in_money():
    from medbill.core.ledger.aging import age_cents

    items = [
        ("P1", "Badger", TODAY - timedelta(days=10), M("100.05")),
        ("P1", "Badger", TODAY - timedelta(days=95), M("0.10")),
        ("P2", "Lakeland", None, M("20.00")),
        ("P3", "Overpaid", TODAY, M("-5.00")),
    ]
    rows = age_balances(items, TODAY)
    cents = age_cents([(k, n, w, m.cents) for k, n, w, m in items], TODAY)
    assert [(r.key, [r.buckets[b].cents for b in BUCKETS]) for r in rows] == [
        (k, c) for k, _, c in cents
    ]
    assert cents[0] == ("P1", "Badger", [10005, 0, 0, 10, 0])
