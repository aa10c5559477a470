"""The watchlist: every market's bid, offer, last, change since the open and a sparkline.

Columns drop as the panel narrows (the symbol stays readable):

* under 24 columns: two lines a market, the symbol, then bid / offer / last;
* from 24: the change since the open joins the first line, a sparkline the second;
* from 56: one line a market, symbol, sparkline, bid, offer, last, change.

The app pulls, the list never pushes: ``update_quotes`` (the dirty symbols, at most twice a
second) and ``tick`` (once a second: rows whose sparkline moved to a new 15 s point) redraw
only rows whose shown values changed. ``show_age`` (once a second) puts the price feed's
age in the heading, and greys every price while the feed is stale or down.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.state import DeskState
from tui.core.tape import BUCKET_SECONDS
from tui.core.tradable import untradable_short
from tui.core.vetting import TAKES_ORDERS
from tui.ui.widgets.names import market_names
from tui.ui.widgets.scrollbars import SteadyScrollBars
from tui.ui.widgets.status import age_text
from tui.ui.widgets.watch_text import (
    CHANGE_FROM,
    CHG,
    NAME_MIN,
    NUMBERS,
    ONE_LINE_FROM,
    PX,
    SPARK_MAX,
    SPARK_MIN,
    STATE_SHORT,
    Layout,
    Row,
    change_text,
    common_prefix,
    feed_age,
    feed_heading,
    fit,
    spark_text,
)


class QuoteOptions(SteadyScrollBars, OptionList):
    """The list's rows; a quote that moved repaints its own row only."""

    def set_prompt(self, option_id: str, prompt: Text) -> None:
        """A row's new words. OptionList.replace_option_prompt drops every row's render and
        measures every row again (the whole list repaints, ~4 ms for 15 markets): a row of
        the lines it had keeps the others and repaints its own lines only."""
        index = self.get_option_index(option_id)
        line = self._line_cache.index_to_line.get(index)
        height = self._line_cache.heights.get(index)
        option = self.get_option_at_index(index)
        if line is None or height != len(prompt.plain.split("\n")) or option._divider:
            self.replace_option_prompt(option_id, prompt)
            return
        option._set_prompt(prompt)
        cache = self._option_render_cache
        for key in [key for key in cache.keys() if key[0] is option]:
            cache.discard(key)
        self.refresh_lines(line, height)


class MarketList(Vertical):
    """A heading over an OptionList whose rows are formatted to the panel's width."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "markets--bid", "markets--offer", "markets--last", "markets--dim",
        "markets--up", "markets--down", "markets--spark", "markets--stale-px",
        "markets--live", "markets--stale", "markets--feed-down", "markets--connecting",
    }

    class Selected(Message):
        """A market was chosen; done=True (Enter, click) also hands focus back to the ladder."""

        def __init__(self, symbol: str, *, done: bool = True) -> None:
            super().__init__()
            self.symbol = symbol
            self.done = done

    def __init__(self, state: DeskState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.symbols: list[str] = []
        self._listed: set[str] = set()
        self._prefix = ""
        self._names: dict[str, str] = {}  # each market's name as the plan fits it
        self._plan_cache: Layout | None = None
        self._rows: dict[str, Row] = {}  # what each row shows now
        self._bucket: int | None = None  # the sparkline point tick() last drew
        self._feed: tuple[str, str] = ("", "unknown")  # (words, kind); show_age sets it
        self._head_shown: tuple[object, ...] = ()
        self._sparks: dict[str, tuple[tuple[object, ...], str]] = {}  # symbol -> (key, line)

    def compose(self) -> ComposeResult:
        yield Static("", id="markets-head")
        yield QuoteOptions(id="markets-list")

    @property
    def options(self) -> QuoteOptions:
        return self.query_one("#markets-list", QuoteOptions)

    @property
    def heading(self) -> Static:
        return self.query_one("#markets-head", Static)

    @property
    def stale(self) -> bool:
        """The price feed is stale, down or not up yet: prices are greyed, never green.
        (Before the first ``show_age`` nothing is known and the prices keep their colours.)"""
        return self._feed[1] in ("stale", "down", "connecting")

    # --- layout ----------------------------------------------------------------------
    def _width(self) -> int:
        return max(12, self.options.scrollable_content_region.width)

    def plan(self) -> Layout:
        width = self._width()
        cached = self._plan_cache
        if cached is None or cached.width != width:
            # one line or two is judged on the panel's own width, which a scrollbar coming
            # and going does not change: no flip-flop at the threshold
            cached = self._plan_cache = self._plan(width, self.size.width or width)
            # what tells the markets apart, not the prefix they share (names.py)
            self._names = market_names(self.symbols, cached.name_w)
        return cached

    def _plan(self, width: int, panel: int) -> Layout:
        longest = max((len(s) for s in self.symbols), default=0)
        longest_bare = longest - len(self._prefix)  # the longest without the common prefix
        if panel >= ONE_LINE_FROM and width >= ONE_LINE_FROM - 2:
            fixed = len(NUMBERS) * (PX + 1) + CHG + 1
            rest = width - fixed
            spark_w = max(SPARK_MIN,
                          min(SPARK_MAX, rest - 1 - max(NAME_MIN, longest_bare)))
            name_w = rest - 1 - spark_w
            return Layout(width, False, NUMBERS, True, spark_w, name_w)
        numbers = NUMBERS if width >= 3 * (PX + 1) else NUMBERS[:2]
        change = width >= CHANGE_FROM
        name_w = width - (CHG + 1 if change else 0)
        spark_w = width - len(numbers) * (PX + 1) - 1
        spark_w = min(spark_w, SPARK_MAX) if spark_w >= SPARK_MIN else 0
        return Layout(width, True, numbers, change, spark_w, name_w)

    def _width_moved(self) -> bool:
        """A scrollbar came or went, or the panel was resized: redraw all, say so."""
        if self._plan_cache is not None and self._width() == self._plan_cache.width:
            return False
        self._relayout()
        return True

    def _relayout(self) -> None:
        """The width or the market set changed: redraw everything."""
        self._plan_cache = None
        self._rows.clear()
        self.heading.styles.height = 2 if self.plan().two_lines else 1
        self._update_rows(self.symbols)
        self._head()

    # --- what the app calls ----------------------------------------------------------
    def set_markets(self, symbols: Iterable[str], current: str | None) -> None:
        self.symbols = list(symbols)
        self._listed = set(self.symbols)
        self._prefix = common_prefix(self.symbols)
        self._plan_cache = None
        self._rows.clear()
        layout = self.plan()
        self.heading.styles.height = 2 if layout.two_lines else 1
        wall = self.state.clock()
        options = []
        for sym in self.symbols:
            row = self._row(sym, layout, wall)
            self._rows[sym] = row
            options.append(Option(self._format(row, layout), id=sym))
        self.options.set_options(options)
        self.highlight(current)
        self._head()

    def update_quotes(self, symbols: Iterable[str]) -> None:
        """Redraw the rows of these markets (their books moved), where what they show changed."""
        if not self._width_moved():
            self._update_rows(symbols)

    def tick(self, wall: float | None = None) -> int:
        """Once a second: when the sparklines moved to a new 15 s point, redraw the rows whose
        line changed. ``wall`` is wall-clock time (DeskState.clock). Returns rows redrawn."""
        wall = self.state.clock() if wall is None else wall
        bucket = int(wall // BUCKET_SECONDS)
        if bucket == self._bucket:
            return 0
        self._bucket = bucket
        if self._width_moved():
            return len(self.symbols)
        if not self.plan().spark_w:
            return 0
        return self._update_rows(self.symbols, wall)

    def show_age(self, state: DeskState, now: float) -> None:
        """Once a second (``now`` monotonic): the feed's age in the heading; every price
        greyed while the feed is stale or down, back in colour when it is live again."""
        was_stale = self.stale
        self._feed = feed_age(state, now)
        if self.stale != was_stale:
            self._update_rows(self.symbols)
        self._head()

    def restyle(self) -> None:
        """The theme changed: every row and the heading again, in its colours."""
        self._rows.clear()
        self._head_shown = ()
        self._update_rows(self.symbols)
        self._head()

    def highlight(self, symbol: str | None) -> None:
        """Point the list at the market the app shows; not an echo back as a selection
        (a late echo would put a stale market on the ladder the keys trade)."""
        if symbol in self.symbols:
            with self.options.prevent(OptionList.OptionHighlighted):
                self.options.highlighted = self.symbols.index(symbol)

    # --- rows --------------------------------------------------------------------------
    def _update_rows(self, symbols: Iterable[str], wall: float | None = None) -> int:
        layout, options = self.plan(), self.options
        wall = self.state.clock() if wall is None else wall
        redrawn = 0
        for symbol in symbols:
            if symbol not in self._listed:
                continue
            row = self._row(symbol, layout, wall)
            if row != self._rows.get(symbol):
                self._rows[symbol] = row
                options.set_prompt(symbol, self._format(row, layout))
                redrawn += 1
        return redrawn

    def _row(self, symbol: str, layout: Layout, wall: float) -> Row:
        book = self.state.books.get(symbol)
        tape = self.state.tapes.get(symbol)
        last = book.last_trade_px if book is not None else None
        if last is None and tape is not None:
            last = tape.last_px
        return (
            symbol,
            book.best_bid if book is not None else None,
            book.best_offer if book is not None else None,
            last,
            tape.change if tape is not None else None,
            self._spark(symbol, wall, layout.spark_w),
            self.stale,
        )

    def _spark(self, symbol: str, wall: float, count: int) -> str:
        """The sparkline, recomputed only when its 15 s point, the market's last trade or
        the feed's outages moved."""
        tape, gaps = self.state.tapes.get(symbol), self.state.gaps
        key = (int(wall // BUCKET_SECONDS), count, tape.last if tape else None,
               tape.last_px if tape else None, len(gaps),
               (gaps[-1].start, gaps[-1].end) if gaps else None)
        cached = self._sparks.get(symbol)
        if cached is not None and cached[0] == key:
            return cached[1]
        line = spark_text(self.state, symbol, wall, count)
        self._sparks[symbol] = (key, line)
        return line

    def row_text(self, symbol: str) -> Text:
        """The row as drawn now (tests read it)."""
        layout = self.plan()
        return self._format(self._row(symbol, layout, self.state.clock()), layout)

    def _format(self, row: Row, layout: Layout) -> Text:
        st = partial(self.get_component_rich_style, partial=True)
        symbol, bid, offer, last, change, sparkline, stale = row
        assert isinstance(symbol, str)
        inst = self.state.instruments.get(symbol)
        name = self._names.get(symbol, symbol)
        text = Text(fit(name, layout.name_w).ljust(layout.name_w), no_wrap=True,
                    overflow="crop")
        short = untradable_short(inst.scales) if inst is not None else None
        if short is not None:  # never traded approximately: the row says why, not prices
            return self._untradable(text, short, layout)
        chg = change_text(inst, change if isinstance(change, int) else None)
        chg_style = ("markets--dim" if not isinstance(change, int) or change == 0 or stale
                     else "markets--up" if change > 0 else "markets--down")
        if inst is not None and inst.state not in TAKES_ORDERS:  # halted, settled...: say so
            chg, chg_style = STATE_SHORT.get(inst.state, "shut"), "markets--down"
        if layout.two_lines:
            if layout.change:
                text.append(" " + chg.rjust(CHG), style=st(chg_style))
            text.append("\n")
            text.append(" " if layout.spark_w else "")
        else:
            text.append(" ")
        text.append(str(sparkline), style=st("markets--dim" if stale else "markets--spark"))
        pad = layout.width - (len(layout.numbers) * (PX + 1)
                              + (CHG + 1 if layout.change and not layout.two_lines else 0))
        if layout.two_lines:
            text.append(" " * max(pad - (1 + layout.spark_w if layout.spark_w else 0), 0))
        values = {"bid": (bid, "markets--bid"), "offer": (offer, "markets--offer"),
                  "last": (last, "markets--last")}
        for col in layout.numbers:
            value, style = values[col]
            shown = inst.scales.price_text(value) if inst and isinstance(value, int) else "--"
            text.append(" ")
            text.append(shown.rjust(PX),
                        style=st("markets--stale-px" if stale else style)
                        if isinstance(value, int) else st("markets--dim"))
        if layout.change and not layout.two_lines:
            text.append(" " + chg.rjust(CHG), style=st(chg_style))
        return text

    def _untradable(self, text: Text, short: str, layout: Layout) -> Text:
        """The rest of a row that cannot trade: the reason in a few words where the sparkline
        and prices would be (the ticket has the whole sentence)."""
        st = partial(self.get_component_rich_style, partial=True)
        span = layout.width - (0 if layout.two_lines else layout.name_w + 1)
        text.append("\n" if layout.two_lines else " ")
        text.append(fit(f"can't trade: {short}", span).rjust(span), style=st("markets--dim"))
        return text

    # --- the heading -------------------------------------------------------------------
    def _head(self) -> None:
        layout = self.plan()
        words, kind = self._feed
        shown = (layout, words, kind)
        if shown == self._head_shown:
            return
        self._head_shown = shown
        st = partial(self.get_component_rich_style, partial=True)
        style = {"dim": st("markets--dim"), "live": st("markets--live"),
                 "stale": st("markets--stale"), "down": st("markets--feed-down"),
                 "connecting": st("markets--connecting")}

        labels = "".join(" " + c.rjust(PX) for c in layout.numbers)
        if layout.two_lines:
            chg = " " + "chg".rjust(CHG) if layout.change else ""
            first = feed_heading("markets", words, kind, layout.width - len(chg), style)
            first.append(" " * (layout.width - len(chg) - first.cell_len))
            first.append(chg, style=st("markets--dim"))
            second = ""
            if layout.spark_w >= 8:
                second = " " + fit("trend " + age_text(layout.spark_w * BUCKET_SECONDS),
                                   layout.spark_w)
            second = second.ljust(layout.width - len(labels)) + labels
            first.append("\n" + second, style=st("markets--dim"))
            self.heading.update(first, layout=False)  # its height is set with the plan
        else:
            right = labels + " " + "chg".rjust(CHG)
            head = feed_heading("markets", words, kind, layout.width - len(right), style)
            head.append(" " * (layout.width - len(right) - head.cell_len))
            head.append(right, style=st("markets--dim"))
            self.heading.update(head, layout=False)

    # --- events ------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._relayout)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(event.option.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # the ladder (and so b/s) always follows the highlighted market: never trade one
        # market while the list points at another
        event.stop()
        if event.option.id is not None and event.option_index == self.options.highlighted:
            self.post_message(self.Selected(event.option.id, done=False))
