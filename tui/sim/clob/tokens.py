"""What each CLOB wallet holds at the embedded exchange: pUSD and outcome tokens, per token
(docs/spec/global-clob.md §6.1, §6.6). YES and NO are held apart, as on chain: buying NO
while holding YES holds both (a pair is worth $1, merged only if its holder merges).

The engine's own ledger nets a position into one YES number; for a wallet's account it is a
shadow (funded far beyond use, so it never refuses): this is the wallet's truth, booked from
every fill of its CLOB orders, and unbooked when the fill's trade fails on chain (§6.10).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SHADOW_CASH = Decimal(10) ** 12  # the engine-side cash of a wallet's account


@dataclass(frozen=True, slots=True)
class Booking:
    """One fill as the ledger took it: kept so that a trade failing on chain is undone
    exactly (the same shares, price and fee)."""

    account: str
    token: str
    side: str  # BUY / SELL, of the token
    shares: Decimal
    price: Decimal
    fee: Decimal
    spender: str = ""  # the exchange contract a BUY's pUSD went through (its allowance)


class TokenLedger:
    def __init__(self) -> None:
        self._cash: dict[str, Decimal] = {}  # wallet account -> pUSD
        self._held: dict[tuple[str, str], Decimal] = {}  # (account, token) -> shares
        # (account, spender) -> pUSD the contract may still move; absent: unlimited (the
        # approval wallets give by default), spent down like an ERC-20 allowance
        self._allowance: dict[tuple[str, str], Decimal] = {}

    def approve(self, account: str, spender: str, amount: Decimal | None) -> None:
        """An on-chain approval of ``amount`` pUSD (None: unlimited) to one contract."""
        if amount is None:
            self._allowance.pop((account, spender.lower()), None)
        else:
            self._allowance[(account, spender.lower())] = amount

    def allowance(self, account: str, spender: str) -> Decimal | None:
        return self._allowance.get((account, spender.lower()))

    def fund(self, account: str, cash: Decimal) -> None:
        self._cash[account] = self._cash.get(account, Decimal(0)) + cash

    def cash(self, account: str) -> Decimal:
        return self._cash.get(account, Decimal(0))

    def held(self, account: str, token: str) -> Decimal:
        return self._held.get((account, token), Decimal(0))

    def book(self, account: str, token: str, side: str, shares: Decimal, price: Decimal,
             fee: Decimal = Decimal(0), spender: str = "") -> Booking:
        """One fill of a wallet's order: a BUY pays shares × price (+ fee) for the tokens
        (through ``spender``'s allowance), a SELL gives the tokens for shares × price (− fee)."""
        booking = Booking(account, token, side, shares, price, fee, spender)
        self._move(booking, 1)
        return booking

    def unbook(self, booking: Booking) -> None:
        """A booked fill whose trade failed on chain: tokens, pUSD and fee as before it."""
        self._move(booking, -1)

    def _move(self, b: Booking, way: int) -> None:
        sign = way if b.side == "BUY" else -way
        key = (b.account, b.token)
        self._held[key] = self.held(*key) + sign * b.shares
        self._cash[b.account] = self.cash(b.account) - sign * b.shares * b.price - way * b.fee
        allowed = self.allowance(b.account, b.spender)
        if b.side == "BUY" and allowed is not None:  # a failed trade gives it back
            self._allowance[(b.account, b.spender.lower())] = (
                allowed - way * (b.shares * b.price + b.fee))
