"""The desk's trading keys: orders, cancels, moves, flatten, the kill switch.

Every order is checked (ticket rules, then the trader's fat-finger limits, then a
self-match look) before anything is sent. Hard limits refuse; soft limits and self-matches
ask, in a dialog that shows exactly the request that will go out.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from tui.core.enums import Side
from tui.core.model import Order
from tui.core.prices import Intent, Outcome
from tui.core.ticket import OrderKind, OrderRequest, TicketError, build_order
from tui.core.ticket import request_words as describe
from tui.core.venue import VenueError
from tui.core.vetting import vet
from tui.ui.guard import guarded, plain
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.trading_words import (
    cancel_words,
    change_words,
    estimate_words,
    move_note,
    refusal_estimate,
)

if TYPE_CHECKING:
    from tui.ui.app import PmdeskApp

    _Base = PmdeskApp
else:
    _Base = object

FLATTEN_WAIT = 3.0  # seconds to wait for the market's cancels before closing the position
ESTIMATE_DELAY = 0.25  # seconds the cursor must rest before asking for a preview
ESTIMATE_REFRESH = 1.0  # seconds between previews while only the book moves


class TradingActions(_Base):
    # --- new orders ---------------------------------------------------------------
    @guarded
    def action_order(self, buy: bool) -> None:
        """Build the ticket's order at the cursor and send it; a bad ticket is never sent."""
        inst, cursor, ticket = self.instrument, self.ladder.cursor, self.ticket
        if inst is None or cursor is None:
            self.notify("No market on the ladder.", severity="warning")
            return
        now, last = time.monotonic(), self._last_order
        self._last_order = (now, (inst.symbol, buy, ticket.outcome, cursor, ticket.qty,
                                  ticket.kind))
        if last[1] == self._last_order[1] and now - last[0] < self.repeat_guard:
            if not self._told_held:  # a held key sends one order, not a burst
                self.notify("Repeated key ignored: one order per press.", severity="warning")
            self._told_held = True
            return
        self._told_held = False
        try:
            request = self.ticket_order(Intent.of(buy, ticket.outcome), cursor)
        except TicketError as error:
            self.notify(f"Not sent: {plain(error)}", severity="error")
            return
        self.check_and_send(request)

    def ticket_order(self, intent: Intent, cursor: int) -> OrderRequest:
        """The ticket's order for an intent at a YES cursor price (raises TicketError)."""
        inst, ticket = self.instrument, self.ticket
        assert inst is not None
        cash = ticket.cash_qty if intent.is_buy else None  # sells stay in contracts
        return build_order(
            inst, intent, ticket.price_for(cursor), 0 if cash else ticket.qty,
            kind=ticket.kind, tif=ticket.tif, expire_at=ticket.expire_at,
            post_only=ticket.post_only, cash_qty=cash,
            slippage=self.config.slippage, book=self.state.books.get(inst.symbol),
            now=time.time())

    def check_and_send(self, request: OrderRequest, *, title: str = "Send this order?"
                       ) -> None:
        """Hard limits refuse; soft limits and self-matches ask first; then send."""
        inst = self.state.instruments[request.symbol]
        verdict = vet(request, self.state, self.config.limits)
        if verdict.refusal is not None:
            self.notify(f"Not sent: {verdict.refusal}", severity="error", timeout=10)
            return
        warnings = verdict.warnings
        if not warnings:
            self._run(self._submit(request), "orders")
            return
        text = f"{describe(request, inst.scales)}\n\n{self.venue.wire_text(request)}"

        def answer(send: bool | None) -> None:
            if send:
                self._run(self._submit(request), "orders")
            else:
                self.notify("Not sent.", timeout=3)

        self.push_screen(ConfirmScreen(title, warnings, text,
                                       arm_delay=self.config.confirm_delay), answer)

    async def _submit(self, request: OrderRequest) -> bool:
        scales = self.state.instruments[request.symbol].scales
        what = f"{describe(request, scales)} {request.symbol}"
        try:
            await self.venue.submit(request)
        except VenueError as error:
            if error.uncertain:  # it may be working: resending could double the size
                self.notify(f"Outcome unknown: {what}. {plain(error)} Watch open orders; "
                            "do not resend.", severity="warning", timeout=15)
            else:
                self.notify(f"Not sent: {what}. {plain(error)}", severity="error", timeout=8)
            return False
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            self.report(f"Outcome unknown: {what}: {plain(error)}.", error)
            return False
        self.notify(f"Sent {what}", timeout=3)
        return True

    # --- the ticket -----------------------------------------------------------------
    @guarded
    def action_preset(self, index: int) -> None:
        presets = self.config.size_presets
        if not 0 <= index < len(presets):
            self.notify(f"No size preset {index + 1}: the config file's size_presets has "
                        f"{len(presets)}.", severity="warning", timeout=4)
            return
        if self.instrument is None:
            return
        self.ticket.set_contracts(presets[index])
        self._show_ticket()

    @guarded
    def action_order_kind(self) -> None:
        self.ticket.cycle_kind()
        self._show_ticket()

    @guarded
    def action_tif(self) -> None:
        self.ticket.cycle_tif()
        self._show_ticket()

    @guarded
    def action_post_only(self) -> None:
        self.ticket.toggle_post_only()
        self._show_ticket()

    @guarded
    def action_cash_mode(self) -> None:
        self.ticket.toggle_cash()
        self._show_ticket()

    # --- working orders -------------------------------------------------------------
    def _orders_here(self) -> list[Order]:
        cursor = self.ladder.cursor
        return self.ladder.orders_at(cursor) if cursor is not None else []

    @guarded
    def action_cancel_here(self) -> None:
        """Cancel my working orders at the cursor price in this market."""
        inst, cursor = self.instrument, self.ladder.cursor
        if inst is None or cursor is None:
            return
        orders = self._orders_here()
        price = inst.scales.price_text(cursor)
        if not orders:
            self.notify(f"No working order of yours at {price}.", severity="warning")
            return
        self._run(self._cancels(self.venue.cancel_orders(orders), f"at {price}"), "cancels")

    @guarded
    def action_cancel_market(self, side: str = "") -> None:
        """Cancel my working orders in this market: all, or only bids / only offers."""
        if self.symbol is None:
            return
        yes_side = {"bids": Side.BUY, "offers": Side.SELL}.get(side)
        what = {"bids": "bid", "offers": "offer"}.get(side, "order")
        self._run(self._cancels(self.venue.cancel_all(self.symbol, yes_side),
                                f"in {self.symbol}", what), "cancels")

    @guarded
    def action_kill_switch(self) -> None:
        """Cancel every order in every market, as the exchange lists them. No question asked:
        a cancel can never add risk."""
        self._run(self._cancels(self.venue.kill_switch(), "in every market"), "cancels")

    async def _cancels(self, call: Awaitable[int], where: str, what: str = "order") -> None:
        ok, count = await self._call(call, "Cancel failed")
        if ok:
            self.notify(cancel_words(count or 0, what, where),
                        severity="warning" if count else "information", timeout=4)

    @guarded
    def action_move(self) -> None:
        """First press picks up my order at the cursor; the second puts it at the new price."""
        cursor, grabbed = self.ladder.cursor, self.grabbed
        if cursor is None or self.instrument is None:
            return
        if grabbed is None:
            orders = self._orders_here()
            if not orders:
                self.notify("No working order of yours at the cursor to move.",
                            severity="warning")
                return
            self.grabbed = orders[0]
            move, drop = self.keys.said("move"), self.keys.said("escape")
            self.notify(f"Move the cursor, then {move} to place it there ({drop} drops it).",
                        timeout=4)
        else:
            self.grabbed = None
            if cursor == grabbed.price:
                self.notify("Order left where it was.", timeout=3)
            else:
                self.check_and_change(grabbed, price=cursor)
        self._show_ticket()

    def check_and_change(self, order: Order, *, price: int | None = None,
                         qty: int | None = None) -> None:
        """Vet a cancel-replace as if it were a new order; hard refuses, soft asks."""
        inst = self.state.instruments.get(order.symbol)
        if inst is None or order.symbol != self.symbol:
            self.notify("Not sent: that order is in another market.", severity="error")
            return
        s = inst.scales
        yes_price = order.price if price is None else price
        total = order.order_qty if qty is None else qty
        intent = order.shown_intent
        shown = yes_price if intent.outcome is Outcome.YES else s.complement(yes_price)
        # what will work after the change, checked like a fresh order at that price
        request = OrderRequest(symbol=order.symbol, intent=intent, price=shown,
                               yes_side=order.side, yes_price=yes_price,
                               qty=max(total - order.cum_qty, 0))
        verdict = vet(request, self.state, self.config.limits)
        if verdict.refusal is not None:
            self.notify(f"Not sent: {verdict.refusal}", severity="error", timeout=10)
            return
        if not verdict.warnings:
            self._run(self._replace(order, price=price, qty=qty), "orders")
            return
        text = (f"Change {intent.label} {s.qty_text(order.leaves_qty)} @ "
                f"{s.price_text(order.shown_price(s))} to {s.qty_text(request.qty)} @ "
                f"{s.price_text(shown)} (YES {s.price_text(yes_price)})")

        def answer(send: bool | None) -> None:
            if send:
                self._run(self._replace(order, price=price, qty=qty), "orders")
            else:
                self.notify("Not changed.", timeout=3)

        self.push_screen(ConfirmScreen("Change this order?", verdict.warnings, text,
                                       arm_delay=self.config.confirm_delay), answer)

    async def _replace(self, order: Order, *, price: int | None = None,
                       qty: int | None = None) -> None:
        words = change_words(self.state, order, price=price, qty=qty)  # before it moves
        ok, _ = await self._call(self.venue.replace(order, price=price, qty=qty),
                                 "Change not sent")
        if ok:
            self.notify(words, timeout=4)

    @guarded
    def action_size_of_order(self, steps: int) -> None:
        """Change the quantity of my order at the cursor by size steps (cancel-replace)."""
        orders, inst = self._orders_here(), self.instrument
        if not orders or inst is None:
            self.notify("No working order of yours at the cursor.", severity="warning")
            return
        order = orders[0]
        now, last = time.monotonic(), self._last_order
        self._last_order = (now, ("resize", order.order_id, steps))
        if last[1] == self._last_order[1] and now - last[0] < self.repeat_guard:
            return  # a held key changes the order once, not on every repeat
        step = max(inst.scales.min_qty, 1) * steps
        new_qty = order.order_qty + step
        if new_qty - order.cum_qty < inst.scales.min_qty:
            self.notify("Not sent: that would leave nothing to work; cancel it instead.",
                        severity="error")
            return
        self.check_and_change(order, qty=new_qty)

    # --- flatten ----------------------------------------------------------------------
    @guarded
    def action_flatten(self) -> None:
        """Cancel my orders in this market and close the position, after a confirmation."""
        inst = self.instrument
        if inst is None:
            return
        working = self.state.working_orders(inst.symbol)
        position = self.state.positions.get(inst.symbol)
        close: OrderRequest | None = None
        if position is not None and position.net:
            intent = Intent.SELL_YES if position.net > 0 else Intent.SELL_NO
            try:
                close = build_order(inst, intent, 0, abs(position.net), kind=OrderKind.MARKET,
                                    slippage=self.config.slippage,
                                    book=self.state.books.get(inst.symbol), now=time.time())
            except TicketError as error:
                self.notify(f"Cannot close the position: {plain(error)}", severity="error")
                return
        if not working and close is None:
            self.notify(f"Nothing to flatten in {inst.symbol}.", timeout=3)
            return
        lines = [f"Cancel {len(working)} working order{'s' * (len(working) != 1)} in "
                 f"{inst.symbol}."] if working else []
        text = "\n".join(lines)
        if close is not None:
            text += (f"\nThen close: {describe(close, inst.scales)}\n\n"
                     f"{self.venue.wire_text(close)}")

        def answer(go: bool | None) -> None:
            if go:
                self._run(self._flatten(inst.symbol, close), "orders")
            else:
                self.notify("Flatten cancelled; nothing sent.", timeout=3)

        self.push_screen(ConfirmScreen(f"Flatten {inst.symbol}?", [], text.strip(),
                                       arm_delay=self.config.confirm_delay,
                                       confirm_words="flatten"), answer)

    async def _flatten(self, symbol: str, close: OrderRequest | None) -> None:
        ok, _ = await self._call(self.venue.cancel_all(symbol), "Flatten: cancels failed")
        if not ok or close is None:
            return
        deadline = time.monotonic() + FLATTEN_WAIT
        # DeskState has no events to await (the UI polls it too): poll briefly
        while self.state.working_orders(symbol) and (  # noqa: ASYNC110
                time.monotonic() < deadline):
            await asyncio.sleep(0.05)
        position = self.state.positions.get(symbol)
        if self.state.working_orders(symbol):
            self.notify("Flatten stopped: orders are still working, so the close was not "
                        "sent.", severity="error", timeout=10)
            return
        net = position.net if position is not None else 0
        # close no more than confirmed, and never past flat if a fill moved the position
        if net == 0 or (net > 0) != (close.yes_side is Side.SELL):
            self.notify(f"{symbol} is already flat; no close sent.", timeout=5)
            return
        if abs(net) < close.qty:
            close = dataclasses.replace(close, qty=abs(net))
        await self._submit(close)

    # --- drawing the ticket -------------------------------------------------------------
    def draw_ticket(self) -> None:
        """The ticket as it stands, with a market order's worst price as it would be sent."""
        ticket, cursor, inst = self.ticket, self.ladder.cursor, self.instrument
        ticket.worst = {}
        if ticket.kind is OrderKind.MARKET and inst is not None and cursor is not None:
            for buy in (True, False):
                try:
                    request = self.ticket_order(Intent.of(buy, ticket.outcome), cursor)
                except TicketError:  # the estimate line says why, in the trader's words
                    continue
                ticket.worst[buy] = request.price  # a MARKET request's price is its worst
        ticket.show_for(self.state, cursor)

    def move_note(self) -> list[tuple[str, ...]]:
        inst = self.instrument
        if self.grabbed is None or inst is None:
            return []
        return move_note(self.grabbed, inst.scales, self.keys)

    # --- the exchange's preview of b and s ------------------------------------------------
    def _ticket_signature(self) -> tuple[object, ...]:
        t = self.ticket
        return (self.symbol, self.ladder.cursor, t.outcome, t.kind, t.tif, t.qty, t.cash,
                t.post_only, t.gtd_seconds)

    def _schedule_estimate(self, *, book_moved: bool = False) -> None:
        """Ask the exchange what b and s would get, once the cursor and ticket settle.

        An estimate is for one exact ticket: when the ticket changes the old one is wiped
        before anything is drawn; when only the book moves it is refreshed, at most 1/s.
        """
        if book_moved and self.ticket.kind is OrderKind.MARKET:
            self.draw_ticket()  # the worst price follows the book it is priced from
        signature = self._ticket_signature()
        if signature != self._estimated_for:
            self.ticket.estimates = {}
            self._estimated_for = None
        elif not book_moved or time.monotonic() - self._estimated_at < ESTIMATE_REFRESH:
            return
        if self._estimate_timer is not None:
            self._estimate_timer.stop()
        self._estimate_timer = self.set_timer(ESTIMATE_DELAY, self._estimate)

    async def _estimate(self) -> None:
        try:
            await self._estimate_now()
        except Exception as error:  # noqa: BLE001 - an estimate is a nicety; never a crash
            self.log.error(f"estimate failed: {plain(error)}")

    async def _estimate_now(self) -> None:
        inst, cursor = self.instrument, self.ladder.cursor
        if inst is None or cursor is None:
            return
        signature = self._ticket_signature()
        estimates: dict[bool, tuple[str, ...]] = {}
        for buy in (True, False):
            try:
                request = self.ticket_order(Intent.of(buy, self.ticket.outcome), cursor)
                est = await self.venue.preview(request)
            except (TicketError, VenueError) as error:
                estimates[buy] = refusal_estimate(plain(error))
                continue
            except Exception:  # noqa: BLE001 - an estimate is a nicety; never a crash
                continue
            words = estimate_words(est, request.intent.outcome, inst.scales)
            if words:
                estimates[buy] = words
        if signature == self._ticket_signature():  # still the ticket it was asked for
            self.ticket.estimates = estimates
            self._estimated_for, self._estimated_at = signature, time.monotonic()
            self.draw_ticket()
