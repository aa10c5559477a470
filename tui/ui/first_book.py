"""The first books are drawn as they arrive, not at the frame timer's next tick.

At launch the ladder waits for its first book; the frame timer (tui/ui/frame.py) would
draw it up to a period later, on a loop still busy laying the screen out. This listener
asks for one frame at once when a book arrives, until the active ladder shows one; then
it steps aside and the timer alone draws, as always.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.state import DeskListener

if TYPE_CHECKING:
    from tui.core.model import Book
    from tui.core.tape import Trade
    from tui.ui.screens.desk import DeskScreen


class FirstBook(DeskListener):
    def __init__(self, screen: DeskScreen) -> None:
        self.screen = screen
        self._asked = False  # a frame is on its way: the next books ride on it

    def on_book(self, book: Book, trade: Trade | None) -> None:
        if not self._asked:
            self._asked = True
            self.screen.call_next(self._frame)

    def _frame(self) -> None:
        self._asked = False
        screen = self.screen
        if not screen.is_attached:
            screen.state.unlisten(self)  # here, not in on_book: the state is not iterating
            return
        screen.pmdesk.frame()  # as the timer would
        if screen.ladder.symbol in screen.state.books:
            screen.state.unlisten(self)
