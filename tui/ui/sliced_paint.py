"""A screen painted a slice at a time (tui/ui/compositor.py): what a slice left, and the
paint after a layout pass, wait one loop turn, so a key that came in meanwhile goes first.
Textual's private paint hooks are overridden here; tests/test_compositor.py checks them."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.geometry import Size
from textual.screen import Screen

from tui.ui.compositor import ChangedOnlyCompositor


class SlicedPaint(Screen[Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compositor = ChangedOnlyCompositor()  # paints what changed
        self._laying_out = False  # inside Textual's layout pass (its paint waits a turn)

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        self._laying_out = True
        try:
            super()._refresh_layout(size, scroll)
        finally:
            self._laying_out = False

    def _compositor_refresh(self) -> None:
        """Textual's paint, a slice at a time (tui/ui/compositor.py): what a slice left is
        painted on the next loop turn, after whatever (a key) is already waiting. A layout
        pass (a notice coming or going, an order row) paints on the next turn too: the two
        together held the loop longer than any paint."""
        if self._laying_out and self.is_current:
            asyncio.get_running_loop().call_soon(self._paint_rest)
            return
        super()._compositor_refresh()
        if self._compositor._dirty_regions and self.is_current:
            asyncio.get_running_loop().call_soon(self._paint_rest)

    def _paint_rest(self) -> None:
        if not self._compositor._dirty_regions or not self.is_current:
            return
        if self.app._batch_count or self._layout_required or self._scroll_required:
            # not now: the screen's next update paints it (a layout on its own new map)
            self._dirty_widgets.add(self)
            self.check_idle()
            return
        self._compositor_refresh()
