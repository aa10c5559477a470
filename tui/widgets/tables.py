"""The blotter tables under the ladder: open orders and positions.

Both are refreshed only when their version counter moves. Rows are keyed (order by clord_id,
position by symbol), only changed cells are updated, and the cursor stays on its row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from tui.core.enums import OrderState, Side
from tui.core.model import Instrument, Order, Position
from tui.core.prices import Outcome, Scales
from tui.core.state import DeskState

STATE_WORDS: dict[OrderState, str] = {
    OrderState.PENDING_NEW: "pending",
    OrderState.NEW: "working",
    OrderState.PARTIALLY_FILLED: "partially filled",
    OrderState.FILLED: "filled",
    OrderState.CANCELED: "cancelled",
    OrderState.REPLACED: "replaced",
    OrderState.REJECTED: "rejected",
    OrderState.EXPIRED: "expired",
    OrderState.PENDING_REPLACE: "replacing",
    OrderState.PENDING_CANCEL: "cancelling",
    OrderState.PENDING_RISK: "risk check",
}

Cells = tuple[Text, ...]


def short(text: str, width: int = 14) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def money(scales: Scales, notional: int) -> str:
    """Notional units (raw price x raw qty) as signed dollars: +$1.25 / -$0.40."""
    dollars = Decimal(notional) / (scales.price_scale * scales.qty_scale)
    sign = "-" if dollars < 0 else "+" if dollars > 0 else ""
    return f"{sign}${abs(dollars):,.2f}"


def avg_price_text(position: Position, scales: Scales) -> str:
    """Average open price in the held outcome (a NO position shows its NO price)."""
    if position.net == 0:
        return "--"
    avg_yes = Decimal(position.cost) / Decimal(position.net)
    avg = avg_yes if position.net > 0 else Decimal(scales.price_scale) - avg_yes
    places = len(scales.price_text(scales.tick).split(".")[-1]) + 1
    return f"{avg / scales.price_scale:.{places}f}"


class SyncedTable(DataTable[Text]):
    """A DataTable updated in place from a keyed dict of rows."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = ()  # (key, label, right-aligned)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._shown: dict[str, tuple[str, ...]] = {}

    def on_mount(self) -> None:
        for key, label, right in self.COLUMNS:
            self.add_column(Text(label, justify="right" if right else "left"), key=key)

    def sync(self, rows: dict[str, Cells]) -> None:
        keep = None
        if self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        for key in [k for k in self._shown if k not in rows]:
            self.remove_row(key)
            del self._shown[key]
        for key, cells in rows.items():
            plain = tuple(c.plain + str(c.style) for c in cells)
            if key not in self._shown:
                self.add_row(*cells, key=key)
            elif plain != self._shown[key]:
                for (col, _, _), old, cell, new in zip(
                        self.COLUMNS, self._shown[key], cells, plain, strict=True):
                    if old != new:
                        self.update_cell(key, col, cell)
            self._shown[key] = plain
        if keep is not None and keep in self._shown:
            index = self.get_row_index(keep)
            if index != self.cursor_row:
                self.move_cursor(row=index, animate=False, scroll=False)

    def cell(self, text: str, style_name: str = "", right: bool = False) -> Text:
        style = self.get_component_rich_style(style_name, partial=True) if style_name else ""
        return Text(text, style=style, justify="right" if right else "left", no_wrap=True)


class OrdersTable(SyncedTable):
    """My working orders: the intent as entered, its price, its YES price, its state."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "orders--buy", "orders--sell", "orders--pending", "orders--partial",
    }
    COLUMNS = (
        ("market", "market", False), ("intent", "intent", False), ("price", "price", True),
        ("yes", "YES px", True), ("qty", "qty", True), ("filled", "filled", True),
        ("state", "state", False),
    )

    def refresh_from(self, state: DeskState) -> None:
        rows: dict[str, Cells] = {}
        for order in state.working_orders():
            inst = state.instruments.get(order.symbol)
            if inst is not None:
                rows[order.clord_id or order.order_id] = self.order_cells(order, inst)
        self.sync(rows)

    def order_cells(self, order: Order, inst: Instrument) -> Cells:
        s = inst.scales
        intent = order.shown_intent
        side = "orders--buy" if order.side is Side.BUY else "orders--sell"
        word = STATE_WORDS.get(order.state, order.state.name.lower())
        state_style = ("orders--pending" if order.is_pending else
                       "orders--partial" if order.state is OrderState.PARTIALLY_FILLED else "")
        return (
            self.cell(short(order.symbol)),
            self.cell(intent.label, side),
            self.cell(s.price_text(order.shown_price(s)), side, right=True),
            self.cell(s.price_text(order.price), right=True),
            self.cell(s.qty_text(order.order_qty), right=True),
            self.cell(s.qty_text(order.cum_qty), right=True),
            self.cell(word, state_style),
        )


class PositionsTable(SyncedTable):
    """Net position per market as YES or NO contracts, average price and realized P&L."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "positions--yes", "positions--no", "positions--gain", "positions--loss",
    }
    COLUMNS = (
        ("market", "market", False), ("net", "net", True), ("avg", "avg", True),
        ("realized", "realized", True),
    )

    def refresh_from(self, state: DeskState) -> None:
        rows: dict[str, Cells] = {}
        for symbol, position in state.positions.items():
            inst = state.instruments.get(symbol)
            if inst is None or (position.net == 0 and position.realized == 0):
                continue
            rows[symbol] = self.position_cells(position, inst.scales)
        self.sync(rows)

    def position_cells(self, position: Position, s: Scales) -> Cells:
        if position.net == 0:
            net, net_style = "flat", ""
        else:
            outcome = Outcome.YES if position.net > 0 else Outcome.NO
            net = f"{s.qty_text(abs(position.net))} {outcome.value}"
            net_style = "positions--yes" if outcome is Outcome.YES else "positions--no"
        pnl_style = ("positions--gain" if position.realized > 0 else
                     "positions--loss" if position.realized < 0 else "")
        return (
            self.cell(short(position.symbol)),
            self.cell(net, net_style, right=True),
            self.cell(avg_price_text(position, s), right=True),
            self.cell(money(s, position.realized), pnl_style, right=True),
        )
