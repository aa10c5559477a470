"""Synthetic traders that keep the embedded exchange's books alive, reproducibly.

Each market has a hidden fair value, kept within 0.05–0.95: a slow, weakly mean-reverting
random walk with occasional jumps, plus a fast wobble of about a tick. Market makers quote
a few levels each side around it and re-quote at random times; when the fair value has
moved, a maker's new quote trades through the stale resting orders of everybody else
(other makers, and a human trader's order at the touch).
Takers send IOC orders across the spread at Poisson times, sometimes sweeping levels.

Everything random comes from one seeded ``random.Random``; given the seed and the sequence
of ``now`` values passed to ``step``, the exchange sees the same commands every run.
Fair values are integers in millionths of a dollar; the floats here are times and random
draws only, never prices.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from tui.core.enums import ExecType, InstrumentState, OrderState, Side, TimeInForce
from tui.sim.exchange import Exchange
from tui.sim.model import ExecReport, SimInstrument

FIRM = "firms/SIM"
PPM = 1_000_000  # fair values are in millionths of a dollar
FAIR_LOW, FAIR_HIGH = 50_000, 950_000
MAKERS, TAKERS = 3, 2
CASH = Decimal(10_000_000)

REQUOTE_MEAN = 2.0  # seconds between one maker's re-quotes in one market
RESIZE = 0.15  # chance a re-quote changes the size of a level whose price stays
TAKE_MEAN = 10.0  # seconds between taker orders in one market
JUMP_MEAN = 60.0  # seconds between fair-value jumps in one market
REVERSION = 0.003  # per second: the slow level drifts back toward the starting value
LEVEL_VOL = 0.2  # the slow level's volatility, ticks per √second
WOBBLE_REVERSION = 0.2  # per second: the fast wobble around the level dies out
WOBBLE_VOL = 0.5  # ticks per √second; about one tick either side of the level
MAX_SUBSTEP = 0.25  # a long gap between steps plays out as several short ones


@dataclass
class _Maker:
    account: str
    participant: str
    levels: int
    spacing: int  # ticks between this maker's levels
    edge: tuple[int, int] = (0, 0)  # extra ticks behind the fair value: bid side, ask side
    next_quote: float = 0.0
    base: int | None = None  # the raw price its last quote was built around
    bids: list[str] = field(default_factory=list)  # order ids, best first
    asks: list[str] = field(default_factory=list)


@dataclass
class _Market:
    """Fair value = a slow level (a walk with jumps) + a fast wobble that keeps both
    sides of the touch trading. All in ppm."""

    inst: SimInstrument
    fair: int
    start: int  # where the slow level drifts back to
    level: int
    makers: list[_Maker]
    wobble: int = 0
    next_take: float = 0.0
    next_jump: float = 0.0


class SyntheticFlow:
    def __init__(self, exchange: Exchange, seed: int, symbols: list[str] | None = None,
                 grid: Callable[[SimInstrument], int] | None = None) -> None:
        self._ex = exchange
        # the raw tick makers quote on: the instrument's, or a coarser one a venue enforces
        self._grid = grid or (lambda inst: inst.scales.tick)
        self._rng = random.Random(seed)
        self._last: float | None = None
        self._successor: dict[str, str] = {}  # replaced order id → new order id
        self._refill: set[tuple[str, str]] = set()  # (maker account, symbol) that lost an order
        chosen = symbols if symbols is not None else list(exchange.instruments)
        self.makers = [self._account("mm", i) for i in range(1, MAKERS + 1)]
        self.takers = [self._account("taker", i) for i in range(1, TAKERS + 1)]
        self._maker_accounts = {a for a, _ in self.makers}
        self._markets = [self._market(exchange.instruments[s]) for s in chosen]
        exchange.add_listener(self._on_event)

    # --- driving ------------------------------------------------------------------------
    def step(self, now: float) -> None:
        """Play out what happens between the previous step and ``now``.

        The first call only puts up the makers' opening quotes.
        """
        if self._last is None:
            self._last = now
            for market in self._markets:
                self._start(market, now)
            return
        gap = now - self._last
        if gap <= 0:
            return
        parts = max(1, math.ceil(gap / MAX_SUBSTEP))
        start = self._last
        for k in range(1, parts + 1):
            self._advance(start + gap * k / parts, gap / parts)
        self._last = now

    async def run(self, stop: asyncio.Event, interval: float = 0.05) -> None:
        """Step on the event loop's clock until ``stop`` is set."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            self.step(loop.time())
            self._ex.expire_due(self._ex.clock())  # the exchange has no timer of its own
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                pass

    def fair(self, symbol: str) -> Decimal:
        """The hidden fair value of a market, in dollars (for demos and tests)."""
        market = next(m for m in self._markets if m.inst.symbol == symbol)
        return Decimal(market.fair) / PPM

    # --- set-up -------------------------------------------------------------------------
    def _account(self, role: str, n: int) -> tuple[str, str]:
        account, participant = f"{FIRM}/accounts/{role}-{n}", f"{FIRM}/users/{role}-{n}"
        self._ex.add_account(account, participant, CASH, history=False)
        return account, participant

    def _market(self, inst: SimInstrument) -> _Market:
        # tenth-of-a-cent markets quote wider apart
        fine = Decimal(self._grid(inst)) / inst.scales.price_scale < Decimal("0.005")
        makers = [_Maker(a, p, levels=self._rng.randint(3, 5),
                         spacing=self._rng.choice((1, 2, 3)) if fine else 1)
                  for a, p in self.makers]
        fair = int(inst.start_fair * PPM)
        return _Market(inst, fair, fair, fair, makers)

    def _start(self, market: _Market, now: float) -> None:
        for maker in market.makers:
            self._quote(market, maker)
            maker.next_quote = now + self._rng.expovariate(1 / REQUOTE_MEAN)
        market.next_take = now + self._rng.expovariate(1 / TAKE_MEAN)
        market.next_jump = now + self._rng.expovariate(1 / JUMP_MEAN)

    # --- one slice of time --------------------------------------------------------------
    def _advance(self, now: float, dt: float) -> None:
        for market in self._markets:
            self._move_fair(market, now, dt)
            if market.inst.state is not InstrumentState.OPEN:
                continue  # a halted market stays quiet; the fair value keeps moving
            for maker in market.makers:
                if now >= maker.next_quote:
                    self._quote(market, maker)
                    maker.next_quote = now + self._rng.expovariate(1 / REQUOTE_MEAN)
            if now >= market.next_take:
                self._take(market)
                market.next_take = now + self._rng.expovariate(1 / TAKE_MEAN)
        # a maker traded out of a level fills its ladder back in, and a refill that trades
        # can empty another maker's level: settle (a few rounds at most) before returning
        for _ in range(4):
            due, self._refill = self._refill, set()
            for market in self._markets:
                for maker in market.makers:
                    if (maker.account, market.inst.symbol) in due:
                        self._quote(market, maker)
            if not self._refill:
                break

    def _move_fair(self, market: _Market, now: float, dt: float) -> None:
        tick, root = self._tick_ppm(market.inst), math.sqrt(dt)
        level = market.level + round(REVERSION * (market.start - market.level) * dt
                                     + self._rng.gauss(0.0, LEVEL_VOL * tick * root))
        if now >= market.next_jump:
            # news: a jump of one to four cents (several ticks on fine markets)
            level += self._rng.choice((-1, 1)) * self._rng.randint(1, 4) * 10_000
            market.next_jump = now + self._rng.expovariate(1 / JUMP_MEAN)
        market.level = min(FAIR_HIGH, max(FAIR_LOW, level))
        market.wobble += round(-WOBBLE_REVERSION * market.wobble * dt
                               + self._rng.gauss(0.0, WOBBLE_VOL * tick * root))
        market.fair = min(FAIR_HIGH, max(FAIR_LOW, market.level + market.wobble))

    # --- market makers ------------------------------------------------------------------
    def _quote(self, market: _Market, maker: _Maker) -> None:
        inst, rng = market.inst, self._rng
        scales, tick = inst.scales, self._grid(inst)
        base = market.fair * scales.price_scale // PPM // tick * tick
        step = maker.spacing * tick
        if maker.base is None or rng.random() < 0.2:
            maker.edge = (rng.choice((0, 1, 1)), rng.choice((0, 1, 1)))
        bid0 = base - maker.edge[0] * tick
        ask0 = base + (1 + maker.edge[1]) * tick
        bids = [p for p in (bid0 - i * step for i in range(maker.levels)) if p >= scales.min_price]
        asks = [p for p in (ask0 + i * step for i in range(maker.levels)) if p <= scales.max_price]
        fresh = rng.random() < 0.15  # sometimes cancel and re-insert rather than replace
        # move the side that steps away from the other first, so a maker never meets itself
        rising = maker.base is None or base >= maker.base
        sides = ((Side.SELL, asks), (Side.BUY, bids)) if rising else (
            (Side.BUY, bids), (Side.SELL, asks))
        for side, prices in sides:
            ids = maker.asks if side is Side.SELL else maker.bids
            ids[:] = self._ladder(market, maker, side, ids, prices, fresh)
        maker.base = base

    def _ladder(self, market: _Market, maker: _Maker, side: Side, ids: list[str],
                prices: list[int], fresh: bool) -> list[str]:
        symbol, out = market.inst.symbol, []
        for i, price in enumerate(prices):
            current = self._ex.order(ids[i]) if i < len(ids) else None
            if current is not None and current.state.is_terminal:
                current = None
            size = self._size(market.inst)
            if current is not None and fresh:
                self._ex.cancel_order(order_id=current.order_id, account=maker.account)
                current = None
            if current is None:
                out.append(self._ex.insert_order(
                    account=maker.account, participant=maker.participant, symbol=symbol,
                    side=side, price=price, order_qty=size))
            elif current.price == price and self._rng.random() >= RESIZE:
                out.append(current.order_id)  # unchanged: keep its place in the queue
            else:
                self._ex.replace_order(order_id=current.order_id, clord_id="", price=price,
                                       order_qty=current.cum_qty + size, account=maker.account)
                out.append(self._successor.pop(current.order_id, current.order_id))
        for extra in ids[len(prices):]:
            # a cancel reject for an order already gone is harmless
            self._ex.cancel_order(order_id=extra, account=maker.account)
        return [oid for oid in out if self._working(oid)]

    def _size(self, inst: SimInstrument) -> int:
        qs = inst.scales.qty_scale
        raw = self._rng.randint(1, 50) * 10 * qs  # 10–500 contracts, in round tens
        if qs > 1 and self._rng.random() < 0.3:
            raw -= self._rng.randint(1, qs - 1)  # partial-contract markets show odd sizes
        return max(raw, inst.scales.min_qty)

    # --- takers -------------------------------------------------------------------------
    def _take(self, market: _Market) -> None:
        inst, rng = market.inst, self._rng
        bids, offers = self._ex.book(inst.symbol, depth=3)
        if not bids or not offers:
            return
        mid2 = bids[0][0] + offers[0][0]  # twice the mid, in raw price
        fair2 = 2 * market.fair * inst.scales.price_scale // PPM
        if rng.random() < 0.5:  # half the takers know which way the fair value leans
            side = Side.BUY if fair2 > mid2 else Side.SELL
        else:
            side = rng.choice((Side.BUY, Side.SELL))
        levels = offers if side is Side.BUY else bids
        roll = rng.random()
        if roll < 0.2 and len(levels) >= 2:  # sweep two or three levels
            k = rng.randint(2, len(levels))
            price = levels[k - 1][0]
            qty = sum(q for _, q in levels[: k - 1]) + rng.randint(1, levels[k - 1][1])
        elif roll < 0.6:
            price, qty = levels[0][0], rng.randint(1, levels[0][1])
        else:
            price, qty = levels[0][0], rng.randint(1, 20) * 10 * inst.scales.qty_scale
        qty = max(qty, inst.scales.min_qty)
        account, participant = rng.choice(self.takers)
        self._ex.insert_order(account=account, participant=participant, symbol=inst.symbol,
                              side=side, price=price, order_qty=qty,
                              tif=TimeInForce.IMMEDIATE_OR_CANCEL)

    # --- bookkeeping --------------------------------------------------------------------
    def _on_event(self, event: object) -> None:
        if not isinstance(event, ExecReport) or event.order.account not in self._maker_accounts:
            return
        if event.type is ExecType.REPLACE:
            self._successor[event.replaced_order_id] = event.order.order_id
        elif event.order.state is OrderState.FILLED:
            self._refill.add((event.order.account, event.order.symbol))

    def _working(self, order_id: str) -> bool:
        order = self._ex.order(order_id)
        return order is not None and not order.state.is_terminal

    @staticmethod
    def _tick_ppm(inst: SimInstrument) -> int:
        return inst.scales.tick * PPM // inst.scales.price_scale
