"""How the ladder's view follows the market: the row arithmetic (row 0 is the top price) and
the Ladder's part that scrolls (FollowsMarket). Recentring scrolls; it never moves the cursor.

- The inside market is "in sight" when the best offer and best bid rows are inside the view,
  a row clear of an edge the view could still scroll past (so a market about to leave counts
  as gone). A spread too wide to show whole follows only the price `c` goes to.
- Centring puts that price mid-view, the rest of the inside in sight, and the cursor too when
  they all fit.
- A view the trader took away from the market (cursor keys, page keys, wheel, scrollbar,
  click) is held: the header says where the market went until c, h, l, a new market or a
  terminal resize.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.scrollbar import ScrollDown, ScrollTo, ScrollUp

if TYPE_CHECKING:
    from tui.ui.widgets.ladder import Ladder

    _Base = Ladder
else:
    _Base = object

MARGIN = 1  # rows kept between the inside market and an edge the view can scroll past


@dataclass(frozen=True)
class Market:
    """The inside market as rows: `anchor` is the price c puts the cursor on (the best bid,
    else the offer of a one-sided book); `top`..`bottom` must be in sight (best offer..bid)."""

    anchor: int
    top: int
    bottom: int


def margin_for(height: int) -> int:
    return MARGIN if height >= 2 * MARGIN + 3 else 0


def market_rows(bid: int | None, offer: int | None, height: int) -> Market | None:
    """The rows to keep in sight for a book's best bid / offer rows (None: an empty book)."""
    anchor = bid if bid is not None else offer
    if anchor is None:
        return None
    if bid is None or offer is None or bid - offer > height - 1 - 2 * margin_for(height):
        return Market(anchor, anchor, anchor)  # one-sided, or too wide to show whole
    return Market(anchor, min(bid, offer), max(bid, offer))


def in_sight(market: Market, top: int, height: int, rows: int) -> bool:
    m = margin_for(height)
    first = top + (m if top > 0 else 0)
    last = top + height - 1 - (m if top + height < rows else 0)
    return first <= market.top and market.bottom <= last


def strayed(market: Market, top: int, height: int, ticks: int) -> bool:
    """Auto-recentre: the anchor more than `ticks` rows from the middle of the view."""
    return abs(market.anchor - (top + height // 2)) > min(ticks, max(1, height // 2 - 1))


def direction(row: int, top: int, height: int) -> str:
    """'↑' / '↓' for a row above / below the view, '' for one in it."""
    return "↑" if row < top else "↓" if row >= top + height else ""


def centred_top(market: Market, height: int, rows: int, keep: int | None = None) -> int:
    """The top row that centres the market's anchor, with the whole inside in sight and the
    row `keep` (the cursor) in sight as well when all of it fits."""
    m = margin_for(height)
    top = market.anchor - height // 2
    if market.top < top + m:
        top = market.top - m
    if market.bottom > top + height - 1 - m:
        top = market.bottom - height + 1 + m
    if keep is not None:
        if keep < top + m and market.bottom <= keep + height - 1 - 2 * m:
            top = keep - m
        elif keep > top + height - 1 - m and market.top >= keep - height + 1 + 2 * m:
            top = keep - height + 1 + m
    return max(0, min(top, rows - height))


class FollowsMarket(_Base):
    """The Ladder's view of the market: it follows the inside by scrolling, holds a view the
    trader scrolled away, and says where the market went (the header shows market_away)."""

    def _market(self) -> Market | None:
        """The inside market's rows, or None for an empty book (or no market)."""
        book = self.state.books.get(self.symbol) if self.symbol else None
        if book is None:
            return None
        bid = self.row_of(book.best_bid) if book.best_bid is not None else None
        offer = self.row_of(book.best_offer) if book.best_offer is not None else None
        return market_rows(bid, offer, self.scrollable_content_region.height)

    def centre_on_market(self, row: int) -> None:
        """c, h, l: the view centred on the cursor's row (the rest of the inside market in
        sight too, if it fits), following the market again."""
        self.trader_scrolled = False
        market = self._market()
        on_row = Market(row, market.top, market.bottom) if market is not None \
            and market.top <= row <= market.bottom else Market(row, row, row)
        self._scroll_top(centred_top(on_row, self.scrollable_content_region.height, self._rows))

    def follow_market(self) -> None:
        """After the book moved: recentre when the inside market leaves the view (or is about
        to), or with auto-recentre when it strays from the middle. Unless the trader scrolled
        away from it: then the view stays and market_away says where the market went.

        Only the view scrolls: the cursor stays on its price (in sight when that fits), and
        if it scrolls out of sight the header points to it (cursor_away) and the ticket still
        names the price b and s use."""
        market, height = self._market(), self.scrollable_content_region.height
        if self.trader_scrolled or market is None or height <= 0:
            return
        top = round(self.scroll_offset.y)
        if not in_sight(market, top, height, self._rows) or (
                self.auto_recentre and strayed(market, top, height, self.auto_recentre)):
            self._scroll_top(centred_top(market, height, self._rows, self._cursor_row()))

    def recentre_view(self) -> None:
        """Scroll the inside market to the middle (a resize, a ladder coming into view): the
        cursor stays on its price, in sight too when both fit."""
        self.trader_scrolled = False
        height = self.scrollable_content_region.height
        if self._scales is None or height <= 0:
            return
        cursor = self._cursor_row()
        market = self._market() or (Market(cursor, cursor, cursor) if cursor is not None
                                    else None)
        if market is not None:
            self._scroll_top(centred_top(market, height, self._rows, cursor))

    def market_away(self) -> str:
        """'↑0.412' / '↓0.412' when the price c goes to is out of sight above / below."""
        market = self._market()
        if market is None or self._scales is None:
            return ""
        arrow = direction(market.anchor, round(self.scroll_offset.y),
                          self.scrollable_content_region.height)
        return f"{arrow}{self._scales.price_text(self._inside())}" if arrow else ""

    def _cursor_row(self) -> int | None:
        return self.row_of(self.cursor) if self.cursor is not None else None

    def _scroll_top(self, top: int) -> None:
        if top != round(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False, force=True)
            self.post_message(self.ViewChanged(self))

    def _trader_moved_view(self) -> None:
        """After the trader's own scroll, cursor key or click: held there if the inside
        market is not in sight."""
        market, height = self._market(), self.scrollable_content_region.height
        self.trader_scrolled = market is not None and height > 0 and not in_sight(
            market, round(self.scroll_offset.y), height, self._rows)

    def cursor_away(self) -> str:
        """'↑' / '↓' when the cursor's row is scrolled out of sight above / below, else ''."""
        row = self._cursor_row()
        return "" if row is None else direction(row, round(self.scroll_offset.y),
                                                self.scrollable_content_region.height)

    def on_resize(self, event: events.Resize) -> None:
        """A new size (the terminal's, or a side ladder coming into view): back on the
        market, unless the trader holds a view of their own (a terminal resize clears that:
        navigation recentres every ladder). At mount there is no market yet: nothing to do."""
        if not self.trader_scrolled:
            self.recentre_view()

    # the wheel and the scrollbar scroll here, at once (not animated, not after this
    # handler as Widget's would): the trader's view is judged on where it lands
    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._trader_scrolls(event, self.app.scroll_sensitivity_y)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._trader_scrolls(event, -self.app.scroll_sensitivity_y)

    def _on_scroll_down(self, event: ScrollDown) -> None:
        self._trader_scrolls(event, self.scrollable_content_region.height)

    def _on_scroll_up(self, event: ScrollUp) -> None:
        self._trader_scrolls(event, -self.scrollable_content_region.height)

    def _on_scroll_to(self, message: ScrollTo) -> None:
        if message.y is not None:
            self._trader_scrolls(message, message.y - self.scroll_offset.y)

    def _trader_scrolls(self, event: Message, rows: float) -> None:
        if isinstance(event, events.MouseEvent) and (event.ctrl or event.shift):
            return  # sideways: Widget's own handler
        event.prevent_default()
        event.stop()
        self.scroll_to(y=self.scroll_offset.y + rows, animate=False, force=True)
        self._trader_moved_view()
        self.post_message(self.ViewChanged(self))
