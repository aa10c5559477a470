"""The price ladder: one YES book on a fixed 0.99 → 0.01 axis, drawn with the Line API.

Only visible rows are rendered. ``refresh_book`` recomputes a small key per non-empty row
and repaints only the rows whose key changed; strips are cached by row, key and width.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.enums import Side
from tui.core.model import Book, Instrument, Order
from tui.core.money import gain
from tui.core.pnl import entry_tick
from tui.core.prices import Outcome, Scales
from tui.core.state import DeskState
from tui.desk.controller import orders_at
from tui.ui.widgets.ladder_rows import (
    DEFAULT_ORDER,
    EMPTY,
    TITLES,
    Columns,
    RowKey,
    Snapshot,
    columns_for,
    compact_qty,
    cumulative,
    pnl_text,
)
from tui.ui.widgets.ladder_view import FollowsMarket

DIRECTION = {Side.BUY: "up", Side.SELL: "down", None: "flat"}
# strips kept: a few screens' worth of rows. Every tick makes new keys, and each cached strip
# also holds the crops and styled copies Textual derives from it, so a cache far larger
# than the screen only grows the process for minutes (1,024 strips were ~7 MB) and saves
# nothing: a row that did not change is found under its latest key.
STRIPS_PER_ROW, STRIPS_MIN = 3, 64


class Ladder(FollowsMarket, ScrollView, can_focus=True, inherit_bindings=False):
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
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIPS_MIN)
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
        self._auto_cursor = True
        self.trader_scrolled = False
        self.cursor = self._inside() if s else None
        self.refresh_book()
        self.refresh()
        self.call_after_refresh(self.recentre_view)  # once laid out: a hidden one waits
        self.post_message(self.CursorMoved(self.cursor))

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

    def columns(self, width: int | None = None) -> Columns:
        assert self._scales is not None
        return columns_for(self.scrollable_content_region.width if width is None else width,
                           self._scales, self.column_order)

    def column_titles(self) -> Text:
        """Column headings aligned with the rows below (for the header above the ladder)."""
        if self._scales is None:
            return Text("")
        c = self.columns()
        bid, offer = ("Σbid", "Σoffer") if self.cumulative else ("bid", "offer")
        text = (" " * c.pad + "mine".rjust(c.mine) + " " + bid[:c.qty].rjust(c.qty) + " "
                + "YES".center(c.price))
        if c.has("no"):
            text += " " + "NO".center(c.price)
        text += " " + offer[:c.qty].ljust(c.qty)
        for name in c.shown:
            if name != "no":
                text += " " + TITLES[name].rjust(c.widths[name])
        return Text(text, no_wrap=True)

    def render_line(self, y: int) -> Strip:
        row = y + round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if self._scales is None or not 0 <= row < self._rows:
            return Strip.blank(width, self.rich_style)
        key = self._snap.key(self.price_of(row))
        is_cursor = self.cursor is not None and self.row_of(self.cursor) == row
        cache_key = (row, key, width, is_cursor, self.stale)  # view changes clear the cache
        strip = self._strips.get(cache_key)
        if strip is None:
            self._fit_strips()
            strip = self._render_row(row, key, width, is_cursor)
            self._strips[cache_key] = strip
        return strip

    def _fit_strips(self) -> None:
        """Size the strip cache to the rows on screen (a new cache when the height moved)."""
        wanted = max(STRIPS_MIN, STRIPS_PER_ROW * self.size.height)
        if self._strips.maxsize != wanted:
            self._strips = LRUCache(wanted)

    def _render_row(self, row: int, key: RowKey, width: int, is_cursor: bool) -> Strip:
        s = self._scales
        assert s is not None
        st = self.get_component_rich_style
        base = self.rich_style
        c = self.columns(width)
        price = self.price_of(row)
        empty = key.bid is None and key.offer is None
        segs: list[Segment] = [Segment(" " * c.pad, base)]

        mine_text = " ".join(t for t, _ in key.mine)
        if len(mine_text) > c.mine:
            mine_text = mine_text[: c.mine - 1] + "…"
        kinds = {k for _, k in key.mine}
        mine_style = st("ladder--pending") if "pending" in kinds else st(
            "ladder--mine-sell" if kinds == {"sell"} else "ladder--mine-buy")
        # styles only where there is text: the cursor's reverse would paint empty cells
        segs.append(Segment(mine_text.rjust(c.mine), base + mine_style if mine_text else base))
        segs.append(Segment("◆", base + st("ladder--avg")) if key.avg else Segment(" ", base))

        def qty_cell(qty: int | None, kind: str, best: bool, justify: str) -> Segment:
            if qty is None:
                return Segment(" " * c.qty, base)
            text = compact_qty(s, qty, c.qty)
            text = text.rjust(c.qty) if justify == "r" else text.ljust(c.qty)
            style = st("ladder--stale") if self.stale else st(
                f"ladder--best-{kind}" if best else f"ladder--{kind}")
            return Segment(text, base + style)

        def extra(name: str, value: int | None, style: str) -> None:
            w = c.widths[name]
            segs.append(Segment(" ", base))
            if value is None:
                segs.append(Segment(" " * w, base))
            else:
                segs.append(Segment(compact_qty(s, value, w).rjust(w), base + st(style)))

        # the ticket's outcome is the bright price; the other is dimmed
        bright = st("ladder--empty") if empty else st("ladder--price")
        dim = st("ladder--empty") if empty else st("ladder--no")
        yes_style, no_style = (bright, dim) if self.outcome is Outcome.YES else (dim, bright)
        segs.append(qty_cell(key.bid, "bid", key.best_bid, "r"))
        segs.append(Segment(" ", base))
        yes = s.price_text(price)
        if key.last:  # the last trade, with the side that crossed the spread
            arrow = {"up": "▲", "down": "▼"}.get(key.last, "•")
            segs.append(Segment((arrow + yes).center(c.price),
                                base + st(f"ladder--last-{key.last}" if key.last != "flat"
                                          else "ladder--last")))
        else:
            segs.append(Segment(yes.center(c.price), base + yes_style))
        if c.has("no"):
            segs.append(Segment(" ", base))
            segs.append(Segment(s.price_text(s.complement(price)).center(c.price),
                                base + no_style))
        segs.append(Segment(" ", base))
        segs.append(qty_cell(key.offer, "offer", key.best_offer, "l"))
        if c.has("vol"):
            extra("vol", key.vol, "ladder--vol")
        if c.has("ltq"):
            extra("ltq", key.ltq, "ladder--ltq")
        if c.has("ahead"):
            extra("ahead", key.ahead, "ladder--ahead")
        if c.has("pnl"):
            w = c.widths["pnl"]
            segs.append(Segment(" ", base))
            if key.pnl is None:
                segs.append(Segment(" " * w, base))
            else:
                tone = {1: "ladder--gain", -1: "ladder--loss"}.get(gain(key.pnl), "ladder--no")
                segs.append(Segment(pnl_text(key.pnl, w).rjust(w), base + st(tone)))
        strip = Strip(segs).adjust_cell_length(width, base)
        if is_cursor:
            cursor_style: Style = st("ladder--cursor")
            strip = strip.apply_style(cursor_style)
        return strip

    # --- mouse (the wheel and the scrollbar: FollowsMarket) ------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self._scales is not None:
            row = offset.y + round(self.scroll_offset.y)
            if 0 <= row < self._rows:
                self.set_cursor(self.price_of(row))
