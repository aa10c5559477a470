"""Strips that do not cache themselves.

Textual's `Strip` caches the result of `divide` and `crop_extend`; when the operation changes
nothing the result is the strip itself, so the strip holds itself through its own cache: a
reference cycle. Nearly every line painted takes one of those paths (a line that fills its
widget, a widget that fills its cut), so every line replaced on screen became garbage only
the cycle collector could free: ~500 strips and ~10,000 objects every 20 s on a busy book,
the bulk of what the full passes walked and what was left to them. Answered here before the
cache is touched, the strip is returned as before and dies by reference count when its line
changes.

The results are the same objects Textual's would return (tests/test_strip_cycles.py checks
both paths against Textual's own)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from textual.strip import Strip

_divide = Strip.divide
_crop_extend = Strip.crop_extend


def _acyclic_divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    length = self.cell_length
    kept = [cut for cut in cuts if cut <= length]  # as Textual's does first
    if kept == [length]:
        return [self]  # Textual's answer, without a list of itself in its own cache
    return _divide(self, kept)


def _acyclic_crop_extend(self: Strip, start: int, end: int, style: Style | None) -> Strip:
    if start <= 0 and end == self.cell_length:
        return self  # nothing to crop or extend: Textual's answer, not cached
    return _crop_extend(self, start, end, style)


def keep_strips_acyclic() -> None:
    """Install the two methods above on Textual's Strip (once; the desk's app does)."""
    Strip.divide = _acyclic_divide  # type: ignore[method-assign]
    Strip.crop_extend = _acyclic_crop_extend  # type: ignore[method-assign]
