"""Pausing Python's cyclic garbage collector around a large read, write or posting.

Reading or writing a large X12 file makes hundreds of thousands of short-lived objects
and no reference cycles; each burst of allocations sets off a collection that walks every
object the process holds. Reference counting still frees what is dropped. The collector is
the whole process's, so the readers and writers never touch it: the program that calls them
(the web app, the command line, a benchmark) decides, with :func:`collector_paused`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block; resume it after (if it ran).

    With ``keep``, everything alive when the block ends is moved where the collector no longer
    looks (:func:`gc.freeze`): for tables loaded once and kept for the life of the process,
    which every later full collection would otherwise walk again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was_enabled:
            gc.enable()
