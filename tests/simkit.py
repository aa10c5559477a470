"""Shared pieces for the embedded exchange's tests: a fake clock, an event recorder, a
small exchange with one market of each interesting kind, and order helpers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.core.enums import ExecType, InstrumentState, Side
from tui.sim.exchange import Exchange
from tui.sim.model import CancelRejectReport, ExecReport, SimInstrument

CENT = "TEST-CENT"  # price_scale 100, tick 0.01
HALF = "TEST-HALF"  # price_scale 1000, tick 0.005
FRAC = "TEST-FRAC"  # price_scale 100, qty_scale 100: hundredths of a contract
SHUT = "TEST-SHUT"  # not open
A, B, C = "firms/T/accounts/a", "firms/T/accounts/b", "firms/T/accounts/c"


class FakeClock:
    def __init__(self, t: float = 1_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def make_exchange(clock: FakeClock) -> Exchange:
    instruments = [
        SimInstrument.make(CENT, "cent market", price_scale=100, tick_size="0.01"),
        SimInstrument.make(HALF, "half-cent market", price_scale=1000, tick_size="0.005"),
        SimInstrument.make(FRAC, "partial contracts", price_scale=100, tick_size="0.01",
                           qty_scale=100, min_qty=1),
        SimInstrument.make(SHUT, "closed market", price_scale=100, tick_size="0.01",
                           state=InstrumentState.CLOSED),
    ]
    exchange = Exchange(instruments, clock=clock, id_prefix="t")
    for account in (A, B, C):
        exchange.add_account(account, account.replace("accounts", "users"), Decimal("1000"))
    return exchange


class Recorder:
    def __init__(self, ex: Exchange) -> None:
        self.events: list[object] = []
        ex.add_listener(self.events.append)

    def reports(self, order_id: str | None = None) -> list[ExecReport]:
        return [e for e in self.events if isinstance(e, ExecReport)
                and (order_id is None or e.order.order_id == order_id)]

    def types(self, order_id: str) -> list[ExecType]:
        return [r.type for r in self.reports(order_id)]

    def rejects(self) -> list[CancelRejectReport]:
        return [e for e in self.events if isinstance(e, CancelRejectReport)]

    def clear(self) -> None:
        self.events.clear()


def buy(ex: Exchange, account: str, price: int, qty: int, symbol: str = CENT,
        **kw: Any) -> str:
    return ex.insert_order(account=account, participant="p", symbol=symbol, side=Side.BUY,
                           price=price, order_qty=qty, **kw)


def sell(ex: Exchange, account: str, price: int, qty: int, symbol: str = CENT,
         **kw: Any) -> str:
    return ex.insert_order(account=account, participant="p", symbol=symbol, side=Side.SELL,
                           price=price, order_qty=qty, **kw)
