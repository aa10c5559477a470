"""Order history: orders that ended, this session's and past sessions' (from the local
database), newest first. Refreshed only when orders_version moves."""

from __future__ import annotations

from typing import ClassVar

from tui.core.model import Order
from tui.core.state import DeskState
from tui.widgets.tables import Cells, OrdersTable

MAX_ROWS = 300


class OrderHistoryTable(OrdersTable):
    """Finished orders: filled, cancelled, replaced, expired, rejected."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = OrdersTable.COLUMNS

    def refresh_from(self, state: DeskState) -> None:
        ended: list[Order] = [o for o in reversed(state.orders.values())
                              if not o.state.is_working]
        rows: dict[str, Cells] = {}
        for order in [*ended, *state.history]:
            key = order.order_id or order.clord_id
            inst = state.instruments.get(order.symbol)
            if inst is None or key in rows:
                continue  # a market the venue no longer lists, or shown already
            rows[key] = self.order_cells(order, inst)
            if len(rows) >= MAX_ROWS:
                break
        self.sync(rows)
