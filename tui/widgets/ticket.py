"""The order ticket: which outcome, what size, and exactly what b / s would send."""

from __future__ import annotations

from decimal import ROUND_DOWN

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from tui.core.enums import InstrumentState, Side
from tui.core.model import Instrument, Position
from tui.core.prices import Intent, Outcome, Scales
from tui.core.state import DeskState
from tui.widgets.tables import avg_price_text

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


class OrderTicket(Vertical):
    """What the next order will be. The app changes it; it only shows it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.outcome = Outcome.YES
        self.qty = DEFAULT_CONTRACTS
        self.instrument: Instrument | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="ticket-symbol")
        yield Static("", id="ticket-description")
        with Horizontal(id="ticket-outcome"):
            yield Label(" YES ", id="ticket-yes", classes="-chosen")
            yield Label(" NO ", id="ticket-no")
            yield Label(" t", classes="ticket-key")
        yield Static("", id="ticket-size")
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

    def show(self, cursor: int | None, position: Position | None, working: int) -> None:
        inst = self.instrument
        symbol = self.query_one("#ticket-symbol", Static)
        if inst is None:
            symbol.update("no market")
            for part in ("description", "size", "buy", "sell", "position"):
                self.query_one(f"#ticket-{part}", Static).update("")
            return
        s = inst.scales
        symbol.update(inst.symbol)
        state = "" if inst.state is InstrumentState.OPEN else f" ({inst.state.name.lower()})"
        self.query_one("#ticket-description", Static).update(inst.description + state)
        self.query_one("#ticket-size", Static).update(f"size {s.qty_text(self.qty)}  +/-")
        buy = self.query_one("#ticket-buy", Static)
        sell = self.query_one("#ticket-sell", Static)
        if cursor is None:
            buy.update("b buy  --")
            sell.update("s sell --")
        else:
            price = self.price_for(cursor)
            width = self.content_region.width
            buy.update(fit("b " + intent_line(Intent.of(True, self.outcome), price, s), width))
            sell.update(fit("s " + intent_line(Intent.of(False, self.outcome), price, s), width))
        held = "flat"
        if position is not None and position.net:
            held = f"{position_text(position, s)} @ {avg_price_text(position, s)}"
        orders = f"\n{working} working here" if working else ""
        self.query_one("#ticket-position", Static).update(f"pos {held}{orders}")


def fit(line: str, width: int) -> str:
    """'b BUY NO 0.40 = SELL YES 0.60' on two lines when the panel is narrow."""
    if len(line) <= width or " = " not in line:
        return line
    head, tail = line.split(" = ", 1)
    return f"{head}\n  = {tail}"


def position_text(position: Position, scales: Scales) -> str:
    """'12 YES' / '5 NO' from the signed net YES; 'flat' at zero."""
    if position.net == 0:
        return "flat"
    outcome = "YES" if position.net > 0 else "NO"
    return f"{scales.qty_text(abs(position.net))} {outcome}"
