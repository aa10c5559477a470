"""Scroll bars painted when they change, not on every layout pass.

Textual's ScrollView compares the virtual size the compositor hands it (the view's) with its
own (the content's) on every layout pass; they never match, so every pass, a notice coming or
going, an order row added, set each scroll bar's sizes and repainted it whole: a few ms of the
UI loop a pass for the ladders' and tables' bars. Here the bars are set again only when the
widget's size, its container's or its content's size changed since the last time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Size

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView

    _Base = ScrollView
else:
    _Base = object


class SteadyScrollBars(_Base):
    """Mix in before a ScrollView (the ladder, the tables, the market list)."""

    _sized_for: tuple[Size, Size, Size] | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        sized_for = (size, container_size, self.virtual_size)
        if sized_for == self._sized_for:
            return False
        self._sized_for = sized_for
        return super()._size_updated(size, virtual_size, container_size, layout)
