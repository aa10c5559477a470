"""Rows of the local database back into the desk's own values (past sessions' history)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.model import Fill, Order

if TYPE_CHECKING:
    from tui.store import FillRow, OrderRow


def fill(row: FillRow) -> Fill:
    return Fill(exec_id=row.exec_id, order_id=row.order_id, symbol=row.symbol, side=row.side,
                price=row.price, qty=row.qty, intent=row.intent, at=row.at)


def order(row: OrderRow) -> Order:
    return Order(order_id=row.order_id, clord_id=row.clord_id, symbol=row.symbol,
                 side=row.side, price=row.price, order_qty=row.order_qty,
                 leaves_qty=row.leaves_qty, cum_qty=row.cum_qty, avg_px=row.avg_px,
                 state=row.state, intent=row.intent, updated_at=row.at)
