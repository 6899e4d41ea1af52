"""What core keeps between calls: values read from files under a data directory.

Core holds no other state. Each :class:`DataCache` maps (the resolved data directory, a key
such as a release name) to what was read from that directory, so a process that points
``MEDBILL_DATA_DIR`` elsewhere (a test, a second practice) sees that directory's data and
never another's. Pure memoisation of pure functions (parsing a money string, compiling a
pattern) needs none of this and stays where it is.

:func:`reset` forgets everything loaded (after an import, and between tests);
:func:`directories` says which data directories anything was loaded from.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any, Generic, TypeVar

__all__ = ["DataCache", "directories", "reset"]

K = TypeVar("K")
V = TypeVar("V")

_caches: weakref.WeakSet[DataCache[Any, Any]] = weakref.WeakSet()


class DataCache(Generic[K, V]):
    """Values loaded from files under a data directory, one per (directory, key).

    The caller holds its own lock around a get-then-put; the cache only keys the entries.
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[tuple[Path, K], V] = {}
        _caches.add(self)

    def __repr__(self) -> str:
        return f"<DataCache {self.what}: {len(self._entries)} entries>"

    def get(self, directory: Path, key: K) -> V | None:
        """The value loaded for ``key`` from ``directory``, or None."""
        return self._entries.get((directory.resolve(), key))

    def put(self, directory: Path, key: K, value: V) -> V:
        """Keep ``value`` as what ``directory`` holds for ``key``; returns it."""
        self._entries[(directory.resolve(), key)] = value
        return value

    def pop(self, directory: Path, key: K) -> None:
        """Forget ``key`` for ``directory`` (after its files changed)."""
        self._entries.pop((directory.resolve(), key), None)

    def clear(self) -> None:
        """Forget everything, for every directory."""
        self._entries.clear()

    def directories(self) -> set[Path]:
        """The resolved data directories this cache holds values from."""
        return {directory for directory, _key in list(self._entries)}


def reset() -> None:
    """Forget every value read from any data directory."""
    for cache in list(_caches):
        cache.clear()


def directories() -> set[Path]:
    """The resolved data directories any cache holds values from."""
    found: set[Path] = set()
    for cache in list(_caches):
        found |= cache.directories()
    return found
