"""The fills blotter: this session's executions, newest first.

Refreshed only when ``orders_version`` moved (every fill bumps it). Rows are keyed by the
venue's exec_id; a refresh adds only the fills it has not shown, so a replayed or repeated
report never shows twice, and nothing already on screen is redrawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from tui.core.enums import Side
from tui.core.model import Fill
from tui.core.prices import Intent, Outcome, Scales
from tui.core.state import DeskState
from tui.widgets.tables import short


class _Stamp(Text):
    """The time cell; carries the fill's arrival order so the table can sort newest first."""

    seq: int = 0


def fill_intent(fill: Fill) -> Intent:
    """The intent as entered; a fill this desk did not send shows as BUY/SELL YES."""
    if fill.intent is not None:
        return fill.intent
    return Intent.BUY_YES if fill.side is Side.BUY else Intent.SELL_YES


def fill_key(fill: Fill) -> str:
    """The row key: the venue's exec_id, or (without one) what identifies the execution."""
    return fill.exec_id or f"{fill.order_id}:{fill.at!r}:{fill.qty}:{fill.price}"


def fill_time(fill: Fill) -> str:
    """Local wall-clock time of the fill, HH:MM:SS."""
    return datetime.fromtimestamp(fill.at).strftime("%H:%M:%S")


class FillsTable(DataTable[Text]):
    """Fills newest first: time, market, intent, qty, price in the traded outcome, YES price."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"fills--buy", "fills--sell", "fills--dim"}
    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        ("time", "time", False), ("market", "market", False), ("intent", "intent", False),
        ("qty", "qty", True), ("price", "price", True), ("yes", "YES px", True),
    )
    MAX_ROWS: ClassVar[int] = 500

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._seen: set[str] = set()
        self._order: list[str] = []  # row keys shown, oldest first
        self._seq = 0

    def on_mount(self) -> None:
        for key, label, right in self.COLUMNS:
            self.add_column(Text(label, justify="right" if right else "left"), key=key)

    def refresh_from(self, state: DeskState) -> None:
        """Add the fills not shown yet (state.fills is newest first)."""
        new: dict[str, Fill] = {}
        for fill in state.fills:
            key = fill_key(fill)
            if key in self._seen:
                break  # everything older is on screen already
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
            self.add_row(*self.fill_cells(fill, scales, self._seq), key=key)
            self._seen.add(key)
            self._order.append(key)
        while len(self._order) > self.MAX_ROWS:
            oldest = self._order.pop(0)
            self.remove_row(oldest)
            self._seen.discard(oldest)
        self.sort("time", key=lambda stamp: -stamp.seq)
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
        stamp = _Stamp(fill_time(fill), style=self.get_component_rich_style(
            "fills--dim", partial=True), no_wrap=True)
        stamp.seq = seq
        return (
            stamp,
            self._cell(short(fill.symbol, 12)),
            self._cell(intent.label, side),
            self._cell(s.qty_text(fill.qty), right=True),
            self._cell(s.price_text(shown), side, right=True),
            self._cell(s.price_text(fill.price), right=True),
        )

    def _cell(self, text: str, style_name: str = "", right: bool = False) -> Text:
        style = self.get_component_rich_style(style_name, partial=True) if style_name else ""
        return Text(text, style=style, justify="right" if right else "left", no_wrap=True)
