"""Which claim status may follow which."""

from __future__ import annotations

import pytest

from medbill.core.submission.lifecycle import (
    STATUSES,
    TRANSITIONS,
    LifecycleError,
    check_move,
    status_after_remittance,
)


def test_every_status_has_its_moves_and_only_known_targets() -> None:
    assert set(TRANSITIONS) == set(STATUSES)
    for targets in TRANSITIONS.values():
        assert targets <= set(STATUSES)
    assert TRANSITIONS["closed"] == frozenset()


def test_the_normal_path_is_allowed() -> None:
    for a, b in [
        ("draft", "scrubbed"),
        ("scrubbed", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "paid"),
        ("paid", "closed"),
        ("rejected", "draft"),
    ]:
        check_move(a, b)


def test_a_payer_reversal_reopens_a_paid_or_denied_claim() -> None:
    check_move("paid", "accepted")
    check_move("denied", "accepted")


@pytest.mark.parametrize(
    ("current", "new"),
    [("paid", "draft"), ("denied", "paid"), ("closed", "draft"), ("draft", "paid")],
)
def test_other_moves_are_refused_with_both_statuses_named(current: str, new: str) -> None:
    with pytest.raises(LifecycleError, match=f"a {current} claim cannot become {new}"):
        check_move(current, new)


def test_an_unknown_status_is_named() -> None:
    with pytest.raises(LifecycleError, match="unknown claim status 'lost'"):
        check_move("lost", "paid")


@pytest.mark.parametrize(
    ("current", "decision", "new"),
    [
        ("submitted", "paid", "paid"),
        ("accepted", "denied", "denied"),
        ("paid", "reversed", "accepted"),
        ("denied", "reversed", "accepted"),
        ("paid", "paid", "paid"),
        ("closed", "paid", "closed"),
        ("closed", "reversed", "closed"),
    ],
)
def test_what_a_remittance_does_to_a_claim(current, decision, new) -> None:
    assert status_after_remittance(current, decision) == new


@pytest.mark.parametrize(
    ("current", "decision"),
    [
        ("draft", "paid"),
        ("scrubbed", "denied"),
        ("rejected", "paid"),
        ("denied", "paid"),
        ("submitted", "refunded"),
    ],
)
def test_a_remittance_cannot_skip_the_lifecycle(current, decision) -> None:
    with pytest.raises(LifecycleError):
        status_after_remittance(current, decision)
