"""Accounts, cash and positions of the embedded exchange, updated on every fill.

Binary markets are fully collateralised. With a net YES position n, an account holds n YES
contracts when n > 0 and |n| NO contracts when n < 0; a YES contract costs p and a NO
contract 1 − p, and each pays $1 if its outcome happens. So:

* buying YES q at p first sells c = min(q, NO held) NO at 1 − p (cash += (1 − p) × c), then
  buys q − c YES (cash −= p × (q − c));
* selling YES q at p first sells c = min(q, YES held) YES (cash += p × c), then buys q − c NO
  (cash −= (1 − p) × (q − c)).

Buying power = cash − reserved. Each working order reserves the cash it would consume if
it filled in full at its limit price, counting only the part that opens or extends a
position (closing costs nothing; its proceeds are not counted). The rule, conservative by
construction: on one account, symbol and side, working orders close the position held now
(NO held for buys, YES held for sells) in arrival order, so an order can close only what
the earlier orders on its side leave; everything else it would fill opens at p per YES or
1 − p per NO; a buy sized by a cash amount reserves at most the cash it has left to spend.
A replacement keeps its predecessor's place in that order. Fills never reduce buying
power: an opening fill pays at most what it reserved, a closing one pays in.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import count

from tui.core.enums import Side
from tui.core.prices import Scales
from tui.sim.model import SimBalance, SimOrder, SimPosition

_Working = dict[int, SimOrder]  # arrival slot → working order, in arrival order


class Ledger:
    def __init__(self) -> None:
        self.participants: dict[str, str] = {}  # account → participant
        self.quiet: set[str] = set()  # accounts whose order history is not kept
        self._balances: dict[str, SimBalance] = {}
        self._positions: dict[tuple[str, str], SimPosition] = {}
        # account → symbol → working orders; order id → (account, symbol, slot)
        self._working: dict[str, dict[str, _Working]] = {}
        self._where: dict[str, tuple[str, str, int]] = {}
        self._slots = count()
        # (account, symbol) → what its working orders reserve; dropped whenever those orders
        # or that position change (the exchange books every fill here as it happens)
        self._reserve: dict[tuple[str, str], Decimal] = {}

    def open(self, account: str, participant: str, cash: Decimal, history: bool) -> None:
        self.participants[account] = participant
        self._balances[account] = SimBalance(account, cash, cash)
        if history:
            self.quiet.discard(account)
        else:
            self.quiet.add(account)

    # --- fills ------------------------------------------------------------------------------
    def fill(self, order: SimOrder, qty: int, px: int, now: float) -> None:
        """Book a fill of ``order``: net YES position (buy +, sell −) and collateral cash."""
        key = (order.account, order.symbol)
        position = self._positions.setdefault(key, SimPosition(order.account, order.symbol))
        one = order.price_scale  # $1 in raw price units
        if order.side is Side.BUY:
            closed = min(qty, max(-position.net_position, 0))  # NO sold at 1 − p
            delta = (one - px) * closed - px * (qty - closed)
        else:
            closed = min(qty, max(position.net_position, 0))  # YES sold at p
            delta = px * closed - (one - px) * (qty - closed)
        position.apply(qty if order.side is Side.BUY else -qty, px, now)
        self._reserve.pop(key, None)
        balance = self._balances.get(order.account)
        if balance is not None:
            balance.cash += Decimal(delta) / Decimal(one * order.qty_scale)

    def settle(self, symbol: str, px: int, scales: Scales, now: float) -> list[str]:
        """Pay out and close every open position in ``symbol`` at settlement price ``px``: a
        YES contract pays px, a NO contract 1 − px. Returns the accounts paid."""
        one, paid = scales.price_scale, []
        for (account, held), position in self._positions.items():
            net = position.net_position
            if held != symbol or not net:
                continue
            position.apply(-net, px, now)  # closed at px: its P&L is realised
            self._reserve.pop((account, symbol), None)
            balance = self._balances.get(account)
            if balance is not None:
                payout = px * net if net > 0 else (one - px) * -net
                balance.cash += Decimal(payout) / Decimal(one * scales.qty_scale)
            paid.append(account)
        return paid

    # --- working orders and buying power ----------------------------------------------------
    def hold(self, order: SimOrder) -> None:
        """Start reserving for an accepted order; it goes last in its side's arrival order."""
        slot = next(self._slots)
        self._working.setdefault(order.account, {}).setdefault(order.symbol, {})[slot] = order
        self._where[order.order_id] = (order.account, order.symbol, slot)
        self._reserve.pop((order.account, order.symbol), None)

    def hand_over(self, old_id: str, new: SimOrder) -> None:
        """``new`` replaces ``old_id`` and takes its place in the arrival order."""
        account, symbol, slot = self._where.pop(old_id)
        self._working[account][symbol][slot] = new
        self._where[new.order_id] = (account, symbol, slot)
        self._reserve.pop((account, symbol), None)

    def release(self, order_id: str) -> None:
        """Stop reserving for an order that is done (filled, canceled, expired, replaced)."""
        where = self._where.pop(order_id, None)
        if where is None:
            return
        account, symbol, slot = where
        by_symbol = self._working[account]
        del by_symbol[symbol][slot]
        if not by_symbol[symbol]:
            del by_symbol[symbol]
        self._reserve.pop((account, symbol), None)

    def reserved(self, account: str) -> Decimal:
        """Cash the account's working orders would consume if all filled at their limits."""
        return sum((self._reserved(account, s) for s in self._working.get(account, {})),
                   Decimal(0))

    def buying_power(self, account: str) -> Decimal:
        return self._balances[account].cash - self.reserved(account)

    def can_fund(self, order: SimOrder, replacing: str = "") -> bool:
        """Whether the account can carry ``order`` too (in ``replacing``'s place, if given)."""
        account, symbol = order.account, order.symbol
        working = self._working.get(account, {})
        others = sum((self._reserved(account, s) for s in working if s != symbol), Decimal(0))
        here = list(working.get(symbol, {}).values())
        at = next((i for i, o in enumerate(here) if o.order_id == replacing), None)
        if at is None:
            here.append(order)
        else:
            here[at] = order
        return others + self._cost(account, symbol, here) <= self._balances[account].cash

    def _reserved(self, account: str, symbol: str) -> Decimal:
        key = (account, symbol)
        found = self._reserve.get(key)
        if found is None:
            orders = list(self._working[account][symbol].values())
            found = self._reserve[key] = self._cost(account, symbol, orders)
        return found

    def _cost(self, account: str, symbol: str, orders: list[SimOrder]) -> Decimal:
        """Worst-case cash for one symbol's working orders, listed in arrival order."""
        net = self._positions[(account, symbol)].net_position if (
            (account, symbol) in self._positions) else 0
        close_buys, close_sells = max(-net, 0), max(net, 0)  # NO held, YES held
        total = scale = 0  # raw notional; one symbol's orders share its scales
        for order in orders:
            scale = order.price_scale * order.qty_scale
            if order.side is Side.BUY:
                closes = min(order.leaves_qty, close_buys)
                close_buys -= closes
                opening = order.price * (order.leaves_qty - closes)
                if order.cash_order_qty:  # a cash buy never spends more than its cash left
                    opening = min(opening, max(order.cash_order_qty - order.filled_notional, 0))
                total += opening
            else:
                closes = min(order.leaves_qty, close_sells)
                close_sells -= closes
                total += (order.price_scale - order.price) * (order.leaves_qty - closes)
        return Decimal(total) / Decimal(scale) if total else Decimal(0)

    # --- queries ----------------------------------------------------------------------------
    def positions(self, account: str) -> list[SimPosition]:
        return [replace(p) for (a, _), p in self._positions.items() if a == account]

    def position(self, account: str, symbol: str) -> SimPosition:
        found = self._positions.get((account, symbol))
        return replace(found) if found else SimPosition(account, symbol)

    def balance(self, account: str) -> SimBalance:
        return replace(self._balances[account])
