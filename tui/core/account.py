"""What one trading account holds on the desk: its orders, positions, fills and balance.

DeskState keeps one of these per account id (a firm trades several); the desk and the UI read
the active one through DeskState's own attributes. Plain values and indexes, no I/O.
"""

from __future__ import annotations

from collections import deque

from tui.core.model import Balance, Fill, Order, Position
from tui.core.recent import RecentSet

FILLS_KEPT = 500  # the blotter's fills, newest first
# ended orders kept in memory (the order history shows the newest 300; the local database
# keeps them all): a desk that runs for days must not hold every order it ever placed
ENDED_KEPT = 1000
# execution ids remembered to drop a fill reported twice (order stream and drop copy, a
# replay after a reconnect): far more than a session is ever told again
FILL_IDS_KEPT = 20_000


class AccountState:
    """One account's orders (with a per-market index of the working ones), positions by
    market, fills (each execution id once), past sessions' ended orders and balance."""

    def __init__(self, account: str = "") -> None:
        self.account = account
        self.orders: dict[str, Order] = {}  # by order_id, or by clord_id while pending
        # working orders by symbol, under the same keys: every market-data message looks
        # up its market's orders, and finished orders pile up in self.orders all session
        self._working: dict[str, dict[str, Order]] = {}
        self.positions: dict[str, Position] = {}
        self.fills: deque[Fill] = deque(maxlen=FILLS_KEPT)
        # a fill reported twice (order stream, drop copy) once
        self._fill_ids: RecentSet[str] = RecentSet(FILL_IDS_KEPT)
        self.history: list[Order] = []  # finished orders of past sessions, newest first
        self.balance: Balance | None = None
        self._trim_at = 2 * ENDED_KEPT  # orders held when ended ones are next trimmed

    # --- orders ---------------------------------------------------------------------
    def upsert_order(self, order: Order, pending_key: str | None) -> None:
        if pending_key and pending_key != order.order_id:
            gone = self.orders.pop(pending_key, None)
            if gone is not None:
                self._working.get(gone.symbol, {}).pop(pending_key, None)
        key = order.order_id or order.clord_id
        self.orders[key] = order
        self._index(key, order)
        if len(self.orders) > self._trim_at:
            self._trim()

    def _trim(self) -> None:
        """Forget all but the latest ENDED_KEPT ended orders (working ones always stay).
        Run once per ENDED_KEPT orders added, so its walk costs little per order."""
        ended = [k for k, o in self.orders.items() if not o.state.is_working]
        for key in ended[:-ENDED_KEPT]:
            gone = self.orders.pop(key)
            self._working.get(gone.symbol, {}).pop(key, None)
        self._trim_at = len(self.orders) + ENDED_KEPT

    def replace_open_orders(self, orders: list[Order]) -> set[str]:
        """The venue's open orders, plus our own unsent pendings and the orders that already
        ended this session. Returns the markets whose orders changed (before and after)."""
        acked = {o.clord_id for o in orders if o.clord_id}
        pending = {k: o for k, o in self.orders.items()
                   if o.is_pending and not o.order_id and o.clord_id not in acked}
        listed = {o.order_id for o in orders}
        ended = {k: o for k, o in self.orders.items()
                 if not o.state.is_working and k not in listed}
        moved = {o.symbol for o in self.orders.values()} | {o.symbol for o in orders}
        self.orders = ended | {o.order_id: o for o in orders}
        self.orders.update(pending)
        self._working = {}
        for key, order in self.orders.items():
            self._index(key, order)
        return moved

    def _index(self, key: str, order: Order) -> None:
        bucket = self._working.setdefault(order.symbol, {})
        if order.state.is_working:
            bucket[key] = order
        else:
            bucket.pop(key, None)

    def find_order(self, *, order_id: str = "", clord_id: str = "") -> Order | None:
        if order_id and order_id in self.orders:
            return self.orders[order_id]
        if clord_id:
            if clord_id in self.orders:
                return self.orders[clord_id]
            for order in self.orders.values():
                if order.clord_id == clord_id:
                    return order
        return None

    def working_orders(self, symbol: str | None = None) -> list[Order]:
        if symbol is not None:  # orders change state in place: check it again
            return [o for o in self._working.get(symbol, {}).values() if o.state.is_working]
        # every market's working orders: not a walk over all of the session's orders
        return [o for bucket in self._working.values() for o in bucket.values()
                if o.state.is_working]

    # --- positions, fills, balance ------------------------------------------------------
    def set_positions(self, positions: list[Position], *, snapshot: bool) -> None:
        if snapshot:
            self.positions = {}
        for p in positions:
            self.positions[p.symbol] = p

    def add_fill(self, fill: Fill) -> bool:
        """False when this execution id was seen already (nothing changes)."""
        if fill.exec_id in self._fill_ids:
            return False
        self._fill_ids.add(fill.exec_id)
        self.fills.appendleft(fill)
        return True

    def load_history(self, fills: list[Fill], orders: list[Order]) -> None:
        """Past sessions (both newest first), under this session's."""
        for fill in fills:
            if fill.exec_id not in self._fill_ids:
                self._fill_ids.add(fill.exec_id)
                self.fills.append(fill)
        self.history = orders
