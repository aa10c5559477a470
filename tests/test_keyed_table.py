"""The blotter's table (tui/ui/widgets/keyed_table.py): what a trader reads in it and how
its cursor keeps to a row while rows come, go and change."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui.ui.widgets.keyed_table import Cells, Column, KeyedTable

COLUMNS = [Column("market", "market", width=8), Column("qty", "qty", right=True),
           Column("state", "state")]


def row(market: str, qty: str, state: str) -> Cells:
    return (Text(market), Text(qty, justify="right"), Text(state))


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table = KeyedTable(id="t")
        table.show_columns(COLUMNS)
        yield table


def lines(table: KeyedTable) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


async def test_rows_show_in_order_cut_to_their_column_and_numbers_right_aligned() -> None:
    async with TableApp().run_test(size=(40, 6)) as pilot:
        table = pilot.app.query_one(KeyedTable)
        table.set_rows({"a": row("BTC-150K-2026", "5", "working"),
                        "b": row("ETH", "1250", "partially filled")})
        await pilot.pause()
        shown = lines(table)
        assert shown[0].split() == ["market", "qty", "state"]
        assert shown[1] == " BTC-150…     5  working"
        assert shown[2] == " ETH       1250  partially filled"
        assert table.row_keys == ["a", "b"]


async def test_the_cursor_stays_on_its_row_as_rows_come_and_go() -> None:
    async with TableApp().run_test(size=(40, 6)) as pilot:
        table = pilot.app.query_one(KeyedTable)
        table.set_rows({"a": row("A", "1", "working"), "b": row("B", "2", "working")})
        table.focus()
        await pilot.press("down")
        assert table.cursor_key == "b"
        table.set_rows({"c": row("C", "3", "working"), "a": row("A", "1", "working"),
                        "b": row("B", "2", "working")})  # a new row on top
        assert table.cursor_key == "b"
        table.set_rows({"c": row("C", "3", "working"), "a": row("A", "1", "working")})
        assert table.cursor_key == "a", "its row gone, the cursor stays at the bottom"
        table.set_rows({})
        assert table.cursor_key is None


async def test_a_changed_row_shows_its_new_cells_and_a_longer_number_widens_its_column(
        ) -> None:
    async with TableApp().run_test(size=(40, 6)) as pilot:
        table = pilot.app.query_one(KeyedTable)
        table.set_rows({"a": row("A", "1", "working"), "b": row("B", "2", "working")})
        await pilot.pause()
        table.set_row("b", row("B", "2", "filled"))
        table.set_row("zz", row("Z", "9", "ignored"))  # not shown: nothing happens
        await pilot.pause()
        assert lines(table)[2] == " B           2  filled"
        table.set_rows({"a": row("A", "100000", "working"), "b": row("B", "2", "filled")})
        await pilot.pause()
        assert lines(table)[1:3] == [" A         100000  working", " B              2  filled"]


async def test_the_header_stays_while_the_rows_scroll_under_the_cursor() -> None:
    async with TableApp().run_test(size=(40, 5)) as pilot:
        table = pilot.app.query_one(KeyedTable)
        table.set_rows({str(n): row(f"M{n}", str(n), "working") for n in range(20)})
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "19"
        shown = lines(table)
        assert shown[0].split() == ["market", "qty", "state"]
        assert shown[-1].split() == ["M19", "19", "working"]
        await pilot.press("home")
        await pilot.pause()
        assert lines(table)[1].split() == ["M0", "0", "working"]
