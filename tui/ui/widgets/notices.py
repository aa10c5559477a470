"""The desk's notices, on a board of fixed height under the watchlist, newest on top.

What the desk says (sent, cancelled, refused, a stream down) stays on the board: bright with
its severity's bar while it is news (its timeout), then grey until newer ones push it off.
Textual's toasts were a widget each, mounted and removed with a layout pass either side, and
left cycles for the garbage collector: on a busy desk they were most of the slow callbacks
and a quarter of the bytes to the terminal. The board is one widget that never changes size
(the screen sets its height when the terminal is resized), drawn line by line; a notice
repaints the board and nothing else."""

from __future__ import annotations

import textwrap
from collections import deque
from collections.abc import Iterable
from time import time
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.notifications import Notification
from textual.strip import Strip
from textual.widget import Widget

from tui.ui.privacy import privacy_of

KEPT = 40  # notices remembered (the board shows what fits)
# the board's rows (its heading among them) by the terminal's: a few notices on a small
# terminal, where every watchlist row counts; more where there is room
HEIGHTS = ((30, 4), (45, 6))
TALL = 8
BAR = "▌"
HEADING = "messages"


def board_height(terminal_rows: int) -> int:
    return next((rows for below, rows in HEIGHTS if terminal_rows < below), TALL)


def notice_lines(text: str, width: int) -> list[str]:
    """A notice's words wrapped to the board's width (after the bar and a space)."""
    room = max(width - 2, 4)
    lines = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, room, break_on_hyphens=False) or [""])
    return lines


class NoticeBoard(Widget):
    """See the module's docstring. `show` takes the app's notifications; `tick` greys those
    whose time is out; both repaint only when what is drawn changes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "notices--head", "notices--information", "notices--warning", "notices--error",
        "notices--old", "notices--text",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._notices: deque[Notification] = deque(maxlen=KEPT)  # newest first
        self._news: set[str] = set()  # identities still shown as news
        self._strips: list[Strip] | None = None  # the board as drawn, for its width

    @property
    def said(self) -> list[str]:
        """Every notice's words on the board, newest first."""
        return [n.message for n in self._notices]

    def show(self, notifications: Iterable[Notification], now: float | None = None) -> None:
        """Put new notifications on the board (`now`: the wall clock, time())."""
        known = {n.identity for n in self._notices}
        fresh = [n for n in notifications if n.identity not in known]
        if not fresh:
            return
        for notice in sorted(fresh, key=lambda n: n.raised_at):
            if len(self._notices) == KEPT:
                self._news.discard(self._notices.pop().identity)
            self._notices.appendleft(notice)
            if notice.raised_at + notice.timeout > (time() if now is None else now):
                self._news.add(notice.identity)
        self.redraw()

    def tick(self, now: float | None = None) -> None:
        """Grey the notices whose time is out (the side frame calls this)."""
        if not self._news:
            return
        now = time() if now is None else now
        done = {n.identity for n in self._notices
                if n.identity in self._news and n.raised_at + n.timeout <= now}
        if done:
            self._news -= done
            self.redraw()

    def redraw(self) -> None:
        """Draw every notice again (privacy turned on or off: their words change)."""
        self._strips = None
        self.refresh()

    def on_resize(self) -> None:
        self._strips = None

    def _draw(self, width: int, height: int) -> list[Strip]:
        base = self.rich_style

        def style(name: str) -> Style:
            return base + self.get_component_rich_style(name, partial=True)
        head, text, old = style("notices--head"), style("notices--text"), style("notices--old")
        heading = HEADING[:width].ljust(width)
        privacy = privacy_of(self)  # masked as drawn: `said` keeps what was said
        strips = [Strip([Segment(heading, head)], width)]
        for notice in self._notices:
            if len(strips) >= height:
                break
            news = notice.identity in self._news
            bar = style(f"notices--{notice.severity}") if news else old
            words = text if news else old
            message = notice.message if privacy is None else privacy.text(notice.message)
            for n, line in enumerate(notice_lines(message, width)):
                if len(strips) >= height:
                    break
                # the bar on a notice's first line only: where one ends and the next begins
                strips.append(Strip([Segment(BAR if n == 0 else " ", bar), Segment(" ", base),
                                     Segment(line.ljust(width - 2)[:width - 2], words)], width))
        return strips

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        if self._strips is None:
            self._strips = self._draw(width, height)
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, self.rich_style)
