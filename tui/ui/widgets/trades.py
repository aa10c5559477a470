"""The trade tape: the latest trades, newest on top, with breaks where the price feed was down.

Each line: time (local HH:MM:SS), market (when the tape shows every market), YES price with
▲ (a buyer lifted the offer, green) or ▼ (a seller hit the bid, red), quantity, and
"+N unpriced" when the feed merged other volume into the update (its price is unknown;
on a line of its own under the trade when the tape is too narrow for it).
A feed outage between two trades is a line of its own: "── feed down 12:01:03–12:01:09 ──".

The app calls ``refresh_from(state)`` only when ``state.trades_version`` moved and
``show_age(state, now)`` once a second; the tape builds only as many lines as it shows,
re-uses each trade's formatted line, and redraws only when what it shows changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.core.enums import Side
from tui.core.state import DeskState
from tui.core.tape import FeedGap, Trade
from tui.ui.widgets.names import market_names
from tui.ui.widgets.watch_text import feed_age, feed_heading, fit

PX = 5  # "0.555"
QTY = 5  # right-aligned quantity column ("12000")
QTY_FRACTIONAL = 7  # where a market trades fractions of a contract ("1408.25")
NAME_MIN = 6  # narrower than this, the market column is dropped
MAX_LINES = 200


def clock_text(at: float) -> str:
    """Local wall-clock time, HH:MM:SS."""
    return datetime.fromtimestamp(at).strftime("%H:%M:%S")


def gap_words(gap: FeedGap) -> str:
    if gap.end is None:
        return f"feed down since {clock_text(gap.start)}"
    return f"feed down {clock_text(gap.start)}–{clock_text(gap.end)}"


Entry = Trade | tuple[float, float | None]  # a trade, or a gap as (start, end)


def entries(trades: list[Trade], gaps: list[FeedGap], symbol: str | None,
            count: int) -> list[Entry]:
    """The newest ``count`` lines: trades (newest first) with each outage placed above the
    trades from before it; an outage with no trade around it still shows."""
    out: list[Entry] = []
    pending = sorted(((g.start, g.end) for g in gaps), key=lambda g: g[0], reverse=True)
    i = 0
    for trade in trades:  # newest first
        if len(out) >= count:
            return out
        if symbol is not None and trade.symbol != symbol:
            continue
        while i < len(pending) and pending[i][0] >= trade.at:
            out.append(pending[i])  # the outage began after (or as) this trade
            i += 1
            if len(out) >= count:
                return out
        out.append(trade)
    out.extend(pending[i:count - len(out) + i])
    return out[:count]


@dataclass(frozen=True, slots=True)
class TapeLayout:
    width: int
    name_w: int  # 0: no market column
    qty_w: int
    names: int  # the instruments_version the names were made for


class TradeTape(Vertical):
    """A heading (the feed's age) over the latest trades; ``symbol`` narrows it to a market."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tape--buy", "tape--sell", "tape--px", "tape--dim", "tape--gap", "tape--gap-open",
        "tape--merged", "tape--live", "tape--stale", "tape--down", "tape--connecting",
        "tape--title",
    }
    DEFAULT_CSS = """
    TradeTape { height: 1fr; }
    TradeTape > .tape-head { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    TradeTape > .tape-body { height: 1fr; overflow: hidden hidden; text-wrap: nowrap;
                             text-overflow: clip; }
    """

    def __init__(self, state: DeskState | None = None, *, symbol: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.state = state
        self._symbol = symbol
        self._feed: tuple[str, str] = ("", "unknown")
        self._shown: tuple[object, ...] | None = None  # what the body shows
        self._head_shown: tuple[object, ...] | None = None
        self._lines: dict[tuple[Trade, TapeLayout], Text] = {}  # formatted trades
        self.lines: list[Text] = []  # what is on screen (tests read it)
        self._plan: TapeLayout | None = None
        self._plan_key: tuple[object, ...] = ()
        self._names: dict[str, str] = {}  # each market's name in the market column

    def compose(self) -> ComposeResult:
        yield Static("", classes="tape-head")
        yield Static("", classes="tape-body")

    @property
    def heading(self) -> Static:
        return self.query_one(".tape-head", Static)

    @property
    def body(self) -> Static:
        return self.query_one(".tape-body", Static)

    @property
    def symbol(self) -> str | None:
        """The market shown; None shows every market (with a market column)."""
        return self._symbol

    @symbol.setter
    def symbol(self, symbol: str | None) -> None:
        if symbol != self._symbol:
            self._symbol = symbol
            if self.is_mounted and self.state is not None:
                self.refresh_from(self.state)
                self._head()

    # --- what the app calls ----------------------------------------------------------
    def refresh_from(self, state: DeskState) -> None:
        """The trades moved (``trades_version``): redraw when the shown lines changed."""
        self.state = state
        if not self.is_mounted:
            return
        layout = self._tape_plan()
        count = min(self.body.size.height or 40, MAX_LINES)
        shown = entries(list(state.trades), list(state.gaps), self._symbol, count)
        key = (layout, tuple(shown))
        if key == self._shown:
            return
        self._shown = key
        self.lines = [self._line(e, layout) for e in shown]
        # keep the lines on screen only: the next refresh shows mostly the same trades, and
        # formatted lines of trades scrolled away would only pile up
        self._lines = {k: self._lines[k] for k in ((e, layout) for e in shown)
                       if k in self._lines}
        text = Text("\n").join(self.lines) if self.lines else Text(
            "no trades yet", style=self._st("tape--dim"))
        text.no_wrap, text.overflow = True, "crop"
        self.body.update(text, layout=False)

    def show_age(self, state: DeskState, now: float) -> None:
        """Once a second (``now`` monotonic): the price feed's age in the heading."""
        self.state = state
        self._feed = feed_age(state, now)
        self._head()

    def restyle(self) -> None:
        """The theme changed: the lines again, in its colours."""
        self._shown, self._head_shown, self._lines = None, None, {}
        self.refresh_from(self.state)
        self._head()

    # --- drawing -----------------------------------------------------------------------
    def _st(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _tape_plan(self) -> TapeLayout:
        width = max(self.body.size.width, 20)
        version = self.state.instruments_version if self.state is not None else -1
        key = (width, version, self._symbol)
        if self._plan_key != key or self._plan is None:
            self._plan_key, self._plan = key, self._make_plan(width)
        return self._plan

    def _make_plan(self, width: int) -> TapeLayout:
        instruments = self.state.instruments if self.state is not None else {}
        shown = [i for s, i in instruments.items() if self._symbol in (None, s)]
        qty_w = QTY_FRACTIONAL if any(i.scales.qty_scale > 1 for i in shown) else QTY
        version = self.state.instruments_version if self.state is not None else -1
        room = width - (8 + 1 + 1 + PX + 1 + 1 + qty_w)
        if self._symbol is not None or room < NAME_MIN:
            return TapeLayout(width, 0, qty_w, version)
        # what tells the markets apart, not the prefix they share (tui/ui/widgets/names.py)
        self._names = market_names(instruments, room)
        longest = max((len(n) for n in self._names.values()), default=NAME_MIN)
        return TapeLayout(width, min(room, longest), qty_w, version)

    def _line(self, entry: Entry, layout: TapeLayout) -> Text:
        if isinstance(entry, tuple):  # a gap: never cached, its end moves
            gap = FeedGap(*entry)
            words = f" {gap_words(gap)} "
            left = max((layout.width - len(words)) // 2, 2)
            right = max(layout.width - left - len(words), 2)
            style = "tape--gap-open" if gap.end is None else "tape--gap"
            return Text("─" * left + words + "─" * right, style=self._st(style))
        cached = self._lines.get((entry, layout))
        if cached is None:
            cached = self._lines[(entry, layout)] = self._trade_line(entry, layout)
        return cached

    def _trade_line(self, trade: Trade, layout: TapeLayout) -> Text:
        st = self._st
        inst = self.state.instruments.get(trade.symbol) if self.state is not None else None
        px = inst.scales.price_text(trade.px) if inst else str(trade.px)
        qty = inst.scales.qty_text(trade.qty) if inst else str(trade.qty)
        merged = ""
        if trade.merged > 0:
            merged = inst.scales.qty_text(trade.merged) if inst else str(trade.merged)
        name_w = layout.name_w
        text = Text(clock_text(trade.at), style=st("tape--dim"), no_wrap=True, overflow="crop")
        if name_w:
            name = self._names.get(trade.symbol, trade.symbol)
            text.append(" " + fit(name, name_w).ljust(name_w))
        if trade.aggressor is Side.BUY:
            arrow, style = "▲", st("tape--buy")
        elif trade.aggressor is Side.SELL:
            arrow, style = "▼", st("tape--sell")
        else:
            arrow, style = " ", st("tape--px")
        text.append(" ")
        text.append(px.rjust(PX) + arrow, style=style)
        text.append(" " + qty.rjust(layout.qty_w))
        if merged:  # after the size when it fits; else under the line, columns kept aligned
            note = f"+{merged} unpriced"
            room = layout.width - text.cell_len
            text.append(" " if room > len(note) else "\n" + " " * 9)
            text.append(note, style=st("tape--merged"))
        return text

    def _head(self) -> None:
        if not self.is_mounted:
            return
        width = max(self.heading.size.width, 12)
        words, kind = self._feed
        title = "trades" if self._symbol is None else f"trades {self._symbol}"
        shown = (width, title, words, kind)
        if shown == self._head_shown:
            return
        self._head_shown = shown
        st = self._st
        styles = {"dim": st("tape--title"), "live": st("tape--live"),
                  "stale": st("tape--stale"), "down": st("tape--down"),
                  "connecting": st("tape--connecting")}
        badge = len(words) + 2 if words else 0
        if self._symbol is not None and len(title) + 2 + badge > width:
            title = fit(title, max(width - 2 - badge, 6))
        self.heading.update(feed_heading(title, words, kind, width, styles), layout=False)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        self._shown = None
        self._head_shown = None
        self._head()
        if self.state is not None:
            self.refresh_from(self.state)
