"""The order ticket: which outcome, what size, and exactly what buy / sell would send.

Every key it names is the key the trader's keymap put there (tui/ui/keymap.py), and every
line fits the panel's width (24 columns at 80x24): shorter words when it is narrow.
"""

from __future__ import annotations

import re
import textwrap
import time
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from tui.core.enums import InstrumentState, Side, TimeInForce
from tui.core.model import Instrument, Position
from tui.core.prices import Intent, Outcome, Scales
from tui.core.state import DeskState
from tui.core.ticket import TIF_WORDS, OrderKind
from tui.ui.keymap import DeskKeys
from tui.ui.widgets.tables import avg_price_text

DEFAULT_CONTRACTS = 10


def default_size(scales: Scales) -> int:
    """Ten contracts in raw units, never below the market's minimum."""
    return max(DEFAULT_CONTRACTS * scales.qty_scale, scales.min_qty)


def size_step(scales: Scales) -> int:
    return max(scales.min_qty, 1)


def carry_size(size: int, old: Scales | None, new: Scales) -> int:
    """Keep the trader's size across markets: same contracts, on the new market's step."""
    if old is None:
        return default_size(new)
    contracts = old.qty_to_decimal(size)
    raw = int((contracts * new.qty_scale).to_integral_value(rounding=ROUND_DOWN))
    step = size_step(new)
    return max(raw - raw % step, new.min_qty)


def intent_line(intent: Intent, price: int, scales: Scales) -> str:
    """'BUY NO 0.40 = SELL YES 0.60' (or just 'BUY YES 0.60')."""
    text = f"{intent.label} {scales.price_text(price)}"
    if intent.outcome is Outcome.NO:
        other = Intent.of(intent.yes_side is Side.BUY, Outcome.YES)
        text += f" = {other.label} {scales.price_text(scales.complement(price))}"
    return text


TIF_CYCLE = (TimeInForce.GOOD_TILL_CANCEL, TimeInForce.GOOD_TILL_TIME,
             TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)
GTD_CHOICES = (60, 300, 900, 3600)  # seconds a GTD order lives; i steps through them
CASH_STEP = Decimal(5)
DEFAULT_CASH = Decimal(25)


class OrderTicket(Vertical):
    """What the next order will be. The app changes it; it only shows it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.outcome = Outcome.YES
        self.qty = DEFAULT_CONTRACTS
        self.instrument: Instrument | None = None
        self.kind = OrderKind.LIMIT
        self._kind_before_cash = OrderKind.LIMIT
        self.tif = TimeInForce.GOOD_TILL_CANCEL
        self.post_only = False
        self.gtd_seconds = GTD_CHOICES[0]
        self.cash: Decimal | None = None  # dollars, for market buys; None = contracts
        self.note: list[tuple[str, ...]] = []  # lines, e.g. an order picked up to move
        # buy? -> the exchange's preview in words, each as long and shorter forms
        self.estimates: dict[bool, tuple[str, ...]] = {}
        self.worst: dict[bool, int] = {}  # buy? -> a market order's worst price (outcome)
        self.keys = DeskKeys()  # the keys the trader's keymap puts the ticket's actions on
        self.presets = 9  # how many size presets the config file has (keys past them: none)
        self._drawn: tuple[int | None, Position | None, int] | None = None
        self._texts: dict[str, str] = {}

    # --- order type, time in force, post-only, cash --------------------------------------
    def cycle_kind(self) -> OrderKind:
        self.kind = OrderKind.MARKET if self.kind is OrderKind.LIMIT else OrderKind.LIMIT
        if self.kind is OrderKind.MARKET:
            self.post_only = False  # a market order takes liquidity by definition
        else:
            self.cash = None
        return self.kind

    def cycle_tif(self) -> TimeInForce:
        if self.tif is TimeInForce.GOOD_TILL_TIME:
            # GTD steps through its lifetimes before moving on to IOC
            i = GTD_CHOICES.index(self.gtd_seconds)
            if i + 1 < len(GTD_CHOICES):
                self.gtd_seconds = GTD_CHOICES[i + 1]
                return self.tif
            self.gtd_seconds = GTD_CHOICES[0]
        self.tif = TIF_CYCLE[(TIF_CYCLE.index(self.tif) + 1) % len(TIF_CYCLE)]
        if self.tif in (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL):
            self.post_only = False
        return self.tif

    def toggle_post_only(self) -> bool:
        self.post_only = not self.post_only
        if self.post_only:
            self.kind = OrderKind.LIMIT
            self.cash = None
            if self.tif not in (TimeInForce.GOOD_TILL_CANCEL, TimeInForce.GOOD_TILL_TIME):
                self.tif = TimeInForce.GOOD_TILL_CANCEL
        return self.post_only

    def toggle_cash(self) -> bool:
        """Size market buys in dollars instead of contracts (sells stay in contracts)."""
        self.cash = None if self.cash is not None else DEFAULT_CASH
        if self.cash is not None:
            self._kind_before_cash = self.kind
            self.kind = OrderKind.MARKET
            self.post_only = False
        else:  # a stray $ undone puts the ticket back as it was, not on market orders
            self.kind = self._kind_before_cash
        return self.cash is not None

    @property
    def expire_at(self) -> float | None:
        if self.tif is not TimeInForce.GOOD_TILL_TIME:
            return None
        return time.time() + self.gtd_seconds

    @property
    def cash_qty(self) -> int | None:
        """The cash size in raw notional units (dollars x price_scale x qty_scale)."""
        if self.cash is None or self.instrument is None:
            return None
        s = self.instrument.scales
        return int(self.cash * s.price_scale * s.qty_scale)

    def set_contracts(self, contracts: Decimal) -> None:
        if self.instrument is None:
            return
        s = self.instrument.scales
        raw = int((contracts * s.qty_scale).to_integral_value(rounding=ROUND_DOWN))
        self.qty = max(raw - raw % size_step(s), s.min_qty)

    def settings_text(self) -> str:
        kind = "MARKET" if self.kind is OrderKind.MARKET else "LIMIT"
        tif = TIF_WORDS[self.tif]
        if self.tif is TimeInForce.GOOD_TILL_TIME:
            tif += f" {self.gtd_seconds // 60}m"
        if self.kind is OrderKind.MARKET:
            # what build_order will send: GTC becomes IOC, FOK stays, GTD is refused
            tif = {TimeInForce.FILL_OR_KILL: "FOK",
                   TimeInForce.GOOD_TILL_TIME: "GTD (not for market)"}.get(self.tif, "IOC")
        return " ".join([kind, tif] + (["post-only"] if self.post_only else []))

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

    # --- the trader's choices -------------------------------------------------------
    def set_instrument(self, instrument: Instrument | None) -> None:
        old = self.instrument.scales if self.instrument else None
        self.instrument = instrument
        if instrument is not None and old != instrument.scales:
            self.qty = carry_size(self.qty, old, instrument.scales)

    def toggle_outcome(self) -> Outcome:
        self.outcome = self.outcome.other
        self.query_one("#ticket-yes").set_class(self.outcome is Outcome.YES, "-chosen")
        self.query_one("#ticket-no").set_class(self.outcome is Outcome.NO, "-chosen")
        return self.outcome

    def bump_size(self, steps: int) -> int:
        if self.cash is not None:
            self.cash = max(self.cash + steps * CASH_STEP, CASH_STEP)
            return self.qty
        if self.instrument is None:
            return self.qty
        scales = self.instrument.scales
        self.qty = max(self.qty + steps * size_step(scales), scales.min_qty)
        return self.qty

    def price_for(self, yes_cursor: int) -> int:
        """The trader's price in the chosen outcome for a cursor on the YES axis."""
        if self.outcome is Outcome.NO and self.instrument is not None:
            return self.instrument.scales.complement(yes_cursor)
        return yes_cursor

    # --- drawing --------------------------------------------------------------------
    def show_for(self, state: DeskState, cursor: int | None) -> None:
        symbol = self.instrument.symbol if self.instrument else None
        position = state.positions.get(symbol) if symbol else None
        self.show(cursor, position, len(state.working_orders(symbol)) if symbol else 0)

    def on_resize(self) -> None:
        if self._drawn is not None:  # the shorter or longer words for the new width
            self.show(*self._drawn)

    def _put(self, part: str, text: str) -> None:
        if self._texts.get(part) != text:  # a repaint only when the words changed
            self._texts[part] = text
            self.query_one(f"#ticket-{part}", Static).update(text)

    def show(self, cursor: int | None, position: Position | None, working: int) -> None:
        self._drawn = (cursor, position, working)
        inst, keys = self.instrument, self.keys
        width = self.content_region.width or WIDE  # not laid out yet: the long words
        self._put("outcome-key", f" {keys.shown('toggle_outcome')}")
        if inst is None:
            self._put("symbol", "no market")
            for part in ("description", "size", "settings", "buy", "sell", "position"):
                self._put(part, "")
            return
        s = inst.scales
        self._put("symbol", fold(inst.symbol, width))
        state = "" if inst.state is InstrumentState.OPEN else f" ({inst.state.name.lower()})"
        self._put("description", inst.description + state)
        presets = keys.run(f"preset_{n}" for n in range(1, self.presets + 1))
        size_keys = f"{keys.footer('size_up')} {presets}".strip()
        sizes = ([f"size ${self.cash:,.2f} buys, {s.qty_text(self.qty)} sells",
                  f"${self.cash:,.2f} buys, {s.qty_text(self.qty)} sells"] if self.cash
                 else [f"size {s.qty_text(self.qty)}"])
        self._put("size", with_keys(sizes, size_keys, width))
        settings = keys.run(("order_kind", "tif", "post_only", "cash_mode"))
        self._put("settings", with_keys([self.settings_text()], settings, width, gap="   "))
        heads = same_fit([self._order_line(buy, cursor, s) for buy in (True, False)], width)
        for buy, head in zip((True, False), heads, strict=True):
            self._put("buy" if buy else "sell",
                      head + self._estimate(buy, width))
        held = "flat"
        if position is not None and position.net:
            held = f"{position_text(position, s)} @ {avg_price_text(position, s)}"
        lines = [f"pos {held}"] + ([f"{working} working here"] if working else [])
        lines += [first_fit(note, width) for note in self.note]
        self._put("position", "\n".join(lines))

    def _estimate(self, buy: bool, width: int) -> str:
        words = self.estimates.get(buy, ("",))
        # a refusal is a sentence worth three lines; an estimate gets one, in short words
        return first_fit(words, width, wrap=3 if REFUSED in words[0] else 1)

    def _order_line(self, buy: bool, cursor: int | None, s: Scales) -> tuple[str, ...]:
        """'b BUY YES 0.229', or a market order with its worst price: long and short forms."""
        key, intent = self.keys.shown("buy" if buy else "sell"), Intent.of(buy, self.outcome)
        if cursor is None:
            return (f"{key} {'buy' if buy else 'sell'}  --",)
        if self.kind is not OrderKind.MARKET:
            line = f"{key} {intent_line(intent, self.price_for(cursor), s)}"
            return line, line.replace(" = ", "\n  = ", 1)
        worst = self.worst.get(buy)
        if worst is None:  # no book to price it from: the estimate line says why
            return f"{key} {intent.label} at market", f"{key} {intent.label} mkt"
        px, bound = s.price_text(worst), "≤" if buy else "≥"
        line = f"{key} {intent.label}"
        return (f"{line} at market, worst {px}", f"{line} market, worst {px}",
                f"{line} mkt, worst {px}", f"{line} mkt {bound}{px}")


WIDE = 10_000  # columns assumed before the first layout
REFUSED = "✕"  # marks an estimate the exchange (or the ticket) refused


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


def position_text(position: Position, scales: Scales) -> str:
    """'12 YES' / '5 NO' from the signed net YES; 'flat' at zero."""
    if position.net == 0:
        return "flat"
    outcome = "YES" if position.net > 0 else "NO"
    return f"{scales.qty_text(abs(position.net))} {outcome}"
