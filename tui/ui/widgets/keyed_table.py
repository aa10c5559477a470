"""A table drawn a line at a time (Textual's Line API): rows by key, a row cursor, a header
that stays put while the rows scroll.

Why not Textual's DataTable: its render caches are keyed on one table-wide update count, so a
changed cell renders every visible row again. On a busy desk an order's fill, a state word or
a position's mark repainted the whole blotter table, 7-9 ms of the UI loop a time. Here a
changed row repaints its own line and nothing else, a row's strip is kept until its cells or
the column widths change, and columns are sized as rows arrive (not later, when idle).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.ui.widgets.scrollbars import SteadyScrollBars

Cells = tuple[Text, ...]
PAD = 1  # blank cells each side of a column's text


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    right: bool = False  # right-aligned (numbers)
    width: int | None = None  # fixed, longer text cut with "…"; None: as wide as it holds


def fit(text: str, width: int, right: bool) -> str:
    """``text`` in exactly ``width`` cells: padded on the side away from its alignment, or cut
    with "…" when longer."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def signature(cells: Cells) -> tuple[tuple[str, str], ...]:
    """What a row looks like: two rows with one signature draw the same line (Text's own
    equality ignores the text's style, which carries the colour)."""
    return tuple((cell.plain, str(cell.style)) for cell in cells)


def cell_style(cell: Text) -> Style:
    style = cell.style
    if isinstance(style, str):
        return Style.parse(style) if style else Style.null()
    return style


class KeyedTable(SteadyScrollBars, ScrollView, can_focus=True):
    """Rows shown in the order given, each by its key; the cursor stays on its row's key."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"table--header", "table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "row up", show=False),
        Binding("down", "cursor(1)", "row down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "edge(0)", "first row", show=False),
        Binding("end", "edge(1)", "last row", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor_row = 0
        self._columns: tuple[Column, ...] = ()
        self._widths: list[int] = []
        self._rows: dict[str, Cells] = {}
        self._looks: dict[str, tuple[tuple[str, str], ...]] = {}  # key -> signature
        self._keys: list[str] = []
        self._at: dict[str, int] = {}  # key -> row index
        self._strips: dict[str, Strip] = {}  # key -> its line, drawn (not the cursor's)
        self._header: Strip | None = None

    # --- what it shows --------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def row_keys(self) -> list[str]:
        return list(self._keys)

    @property
    def cursor_key(self) -> str | None:
        return self._keys[self.cursor_row] if self._keys else None

    def shows(self, key: str) -> bool:
        return key in self._at

    def get_row(self, key: str) -> list[Text]:
        return list(self._rows[key])

    def get_row_at(self, index: int) -> list[Text]:
        return list(self._rows[self._keys[index]])

    def show_columns(self, columns: Sequence[Column]) -> None:
        """Lay the table out with these columns; its rows are dropped (the caller sets them
        again, built for these columns)."""
        self._columns = tuple(columns)
        self._widths = [c.width if c.width is not None else cell_len(c.label) for c in columns]
        self._rows.clear()
        self._looks.clear()
        self._keys, self._at = [], {}
        self.cursor_row = 0
        self._redraw_all()

    def set_rows(self, rows: Mapping[str, Cells]) -> None:
        """Show exactly these rows, in this order. Only rows whose cells changed are drawn
        again, unless a column widened or rows came, went or moved (then every line)."""
        keep = self.cursor_key
        changed: list[str] = []
        widened = False
        for key, cells in rows.items():
            look = signature(cells)
            if self._looks.get(key) != look:
                self._rows[key], self._looks[key] = cells, look
                self._strips.pop(key, None)
                changed.append(key)
                widened |= self._widen(cells)
        keys = list(rows)
        moved = keys != self._keys
        if moved:
            for key in set(self._keys).difference(rows):
                del self._rows[key], self._looks[key]
                self._strips.pop(key, None)
            self._keys, self._at = keys, {k: n for n, k in enumerate(keys)}
            if keep in self._at:
                self.cursor_row = self._at[keep]
            self.cursor_row = max(0, min(self.cursor_row, len(keys) - 1))
        if moved or widened:
            self._redraw_all()
            return
        for key in changed:
            self.refresh_line(self._at[key] + 1)

    def set_row(self, key: str, cells: Cells) -> None:
        """A row already shown, with new cells (a key not shown is ignored)."""
        if key not in self._at:
            return
        look = signature(cells)
        if self._looks[key] == look:
            return
        self._rows[key], self._looks[key] = cells, look
        self._strips.pop(key, None)
        if self._widen(cells):
            self._redraw_all()
        else:
            self.refresh_line(self._at[key] + 1)

    def _widen(self, cells: Cells) -> bool:
        """A column sized to what it holds grows to a longer cell (never shrinks until the
        columns are laid out again: a column that jumps as values come and go is hard to
        read); True when one grew."""
        grew = False
        for n, (column, cell) in enumerate(zip(self._columns, cells, strict=False)):
            if column.width is None and cell_len(cell.plain) > self._widths[n]:
                self._widths[n] = cell_len(cell.plain)
                grew = True
        return grew

    def _redraw_all(self) -> None:
        self._strips.clear()
        self._header = None
        width = sum(w + 2 * PAD for w in self._widths)
        self.virtual_size = Size(width, len(self._keys) + 1)
        self.refresh()

    # --- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            if self._header is None or self._header.cell_length != width:
                header = base + self.get_component_rich_style("table--header")
                labels = [Text(c.label) for c in self._columns]
                self._header = self._line(labels, header, width, plain=True)
            return self._header
        index = self.scroll_offset.y + y - 1
        if not 0 <= index < len(self._keys):
            return Strip.blank(width, base)
        key = self._keys[index]
        if index == self.cursor_row:
            return self._line(self._rows[key], base + self.get_component_rich_style(
                "table--cursor"), width)
        strip = self._strips.get(key)
        if strip is None or strip.cell_length != width:
            strip = self._strips[key] = self._line(self._rows[key], base, width)
        return strip

    def _line(self, cells: Sequence[Text], row: Style, width: int, plain: bool = False
              ) -> Strip:
        segments = []
        for column, size, cell in zip(self._columns, self._widths, cells, strict=False):
            right = column.right or cell.justify == "right"
            text = " " * PAD + fit(cell.plain, size, right) + " " * PAD
            segments.append(Segment(text, row if plain else row + cell_style(cell)))
        return Strip(segments).adjust_cell_length(width, row)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._header = None

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._header = None

    # --- the cursor -----------------------------------------------------------------------
    def move_cursor(self, row: int) -> None:
        """Put the cursor on this row (clamped) and keep it in sight."""
        row = max(0, min(row, len(self._keys) - 1))
        if row != self.cursor_row:
            old, self.cursor_row = self.cursor_row, row
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
        # after the next refresh: rows that just came have not reached the scroll range yet
        self.call_after_refresh(self._cursor_in_sight)

    def _cursor_in_sight(self) -> None:
        row, rows_shown = self.cursor_row, max(1, self.size.height - 1)
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + rows_shown:
            self.scroll_to(y=row - rows_shown + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self.move_cursor(len(self._keys) - 1 if end else 0)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.move_cursor(self.scroll_offset.y + offset.y - 1)

    def on_focus(self) -> None:
        self.refresh_line(self.cursor_row + 1)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor_row + 1)
