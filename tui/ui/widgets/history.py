"""Order history: orders that ended, this session's and past sessions' (from the local
database), newest first. Refreshed when orders_version moves and only while it is on screen."""

from __future__ import annotations

from tui.core.enums import Side
from tui.core.model import Instrument, Order
from tui.core.state import DeskState
from tui.ui.widgets.tables import Cells, OrdersTable, order_price_text, state_style, state_text

MAX_ROWS = 300


class OrderHistoryTable(OrdersTable):
    """Finished orders, newest on top: filled, cancelled, replaced, expired, rejected."""

    # narrower than the working orders' columns: where it shares the blotter (150 columns
    # and up) the state, what a trader looks here for, must not fall off the right edge
    COLUMNS = (
        ("market", "market", False), ("intent", "intent", False), ("price", "price", True),
        ("done", "filled", True), ("state", "state", False),  # filled "3/10"
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cells: dict[str, tuple[tuple[object, ...], Cells]] = {}  # key → (what, cells)

    def forget_rows(self) -> None:
        super().forget_rows()
        self._cells = {}

    def refresh_from(self, state: DeskState) -> None:
        self.list_markets(state)
        ended: list[Order] = [o for o in reversed(state.orders.values())
                              if not o.state.is_working]
        rows: dict[str, Cells] = {}
        for order in [*ended, *state.history]:
            key = order.order_id or order.clord_id
            inst = state.instruments.get(order.symbol)
            if inst is None or key in rows:
                continue  # a market the venue no longer lists, or shown already
            rows[key] = self._cells_of(key, order, inst)
            if len(rows) >= MAX_ROWS:
                break
        self._cells = {key: self._cells[key] for key in rows}
        self.sync(rows)

    def _cells_of(self, key: str, order: Order, inst: Instrument) -> Cells:
        """An ended order's cells are built once (a late fill or reject text rebuilds them;
        a theme or privacy change forgets them all: tui/ui/frame.py repaint_all)."""
        what = (order.state, order.cum_qty, order.price, order.order_qty, order.reject_text,
                order.shown_intent)
        known = self._cells.get(key)
        if known is None or known[0] != what:
            known = self._cells[key] = (what, self.order_cells(order, inst))
        return known[1]

    def order_cells(self, order: Order, inst: Instrument) -> Cells:
        s = inst.scales
        side = "orders--buy" if order.side is Side.BUY else "orders--sell"
        return (
            self.market_cell(order.symbol),
            self.cell(order.shown_intent.label, side),
            self.cell(order_price_text(order.shown_price(s), s), side, right=True),
            self.cell(f"{s.qty_text(order.cum_qty)}/{s.qty_text(order.order_qty)}", right=True),
            self.cell(self.words(state_text(order)), state_style(order)),
        )
