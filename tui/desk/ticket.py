"""The ticket: what the next order will be, as an immutable value with pure transitions.

Every interlock lives here: a market order is never post-only; cash sizing is for market
buys; post-only rests, so it is a GTC or GTD limit; IOC and FOK never post. Each
transition returns a new ticket, so the desk can tell what changed by comparing two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from tui.core.enums import TimeInForce
from tui.core.prices import Outcome, Scales
from tui.core.ticket import TIF_WORDS, OrderKind
from tui.desk.sizes import DEFAULT_CONTRACTS, carry_size, raw_size, step_size

GTC, GTD = TimeInForce.GOOD_TILL_CANCEL, TimeInForce.GOOD_TILL_TIME
IOC, FOK = TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL
TIF_CYCLE = (GTC, GTD, IOC, FOK)
GTD_CHOICES = (60, 300, 900, 3600)  # seconds a GTD order lives; the TIF key steps through them
CASH_STEP = Decimal(5)  # dollars a size key adds or takes off a cash ticket
DEFAULT_CASH = Decimal(25)


@dataclass(frozen=True, slots=True)
class Ticket:
    """The trader's choices. ``qty`` is raw, on ``scales`` (the market it was sized for)."""

    outcome: Outcome = Outcome.YES
    qty: int = DEFAULT_CONTRACTS
    scales: Scales | None = None
    kind: OrderKind = OrderKind.LIMIT
    kind_before_cash: OrderKind = OrderKind.LIMIT  # what a second $ puts back
    tif: TimeInForce = GTC
    gtd_seconds: int = GTD_CHOICES[0]
    post_only: bool = False
    cash: Decimal | None = None  # dollars, for market buys; None: sized in contracts

    # --- transitions ------------------------------------------------------------------
    def for_market(self, scales: Scales | None) -> Ticket:
        """The same ticket on another market: the same contracts, on its lot."""
        if scales is None or scales == self.scales:
            return self
        return replace(self, scales=scales, qty=carry_size(self.qty, self.scales, scales))

    def toggle_outcome(self) -> Ticket:
        return replace(self, outcome=self.outcome.other)

    def cycle_kind(self) -> Ticket:
        if self.kind is OrderKind.LIMIT:  # a market order takes liquidity by definition
            return replace(self, kind=OrderKind.MARKET, post_only=False)
        return replace(self, kind=OrderKind.LIMIT, cash=None)

    def cycle_tif(self) -> Ticket:
        """GTC, GTD through each of its lifetimes, IOC, FOK, and round again."""
        if self.tif is GTD:
            i = GTD_CHOICES.index(self.gtd_seconds)
            if i + 1 < len(GTD_CHOICES):
                return replace(self, gtd_seconds=GTD_CHOICES[i + 1])
        tif = TIF_CYCLE[(TIF_CYCLE.index(self.tif) + 1) % len(TIF_CYCLE)]
        post_only = self.post_only and tif in (GTC, GTD)
        return replace(self, tif=tif, gtd_seconds=GTD_CHOICES[0], post_only=post_only)

    def toggle_post_only(self) -> Ticket:
        if self.post_only:
            return replace(self, post_only=False)
        return replace(self, post_only=True, kind=OrderKind.LIMIT, cash=None,
                       tif=self.tif if self.tif in (GTC, GTD) else GTC)

    def toggle_cash(self) -> Ticket:
        """Size market buys in dollars (sells stay in contracts); again puts it back."""
        if self.cash is not None:  # a stray $ undone: the kind it had, not a market order
            return replace(self, cash=None, kind=self.kind_before_cash)
        return replace(self, cash=DEFAULT_CASH, kind_before_cash=self.kind,
                       kind=OrderKind.MARKET, post_only=False)

    def with_contracts(self, contracts: Decimal) -> Ticket:
        """A size preset, in contracts, on this market's lot."""
        if self.scales is None:
            return self
        return replace(self, qty=raw_size(contracts, self.scales))

    def stepped(self, steps: int, ladder: Sequence[Decimal]) -> Ticket:
        """Up or down the size ladder (a cash ticket: by $5); never below the minimum."""
        if self.cash is not None:
            return replace(self, cash=max(self.cash + steps * CASH_STEP, CASH_STEP))
        if self.scales is None:
            return self
        qty = step_size(self.qty, steps, ladder, self.scales)
        if qty is None:  # past an end of the ladder: the end, or the market's minimum
            qty = self.qty if steps > 0 else self.scales.min_qty
        return replace(self, qty=qty)

    # --- what it sends ----------------------------------------------------------------
    def price_for(self, yes_cursor: int) -> int:
        """The trader's price in the chosen outcome for a cursor on the YES axis."""
        if self.outcome is Outcome.NO and self.scales is not None:
            return self.scales.complement(yes_cursor)
        return yes_cursor

    def expire_at(self, now: float) -> float | None:
        """A GTD order's expiry (epoch seconds) if sent at ``now``."""
        return now + self.gtd_seconds if self.tif is GTD else None

    @property
    def cash_qty(self) -> int | None:
        """The cash size in raw notional units (dollars x price_scale x qty_scale)."""
        if self.cash is None or self.scales is None:
            return None
        return int(self.cash * self.scales.price_scale * self.scales.qty_scale)

    @property
    def settings_text(self) -> str:
        """'LIMIT GTD 5m post-only', 'MARKET IOC': what the order type keys set."""
        kind = "MARKET" if self.kind is OrderKind.MARKET else "LIMIT"
        tif = TIF_WORDS[self.tif]
        if self.tif is GTD:
            tif += f" {self.gtd_seconds // 60}m"
        if self.kind is OrderKind.MARKET:
            # what build_order will send: GTC becomes IOC, FOK stays, GTD is refused
            tif = {FOK: "FOK", GTD: "GTD (not for market)"}.get(self.tif, "IOC")
        return " ".join([kind, tif] + (["post-only"] if self.post_only else []))
