"""The end of every fault run: the desk's database and state against the exchange's own
journal of the account's orders and executions.

Fills are matched by execution id (both venues name a fill by the exchange's id) and,
per order, by quantity, so a fill recorded under another id still counts as doubled.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.enums import ExecType, Side
from tui.core.state import DeskState
from tui.sim.exchange import Exchange
from tui.sim.model import ExecReport, SimOrder
from tui.venues.retail.convert import trade_key

FILLS = (ExecType.FILL, ExecType.PARTIAL_FILL)
Signature = tuple[str, Side, int, int]  # (exchange symbol, YES side, YES price, quantity)


@dataclass
class Figures:
    """What one run did and what it left behind; the `bad` ones must be 0."""

    run: str
    venue: str
    faults: dict[str, int] = field(default_factory=dict)  # what was done to the desk
    fills: int = 0  # at the exchange, for the account
    lost: int = 0  # exchange fills missing from the database (or the desk's state)
    duplicated: int = 0  # fills recorded twice or more than the exchange made
    orders: int = 0  # inserts the run sent through the desk
    duplicate_orders: int = 0  # exchange orders beyond one per insert
    left_working: int = 0  # working at the exchange though the desk shows them ended
    stuck_pending: int = 0  # still pending at the desk after the settle window
    positions_differ: int = 0  # markets where the desk's net position is not the exchange's
    presses: int = 0  # kill-switch presses
    presses_leaving: int = 0  # presses after which the exchange still listed an order
    orders_after_press: int = 0  # orders still working after those presses
    damaged: int = 0  # 1: the desk's database failed its integrity check
    stale_trials: int = 0  # price feeds frozen (open, silent)
    stale_missed: int = 0  # ... that the desk did not flag as stale
    stale_worst: float = 0.0  # seconds from the freeze to the flag, at worst
    stale_times: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # ids behind a bad figure, for a look

    @property
    def bad(self) -> dict[str, int]:
        return {name: value for name, value in (
            ("lost", self.lost), ("duplicated", self.duplicated),
            ("duplicate orders", self.duplicate_orders), ("left working", self.left_working),
            ("stuck pending", self.stuck_pending), ("positions differ", self.positions_differ),
            ("presses leaving orders", self.presses_leaving),
            ("database damaged", self.damaged), ("stale feeds missed", self.stale_missed))
            if value}

    def result(self) -> str:
        if self.stale_trials:
            best = min(self.stale_times, default=0.0)
            return (f"flagged within {self.stale_worst:.1f} s in "
                    f"{self.stale_trials - self.stale_missed} of {self.stale_trials} trials "
                    f"(soonest {best:.1f} s)")
        parts = [f"{self.lost} lost", f"{self.duplicated} duplicated"]
        if self.orders:
            parts.append(f"{self.duplicate_orders} duplicate orders")
            parts.append(f"{self.stuck_pending} stuck pending")
        if self.presses:
            parts.append(f"{self.presses_leaving} of {self.presses} presses left orders "
                         f"working ({self.orders_after_press} orders)")
        parts.append(f"{self.left_working} left working")
        if self.run.startswith("desk process"):
            parts.append("database damaged" if self.damaged else "database intact")
        parts.append("positions agree" if not self.positions_differ
                     else f"positions differ in {self.positions_differ} markets")
        return ", ".join(parts)

    def describe(self) -> str:
        done = ", ".join(f"{n:,} {what}" for what, n in self.faults.items())
        return f"{self.venue}: {self.run}" + (f", {done}" if done else "") + (
            "" if self.stale_trials or (self.presses and not self.fills)
            else f", {self.fills:,} fills")


def table(rows: Iterable[Figures]) -> str:
    """The figures as the issue's markdown table."""
    lines = ["| run | result |", "|---|---|"]
    for row in rows:
        lines.append(f"| {row.describe()} | {row.result()} |")
        lines.extend(f"|   note | {note} |" for note in row.notes)
        lines.extend(f"|   detail | {detail} |" for detail in row.details)
    return "\n".join(lines)


@dataclass
class Recorded:
    """The desk's own record of its fills: execution id → (order id, quantity), and the net
    YES position per desk symbol."""

    fills: dict[str, tuple[str, int]]
    positions: dict[str, int]
    exec_ids: Counter[str] = field(default_factory=Counter)  # how often each id appears
    orders: set[str] | None = None  # exchange ids of the orders the desk knows (database)


def from_state(state: DeskState) -> Recorded:
    fills = {f.exec_id: (f.order_id, f.qty) for f in state.fills}
    return Recorded(fills, {s: p.net for s, p in state.positions.items() if p.net},
                    Counter(f.exec_id for f in state.fills))


def from_database(path: Path) -> Recorded:
    """Read the desk's database directly (read-only), as `pmdesk export` would find it."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT exec_id, order_id, qty FROM executions").fetchall()
        held = db.execute("SELECT symbol, yes_qty - no_qty FROM positions").fetchall()
        known = {o for (o,) in db.execute("SELECT order_id FROM orders")}
    finally:
        db.close()
    return Recorded({e: (o, q) for e, o, q in rows}, {s: n for s, n in held if n},
                    Counter(e for e, _, _ in rows), known)


def fill_key(e: ExecReport) -> str:
    """The retail desk's id of a fill: its trade id and its order's side."""
    return trade_key(e.trade_id, e.order.side)


def unknown_order(recorded: Recorded, order_id: str) -> str:
    """Words for a lost fill whose order the desk's database never held (its insert's
    answer lost with the process)."""
    if recorded.orders is None or order_id in recorded.orders:
        return ""
    return " (an order the desk never knew: its insert's answer was lost)"


def reconcile(figures: Figures, ex: Exchange, account: str, recorded: Recorded, *,
              desk_symbol: Callable[[str], str] = str) -> None:
    """Fill `figures` with lost, duplicated fills and differing positions."""
    made = [e for e in ex.executions(account) if e.type in FILLS]
    figures.fills = len(made)
    # the gateway's desk keys a fill by its execution id; the retail desk by its trade id
    # (what both its socket and its trade history name), so a fill found twice is one
    made_ids = {e.exec_id for e in made} | {fill_key(e) for e in made if e.trade_id}
    missing = [e for e in made if e.exec_id not in recorded.fills
               and fill_key(e) not in recorded.fills]
    figures.lost = len(missing)
    per_order_ex: Counter[str] = Counter()
    for e in made:
        per_order_ex[e.order.order_id] += e.last_shares
    per_order_desk: Counter[str] = Counter()
    for order_id, qty in recorded.fills.values():
        per_order_desk[order_id] += qty
    twice = sum(n - 1 for n in recorded.exec_ids.values() if n > 1)
    strays = [e for e in recorded.fills if e not in made_ids]
    unknown = len(strays)
    if missing or strays:  # which, so a bad figure can be looked into
        figures.details += [f"missing {e.exec_id}/{e.trade_id} order {e.order.order_id} "
                            f"qty {e.last_shares}{unknown_order(recorded, e.order.order_id)}"
                            for e in missing[:5]]
        figures.details += [f"recorded only by the desk: {e} {recorded.fills[e]}"
                            for e in strays[:5]]
    excess = sum(1 for o, q in per_order_desk.items() if q > per_order_ex.get(o, 0))
    figures.duplicated = max(twice + unknown, excess)
    exchange_net = {desk_symbol(p.symbol): p.net_position for p in ex.positions(account)
                    if p.net_position}
    symbols = set(exchange_net) | set(recorded.positions)
    figures.positions_differ = sum(1 for s in symbols
                                   if exchange_net.get(s, 0) != recorded.positions.get(s, 0))


def duplicate_orders(ex: Exchange, account: str, sent: Iterable[Signature]) -> int:
    """Exchange orders of the account beyond one per insert the run sent, matched by what
    they are (the retail API keeps no client order id to match them by)."""
    asked = Counter(sent)
    made = Counter((o.symbol, o.side, o.price, o.order_qty) for o in ex.orders([account])
                   if not o.parent_order_id)
    by_clord = Counter(o.clord_id for o in ex.orders([account]) if o.clord_id)
    twice = sum(n - 1 for n in by_clord.values() if n > 1)
    return max(twice, sum(max(0, n - asked.get(sig, 0)) for sig, n in made.items()))


def left_working(ex: Exchange, account: str, state: DeskState,
                 desk_id: Callable[[SimOrder], str] = lambda o: o.order_id) -> int:
    """Orders working at the exchange that the desk does not show working (by the desk's
    id for each: the CLOB's is its hash)."""
    working = {o.order_id for o in state.working_orders()}
    return sum(1 for o in ex.open_orders(accounts=[account]) if desk_id(o) not in working)
