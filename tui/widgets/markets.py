"""The market list: symbol, bid, offer, last for every instrument; Enter or click opens one."""

from __future__ import annotations

from collections.abc import Iterable
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
        def __init__(self, symbol: str) -> None:
            super().__init__()
            self.symbol = symbol

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

    def _show_last(self, width: int) -> bool:
        return width >= 26

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
        cols = ["bid", "offer"] + (["last"] if self._show_last(width) else [])
        name_w = width - len(cols) * (PX + 1)
        head = "market".ljust(name_w) + "".join(" " + c.rjust(PX) for c in cols)
        self.query_one("#markets-head", Static).update(
            Text(" " + head, style=self.get_component_rich_style("markets--dim"), no_wrap=True))

    def row_text(self, symbol: str) -> Text:
        st = self.get_component_rich_style
        width = self._width()
        last_col = self._show_last(width)
        name_w = width - (3 if last_col else 2) * (PX + 1)
        inst = self.state.instruments.get(symbol)
        book = self.state.books.get(symbol)
        name = symbol if len(symbol) <= name_w else symbol[: name_w - 1] + "…"
        text = Text(name.ljust(name_w), no_wrap=True)

        def px(value: int | None, style: str) -> None:
            shown = inst.scales.price_text(value) if inst and value is not None else "--"
            text.append(" " + shown.rjust(PX), style=st(style) if value is not None else "")

        px(book.best_bid if book else None, "markets--bid")
        px(book.best_offer if book else None, "markets--offer")
        if last_col:
            px(book.last_trade_px if book else None, "markets--last")
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
