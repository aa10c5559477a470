"""The two lines above the ladder: the inside market (bid / offer, last, spread, mid, the
book's age) and the column titles, with the feed's stale warning when there is one.

The first line is fitted to the pane, never cut mid-word: what matters least goes first
(the spread, then the last trade, then the flags), so a narrow pane still shows the inside,
the mid and how old the book is. With ladders side by side each names its market, in
what tells it apart from the others (tui/ui/widgets/names.py).

It is redrawn with the book, every frame on a busy market: a Line API widget that repaints
only when its words changed, from two strips made once (a Static re-renders its content
through Textual's Content on each refresh, more than the whole ladder's rows cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from tui.core.model import Book, Instrument
from tui.core.prices import Scales
from tui.core.state import DeskState
from tui.core.vetting import TAKES_ORDERS, state_words
from tui.ui.widgets.names import market_name

NAME_MAX = 16  # side by side, the prices and the book's age matter more than a long name
NAME_MIN = 8
DROP_FIRST = ("spr", "last", "flags", "mid")  # what goes when the line is too long

Part = tuple[str, Sequence[tuple[str, Style | str]]]  # (name, [(text, style)])


def mid_text(scales: Scales, bid: int, offer: int) -> str:
    total = bid + offer
    if total % 2 == 0:
        return scales.price_text(total // 2)
    return f"{scales.to_decimal(total) / 2:f}"


def away_text(market: str, key: str, room: int) -> str:
    """'market ↑0.412, c follows', shorter where the header has less room (the price is
    the header's bid / offer already; the arrow and the key matter most)."""
    arrow = market[:1]
    forms = (f"market {market}, {key} follows", f"market {arrow}, {key} follows",
             f"{arrow} {key} follows", f"{arrow}{key}")
    return next((f for f in forms if len(f) <= room), forms[-1])


def _length(parts: list[Part]) -> int:
    return sum(len(text) for _, spans in parts for text, _ in spans)


class LadderHeader(Widget):
    """Two lines above the ladder: the inside market, then the column titles."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ladder-head--symbol", "ladder-head--bid", "ladder-head--offer", "ladder-head--last",
        "ladder-head--dim", "ladder-head--stale",
    }

    def __init__(self, content: str = "", *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._content = Text(content, no_wrap=True, overflow="ellipsis")
        self._strips: tuple[int, list[Strip]] | None = None  # (width, lines) as drawn
        self._shown: tuple[object, ...] = ()  # what show_book last drew the words from

    @property
    def content(self) -> Text:
        """The words shown (tests read them)."""
        return self._content

    def update(self, content: Text) -> None:
        """Show these words; a repaint only when they changed."""
        if content != self._content:
            self._content, self._strips = content, None
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips, self._shown = None, ()  # the words carry the styles too

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._strips is None or self._strips[0] != width:
            self._strips = width, self._lines(width)
        lines = self._strips[1]
        return lines[y] if y < len(lines) else Strip.blank(width, self.rich_style)

    def _lines(self, width: int) -> list[Strip]:
        """Each line cut to the width with an ellipsis, over the header's own style."""
        base, console = self.rich_style, self.app.console
        pad = Style(bgcolor=base.bgcolor)  # as a Static pads its lines: the background only
        strips = []
        for line in self._content.split("\n"):
            line.truncate(width, overflow="ellipsis")
            segments = Segment.apply_style(line.render(console, end=""), base)
            strips.append(Strip(segments).adjust_cell_length(width, pad))
        return strips

    def show_book(self, instrument: Instrument | None, book: Book | None, stale_text: str,
                  titles: Text, age: str = "", flags: str = "", *,
                  named: bool = False, market: str = "", follow_key: str = "c") -> None:
        """``market``: where the inside went when it is out of sight ('↑0.412'), said with
        the key that follows it; it outranks last, spread, flags and mid, and is never
        dropped, only shortened."""
        width = self.content_region.width or 10_000
        # what the words are made of: the same, and nothing is made again (every frame on a
        # busy book asks; most frames only sizes moved, and the header shows none)
        shown = (instrument, book.best_bid if book else None, book.best_offer if book else None,
                 book.last_trade_px if book else None,
                 book.settlement_px if book else None,  # settled may be all that changed
                 stale_text, titles, age, flags, named, market, follow_key, width,
                 self._symbols() if named else ())
        if shown == self._shown:
            return
        self._shown = shown
        st = partial(self.get_component_rich_style, partial=True)
        if instrument is None:
            self.update(Text("no market selected", style=st("ladder-head--dim")))
            return
        parts = self._parts(instrument, book, stale_text, age, flags)
        if market:  # the inside is out of sight ('↑0.412'): where it went, and the key;
            # after the inside, never dropped, in the words that fit beside what stays
            kept = _length([p for p in parts if p[0] not in DROP_FIRST])
            room = width - kept - (NAME_MIN + 1 if named else 0) - 2
            at = next(n for n, p in enumerate(parts) if p[0] == "inside") + 1
            parts.insert(at, ("market", [("  " + away_text(market, follow_key, room),
                                          st("ladder-head--last"))]))
        name = ""
        for drop in range(len(DROP_FIRST) + 1):
            kept = [p for p in parts if p[0] not in DROP_FIRST[:drop]]
            room = width - _length(kept) - (1 if named else 0)
            if named and room >= NAME_MIN:
                name = market_name(instrument.symbol, self._symbols(), min(room, NAME_MAX))
                break
            if not named and room >= 0:
                break
        else:  # nothing left to drop: the name in its least, the end cut
            name = market_name(instrument.symbol, self._symbols(), NAME_MIN) if named else ""
        line = Text(no_wrap=True, overflow="ellipsis")
        if name:
            line.append(name, style=st("ladder-head--symbol"))
            line.append(" ")
        for _, spans in kept:
            for text, style in spans:
                line.append(text, style=style)
        self.update(Text("\n", no_wrap=True, overflow="ellipsis").join([line, titles]))

    def _parts(self, instrument: Instrument, book: Book | None, stale_text: str, age: str,
               flags: str) -> list[Part]:
        st = partial(self.get_component_rich_style, partial=True)
        dim = st("ladder-head--dim")
        s = instrument.scales
        parts: list[Part] = []
        settled = book.settlement_px if book is not None else None
        if settled is not None or instrument.state not in TAKES_ORDERS:  # first, and loud
            words = (f"SETTLED {s.price_text(settled)}" if settled is not None
                     else state_words(instrument.state).upper())
            parts.append(("state", [(f" {words} ", st("ladder-head--stale")), (" ", "")]))
        if stale_text:
            parts.append(("stale", [(f" {stale_text} ", st("ladder-head--stale")), (" ", "")]))
        bid = book.best_bid if book else None
        offer = book.best_offer if book else None
        parts.append(("inside", [
            (s.price_text(bid) if bid is not None else "--", st("ladder-head--bid")),
            (" / ", ""),
            (s.price_text(offer) if offer is not None else "--", st("ladder-head--offer"))]))
        if book is not None and book.last_trade_px is not None:
            parts.append(("last", [("  last ", dim), (s.price_text(book.last_trade_px),
                                                      st("ladder-head--last"))]))
        if bid is not None and offer is not None:
            parts.append(("spr", [("  spr ", dim), (s.price_text(offer - bid), "")]))
            parts.append(("mid", [("  mid ", dim), (mid_text(s, bid, offer), "")]))
        if age:  # how old this book is: the trader must never trust a frozen price
            parts.append(("age", [(f"  {age}", dim)]))
        if flags:
            parts.append(("flags", [(f"  {flags}", dim)]))
        return parts

    def _symbols(self) -> tuple[str, ...]:
        """Every market the desk lists (the pane's state), for names that tell them apart."""
        state = getattr(self.parent, "state", None)
        return tuple(state.instruments) if isinstance(state, DeskState) else ()
