"""The market list: symbol, bid, offer, last for every instrument; Enter or click opens one."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.state import DeskState

PX = 5  # width of a price column ("0.555")


class MarketList(Vertical):
    """A heading line over an OptionList whose rows are formatted to the panel's width."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "markets--bid", "markets--offer", "markets--last", "markets--dim",
    }

    class Selected(Message):
        """A market was chosen; done=True (Enter, click) also hands focus back to the ladder."""

        def __init__(self, symbol: str, *, done: bool = True) -> None:
            super().__init__()
            self.symbol = symbol
            self.done = done

    def __init__(self, state: DeskState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.symbols: list[str] = []
        self._head_width = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="markets-head")
        yield OptionList(id="markets-list")

    @property
    def options(self) -> OptionList:
        return self.query_one("#markets-list", OptionList)

    def _width(self) -> int:
        return max(12, self.options.scrollable_content_region.width)

    def _layout(self, width: int) -> tuple[bool, list[str], int]:
        """(two lines per market?, price columns, symbol width) for a panel width."""
        two_lines = width < 30
        cols = ["bid", "offer"] + (["last"] if width >= (18 if two_lines else 26) else [])
        name_w = width if two_lines else width - len(cols) * (PX + 1)
        return two_lines, cols, name_w

    def set_markets(self, symbols: Iterable[str], current: str | None) -> None:
        self.symbols = list(symbols)
        options = self.options
        options.set_options(Option(self.row_text(sym), id=sym) for sym in self.symbols)
        self.highlight(current)
        self._head()

    def update_quotes(self, symbols: Iterable[str]) -> None:
        options = self.options
        if self._width() != self._head_width:
            self._head()
        for symbol in symbols:
            if symbol in self.symbols:
                options.replace_option_prompt(symbol, self.row_text(symbol))

    def highlight(self, symbol: str | None) -> None:
        if symbol in self.symbols:
            self.options.highlighted = self.symbols.index(symbol)

    def _head(self) -> None:
        width = self._head_width = self._width()
        cols = self._layout(width)[1]
        prices = "".join(" " + c.rjust(PX) for c in cols)
        room = width - len(prices)
        head = ("market" if room >= 6 else "").ljust(room) + prices
        self.query_one("#markets-head", Static).update(
            Text(head, style=self.get_component_rich_style("markets--dim", partial=True)))

    def row_text(self, symbol: str) -> Text:
        st = partial(self.get_component_rich_style, partial=True)
        width = self._width()
        two_lines, cols, name_w = self._layout(width)
        inst = self.state.instruments.get(symbol)
        book = self.state.books.get(symbol)
        name = symbol if len(symbol) <= name_w else symbol[: name_w - 1] + "…"
        text = Text(name.ljust(name_w), no_wrap=True)
        if two_lines:
            text.append("\n" + " " * (width - len(cols) * (PX + 1)))
        values = {
            "bid": (book.best_bid if book else None, "markets--bid"),
            "offer": (book.best_offer if book else None, "markets--offer"),
            "last": (book.last_trade_px if book else None, "markets--last"),
        }
        for col in cols:
            value, style = values[col]
            shown = inst.scales.price_text(value) if inst and value is not None else "--"
            text.append(" " + shown.rjust(PX), style=st(style) if value is not None else "")
        return text

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._reformat)

    def _reformat(self) -> None:
        self.update_quotes(self.symbols)
        self._head()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(event.option.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # the ladder (and so b/s) always follows the highlighted market: never trade one
        # market while the list points at another
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(event.option.id, done=False))
