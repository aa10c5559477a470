"""The footer: the desk's most used keys, as many as the terminal's width shows whole.

Textual's Footer lays every shown binding out in a row and cuts the row at the right edge
(at 80 columns: "… F Flatten c Centre /"). This one leaves keys out, least needed first
(DROP_FIRST), until the rest fit; `?` lists every key, so it and quit always stay.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
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

    def compose(self) -> ComposeResult:
        items: list[Widget] = list(super().compose())
        width = self.size.width or self.app.size.width
        self._laid_for = width
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
            self.call_after_refresh(self.recompose)
