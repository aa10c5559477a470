"""The fills blotter: this session's executions, newest first.

Refreshed only when ``orders_version`` moved (every fill bumps it). Rows are keyed by the
venue's exec_id; a refresh adds only the fills it has not shown, so a replayed or repeated
report never shows twice, and nothing already on screen is redrawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text

from tui.core.enums import Side
from tui.core.model import Fill
from tui.core.prices import Intent, Outcome, Scales
from tui.core.state import DeskState
from tui.ui.widgets.tables import LaidOutTable


class _Stamp(Text):
    """A cell that carries its fill's arrival order, so the table sorts newest first on
    whichever column it keeps."""

    seq: int = 0

    @classmethod
    def of(cls, text: Text, seq: int) -> _Stamp:
        stamp = cls(text.plain, style=text.style, justify=text.justify, no_wrap=True,
                    overflow=text.overflow)
        stamp.seq = seq
        return stamp


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
    only an order's total, so no one trade's time is known; its price is the average)."""
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
        self._seen: set[str] = set()
        self._order: list[str] = []  # row keys shown, oldest first
        self._seq = 0

    def forget_rows(self) -> None:
        self._seen.clear()
        self._order.clear()

    def refresh_from(self, state: DeskState) -> None:
        """Add the fills not shown yet (state.fills is newest first)."""
        self.list_markets(state)
        new: dict[str, Fill] = {}
        for fill in state.fills:
            key = fill_key(fill)
            if key in self._seen or len(new) >= self.MAX_ROWS:
                break  # everything older is on screen already (or would not be kept)
            new.setdefault(key, fill)  # a repeated report shows once
        if not new:
            return
        keep = None
        if self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        for key, fill in reversed(new.items()):  # oldest of the new first: seq grows with time
            scales = self._scales(state, fill.symbol)
            if scales is None:
                continue
            self._seq += 1
            self.add_row(*self.shown(self.fill_cells(fill, scales, self._seq)), key=key)
            self._seen.add(key)
            self._order.append(key)
        while len(self._order) > self.MAX_ROWS:
            oldest = self._order.pop(0)
            self.remove_row(oldest)
            self._seen.discard(oldest)
        self.sort(self.kept[0], key=self._newest_first)
        if keep is not None and keep in self._seen:
            self.move_cursor(row=self.get_row_index(keep), animate=False, scroll=False)
        elif self.row_count:
            self.move_cursor(row=0, animate=False, scroll=False)

    @staticmethod
    def _scales(state: DeskState, symbol: str) -> Scales | None:
        inst = state.instruments.get(symbol)
        return inst.scales if inst is not None else None

    def fill_cells(self, fill: Fill, s: Scales, seq: int) -> tuple[Text, ...]:
        intent = fill_intent(fill)
        side = "fills--buy" if intent.is_buy else "fills--sell"
        shown = fill.price if intent.outcome is Outcome.YES else s.complement(fill.price)
        cells = (
            self.cell(fill_time(fill), "fills--dim"),
            self.market_cell(fill.symbol),
            self.cell(intent.label, side),
            self.cell(s.qty_text(fill.qty), right=True),
            self.cell(s.price_text(shown), side, right=True),
            self.cell(s.price_text(fill.price), right=True),
        )
        return tuple(_Stamp.of(cell, seq) for cell in cells)

    @staticmethod
    def _newest_first(cell: object) -> int:
        return -getattr(cell, "seq", 0)
