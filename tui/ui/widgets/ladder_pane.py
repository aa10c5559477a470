"""One ladder with its header: the unit the desk shows one, two or three of side by side."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from tui.core.state import DeskState
from tui.ui.widgets.ladder import Ladder
from tui.ui.widgets.ladder_header import LadderHeader


class LadderPane(Vertical):
    """A header over a ladder; the app keeps one pane active (the one keys trade in)."""

    def __init__(self, state: DeskState, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.state = state

    def compose(self) -> ComposeResult:
        yield LadderHeader("", classes="ladder-head")
        yield Ladder(self.state)

    @property
    def ladder(self) -> Ladder:
        return self.query_one(Ladder)

    @property
    def header(self) -> LadderHeader:
        return self.query_one(LadderHeader)

    @property
    def symbol(self) -> str | None:
        return self.ladder.symbol
