"""The price ladder: one YES book on a fixed 0.99 → 0.01 axis, drawn with the Line API.

Only visible rows are rendered. ``refresh_book`` recomputes a small key per non-empty row
and repaints only the rows whose key changed; one strip a row is kept while its key, width,
cursor and staleness stay the same. A row's cells are drawn in ladder_paint.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.enums import Side
from tui.core.model import Book, Instrument, Order
from tui.core.pnl import entry_tick
from tui.core.prices import Outcome, Scales
from tui.core.state import DeskState
from tui.desk.controller import orders_at
from tui.ui.widgets.ladder_paint import PaintsRows
from tui.ui.widgets.ladder_rows import (
    DEFAULT_ORDER,
    EMPTY,
    Columns,
    Snapshot,
    columns_for,
    cumulative,
    titles_line,
)
from tui.ui.widgets.ladder_view import FollowsMarket
from tui.ui.widgets.scrollbars import SteadyScrollBars

DIRECTION = {Side.BUY: "up", Side.SELL: "down", None: "flat"}


class Ladder(FollowsMarket, PaintsRows, SteadyScrollBars, ScrollView, can_focus=True,
             inherit_bindings=False):
    """A price ladder for one market; the app owns the keys and calls the methods.
    How its view follows the market (scrolling, never the cursor) is FollowsMarket's."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ladder--bid", "ladder--offer", "ladder--best-bid", "ladder--best-offer",
        "ladder--price", "ladder--no", "ladder--empty", "ladder--cursor", "ladder--last",
        "ladder--mine-buy", "ladder--mine-sell", "ladder--pending", "ladder--stale",
        "ladder--avg", "ladder--gain", "ladder--loss", "ladder--last-up", "ladder--last-down",
        "ladder--vol", "ladder--ltq", "ladder--ahead", "ladder--dim",
    }

    class CursorMoved(Message):
        def __init__(self, price: int | None) -> None:
            super().__init__()
            self.price = price

    class ViewChanged(Message):
        """The view scrolled or the cursor moved: the header's 'market ↑' / 'cursor ↓' words
        may have changed."""

        def __init__(self, ladder: Ladder) -> None:
            super().__init__()
            self.ladder = ladder

    def __init__(self, state: DeskState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.symbol: str | None = None
        self.cursor: int | None = None  # raw YES price
        self.stale = False
        self._scales: Scales | None = None
        self._rows = 0
        self._snap = EMPTY
        # row -> (what it was drawn from, strip): one strip a row, the one on screen; a
        # busy book changes most rows each frame, so older strips are never asked for again
        self._strips: dict[int, tuple[tuple[object, ...], Strip]] = {}
        self._looks: dict[str, Style] = {}  # component class -> base + its style
        self._prices: dict[int, tuple[str, str]] = {}  # row -> (YES, NO) price texts
        self._titles: tuple[tuple[object, ...], Text] | None = None
        self._geometry: tuple[int, int, int] | None = None  # _view(), during render_lines
        self._cols: tuple[tuple[object, ...], Columns] | None = None
        self._auto_cursor = True  # place on the inside market once a book arrives
        self.cumulative = False  # bid/offer columns show size from the inside out
        self.column_order: tuple[str, ...] = DEFAULT_ORDER  # which optional columns fit first
        self.outcome = Outcome.YES  # the ticket's outcome: its price column is the bright one
        self.auto_recentre = 0  # ticks the inside may stray from the middle; 0 = off
        # the trader's own scroll or cursor keys left the inside market out of sight: the
        # view stays put and the header says where the market went until c (or h, l)
        self.trader_scrolled = False

    # --- geometry -----------------------------------------------------------------
    @property
    def instrument(self) -> Instrument | None:
        return self.state.instruments.get(self.symbol) if self.symbol else None

    def row_of(self, price: int) -> int | None:
        scales = self._scales
        if scales is None or not scales.on_tick(price):
            return None
        row = (scales.max_price - price) // scales.tick
        return row if 0 <= row < self._rows else None

    def price_of(self, row: int) -> int:
        assert self._scales is not None
        return self._scales.max_price - row * self._scales.tick

    def _visible_rows(self) -> range:
        top = round(self.scroll_offset.y)
        return range(top, top + self.scrollable_content_region.height)

    # --- public API -----------------------------------------------------------------
    def show(self, symbol: str | None) -> None:
        """Switch to a market: a new axis, the cursor on its inside market."""
        instrument = self.state.instruments.get(symbol) if symbol else None
        self.symbol = symbol if instrument else None
        self._scales = instrument.scales if instrument else None
        s = self._scales
        self._rows = (s.max_price - s.min_price) // s.tick + 1 if s else 0
        self.virtual_size = Size(0, self._rows)
        self._snap = EMPTY
        self._strips.clear()
        self._prices.clear()
        self._auto_cursor = True
        self.trader_scrolled = False
        self.cursor = self._inside() if s else None
        self.refresh_book()
        self.refresh()
        self.call_after_refresh(self.recentre_view)  # once laid out: a hidden one waits
        self.post_message(self.CursorMoved(self.cursor))

    def rescale(self) -> None:
        """The market's tick changed under the ladder (the CLOB's near the ends of the
        range): its axis again, on the new grid, the cursor on the inside market."""
        inst = self.state.instruments.get(self.symbol) if self.symbol else None
        if inst is not None and inst.scales != self._scales:
            self.show(self.symbol)

    def refresh_book(self) -> None:
        """Recompute row keys from the state; repaint only rows that changed."""
        book = self.state.books.get(self.symbol) if self.symbol else None
        if self._auto_cursor and book is not None and (book.bids or book.offers):
            self._auto_cursor = False
            self.set_cursor(self._inside(), centre=True)
        old, new = self._snap, self._snapshot(book)
        self._snap = new
        rows = [row for row in self._visible_rows() if 0 <= row < self._rows
                and new.key(price := self.price_of(row)) != old.key(price)]
        while rows:  # one refresh per run of adjacent changed rows
            start = end = rows.pop(0)
            while rows and rows[0] == end + 1:
                end = rows.pop(0)
            self.refresh_lines(start, end - start + 1)

    def refresh_lines(self, y_start: int, line_count: int = 1) -> None:
        """ScrollView's, without the scroll bar: a row that changed leaves the bar as it
        was, so the paint does not render the bar again (tui/ui/compositor.py)."""
        self.refresh(Region(0, y_start - round(self.scroll_offset.y),
                            self.scrollable_content_region.width, line_count))

    def set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self._strips.clear()
            self.refresh()

    def move_cursor(self, ticks: int) -> None:
        if self.cursor is not None and self._scales is not None:
            self.set_cursor(self.cursor + ticks * self._scales.tick)

    def set_cursor(self, price: int, *, centre: bool = False) -> None:
        """centre: c, h, l put it on the market and the view follows the market again. Else
        it is the trader's cursor (keys, a click): the view follows the cursor, and stays
        where it took the trader if that leaves the inside market out of sight."""
        s = self._scales
        if s is None:
            return
        price = min(max(price, s.min_price), s.max_price)
        self._auto_cursor = False
        old = self.row_of(self.cursor) if self.cursor is not None else None
        self.cursor = price
        if old is not None:
            self.refresh_line(old)
        row = self.row_of(price)
        if row is not None:
            self.refresh_line(row)
            if centre:  # c, h, l: on the market again, and following it
                self.centre_on_market(row)
            else:
                self.scroll_to_region(Region(0, row, 1, 1), spacing=Spacing(1, 0, 1, 0),
                                      animate=False, x_axis=False, force=True)
                self._trader_moved_view()
        self.post_message(self.CursorMoved(price))
        self.post_message(self.ViewChanged(self))

    def orders_at(self, price: int) -> list[Order]:
        """My working orders in this market at a YES price: what the keys there act on."""
        return orders_at(self.state, self.symbol, price)

    def recentre(self) -> None:
        """Cursor back to the inside market, scrolled to the middle."""
        if self._scales is not None:
            self.set_cursor(self._inside(), centre=True)

    def centre_on_cursor(self) -> None:
        row = self.row_of(self.cursor) if self.cursor is not None else None
        if row is not None:
            height = self.scrollable_content_region.height
            self.scroll_to(y=max(0, row - height // 2), animate=False, force=True)

    def _inside(self) -> int:
        """Best bid; else the offer of a one-sided book; else 0.50 on the tick."""
        s = self._scales
        assert s is not None
        book = self.state.books.get(self.symbol) if self.symbol else None
        if book is not None and book.best_bid is not None:
            return book.best_bid
        if book is not None and book.best_offer is not None:
            return book.best_offer
        return (s.price_scale // 2 // s.tick) * s.tick

    # --- keys -----------------------------------------------------------------------
    def _snapshot(self, book: Book | None) -> Snapshot:
        s = self._scales
        if s is None or self.symbol is None:
            return EMPTY
        sums: dict[int, dict[tuple[str, str], int]] = {}
        ahead: dict[int, int] = {}
        for order in self.state.working_orders(self.symbol):
            intent = order.shown_intent
            label = ("B" if intent.is_buy else "S") + ("N" if intent.outcome is Outcome.NO else "")
            kind = "pending" if order.is_pending else (
                "buy" if order.side is Side.BUY else "sell")
            at = sums.setdefault(order.price, {})
            at[(label, kind)] = at.get((label, kind), 0) + order.leaves_qty
            queued = self.state.queue.ahead(order.order_id) if order.order_id else None
            if queued is not None:
                ahead[order.price] = min(queued, ahead.get(order.price, queued))
        mine = {price: tuple((f"{label} {s.qty_text(q)}", kind)
                             for (label, kind), q in sorted(at.items()))
                for price, at in sums.items()}
        position = self.state.positions.get(self.symbol)
        held = replace(position) if position is not None and position.net else None
        avg = entry_tick(held, s) if held is not None else None  # marked on the axis
        tape = self.state.tapes.get(self.symbol)
        vol = dict(tape.volume_at) if tape else {}
        ltq = dict(tape.last_qty_at) if tape else {}
        # the arrow belongs to the trade the book's last price is (not one from before a gap)
        last_dir = (DIRECTION[tape.last.aggressor] if tape and tape.last and book
                    and tape.last.px == book.last_trade_px else "flat")
        if book is None:
            return Snapshot({}, {}, mine, held=held, scales=s, avg=avg, vol=vol, ltq=ltq,
                            ahead=ahead)
        bids = cumulative(book.bids) if self.cumulative else dict(book.bids)
        offers = cumulative(book.offers) if self.cumulative else dict(book.offers)
        return Snapshot(bids, offers, mine, book.best_bid, book.best_offer,
                        book.last_trade_px, last_dir, held, s, avg, vol, ltq, ahead)

    def set_view(self, *, cumulative: bool | None = None,
                 column_order: tuple[str, ...] | None = None,
                 outcome: Outcome | None = None) -> None:
        """Change how rows are drawn (not what they hold): repaint everything once."""
        if cumulative is not None:
            self.cumulative = cumulative
        if column_order is not None:
            self.column_order = column_order
        if outcome is not None:
            self.outcome = outcome
        self._strips.clear()
        self._snap = self._snapshot(self.state.books.get(self.symbol) if self.symbol else None)
        self.refresh()

    # --- rendering ----------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._looks.clear()

    def _look(self, name: str) -> Style:
        """The row's base style plus a component class's, made once per styling (the base
        walks the DOM for its background; adding styles is not free either)."""
        look = self._looks.get(name)
        if look is None:
            base = self._looks.get("")
            if base is None:
                base = self._looks[""] = self.rich_style
            look = self._looks[name] = base + self.get_component_rich_style(name) \
                if name else base
        return look

    def columns(self, width: int | None = None) -> Columns:
        assert self._scales is not None
        key = (self.scrollable_content_region.width if width is None else width,
               self._scales, self.column_order)
        if self._cols is None or self._cols[0] != key:
            self._cols = key, columns_for(*key)
        return self._cols[1]

    def column_titles(self) -> Text:
        """Column headings aligned with the rows below (for the header above the ladder)."""
        if self._scales is None:
            return Text("")
        c = self.columns()
        key = (c, self.cumulative)
        if self._titles is None or self._titles[0] != key:
            self._titles = key, Text(titles_line(c, self.cumulative), no_wrap=True)
        return self._titles[1]

    def render_lines(self, crop: Region) -> list[Strip]:
        self._geometry = self._view()  # a walk up the DOM: once a paint, not once a row
        try:
            return super().render_lines(crop)
        finally:
            self._geometry = None

    def _view(self) -> tuple[int, int, int]:
        """Width, top row and height of what the ladder shows now."""
        region = self.scrollable_content_region
        return region.width, round(self.scroll_offset.y), region.height

    def render_line(self, y: int) -> Strip:
        width, top, height = self._geometry or self._view()
        row = y + top
        if self._scales is None or not 0 <= row < self._rows:
            return Strip.blank(width, self._look(""))
        key = self._snap.key(self.price_of(row))
        is_cursor = self.cursor is not None and self.row_of(self.cursor) == row
        drawn_from = (key, width, is_cursor, self.stale)  # view changes (privacy too) clear it
        cached = self._strips.get(row)
        if cached is not None and cached[0] == drawn_from:
            return cached[1]
        strip = self._render_row(row, key, width, is_cursor)
        if len(self._strips) > 4 * max(height, 16):  # keep the rows in view
            view = range(top, top + height)
            self._strips = {r: v for r, v in self._strips.items() if r in view}
        self._strips[row] = (drawn_from, strip)
        return strip

    # --- mouse (the wheel and the scrollbar: FollowsMarket) ------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self._scales is not None:
            row = offset.y + round(self.scroll_offset.y)
            if 0 <= row < self._rows:
                self.set_cursor(self.price_of(row))
