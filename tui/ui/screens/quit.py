"""Quitting with orders working: cancel them and quit, leave them working and quit, or stay.

The desk decides what to ask and carries out the cancels (tui/desk/quitting.py); this
screen only asks. Its answer is "cancel", "leave" or "stay". None of its keys is a quit
key, so a quit key pressed twice (or held) never chooses for the trader.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui.keymap import said

CANCEL_KEYS, LEAVE_KEYS, STAY_KEYS = "c", "l", "s,escape"


class QuitScreen(ModalScreen[str]):
    """Returns "cancel", "leave" or "stay"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(CANCEL_KEYS, "choose('cancel')", "Cancel them and quit", show=False),
        Binding(LEAVE_KEYS, "choose('leave')", "Leave them working and quit", show=False),
        Binding(STAY_KEYS, "choose('stay')", "Stay", show=False),
    ]

    def __init__(self, working: str, count: int = 2, leave: str = "") -> None:
        super().__init__()
        self.working = working  # '3 orders are working in 2 markets.'
        self.them = "it" if count == 1 else "them"
        # what l does, in words (tui/desk/quitting.py leave_words)
        self.leave = leave or f"leave {self.them} working at the exchange and quit"
        # the answer once given: a profile chosen in the palette opens only after cancel or
        # leave (tui/ui/profile_switch.py), never after stay
        self.choice: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = "Quit?"
            yield Static(Text("⚠ " + self.working), classes="confirm-warning")
            yield Static(Text(
                f"\n{said(CANCEL_KEYS)}: cancel {self.them} and quit\n"
                f"{said(LEAVE_KEYS)}: {self.leave}\n"
                f"{said(STAY_KEYS, 2)}: stay", style="bold"), id="confirm-keys")

    def action_choose(self, choice: str) -> None:
        self.choice = choice
        self.dismiss(choice)
