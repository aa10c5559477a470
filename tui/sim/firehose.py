"""The firehose: a given number of book changes a second, to load a desk from outside.

A maker account of its own (``firms/SIM/accounts/firehose``) inserts, cancels and resizes
resting orders a few ticks behind the inside of the first M markets, round robin. Every
change is a real command at the exchange, so both the gateway's gRPC market data and the
retail markets socket carry it (each subscriber's stream coalesces as it always does). Its
orders rest behind the best bid and offer, so an insert never trades; a desk meets them only
by sweeping that deep. It keeps at most POOL orders a market, so books stay bounded, and its
order history is not kept (as the synthetic traders').

Paced by the clock: every 1/RATE seconds (but at most every millisecond, at least every ten)
it makes the changes that are due (RATE x elapsed), so a stream that sends as books change
(``--md-interval 0``) can carry them one by one, and a loop that falls behind catches up in
the next batch, never by more than a second's worth: a firehose that cannot keep up says so
in ``behind`` rather than queueing work.
"""

from __future__ import annotations

import asyncio
import random
import time
from decimal import Decimal

from tui.core.enums import ExecType, InstrumentState, Side
from tui.sim.exchange import Exchange
from tui.sim.model import ExecReport, SimInstrument

ACCOUNT, PARTICIPANT = "firms/SIM/accounts/firehose", "firms/SIM/users/firehose"
CASH = Decimal(100_000_000)
TICK = (0.001, 0.01)  # seconds between batches: one change each, within these bounds
POOL = 24  # resting orders a market at most
BEHIND = (2, 7)  # ticks behind the inside an order rests, at least and at most


class Firehose:
    def __init__(self, exchange: Exchange, rate: int, symbols: list[str],
                 seed: int = 0) -> None:
        self._ex = exchange
        self.rate = rate
        self.symbols = symbols
        self._rng = random.Random(seed)
        self._orders: dict[str, dict[str, None]] = {s: {} for s in symbols}  # oldest first
        self._next = 0  # the market the next change goes to
        self.changes = 0  # commands sent
        self.behind = 0  # changes skipped because the loop fell more than a second behind
        self.started: float | None = None
        exchange.add_account(ACCOUNT, PARTICIPANT, CASH, history=False)
        exchange.add_listener(self._on_event)

    # --- driving ------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Make ``rate`` changes a second until ``stop`` is set."""
        start = self.started = time.monotonic()
        done, tick = 0, min(max(1 / self.rate, TICK[0]), TICK[1])
        while not stop.is_set():
            due = int((time.monotonic() - start) * self.rate)
            if due - done > self.rate:  # more than a second behind: drop it, say so
                self.behind += due - done - self.rate
                done = due - self.rate
            for k in range(due - done):
                if k:  # let the streams send the previous change before making the next
                    await asyncio.sleep(0)
                self.change()
            done = due
            await asyncio.sleep(tick)

    def change(self) -> None:
        """One book change in the next open market: an insert, a cancel or a resize."""
        for _ in range(len(self.symbols)):
            symbol = self.symbols[self._next]
            self._next = (self._next + 1) % len(self.symbols)
            inst = self._ex.instruments[symbol]
            if inst.state is InstrumentState.OPEN:
                self._change(inst)
                self.changes += 1
                return

    def _change(self, inst: SimInstrument) -> None:
        orders, rng = self._orders[inst.symbol], self._rng
        if len(orders) < POOL // 2 or (len(orders) < POOL and rng.random() < 0.4):
            if self._insert(inst):
                return
        if not orders:
            return
        if rng.random() < 0.5:  # the oldest goes: the pool follows the market as it moves
            oldest = next(iter(orders))
            self._ex.cancel_order(account=ACCOUNT, order_id=oldest)
            return
        order = self._ex.order(rng.choice(list(orders)))
        if order is not None:
            qty = order.cum_qty + self._size(inst)
            if qty == order.order_qty:
                qty += inst.scales.qty_scale
            self._ex.replace_order(account=ACCOUNT, order_id=order.order_id, clord_id="",
                                   order_qty=qty)

    def _insert(self, inst: SimInstrument) -> bool:
        scales, side = inst.scales, self._rng.choice((Side.BUY, Side.SELL))
        (bids, offers), tick = self._ex.book(inst.symbol, depth=1), scales.tick
        fair = int(inst.start_fair * scales.price_scale) // tick * tick
        behind = self._rng.randint(*BEHIND) * tick
        if side is Side.BUY:
            price = (bids[0][0] if bids else (offers[0][0] if offers else fair) - tick) - behind
        else:
            price = (offers[0][0] if offers else (bids[0][0] if bids else fair) + tick) + behind
        if not scales.min_price <= price <= scales.max_price:
            return False
        self._ex.insert_order(account=ACCOUNT, participant=PARTICIPANT, symbol=inst.symbol,
                              side=side, price=price, order_qty=self._size(inst))
        return True

    def _size(self, inst: SimInstrument) -> int:
        return max(self._rng.randint(1, 50) * 10 * inst.scales.qty_scale, inst.scales.min_qty)

    # --- bookkeeping --------------------------------------------------------------------
    def _on_event(self, event: object) -> None:
        if not isinstance(event, ExecReport) or event.order.account != ACCOUNT:
            return
        orders = self._orders.get(event.order.symbol)
        if orders is None:
            return
        order_id = event.order.order_id
        if event.order.state.is_terminal:
            orders.pop(order_id, None)
        elif event.type in (ExecType.NEW, ExecType.REPLACE):
            orders[order_id] = None

    def summary(self) -> str:
        """What it did, in one line: asked and achieved changes a second."""
        took = time.monotonic() - self.started if self.started is not None else 0.0
        rate = self.changes / took if took > 0 else 0.0
        late = f"; {self.behind} skipped, the loop behind" if self.behind else ""
        return (f"firehose: {self.changes} book changes in {took:.1f} s ({rate:.0f}/s, "
                f"asked {self.rate}/s over {len(self.symbols)} market"
                f"{'s' if len(self.symbols) != 1 else ''}){late}")

