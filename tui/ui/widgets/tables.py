"""The blotter tables under the ladder: open orders and positions.

Both are refreshed only when something they show changed: orders on ``orders_version``,
positions on ``positions_version`` (``refresh_from``) or when a held market's book moved
(``refresh_marks``, only those rows). Rows are keyed (order by clord_id, position by
symbol), only changed cells are updated, and the cursor stays on its row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.timer import Timer

from tui.core.enums import OrderState, Side
from tui.core.model import Book, Instrument, Order, Position
from tui.core.money import dollars, gain
from tui.core.pnl import avg_price, in_outcome, position_pnl
from tui.core.prices import Outcome, Scales
from tui.core.state import DeskState
from tui.ui.privacy import mask_if, privacy_of
from tui.ui.widgets.keyed_table import Cells, Column, KeyedTable
from tui.ui.widgets.names import market_name

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

def fine_price_text(price: Decimal, scales: Scales) -> str:
    """A dollar price one place finer than the tick (averages and mids fall between ticks)."""
    places = len(scales.price_text(scales.tick).split(".")[-1]) + 1
    return f"{price:.{places}f}"


def avg_price_text(position: Position, scales: Scales) -> str:
    """Average open price in the held outcome (a NO position shows its NO price)."""
    avg = avg_price(position, scales)
    if avg is None:
        return "--"
    return fine_price_text(in_outcome(avg, Outcome.YES if position.net > 0 else Outcome.NO),
                           scales)


Columns = tuple[tuple[str, int], ...]  # the columns a table keeps, (key, width)
ELASTIC = frozenset({"market", "state"})  # a fixed width from the layout; cut with "…"
NAME_W = 14  # a market name's width where no layout has said


class LaidOutTable(KeyedTable):
    """A table that keeps the columns the layout (tui/ui/layout.py) gives it.

    Every row's cells are built for every column in COLUMNS; the table shows the kept ones.
    Names and states get the width the layout gives them, cut with "…" (the cell keeps the
    full text); other columns size themselves to what they hold.
    """

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = ()  # (key, label, right-aligned)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._kept: Columns | None = None  # None: every column
        self._symbols: tuple[str, ...] = ()  # the markets names are told apart from
        self._listed = -1  # the instruments_version _symbols came from
        self._index: tuple[int, ...] = tuple(range(len(self.COLUMNS)))
        self._lay_out_columns()

    @property
    def kept(self) -> tuple[str, ...]:
        """The keys of the columns on screen."""
        return tuple(self.COLUMNS[n][0] for n in self._index)

    def set_columns(self, columns: Columns) -> bool:
        """Keep these columns (from the layout); True when that changed what the table shows,
        and the caller refreshes it: every row is laid out again."""
        if columns == self._kept:
            return False
        self._kept = columns
        keys = dict(columns)
        self._index = tuple(n for n, (key, _, _) in enumerate(self.COLUMNS) if key in keys)
        self._lay_out_columns()
        self.forget_rows()
        return True

    def forget_rows(self) -> None:
        """The rows are gone (the columns changed): the next refresh adds them all."""

    def _lay_out_columns(self) -> None:
        widths = dict(self._kept or ())
        self.show_columns([
            Column(key, label, right, widths.get(key) if key in ELASTIC else None)
            for key, label, right in (self.COLUMNS[n] for n in self._index)])

    def width_of(self, key: str, default: int = NAME_W) -> int:
        return dict(self._kept or ()).get(key, default)

    def list_markets(self, state: DeskState) -> None:
        if self._listed != state.instruments_version:
            self._listed, self._symbols = state.instruments_version, tuple(state.instruments)

    def market_cell(self, symbol: str, style_name: str = "") -> Text:
        return self.cell(market_name(symbol, self._symbols, self.width_of("market")),
                         style_name)

    def words(self, text: str) -> str:
        """A sentence from the venue (an order's reject) as privacy lets it show."""
        privacy = privacy_of(self)
        return text if privacy is None else privacy.text(text)

    def shown(self, cells: Cells) -> Cells:
        """The cells of the kept columns."""
        return tuple(cells[n] for n in self._index)

    def cell(self, text: str, style_name: str = "", right: bool = False) -> Text:
        style = self.get_component_rich_style(style_name, partial=True) if style_name else ""
        return Text(text, style=style, justify="right" if right else "left", no_wrap=True,
                    overflow="ellipsis")


class SyncedTable(LaidOutTable):
    """A laid-out table updated in place from a keyed dict of rows."""

    def sync(self, rows: dict[str, Cells]) -> None:
        """Make the table show exactly these rows, in this order (only changed ones drawn)."""
        self.set_rows({key: self.shown(cells) for key, cells in rows.items()})

    def update_rows(self, rows: dict[str, Cells]) -> None:
        """Update the changed cells of rows already shown; unknown keys are ignored."""
        for key, cells in rows.items():
            self.set_row(key, self.shown(cells))


class OrdersTable(SyncedTable):
    """My working orders, plus this session's rejects for a minute after the reject.

    Columns: the intent as entered, its price, its YES price, quantities, and the order's
    state in words ("working", "rejected: price is not on the tick").
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "orders--buy", "orders--sell", "orders--pending", "orders--partial",
        "orders--rejected",
    }
    COLUMNS = (
        ("market", "market", False), ("intent", "intent", False), ("price", "price", True),
        ("yes", "YES px", True), ("qty", "qty", True), ("filled", "filled", True),
        ("state", "state", False),
    )
    REJECT_SECONDS: ClassVar[float] = 60.0  # how long a rejected order stays on screen

    def __init__(self, *, id: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(id=id)
        self.clock = clock
        self._state: DeskState | None = None
        self._reject_seen: dict[str, float] = {}  # row key -> when this table first saw it
        self._reject_rows: dict[str, tuple[Order, Instrument]] = {}  # rejects still shown
        self._expiry: Timer | None = None

    def refresh_from(self, state: DeskState) -> None:
        self._state = state
        self.list_markets(state)
        now = self.clock()
        rows: dict[str, Cells] = {}
        for order in state.orders.values():
            inst = state.instruments.get(order.symbol)
            key = order.clord_id or order.order_id
            if inst is None:
                continue
            if order.state.is_working:
                rows[key] = self.order_cells(order, inst)
            elif order.state is OrderState.REJECTED and key not in self._reject_seen:
                self._reject_seen[key] = now
                self._reject_rows[key] = (order, inst)
        # a reject stays for its minute even if a snapshot has dropped it from the state
        for key, seen in list(self._reject_seen.items()):
            if key in self._reject_rows and now - seen >= self.REJECT_SECONDS:
                del self._reject_rows[key]
        for key, (order, inst) in self._reject_rows.items():
            if key not in rows:
                rows[key] = self.order_cells(order, inst)
        self.sync(rows)
        self._schedule_expiry(now)

    def _schedule_expiry(self, now: float) -> None:
        if self._expiry is not None:
            self._expiry.stop()
            self._expiry = None
        if self._reject_rows:
            first = min(self._reject_seen[k] for k in self._reject_rows)
            delay = max(first + self.REJECT_SECONDS - now, 0.05)
            self._expiry = self.set_timer(delay, self._expire, name="reject expiry")

    def _expire(self) -> None:
        self._expiry = None
        if self._state is not None:
            self.refresh_from(self._state)

    def order_cells(self, order: Order, inst: Instrument) -> Cells:
        s = inst.scales
        intent = order.shown_intent
        side = "orders--buy" if order.side is Side.BUY else "orders--sell"
        return (
            self.market_cell(order.symbol),
            self.cell(intent.label, side),
            self.cell(order_price_text(order.shown_price(s), s), side, right=True),
            self.cell(order_price_text(order.price, s), right=True),
            self.cell(s.qty_text(order.order_qty), right=True),
            self.cell(s.qty_text(order.cum_qty), right=True),
            self.cell(self.words(state_text(order)), state_style(order)),
        )


def order_price_text(raw: int, scales: Scales) -> str:
    """A price as sent: on the tick as usual, off the tick in full (never rounded onto it)."""
    if scales.on_tick(raw):
        return scales.price_text(raw)
    return f"{scales.to_decimal(raw).normalize():f}"


def state_text(order: Order) -> str:
    """The order's state in plain words, with the venue's reason when it gave one."""
    word = STATE_WORDS.get(order.state, order.state.name.lower().replace("_", " "))
    if order.reject_text:  # a reject, a refused cancel or change, or an unanswered insert
        return f"{word}: {order.reject_text}"
    return word


def state_style(order: Order) -> str:
    if order.state is OrderState.REJECTED:
        return "orders--rejected"
    if order.is_pending:
        return "orders--pending"
    return "orders--partial" if order.state is OrderState.PARTIALLY_FILLED else ""


class PositionsTable(SyncedTable):
    """Net position per market in the held outcome, its average price and mark in that
    outcome, and realized and unrealized P&L in dollars (blank without a mark)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "positions--yes", "positions--no", "positions--gain", "positions--loss",
    }
    COLUMNS = (
        ("market", "market", False), ("net", "net", True), ("avg", "avg", True),
        ("mark", "mark", True), ("realized", "realized", True),
        ("unrealized", "unrealized", True),
    )

    def refresh_from(self, state: DeskState) -> None:
        """All rows: call when positions_version (or the instruments) changed."""
        self.list_markets(state)
        rows: dict[str, Cells] = {}
        for symbol, position in state.positions.items():
            inst = state.instruments.get(symbol)
            if inst is None or (not position.held and position.realized == 0):
                continue
            rows[symbol] = self.position_cells(position, inst.scales, state.books.get(symbol))
        self.sync(rows)

    def refresh_marks(self, state: DeskState, symbols: Iterable[str]) -> None:
        """Only the rows of these symbols (the dirty books): their mark and unrealized P&L."""
        rows: dict[str, Cells] = {}
        for symbol in symbols:
            if not self.shows(symbol):
                continue
            position, inst = state.positions.get(symbol), state.instruments.get(symbol)
            if position is not None and inst is not None:
                rows[symbol] = self.position_cells(position, inst.scales,
                                                   state.books.get(symbol))
        self.update_rows(rows)

    def position_cells(self, position: Position, s: Scales, book: Book | None) -> Cells:
        pnl = position_pnl(position, s, book)
        outcome = pnl.outcome
        if outcome is None:
            net, net_style = "flat", ""
        else:
            net = f"{s.qty_text(abs(position.net))} {outcome.value}"
            net_style = "positions--yes" if outcome is Outcome.YES else "positions--no"
        avg = mark = unrealized = ""
        unrealized_style = ""
        if outcome is not None and pnl.avg_price is not None:
            avg = fine_price_text(in_outcome(pnl.avg_price, outcome), s)
        if outcome is not None and pnl.mark is not None and pnl.unrealized is not None:
            mark = fine_price_text(in_outcome(pnl.mark, outcome), s)
            unrealized = dollars(pnl.unrealized, signed=True)
            unrealized_style = gain_style(pnl.unrealized)
        privacy = privacy_of(self)  # P&L masked, and its colour that tells gain from loss
        realized = mask_if(privacy, dollars(pnl.realized, signed=True))
        realized_style = "" if privacy else gain_style(pnl.realized)
        unrealized = mask_if(privacy, unrealized)
        unrealized_style = "" if privacy else unrealized_style
        return (
            self.market_cell(position.symbol),
            self.cell(net, net_style, right=True),
            self.cell(avg, right=True),
            self.cell(mark, right=True),
            self.cell(realized, realized_style, right=True),
            self.cell(unrealized, unrealized_style, right=True),
        )


def gain_style(amount: Decimal) -> str:
    """Green for a gain and red for a loss, judged to the cent as shown."""
    return {1: "positions--gain", -1: "positions--loss"}.get(gain(amount), "")
