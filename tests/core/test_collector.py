"""The collector pause: callers pause it around big loads, and may keep what they loaded."""

from __future__ import annotations

import gc

from medbill.core.collector import collector_paused


def test_the_collector_is_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_paused_collector_stays_paused_for_a_caller_that_paused_it() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_keep_moves_what_was_loaded_out_of_the_collectors_sight() -> None:
    gc.unfreeze()
    try:
        with collector_paused(keep=True):
            tables = [{"code": str(i)} for i in range(1000)]
        assert gc.get_freeze_count() >= len(tables)
        assert gc.isenabled()
        with collector_paused():
            pass
        assert gc.get_freeze_count() >= len(tables)  # nothing unfrozen by a plain pause
    finally:
        gc.unfreeze()
