"""DeskState tells its listeners every change a venue writes, once, right after making it:
the local database listens, so no venue call site has to remember to write it."""

from __future__ import annotations

from decimal import Decimal

from tui.core.enums import OrderState, Side
from tui.core.model import Balance, Book, Fill, Holding, Instrument, Order, Position
from tui.core.prices import Scales
from tui.core.state import DeskListener, DeskState, LinkState
from tui.core.tape import Trade


class Heard(DeskListener):
    def __init__(self) -> None:
        self.heard: list[tuple[str, object]] = []

    def on_instruments(self, instruments: list[Instrument]) -> None:
        self.heard.append(("instruments", [i.symbol for i in instruments]))

    def on_book(self, book: Book, trade: Trade | None) -> None:
        self.heard.append(("book", book.symbol))

    def on_trade(self, trade: Trade) -> None:
        self.heard.append(("trade", trade.px))

    def on_order(self, order: Order) -> None:
        self.heard.append(("order", (order.order_id or order.clord_id, order.state)))

    def on_fill(self, fill: Fill, clord_id: str) -> None:
        self.heard.append(("fill", (fill.exec_id, clord_id)))

    def on_positions(self, positions: list[Position]) -> None:
        self.heard.append(("positions", [p.net for p in positions]))

    def on_balance(self, balance: Balance) -> None:
        self.heard.append(("balance", balance.balance))

    def on_link(self, name: str, state: LinkState, detail: str) -> None:
        self.heard.append(("link", (name, state)))


def order(order_id: str, state: OrderState) -> Order:
    return Order(order_id=order_id, clord_id="c-1", symbol="S", side=Side.BUY, price=40,
                 order_qty=5, leaves_qty=5, state=state)


def test_each_change_is_told_once_as_it_is_made() -> None:
    state, ear = DeskState(), Heard()
    state.listen(ear)
    state.set_instruments([Instrument("S", "a market", Scales(100, 1, 1, 1))])
    state.replace_book(Book("S", [(40, 5)], [(45, 5)]))
    state.add_trade(Trade("S", 42, 1, Side.BUY, 1.0))
    state.set_link("orders", LinkState.LIVE)
    state.set_link("orders", LinkState.LIVE)  # no change: nothing to tell
    state.upsert_order(order("", OrderState.PENDING_NEW))
    state.upsert_order(order("o-1", OrderState.NEW), pending_key="c-1")
    state.replace_open_orders([order("o-1", OrderState.PARTIALLY_FILLED)])
    fill = Fill("x-1", "o-1", "S", Side.BUY, 40, 2, None, 1.0)
    assert state.add_fill(fill, clord_id="c-1")
    assert not state.add_fill(fill, clord_id="c-1")  # the same execution again: once
    state.record_order(order("o-9", OrderState.FILLED))  # kept, not shown
    state.set_positions([Position("S", Holding(2, 80))], snapshot=True)
    state.set_balance(Balance(Decimal("10"), Decimal("10")))
    assert ear.heard == [
        ("instruments", ["S"]), ("book", "S"), ("trade", 42),
        ("link", ("orders", LinkState.LIVE)),
        ("order", ("c-1", OrderState.PENDING_NEW)), ("order", ("o-1", OrderState.NEW)),
        ("order", ("o-1", OrderState.PARTIALLY_FILLED)), ("fill", ("x-1", "c-1")),
        ("order", ("o-9", OrderState.FILLED)), ("positions", [2]),
        ("balance", Decimal("10"))]
    assert "o-9" not in state.orders
