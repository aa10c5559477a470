"""How a ladder row is drawn: the cells of one price row as segments, in the Ladder's styles.

The Ladder (tui/ui/widgets/ladder.py) keys one cached strip a row on the row's RowKey and
asks for a new one only when the key changed; this makes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from textual.strip import Strip

from tui.core.money import gain
from tui.core.prices import Outcome
from tui.ui.privacy import MASK, privacy_of
from tui.ui.widgets.ladder_rows import RowKey, compact_qty, pnl_text
from tui.ui.widgets.segments import fold_blanks

if TYPE_CHECKING:
    from tui.ui.widgets.ladder import Ladder

    _Base = Ladder
else:
    _Base = object


class PaintsRows(_Base):
    """The Ladder's part that turns a row's key into a strip."""

    def _render_row(self, row: int, key: RowKey, width: int, is_cursor: bool) -> Strip:
        s = self._scales
        assert s is not None
        look = self._look
        base = look("")
        c = self.columns(width)
        price = self.price_of(row)
        empty = key.bid is None and key.offer is None
        segs: list[Segment] = [Segment(" " * c.pad, base)]

        mine_text = " ".join(t for t, _ in key.mine)
        if len(mine_text) > c.mine:
            mine_text = mine_text[: c.mine - 1] + "…"
        kinds = {k for _, k in key.mine}
        mine_style = look("ladder--pending") if "pending" in kinds else look(
            "ladder--mine-sell" if kinds == {"sell"} else "ladder--mine-buy")
        # styles only where there is text: the cursor's reverse would paint empty cells
        segs.append(Segment(mine_text.rjust(c.mine), mine_style if mine_text else base))
        segs.append(Segment("◆", look("ladder--avg")) if key.avg else Segment(" ", base))

        def qty_cell(qty: int | None, kind: str, best: bool, justify: str) -> Segment:
            if qty is None:
                return Segment(" " * c.qty, base)
            text = compact_qty(s, qty, c.qty)
            text = text.rjust(c.qty) if justify == "r" else text.ljust(c.qty)
            style = look("ladder--stale") if self.stale else look(
                f"ladder--best-{kind}" if best else f"ladder--{kind}")
            return Segment(text, style)

        def extra(name: str, value: int | None, style: str) -> None:
            w = c.widths[name]
            segs.append(Segment(" ", base))
            if value is None:
                segs.append(Segment(" " * w, base))
            else:
                segs.append(Segment(compact_qty(s, value, w).rjust(w), look(style)))

        # the ticket's outcome is the bright price; the other is dimmed
        bright = look("ladder--empty") if empty else look("ladder--price")
        dim = look("ladder--empty") if empty else look("ladder--no")
        yes_style, no_style = (bright, dim) if self.outcome is Outcome.YES else (dim, bright)
        segs.append(qty_cell(key.bid, "bid", key.best_bid, "r"))
        segs.append(Segment(" ", base))
        texts = self._prices.get(row)
        if texts is None:
            texts = self._prices[row] = s.price_text(price), s.price_text(s.complement(price))
        yes = texts[0]
        if key.last:  # the last trade, with the side that crossed the spread
            arrow = {"up": "▲", "down": "▼"}.get(key.last, "•")
            segs.append(Segment((arrow + yes).center(c.price),
                                look(f"ladder--last-{key.last}" if key.last != "flat"
                                     else "ladder--last")))
        else:
            segs.append(Segment(yes.center(c.price), yes_style))
        if c.has("no"):
            segs.append(Segment(" ", base))
            segs.append(Segment(texts[1].center(c.price), no_style))
        segs.append(Segment(" ", base))
        segs.append(qty_cell(key.offer, "offer", key.best_offer, "l"))
        if c.has("vol"):
            extra("vol", key.vol, "ladder--vol")
        if c.has("ltq"):
            extra("ltq", key.ltq, "ladder--ltq")
        if c.has("ahead"):
            extra("ahead", key.ahead, "ladder--ahead")
        if c.has("pnl"):
            w = c.widths["pnl"]
            segs.append(Segment(" ", base))
            if key.pnl is None:
                segs.append(Segment(" " * w, base))
            elif privacy_of(self):  # what closing would realise is the account's P&L
                segs.append(Segment(MASK.rjust(w), look("ladder--no")))
            else:
                tone = {1: "ladder--gain", -1: "ladder--loss"}.get(gain(key.pnl), "ladder--no")
                segs.append(Segment(pnl_text(key.pnl, w).rjust(w), look(tone)))
        if is_cursor:  # reversed: every blank cell shows, so each keeps its own style
            return Strip(segs).adjust_cell_length(width, base).apply_style(
                self.get_component_rich_style("ladder--cursor"))
        return Strip(fold_blanks(Strip(segs).adjust_cell_length(width, base)), width)
