"""Which claim status may follow which."""

from __future__ import annotations

import pytest

from medbill.core.submission.lifecycle import STATUSES, TRANSITIONS, LifecycleError, check_move


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
