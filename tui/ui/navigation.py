"""The ladder keys and panes: which market each ladder shows, which one the keys trade in,
cursor moves, and how the ladder draws (cumulative depth, columns, auto-recentre)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

from tui.ui.guard import guarded
from tui.ui.screens.picker import MarketPicker
from tui.ui.widgets.ladder import Ladder
from tui.ui.widgets.ladder_pane import LadderPane
from tui.ui.widgets.markets import MarketList
from tui.ui.widgets.status import age_text, feed_warning

if TYPE_CHECKING:
    from tui.ui.app import PmdeskApp

    _Base = PmdeskApp
else:
    _Base = object


class LadderActions(_Base):
    # --- market selection ------------------------------------------------------------
    def show_market(self, symbol: str | None) -> None:
        """Put a market on the ladder and the ticket."""
        self.grabbed = None  # an order picked up to move stays in its own market
        self.symbol = symbol if symbol in self.state.instruments else None
        self.ticket.set_instrument(self.instrument)
        self.ladder.show(self.symbol)
        self.query_one(MarketList).highlight(self.symbol)
        self._show_header()
        self._show_ticket()

    def activate(self, index: int) -> None:
        """Make another ladder pane the one the keys trade in."""
        if index == self._active or not 0 <= index < len(self.panes):
            return
        if self.grabbed is not None:
            self.grabbed = None
            self.notify("Move dropped; the order stays where it was.", timeout=3)
        self.pane.remove_class("-active")
        self._active = index
        pane = self.pane
        pane.add_class("-active")
        self.symbol = pane.symbol
        self.ticket.set_instrument(self.instrument)
        self.query_one(MarketList).highlight(self.symbol)
        if not pane.ladder.has_focus and self.screen is pane.screen:
            pane.ladder.focus()
        pane.ladder.set_view(outcome=self.ticket.outcome)
        self._show_ticket()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Clicking or tabbing into a ladder makes its pane the active one."""
        # a late event for a ladder that has lost focus since must not switch back to it
        if isinstance(event.widget, Ladder) and event.widget is self.focused:
            for n, pane in enumerate(self.panes):
                if pane.ladder is event.widget:
                    self.activate(n)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._panes_resized)

    @guarded
    def _panes_resized(self) -> None:
        visible = self.visible_panes
        if self.pane not in visible:
            self.activate(0)
        stale = bool(feed_warning(self.state, self.clock()))
        for pane in visible:  # every ladder back on its market, a trader's scroll forgotten
            pane.ladder.set_stale(stale)
            pane.ladder.refresh_book()
            pane.ladder.recentre_view()
            self._show_header(pane)

    @guarded
    def action_next_ladder(self) -> None:
        visible = self.visible_panes
        if len(visible) < 2:
            self.notify("One ladder fits this terminal; widen it for more.", timeout=3)
            return
        at = visible.index(self.pane) if self.pane in visible else -1
        self.activate(self.panes.index(visible[(at + 1) % len(visible)]))

    @guarded
    def action_depth_view(self) -> None:
        cumulative = not self.ladder.cumulative
        for pane in self.panes:
            pane.ladder.set_view(cumulative=cumulative)
            self._show_header(pane)

    @guarded
    def action_ladder_columns(self) -> None:
        order = self._column_order
        self._column_order = order[1:] + order[:1]
        for pane in self.panes:
            pane.ladder.set_view(column_order=self._column_order)
            self._show_header(pane)

    @guarded
    def action_auto_recentre(self) -> None:
        ticks = 0 if self.ladder.auto_recentre else self.config.recentre_ticks
        for pane in self.panes:
            pane.ladder.auto_recentre = ticks
            if ticks:  # asked to follow: a view scrolled away from the market follows too
                pane.ladder.trader_scrolled = False
            pane.ladder.follow_market()
            self._show_header(pane)
        self.notify(f"Auto-recentre on: the ladder follows the market ({ticks} ticks)."
                    if ticks else "Auto-recentre off.", timeout=3)

    @guarded
    def on_market_list_selected(self, event: MarketList.Selected) -> None:
        if event.symbol != self.symbol:
            self.show_market(event.symbol)
        if event.done:
            self.ladder.focus()

    @guarded
    def on_ladder_cursor_moved(self, event: Ladder.CursorMoved) -> None:
        self._show_ticket()

    @guarded
    def on_ladder_view_changed(self, event: Ladder.ViewChanged) -> None:
        for pane in self.visible_panes:
            if pane.ladder is event.ladder:
                self._show_header(pane)

    @guarded
    def action_market(self, step: int) -> None:
        symbols = list(self.state.instruments)
        if not symbols:
            return
        index = symbols.index(self.symbol) if self.symbol in symbols else -step
        self.show_market(symbols[(index + step) % len(symbols)])

    # --- the cursor --------------------------------------------------------------------
    @guarded
    def action_cursor(self, ticks: int) -> None:
        self.ladder.move_cursor(ticks)

    @guarded
    def action_pick_market(self) -> None:
        """`/`: find a market by symbol or description; Enter opens its ladder."""
        items = [(s, i.description) for s, i in self.state.instruments.items()]

        def chosen(symbol: str | None) -> None:
            if symbol is not None and symbol != self.symbol:
                self.show_market(symbol)
            self.ladder.focus()

        self.push_screen(MarketPicker(items, self.symbol), chosen)

    @guarded
    def action_jump(self, side: str) -> None:
        """Cursor to the best bid or best offer of the book on the ladder."""
        book = self.state.books.get(self.symbol) if self.symbol else None
        price = None if book is None else (book.best_bid if side == "bid" else book.best_offer)
        if price is None:
            self.notify(f"No {side} in this market.", severity="warning", timeout=3)
            return
        self.ladder.set_cursor(price, centre=True)

    @guarded
    def action_recentre(self) -> None:
        self.ladder.recentre()

    def _show_header(self, pane: LadderPane | None = None) -> None:
        pane = pane or self.pane
        ladder, now = pane.ladder, self.clock()
        symbol = ladder.symbol
        book = self.state.books.get(symbol) if symbol else None
        age = age_text(now - book.received_at) if book and book.received_at else ""
        away = ladder.cursor_away()
        cursor = (f"cursor {away}{ladder.instrument.scales.price_text(ladder.cursor)}"
                  if away and ladder.instrument and ladder.cursor is not None else "")
        flags = " ".join(f for f, on in (("Σ", ladder.cumulative),
                                         ("auto", bool(ladder.auto_recentre)),
                                         (cursor, bool(cursor))) if on)
        market = ladder.market_away()  # out of sight: where it went, and the key to follow
        pane.header.show_book(ladder.instrument, book, feed_warning(self.state, now),
                              ladder.column_titles(), age, flags,
                              named=len(self.visible_panes) > 1, market=market,
                              follow_key=self.keys.shown("recentre"))

