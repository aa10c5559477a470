"""The embedded exchange's state, and everything that can be read from it.

Instruments, books, orders, accounts (the ledger) and executions, with the read-only
queries over them. ``Exchange`` adds the commands that change them; every value a query
returns is a copy, so a caller can never change the exchange by accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType

from tui.matching.book import OrderBook
from tui.sim.ledger import Ledger
from tui.sim.model import ExecReport, SimBalance, SimInstrument, SimOrder, SimPosition, SimStats


class ExchangeState:
    def __init__(self, instruments: list[SimInstrument]) -> None:
        self._instruments = {i.symbol: i for i in instruments}
        self._books = {s: OrderBook[SimOrder](s) for s in self._instruments}
        self._stats = {s: SimStats(s) for s in self._instruments}
        self._orders: dict[str, SimOrder] = {}
        self._by_clord: dict[tuple[str, str], str] = {}
        self._ledger = Ledger()
        self._quiet = self._ledger.quiet  # accounts whose history is not kept (synthetic flow)
        self._executions: list[ExecReport] = []
        self._settlements: dict[str, tuple[int, float]] = {}  # symbol → (raw price, when)

    # --- accounts and instruments ---------------------------------------------------------
    def add_account(self, account: str, participant: str, cash: Decimal, *,
                    history: bool = True) -> None:
        """Open an account; history=False keeps no order/execution history (synthetic flow)."""
        self._ledger.open(account, participant, cash, history)

    @property
    def accounts(self) -> Mapping[str, str]:
        """account → participant."""
        return MappingProxyType(self._ledger.participants)

    @property
    def instruments(self) -> Mapping[str, SimInstrument]:
        """symbol → instrument."""
        return MappingProxyType(self._instruments)

    def keeps_history(self, account: str) -> bool:
        """False for the synthetic flow's accounts, whose history is not kept."""
        return account not in self._quiet

    # --- queries --------------------------------------------------------------------------
    def order(self, order_id: str) -> SimOrder | None:
        order = self._orders.get(order_id)
        return order.snapshot() if order else None

    def order_by_clord(self, account: str, clord_id: str) -> SimOrder | None:
        order_id = self._by_clord.get((account, clord_id))
        return self.order(order_id) if order_id else None

    def open_orders(self, accounts: Iterable[str] | None = None,
                    symbols: Iterable[str] | None = None) -> list[SimOrder]:
        want_accounts = set(accounts) if accounts is not None else None
        want_symbols = list(symbols) if symbols is not None else list(self._books)
        books = [self._books[s] for s in want_symbols if s in self._books]
        return [o.snapshot() for book in books for o in book.orders()
                if want_accounts is None or o.account in want_accounts]

    def book(self, symbol: str, depth: int = 10
             ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        return self._books[symbol].levels(depth)

    def best(self, symbol: str) -> tuple[int | None, int | None]:
        return self._books[symbol].best_bid, self._books[symbol].best_offer

    def positions(self, account: str) -> list[SimPosition]:
        return self._ledger.positions(account)

    def position(self, account: str, symbol: str) -> SimPosition:
        return self._ledger.position(account, symbol)

    def balance(self, account: str) -> SimBalance:
        return self._ledger.balance(account)

    def buying_power(self, account: str) -> Decimal:
        """Cash less what the account's working orders reserve (see ledger)."""
        return self._ledger.buying_power(account)

    def settlement(self, symbol: str) -> tuple[int, float] | None:
        """A settled market's (raw settlement price, time settled); None until it settles."""
        return self._settlements.get(symbol)

    def stats(self, symbol: str) -> SimStats:
        return replace(self._stats[symbol])

    def executions(self, account: str | None = None) -> list[ExecReport]:
        return [e for e in self._executions if account in (None, e.order.account)]

    # --- the execution journal: every kept execution, in order, numbered from 1 ----------
    @property
    def journal_seq(self) -> int:
        """Sequence number of the latest journalled execution (0: none yet)."""
        return len(self._executions)

    def journal(self, after: int = 0) -> list[ExecReport]:
        """Journalled executions with seq > ``after``, oldest first."""
        return self._executions[max(after, 0):]

    def orders(self, accounts: Iterable[str]) -> list[SimOrder]:
        """Every order of these accounts, finished ones too, in the order they were issued."""
        wanted = set(accounts)
        return [o.snapshot() for o in self._orders.values() if o.account in wanted]
