"""The account panel: balance, buying power, P&L across positions, open order count.

Refreshed by the app only when something it shows moved: ``refresh_from`` on the status
(balance), orders or positions version; ``refresh_marks`` with the dirty books, which
recomputes only when one of them is a market the trader holds. The panel redraws only
when a shown value changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.core.money import dollars, gain
from tui.core.pnl import desk_pnl
from tui.core.state import DeskState
from tui.ui.privacy import mask_if, privacy_of

Field = tuple[str, str, str]  # (label, value, component class of the value)

# one-line layout: shorter labels so the line fits 80 columns
INLINE_LABELS = {"buying power": "BP", "realized": "real.", "unrealized": "unreal.",
                 "open orders": "orders"}


def cash_text(amount: Decimal | None) -> str:
    """An account amount in dollars to the cent, or -- when not known yet."""
    return "--" if amount is None else dollars(amount)


class AccountPanel(Static):
    """Balance, buying power, realized and unrealized P&L, and the open order count.

    Stacked, one field a line (5 lines; fits a 24-column side panel); with the CSS class
    ``-inline`` it is a single line. An unrealized total marked ``*`` leaves out open
    positions that have no mark (no two-sided book and no last trade).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "account--label", "account--value", "account--gain", "account--loss",
    }
    DEFAULT_CSS = """
    AccountPanel { height: auto; }
    AccountPanel.-inline { height: 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._fields: tuple[Field, ...] = self._placeholder()
        self._held: frozenset[str] = frozenset()

    @staticmethod
    def _placeholder() -> tuple[Field, ...]:
        return (("balance", "--", ""), ("buying power", "--", ""), ("realized", "--", ""),
                ("unrealized", "--", ""), ("open orders", "--", ""))

    def refresh_from(self, state: DeskState) -> None:
        """Everything: call when status_version, orders_version or positions_version moved."""
        shown = state.accounts.values() if state.tradable else (state.active,)  # the firm's
        self._held = frozenset(s for a in shown for s, p in a.positions.items() if p.net != 0)
        balance = state.balance
        pnl = desk_pnl(state.positions.values(), state.instruments, state.books)
        unrealized = dollars(pnl.unrealized, signed=True) + ("*" if pnl.unmarked else "")
        self.tooltip = (f"{pnl.unmarked} open position(s) without a mark are not in the "
                        "unrealized total" if pnl.unmarked else None)
        allowed = balance.allowance if balance else None
        # the CLOB's pUSD approval, only when it is less than unlimited: red when it binds
        allowance: tuple[Field, ...] = () if allowed is None else ((
            "allowance", cash_text(allowed),
            "account--loss" if balance and allowed < balance.balance else ""),)
        firm: tuple[Field, ...] = ()
        if state.tradable:  # a firm's or an ISV's login: every account's summed
            held = [state.accounts[a] for a in state.tradable if a in state.accounts]
            known = [h.balance for h in held if h.balance is not None]
            every = desk_pnl([p for h in held for p in h.positions.values()],
                             state.instruments, state.books)
            firm = ((f"firm, {len(known)} of {len(state.tradable)}",
                     cash_text(sum((b.balance for b in known), Decimal(0))), ""),
                    ("firm P&L", dollars(every.realized + every.unrealized, signed=True)
                     + ("*" if every.unmarked else ""),
                     _gain(every.realized + every.unrealized)))
        self.refresh_fields((
            *firm,
            ("balance", cash_text(balance.balance if balance else None), ""),
            ("buying power", cash_text(balance.buying_power if balance else None), ""),
            *allowance,
            ("realized", dollars(pnl.realized, signed=True), _gain(pnl.realized)),
            ("unrealized", unrealized, _gain(pnl.unrealized)),
            ("open orders", str(len(state.working_orders())), ""),
        ))

    def refresh_marks(self, state: DeskState, symbols: Iterable[str]) -> None:
        """The dirty books moved: recompute only if one of them is a held market."""
        if not self._held.isdisjoint(symbols):
            self.refresh_from(state)

    def refresh_fields(self, fields: tuple[Field, ...]) -> None:
        if fields != self._fields:
            lines_moved = len(fields) != len(self._fields)  # one line a field, always
            self._fields = fields
            if lines_moved:
                self.clear_cached_dimensions()
            # a layout pass repaints the whole screen: only when the height changes, not
            # for new marks (ten times a second on a held market's busy book)
            self.refresh(layout=lines_moved)

    @property
    def values(self) -> dict[str, str]:
        """What the panel shows, by label (for tests and the status line)."""
        return {label: value for label, value, _ in self._fields}

    def render(self) -> RenderableType:
        label = self.get_component_rich_style("account--label", partial=True)
        value = self.get_component_rich_style("account--value", partial=True)
        privacy = privacy_of(self)  # every value but the order count is money: masked
        fields = self._fields if privacy is None else tuple(
            (name, shown if name == "open orders" else mask_if(privacy, shown),
             "" if name != "open orders" else style) for name, shown, style in self._fields)
        if self.has_class("-inline"):
            line = Text(no_wrap=True, overflow="ellipsis")
            for i, (name, shown, style) in enumerate(fields):
                if i:
                    line.append("  ")
                line.append(f"{INLINE_LABELS.get(name, name)} ", label)
                line.append(shown, self._style(style, value))
            return line
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        for name, shown, style in fields:
            grid.add_row(Text(name, label), Text(shown, self._style(style, value)))
        return grid

    def _style(self, name: str, default: Style) -> Style:
        return self.get_component_rich_style(name, partial=True) if name else default


def _gain(amount: Decimal) -> str:
    return {1: "account--gain", -1: "account--loss"}.get(gain(amount), "")
