"""The order ticket: which outcome, what size, and exactly what buy / sell would send.

It draws the desk's TicketView (tui/desk/view.py) and holds no rule of its own: the app
sets ``view`` each frame and the ticket repaints only when the view changed. Every key it
names is the key the trader's keymap put there (tui/ui/keymap.py), and every line fits the
panel's width (24 columns at 80x24): shorter words when it is narrow.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Label, Static

from tui.core.enums import Side
from tui.core.money import dollars
from tui.core.pnl import in_outcome
from tui.core.prices import Intent, Outcome, Scales
from tui.desk.view import SideView, TicketView
from tui.desk.words import REFRESHING, REFUSED, move_note
from tui.ui.keymap import DeskKeys
from tui.ui.privacy import MASK, privacy_of
from tui.ui.widgets.tables import fine_price_text


def intent_line(intent: Intent, price: int, scales: Scales) -> str:
    """'BUY NO 0.40 = SELL YES 0.60' (or just 'BUY YES 0.60')."""
    text = f"{intent.label} {scales.price_text(price)}"
    if intent.outcome is Outcome.NO:
        other = Intent.of(intent.yes_side is Side.BUY, Outcome.YES)
        text += f" = {other.label} {scales.price_text(scales.complement(price))}"
    return text


class OrderTicket(Vertical):
    """What the next order will be, as the desk's view says; it only draws it."""

    view: reactive[TicketView | None] = reactive(None, layout=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys = DeskKeys()  # the keys the trader's keymap puts the ticket's actions on
        self.presets = 9  # how many size presets the config file has (keys past them: none)
        self._texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="ticket-symbol")
        yield Static("", id="ticket-description")
        with Horizontal(id="ticket-outcome"):
            yield Label(" YES ", id="ticket-yes", classes="-chosen")
            yield Label(" NO ", id="ticket-no")
            yield Label("", id="ticket-outcome-key", classes="ticket-key")
        yield Static("", id="ticket-size")
        yield Static("", id="ticket-settings")
        yield Static("", id="ticket-buy")
        yield Static("", id="ticket-sell")
        yield Static("", id="ticket-position")

    def watch_view(self, view: TicketView | None) -> None:
        if view is not None and self.is_mounted:
            self.show(view)

    def on_resize(self) -> None:
        if self.view is not None:  # the shorter or longer words for the new width
            self.show(self.view)

    def _put(self, part: str, text: str) -> None:
        old = self._texts.get(part)
        if old != text:  # a repaint only when the words changed
            self._texts[part] = text
            widget = self.query_one(f"#ticket-{part}", Static)
            widget.update(text, layout=not same_shape(old, text, widget.content_region.width))

    def show(self, view: TicketView) -> None:
        ticket, market, keys = view.ticket, view.market, self.keys
        width = self.content_region.width or WIDE  # not laid out yet: the long words
        self.query_one("#ticket-yes").set_class(ticket.outcome is Outcome.YES, "-chosen")
        self.query_one("#ticket-no").set_class(ticket.outcome is Outcome.NO, "-chosen")
        self._put("outcome-key", f" {keys.shown('toggle_outcome')}")
        if market is None:
            self._put("symbol", "no market")
            for part in ("description", "size", "settings", "buy", "sell", "position"):
                self._put(part, "")
            return
        s = market.scales
        self._put("symbol", fold(market.symbol, width))
        self._put("description", market.description + (f" ({market.state})" if market.state
                                                         else ""))
        presets = keys.run(f"preset_{n}" for n in range(1, self.presets + 1))
        size_keys = f"{keys.footer('size_up')} {presets}".strip()
        qty = s.qty_text(ticket.qty)
        cash = dollars(ticket.cash) if ticket.cash else ""
        sizes = ([f"size {cash} buys, {qty} sells", f"{cash} buys, {qty} sells"] if cash
                 else [f"size {qty}"])
        self._put("size", with_keys(sizes, size_keys, width))
        settings = keys.run(("order_kind", "tif", "post_only", "cash_mode"))
        self._put("settings", with_keys([ticket.settings_text], settings, width, gap="   "))
        sides = ((True, view.buy), (False, view.sell))
        heads = same_fit([self._order_line(buy, side, s) for buy, side in sides], width)
        privacy = privacy_of(self)  # a refusal may quote the balance: its $ amounts masked
        for (buy, side), head in zip(sides, heads, strict=True):
            estimate = _estimate(side, width)
            self._put("buy" if buy else "sell",
                      head + (estimate if privacy is None else privacy.text(estimate)))
        held = "flat"
        if view.net and view.avg is not None:
            avg = in_outcome(view.avg, Outcome.YES if view.net > 0 else Outcome.NO)
            held = f"{position_text(view.net, s)} @ {fine_price_text(avg, s)}"
        lines = [f"pos {held}"] + ([f"{view.working} working here"] if view.working else [])
        if view.mine_here and view.moving is None:  # the ticket's terms, offered to it
            key = keys.shown("retime")
            lines.append(first_fit([f"{key} gives my order here these terms",
                                    f"{key} gives it these terms", f"{key}: these terms"],
                                   width))
        if view.paper:  # in sight beside every order it would place
            lines.insert(0, first_fit(["PAPER: matched here, never sent", "PAPER: never sent",
                                       "PAPER"], width))
        if view.account:  # a firm's or an ISV's login: say whose account an order goes to
            account = view.account if privacy is None else MASK
            lines.insert(0, first_fit([f"account {account} ({keys.shown('pick_account')})",
                                       f"account {account}"], width))
        if view.moving is not None:
            m = view.moving
            note = move_note(m.intent, m.leaves, m.price, s, keys.said("move"),
                             keys.said("escape"))
            lines += [first_fit(words, width) for words in note]
        self._put("position", "\n".join(lines))

    def _order_line(self, buy: bool, side: SideView | None, s: Scales) -> tuple[str, ...]:
        """'b BUY YES 0.229', or a market order with its worst price: long and short forms."""
        key = self.keys.shown("buy" if buy else "sell")
        if side is None:
            return (f"{key} {'buy' if buy else 'sell'}  --",)
        intent = side.intent
        if not side.market:
            assert side.price is not None
            line = f"{key} {intent_line(intent, side.price, s)}"
            return line, line.replace(" = ", "\n  = ", 1)
        if side.price is None:  # no book to price it from: the estimate line says why
            return f"{key} {intent.label} at market", f"{key} {intent.label} mkt"
        px, bound = s.price_text(side.price), "≤" if buy else "≥"
        line = f"{key} {intent.label}"
        return (f"{line} at market, worst {px}", f"{line} market, worst {px}",
                f"{line} mkt, worst {px}", f"{line} mkt {bound}{px}")


def same_shape(old: str | None, new: str, width: int) -> bool:
    """The new words take the lines the old took: no layout pass (the estimate line moves
    with every book, and a layout pass costs the whole screen tens of ms)."""
    return (old is not None and width > 0 and old.count("\n") == new.count("\n")
            and all(len(line) <= width for line in (*old.split("\n"), *new.split("\n"))))


def _estimate(side: SideView | None, width: int) -> str:
    if side is None:
        return ""
    words = REFRESHING if side.refreshing else side.estimate or ("",)
    # a refusal is a sentence worth three lines; an estimate gets one, in short words
    return first_fit(words, width, wrap=3 if REFUSED in words[0] else 1)


WIDE = 10_000  # columns assumed before the first layout


def first_fit(candidates: Sequence[str], width: int, wrap: int = 1) -> str:
    """The first of the words (longest first) that fits the width on its own lines, or for
    a sentence (``wrap`` > 1) wrapped between words into ``wrap`` lines at most. Else the
    shortest, wrapped; a sentence is cut at ``wrap`` lines, so the next line stays in view
    (a refusal's whole text comes again, as a notice, if the key is pressed)."""
    for text in candidates:
        wrapped = _wrap(text, width)
        if wrapped.count("\n") - text.count("\n") < wrap:
            return wrapped
    text = candidates[-1]
    lines, keep = _wrap(text, width).split("\n"), text.count("\n") + wrap
    if wrap > 1 and len(lines) > keep:
        lines = [*lines[:keep - 1], lines[keep - 1][:width - 1] + "…"]
    return "\n".join(lines)


def _wrap(text: str, width: int) -> str:
    lines = []
    for line in text.split("\n"):
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        lines += textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                               break_on_hyphens=False) or [""]
    return "\n".join(lines)


def same_fit(lines: Sequence[Sequence[str]], width: int) -> list[str]:
    """Each line's form at the first length where all of them fit: buy and sell read alike."""
    forms = max(len(c) for c in lines)
    for n in range(forms):
        chosen = [c[min(n, len(c) - 1)] for c in lines]
        if all(len(x) <= width for text in chosen for x in text.split("\n")):
            return chosen
    return [c[-1] for c in lines]


def with_keys(words: Sequence[str], keys: str, width: int, gap: str = "  ") -> str:
    """Words and the keys that change them on one line; the keys are left off first when
    the line is full (the footer and ? still name them)."""
    tries = [w + g + keys for w in words for g in (gap, " ")] if keys else []
    return first_fit([*tries, *words], width)


def fold(word: str, width: int) -> str:
    """A long symbol on lines broken after its hyphens, never inside a part."""
    lines = [""]
    for part in re.findall(r"[^-]*-|[^-]+$", word):
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


def position_text(net: int, scales: Scales) -> str:
    """'12 YES' / '5 NO' from the signed net YES; 'flat' at zero."""
    if net == 0:
        return "flat"
    return f"{scales.qty_text(abs(net))} {'YES' if net > 0 else 'NO'}"
