"""The fills blotter: this session's executions, newest first.

Refreshed only when ``orders_version`` moved (every fill bumps it). Rows are keyed by the
venue's exec_id; a refresh adds only the fills it has not shown, so a replayed or repeated
report never shows twice, and nothing already on screen is redrawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from tui.core.enums import Side
from tui.core.model import Fill
from tui.core.prices import Intent, Outcome, Scales
from tui.core.state import DeskState
from tui.ui.widgets.keyed_table import Cells
from tui.ui.widgets.tables import LaidOutTable


def fill_intent(fill: Fill) -> Intent:
    """The intent as entered; a fill this desk did not send shows as BUY/SELL YES."""
    if fill.intent is not None:
        return fill.intent
    return Intent.BUY_YES if fill.side is Side.BUY else Intent.SELL_YES


def fill_key(fill: Fill) -> str:
    """The row key: the venue's exec_id, or (without one) what identifies the execution."""
    return fill.exec_id or f"{fill.order_id}:{fill.at!r}:{fill.qty}:{fill.price}"


def fill_time(fill: Fill) -> str:
    """Local wall-clock time of the fill, HH:MM:SS; "total" for an aggregate (the venue told
    only an order's total, so no one trade's time is known; its price is the average);
    "undone" for the reversal of a fill whose trade failed on chain (its qty negative)."""
    if fill.undone:
        return "undone"
    if fill.aggregate:
        return "total"
    return datetime.fromtimestamp(fill.at).strftime("%H:%M:%S")


class FillsTable(LaidOutTable):
    """Fills newest first: time, market, intent, qty, price in the traded outcome, YES price."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"fills--buy", "fills--sell", "fills--dim"}
    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        ("time", "time", False), ("market", "market", False), ("intent", "intent", False),
        ("qty", "qty", True), ("price", "price", True), ("yes", "YES px", True),
    )
    MAX_ROWS: ClassVar[int] = 500

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cells: dict[str, Cells] = {}  # row key -> its cells (every column), oldest first

    def forget_rows(self) -> None:
        self._cells.clear()

    def refresh_from(self, state: DeskState) -> None:
        """Add the fills not shown yet (state.fills is newest first); the cursor stays on its
        fill, or goes to the newest when its fill left the table."""
        self.list_markets(state)
        new: dict[str, Fill] = {}
        for fill in state.fills:
            key = fill_key(fill)
            if key in self._cells or len(new) >= self.MAX_ROWS:
                break  # everything older is on screen already (or would not be kept)
            new.setdefault(key, fill)  # a repeated report shows once
        if not new:
            return
        for key, fill in reversed(new.items()):  # oldest of the new first
            scales = self._scales(state, fill.symbol)
            if scales is not None:
                self._cells[key] = self.fill_cells(fill, scales)
        for oldest in list(self._cells)[:max(0, len(self._cells) - self.MAX_ROWS)]:
            del self._cells[oldest]
        keep = self.cursor_key
        self.set_rows({key: self.shown(self._cells[key]) for key in reversed(self._cells)})
        if keep is None or not self.shows(keep):
            self.move_cursor(0)

    @staticmethod
    def _scales(state: DeskState, symbol: str) -> Scales | None:
        inst = state.instruments.get(symbol)
        return inst.scales if inst is not None else None

    def fill_cells(self, fill: Fill, s: Scales) -> Cells:
        intent = fill_intent(fill)
        side = "fills--buy" if intent.is_buy else "fills--sell"
        shown = fill.price if intent.outcome is Outcome.YES else s.complement(fill.price)
        return (
            self.cell(fill_time(fill), "fills--dim"),
            self.market_cell(fill.symbol),
            self.cell(intent.label, side),
            self.cell(s.qty_text(fill.qty), right=True),
            self.cell(s.price_text(shown), side, right=True),
            self.cell(s.price_text(fill.price), right=True),
        )
