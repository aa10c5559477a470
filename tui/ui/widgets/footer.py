"""The footer: the desk's most used keys, as many as the terminal's width shows whole.

Textual's Footer lays every shown binding out in a row and cuts the row at the right edge
(at 80 columns: "… F Flatten c Centre /"). This one leaves keys out, least needed first
(DROP_FIRST), until the rest fit; `?` lists every key, so it and quit always stay.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# actions, least needed first: centre and find have other ways in (c is shown on the
# ladder's header when the cursor is away), size shows on the ticket
DROP_FIRST = ("recentre", "pick_market", "size(1)", "cancel_market", "toggle_outcome",
              "flatten", "cancel_here")


def key_width(key: FooterKey) -> int:
    """Cells one key takes in the compact footer: key, a space, the word, a margin."""
    words = 1 + len(key.description) if key.description else 0
    return len(key.key_display) + words + 1


class DeskFooter(Footer):
    """A compact footer that never cuts a key in half."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._laid_for = 0  # the width the keys were chosen for
        self._shown: tuple[object, ...] | None = None  # what the shown keys were made from
        self._due = False  # a recompose is on its way: later changes ride on it

    def compose(self) -> ComposeResult:
        items: list[Widget] = list(super().compose())
        width = self.size.width or self.app.size.width
        self._laid_for = width
        self._shown = self._made_from() if self._bindings_ready else None
        keys = [item for item in items if isinstance(item, FooterKey)]
        for action in DROP_FIRST:
            if sum(key_width(k) for k in keys) <= width:
                break
            dropped = {id(k) for k in keys if k.action == action}
            keys = [k for k in keys if id(k) not in dropped]
            items = [item for item in items if id(item) not in dropped]
        yield from items

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_for:
            self._recompose_soon()

    def bindings_changed(self, screen: Screen) -> None:
        """As Textual's footer, but one recompose for a burst of changes (the screen coming
        up focuses, resizes and lays out at once), and none when the keys are the same."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._recompose_soon()

    def _recompose_soon(self) -> None:
        if not self._due:
            self._due = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._due = False
        if self._made_from() != self._shown:
            await self.recompose()

    def _made_from(self) -> tuple[object, ...]:
        """Everything compose reads: the width, and each active binding as shown."""
        width = self.size.width or self.app.size.width
        return (width, tuple(
            (key, b.binding.action, self.app.get_key_display(b.binding), b.binding.description,
             b.binding.show, b.enabled, b.tooltip)
            for key, b in self.screen.active_bindings.items()))
