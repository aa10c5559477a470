"""Accounts, cash and positions of the embedded exchange, updated on every fill."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tui.core.enums import Side
from tui.sim.model import SimBalance, SimPosition


class Ledger:
    def __init__(self) -> None:
        self.participants: dict[str, str] = {}  # account → participant
        self.quiet: set[str] = set()  # accounts whose order history is not kept
        self._balances: dict[str, SimBalance] = {}
        self._positions: dict[tuple[str, str], SimPosition] = {}

    def open(self, account: str, participant: str, cash: Decimal, history: bool) -> None:
        self.participants[account] = participant
        self._balances[account] = SimBalance(account, cash, cash)
        if history:
            self.quiet.discard(account)
        else:
            self.quiet.add(account)

    def fill(self, account: str, symbol: str, side: Side, qty: int, px: int, notional_scale: int,
             now: float) -> None:
        """Book a fill: net YES position (buy +, sell −) and cash (buying YES pays p × q)."""
        key = (account, symbol)
        position = self._positions.setdefault(key, SimPosition(account, symbol))
        signed = qty if side is Side.BUY else -qty
        position.apply(signed, px, now)
        balance = self._balances.get(account)
        if balance is not None:
            balance.cash -= Decimal(signed * px) / Decimal(notional_scale)

    def positions(self, account: str) -> list[SimPosition]:
        return [replace(p) for (a, _), p in self._positions.items() if a == account]

    def position(self, account: str, symbol: str) -> SimPosition:
        found = self._positions.get((account, symbol))
        return replace(found) if found else SimPosition(account, symbol)

    def balance(self, account: str) -> SimBalance:
        return replace(self._balances[account])
