"""A confirmation that shows exactly what will be sent, and cannot be confirmed by a held key.

The confirm keys only work after an arming delay, and a key already held down when the
dialog opened (its auto-repeat) cannot reach the dialog's confirm key anyway: only
Enter or y confirm, and neither trades on the desk.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui.keymap import key_names, said

SEND_KEYS, REFUSE_KEYS = "enter,y", "escape,n,q"


class ConfirmScreen(ModalScreen[bool]):
    """Returns True only for Enter / y pressed after the arming delay."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(SEND_KEYS, "confirm", "Send", show=False),
        Binding(REFUSE_KEYS, "refuse", "Don't send", show=False),
    ]

    def __init__(self, title: str, warnings: list[str], request_text: str, *,
                 arm_delay: float = 0.6, confirm_words: str = "send") -> None:
        super().__init__()
        self.title_text = title
        self.warnings = warnings
        self.request_text = request_text
        self.arm_delay = arm_delay
        self.confirm_words = confirm_words
        self.opened_at = time.monotonic()

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self.title_text
            for warning in self.warnings:
                yield Static(Text("⚠ " + warning), classes="confirm-warning")
            with VerticalScroll(id="confirm-request"):
                yield Static(Text(self.request_text), id="confirm-request-text")
            yield Static("", id="confirm-keys")

    def on_mount(self) -> None:
        self.opened_at = time.monotonic()  # the delay counts from when the trader can see it
        self._show_keys()
        self.set_timer(self.arm_delay, self._show_keys)

    def on_key(self, event: events.Key) -> None:
        # any key while arming starts the delay again: a held key (auto-repeat) can never
        # outlast it, whatever key the trader's keymap puts trading on
        if not self.armed and event.key not in key_names(REFUSE_KEYS):
            self.opened_at = time.monotonic()
            self.set_timer(self.arm_delay, self._show_keys)

    @property
    def armed(self) -> bool:
        return time.monotonic() - self.opened_at >= self.arm_delay

    def _show_keys(self) -> None:
        keys = self.query_one("#confirm-keys", Static)
        if self.armed:
            keys.update(Text(f"{said(SEND_KEYS)}: {self.confirm_words}    "
                             f"{said(REFUSE_KEYS, 2)}: don't", style="bold"))
        else:
            keys.update(Text(f"arming…    {said(REFUSE_KEYS, 2)}: don't", style="dim"))

    def action_confirm(self) -> None:
        if self.armed:
            self.dismiss(True)

    def action_refuse(self) -> None:
        self.dismiss(False)
