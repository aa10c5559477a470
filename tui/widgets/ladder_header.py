"""The two lines above the ladder: the inside market (bid / offer, last, spread, mid) and
the column titles, with the feed's stale warning when there is one."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from tui.core.model import Book, Instrument
from tui.core.prices import Scales

NAME_MAX = 16  # side by side, the prices and the book's age matter more than a long name


def mid_text(scales: Scales, bid: int, offer: int) -> str:
    total = bid + offer
    if total % 2 == 0:
        return scales.price_text(total // 2)
    return f"{scales.to_decimal(total) / 2:f}"


def away_text(market: str, key: str, room: int) -> str:
    """'market ↑0.412, c follows', shorter where the header has less room (the price is
    the header's bid / offer already; the arrow and the key matter most)."""
    arrow = market[:1]
    forms = (f"market {market}, {key} follows", f"market {arrow}, {key} follows",
             f"{arrow} {key} follows", f"{arrow}{key}")
    return next((f for f in forms if len(f) <= room), forms[-1])


class LadderHeader(Static):
    """Two lines above the ladder: the inside market, then the column titles."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ladder-head--symbol", "ladder-head--bid", "ladder-head--offer", "ladder-head--last",
        "ladder-head--dim", "ladder-head--stale",
    }

    def show_book(self, instrument: Instrument | None, book: Book | None, stale_text: str,
                  titles: Text, age: str = "", flags: str = "", *,
                  named: bool = False, market: str = "", follow_key: str = "c") -> None:
        st = partial(self.get_component_rich_style, partial=True)
        if instrument is None:
            self.update(Text("no market selected", style=st("ladder-head--dim")))
            return
        s = instrument.scales
        line = Text(no_wrap=True, overflow="ellipsis")
        if named:  # several ladders side by side: say which market each one is
            name = instrument.symbol
            name = name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "…"
            line.append(name, style=st("ladder-head--symbol"))
            line.append(" ")
        if stale_text:
            line.append(f" {stale_text} ", style=st("ladder-head--stale"))
            line.append(" ")
        bid = book.best_bid if book else None
        offer = book.best_offer if book else None
        line.append(s.price_text(bid) if bid is not None else "--", style=st("ladder-head--bid"))
        line.append(" / ")
        line.append(s.price_text(offer) if offer is not None else "--",
                    style=st("ladder-head--offer"))
        if market:  # the inside is out of sight ('↑0.412'): where it went, and the key
            room = self.content_region.width - line.cell_len - 3  # 2 spaces, 1 for an "…"
            line.append("  " + away_text(market, follow_key, room),
                        style=st("ladder-head--last"))
        if book is not None and book.last_trade_px is not None:
            line.append("  last ", style=st("ladder-head--dim"))
            line.append(s.price_text(book.last_trade_px), style=st("ladder-head--last"))
        if bid is not None and offer is not None:
            line.append("  spr ", style=st("ladder-head--dim"))
            line.append(s.price_text(offer - bid))
            line.append("  mid ", style=st("ladder-head--dim"))
            line.append(mid_text(s, bid, offer))
        if age:  # how old this book is: the trader must never trust a frozen price
            line.append(f"  {age}", style=st("ladder-head--dim"))
        if flags:
            line.append(f"  {flags}", style=st("ladder-head--dim"))
        both = Text("\n", no_wrap=True, overflow="ellipsis").join([line, titles])
        self.update(both, layout=False)  # fixed height: no layout pass each frame
