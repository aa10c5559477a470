"""Bounded memories of ids: the latest N kept, the oldest forgotten first.

A desk runs for days; an id it remembers per order or per fill (to drop a repeated report,
to know what a trader meant) must not be kept forever. The local database keeps everything;
these keep what a live session can still be told about again.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class RecentSet(Generic[K]):
    """A set of the latest ``size`` keys added (a key added again keeps its first place)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._keys: dict[K, None] = {}  # a dict is an ordered set: oldest first

    def add(self, key: K) -> None:
        if key in self._keys:
            return
        self._keys[key] = None
        if len(self._keys) > self.size:
            del self._keys[next(iter(self._keys))]

    def discard(self, key: K) -> None:
        self._keys.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)


class RecentDict(dict[K, V]):
    """A dict of the latest keys set (by ``[]=`` or ``setdefault``; setting a key held
    keeps its place). Past ``size``, the oldest are dropped down to half of it, except
    those ``keep()`` names (e.g. the orders the desk still holds); the next sweep waits for
    another half ``size`` of new keys, so its walk costs little per key."""

    def __init__(self, size: int, keep: Callable[[], Container[K]] | None = None) -> None:
        super().__init__()
        self.size = size
        self._keep = keep
        self._sweep_at = size

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        if len(self) > self._sweep_at:
            self._sweep()

    def setdefault(self, key: K, default: V) -> V:  # type: ignore[override]
        if key not in self:
            self[key] = default
        return self[key]

    def _sweep(self) -> None:
        kept = self._keep() if self._keep is not None else ()
        excess = len(self) - self.size // 2
        for key in [k for k in self if k not in kept][:max(excess, 0)]:
            del self[key]
        self._sweep_at = max(self.size, len(self) + self.size // 2)
