"""Fills made while the private socket was down, from the REST history (retail-api.md §5.7,
§6.2).

The private socket has no replay (§8.4): an execution sent while it was down is gone. After
every reconnect, and at start for what happened while the desk was away, each order's copy
at the exchange (the open-order snapshot, or a lookup of an order that ended meanwhile)
gives its cumulative quantity and average price. Where that is more than the desk recorded,
the account's trade history (activities, with trade ids) says which trades made up the
difference (matching.py). Fills are keyed by trade id on the socket and here alike, so a
fill seen both ways is one fill.

Only what the history cannot account for, once the order's gap has held still across two
looks (so no execution was on its way), is recorded as an aggregate: one fill per order for
the difference, marked as such, keyed by the order and its cumulative quantity. It covers
that quantity for good: trades seen later leave nothing missing to add, so it is never
doubled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tui.core.enums import Side
from tui.core.model import Fill, Order
from tui.core.prices import Scales
from tui.core.state import DeskListener
from tui.core.venue import LocalDatabase, VenueError
from tui.venues.retail import convert
from tui.venues.retail.matching import Gap, Traded, share_out

if TYPE_CHECKING:
    from tui.venues.retail.private import PrivateFrames

log = logging.getLogger(__name__)
TASK = "recover-fills"
LOOKUP_MAX = 50  # orders looked up one by one after an outage
# at start, orders the database last saw working, newest first (those of an exchange that
# has since forgotten them are asked about at every start: keep that cost small)
AWAY_MAX = 20
# at start, ended orders short of fills are looked up if they ended within this many seconds
# (the trade history reaches back a few pages per market in any case)
ENDED_WITHIN = 24 * 3600.0
HISTORY_PAGES = 10  # pages of activities read per market and pass, at most
PASSES = 5  # looks at the gaps; aggregates only when the last two agree
SETTLE = 1.0  # seconds between looks: executions on their way arrive meanwhile
# seconds before orders left unsettled are looked at again, soon at first (a trade on its
# way settles in moments); after the last, they wait for the next reconnect
RETRY_AFTER = (2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
BOTH = frozenset({Side.BUY, Side.SELL})
INSERT_SLACK = 1.0  # seconds: a trade's time and its order's insert time, both the exchange's


class FillRecovery(DeskListener):
    """Listens to every fill the desk records (to know what each order has), and fills each
    order's gap after a reconnect."""

    def __init__(self, venue: PrivateFrames) -> None:
        self.venue = venue
        self._booked: dict[str, dict[str, tuple[int, int]]] = {}  # order → fill → qty, cost
        self._known: set[str] = set()  # every fill id recorded
        self._carried: dict[str, tuple[int, int]] = {}  # successor → fills it was born with
        self._expected: dict[str, Order] = {}  # working when the desk last ran
        self._views: dict[str, Order] = {}  # the exchange's copies, waiting to be settled
        self._lookups: dict[str, Order] = {}  # orders to look up first
        self._shown: set[str] = set()  # orders the trader hears ended
        self._unsettled: dict[str, Order] = {}  # still moving at the last look: look again
        self._unread: set[str] = set()  # markets whose history the last read could not get
        self._news = asyncio.Event()  # a reconnect came while the task waits to retry
        self._history_only: set[str] = set()  # ended orders checked at start
        # it listens to the state once the venue starts its account's side (venue.start)

    # --- what the desk recorded ---------------------------------------------------------
    def on_fill(self, fill: Fill, clord_id: str) -> None:
        self._book(fill)

    def _book(self, fill: Fill) -> None:
        self._known.add(fill.exec_id)
        self._booked.setdefault(fill.order_id, {})[fill.exec_id] = (fill.qty,
                                                                    fill.qty * fill.price)

    def prime(self, past: list[Order], store: LocalDatabase | None) -> None:
        """At start: the orders working when the desk last ran, and their recorded fills
        (the blotter holds only the latest few hundred)."""
        for fill in self.venue.state.fills:
            self._book(fill)
        self._expected = {o.order_id: o for o in past if o.order_id and o.state.is_working}
        # orders that ended short of fills: a reconnect's recovery cut off by the desk
        # stopping (the last execution came, the ones missed before it never did)
        # (all of them, by the database: the desk may have been killed again and again
        # before a recovery finished, while hundreds of newer orders came and went)
        ended = ([row.to_order() for row in store.short_of_fills(
            self.venue.state.clock() - ENDED_WITHIN)] if store is not None else [])
        ids = [*self._expected, *(o.order_id for o in ended)]
        if store is not None and ids:
            for fill in store.fills_of(ids):
                self._book(fill)
        for order in ended:
            booked = sum(q for q, _ in self._booked.get(order.order_id, {}).values())
            if booked < order.cum_qty:
                self._views[order.order_id] = replace(order)
                # a modify's successor counts its predecessor's fills, unknown after a
                # restart: its trades from the history only, never an aggregate
                self._history_only.add(order.order_id)

    def born(self, order: Order) -> None:
        """A modify's successor: the exchange may carry its predecessor's fills over into its
        cumulative quantity; those are the predecessor's, not missing."""
        if order.order_id not in self._carried and order.order_id not in self._booked:
            self._carried[order.order_id] = (order.cum_qty, order.cum_qty * order.avg_px)

    # --- after a reconnect --------------------------------------------------------------
    def reconnected(self, snapshot: list[Order], ended: list[Order]) -> None:
        """The open-order snapshot has come; `ended`: working orders it no longer holds."""
        for order in snapshot:
            self._views[order.order_id] = replace(order)  # as it was at the snapshot
            self._expected.pop(order.order_id, None)
        for order in ended[:LOOKUP_MAX]:
            self._lookups[order.order_id] = order
            self._shown.add(order.order_id)
        away, self._expected = list(self._expected.values()), {}
        for order in away[:AWAY_MAX]:  # ended while the desk was away
            self._lookups.setdefault(order.order_id, order)
        unsettled, self._unsettled = self._unsettled, {}
        for oid, order in unsettled.items():
            if oid not in self._views:
                self._lookups.setdefault(oid, order)
        if self.venue.tasks.running(TASK):
            self._news.set()  # waiting to look again at older orders: look now, with these
        else:
            self.venue.tasks.spawn(self._run(), TASK)

    async def _run(self) -> None:
        tries = 0
        while True:
            if not (self._views or self._lookups):
                if not self._unsettled or tries == len(RETRY_AFTER):
                    return
                self._news.clear()
                try:
                    await asyncio.wait_for(self._news.wait(), RETRY_AFTER[tries])
                except TimeoutError:
                    tries += 1
                self._lookups, self._unsettled = self._unsettled | self._lookups, {}
            views, self._views = self._views, {}
            lookups, self._lookups = self._lookups, {}
            views.update(await self._look_up(list(lookups.values())))
            await self._settle(views)

    async def _look_up(self, orders: list[Order]) -> dict[str, Order]:
        """The final state of each order that ended unseen, shown (or, if it ended while the
        desk was away, kept in the database only)."""
        found: dict[str, Order] = {}
        shown = 0
        for order in orders:
            try:
                now = await self.venue._fetch(order)
            except VenueError:
                continue  # one unreadable order must not stop the others
            found[now.order_id] = now
            if order.order_id in self._shown:  # the desk showed it working
                self._shown.discard(order.order_id)
                self.venue._report(self.venue._ours(replace(now)))
                shown += 1
            elif self.venue.state.find_order(order_id=now.order_id) is not None:
                if now.state.is_terminal:  # a working one the socket keeps up to date
                    self.venue._report(self.venue._ours(replace(now)))
            else:  # ended while the desk was away: kept, not shown
                self.venue.state.record_order(self.venue._ours(replace(now)))
        if shown:
            self.venue.state.notify(f"{shown} orders ended while the connection was down; "
                                    "their final states are shown.", "warning")
        return found

    async def _refresh(self, orders: list[Order]) -> dict[str, Order]:
        found: dict[str, Order] = {}
        for order in orders:
            try:
                found[order.order_id] = await self.venue._fetch(order)
            except VenueError:
                continue
        return found

    async def _settle(self, views: dict[str, Order]) -> None:
        """Look, fill the gaps from the history, look again; aggregates for what stays."""
        before: dict[str, int] = {}
        recovered = 0
        gaps: list[Gap] = []
        for look in range(PASSES):
            gaps = self._gaps(views)
            looked = [g.order for g in gaps]
            log.info("recovery look %d: %d orders, gaps %s", look, len(views),
                     {g.order.order_id: g.need for g in gaps})
            found = await self._from_history(gaps) if gaps else 0
            recovered += found
            gaps = self._gaps(views)
            # a trade just taken from the history may be one the socket reports meanwhile,
            # which moves the order on: look once more before calling it done
            if (not gaps and not found) or look == PASSES - 1:
                break
            before = {g.order.order_id: g.need for g in gaps}
            await asyncio.sleep(SETTLE)
            views |= await self._refresh(looked)
        # an aggregate only where the history was read and had nothing for a gap that
        # held still: a lost answer is asked again later, never taken for "no trades"
        steady = [g for g in gaps if before.get(g.order.order_id) == g.need
                  and g.order.symbol not in self._unread]
        kept = [g for g in steady if g.order.order_id in self._history_only]
        steady = [g for g in steady if g not in kept]  # the rest are aggregated
        self._history_only -= set(views)
        self._unsettled |= {g.order.order_id: g.order for g in gaps
                            if g not in steady and g not in kept}
        if gaps:
            log.info("recovery: aggregates for %s; looked at again later: %s",
                     [g.order.order_id for g in steady], list(self._unsettled))
        for gap in steady:
            self._aggregate(gap)
        if recovered:
            self.venue.state.notify(f"Recovered {recovered} fill(s) made while the connection "
                                    "was down (from the exchange's trade history).", "warning")
        if steady:
            self.venue.state.notify(
                f"{len(steady)} order(s) filled while the connection was down with no trades "
                "in the exchange's history; recorded as one aggregate fill each (its "
                "quantity and average price).", "warning")
        if len(steady) < len(gaps):
            self.venue.state.notify(
                f"{len(gaps) - len(steady)} order(s) show more filled at the exchange than "
                "the desk has recorded; the desk looks again shortly.", "warning")

    def _gaps(self, views: dict[str, Order]) -> list[Gap]:
        gaps = []
        for oid, seen in views.items():
            if seen.symbol not in self.venue.state.instruments:
                continue
            # the desk's copy moves with each execution it records: where it is ahead of
            # the copy looked at, it and the fills recorded agree
            shown = self.venue.state.find_order(order_id=oid)
            order = shown if shown is not None and shown.cum_qty > seen.cum_qty else seen
            carried_qty, carried_cost = self._carried.get(oid, (0, 0))
            booked = self._booked.get(oid, {}).values()
            need = order.cum_qty - carried_qty - sum(q for q, _ in booked)
            if need <= 0:
                continue
            cost = order.avg_px * order.cum_qty - carried_cost - sum(c for _, c in booked)
            # the average price is rounded to the market's places: half a unit a contract
            slack = (order.cum_qty + 1) // 2 + carried_qty
            gaps.append(Gap(order, need, cost, slack))
        return gaps

    # --- the history --------------------------------------------------------------------
    async def _from_history(self, gaps: list[Gap]) -> int:
        """Record the trades that make up these gaps, market by market; how many."""
        recorded = 0
        self._unread = set()
        by_market: dict[str, list[Gap]] = {}
        for gap in gaps:
            by_market.setdefault(gap.order.symbol, []).append(gap)
        for symbol, group in by_market.items():
            try:
                shares = await self._share(symbol, group)
            except VenueError as exc:
                log.info("the trade history of %s could not be read: %s", symbol, exc)
                self._unread.add(symbol)
                continue
            if shares is None:
                log.info("recovery: the history of %s did not make up %s", symbol,
                         {g.order.order_id: g.need for g in group})
            for gap, trades in zip(group, shares or [], strict=False):
                for trade in trades:
                    recorded += self._record(gap.order,
                                             convert.trade_key(trade.trade_id, gap.order.side),
                                             trade.price,
                                             trade.qty, trade.at)
        return recorded

    async def _share(self, symbol: str, group: list[Gap]) -> list[list[Traded]] | None:
        """Read the market's history, newest first, until its new trades make up the gaps."""
        scales = self.venue.state.instruments[symbol].scales
        wanted = sum(g.need for g in group)
        unknown: dict[tuple[str, int], Traded] = {}  # (trade id, its n-th listing)
        listed: dict[str, int] = {}
        # a trade older than every order in the group is none of theirs (after a restart the
        # history holds trades of past orders the desk recorded but does not hold in memory)
        inserted = [g.order.inserted_ns for g in group if g.order.inserted_ns is not None]
        since = (min(inserted) / 1e9 - INSERT_SLACK if len(inserted) == len(group)
                 else float("-inf"))
        cursor = ""
        for _ in range(HISTORY_PAGES):
            page, cursor = await self.venue.rest.activity_page(market_slug=symbol,
                                                               cursor=cursor)
            for activity in page:
                trade = _traded(activity, scales)
                if trade is None or trade.at < since:
                    continue
                n = listed[trade.trade_id] = listed.get(trade.trade_id, 0) + 1
                known = {s for s in BOTH if convert.trade_key(trade.trade_id, s) in self._known}
                if n > len(known):  # a listing no recorded fill accounts for
                    unknown.setdefault((trade.trade_id, n),
                                       replace(trade, sides=frozenset(BOTH - known)))
            if sum(t.qty for t in unknown.values()) >= wanted:
                # oldest of those read first: the newest may be trades made since the look,
                # which the socket is about to report itself
                shares = share_out(group, list(reversed(unknown.values())))
                if shares is not None:
                    return shares
            if not cursor:
                break
        return None

    def _record(self, order: Order, fill_id: str, price: int, qty: int, at: float, *,
                aggregate: bool = False) -> int:
        ours = self.venue._ours(replace(order))
        fill = Fill(exec_id=fill_id, order_id=order.order_id, symbol=order.symbol,
                    side=order.side, price=price, qty=qty, intent=ours.intent, at=at,
                    aggregate=aggregate)
        clord = self.venue._clords.get(order.order_id, order.clord_id)
        return int(self.venue.state.add_fill(fill, clord_id=clord))

    def _aggregate(self, gap: Gap) -> None:
        """One fill for the difference at its average price; split in two one raw unit
        apart when the average is not a whole raw price, so the cost is exact."""
        order = gap.order
        fill_id = f"agg:{order.order_id}:{order.cum_qty}"
        ceiling = self.venue.state.instruments[order.symbol].scales.max_price
        if 0 <= gap.cost <= gap.need * ceiling:
            price, odd = divmod(gap.cost, gap.need)
        else:  # what the desk recorded disagrees with the exchange's average: take it
            price, odd = order.avg_px, 0
        now = time.time()
        self._record(order, fill_id, price, gap.need - odd, now, aggregate=True)
        if odd:
            self._record(order, f"{fill_id}:+1", price + 1, odd, now, aggregate=True)


def _traded(activity: dict[str, Any], scales: Scales) -> Traded | None:
    """A §6.2 trade activity; None for any other activity or one that cannot be read."""
    trade = activity.get("trade")
    if activity.get("type") != "ACTIVITY_TYPE_TRADE" or not isinstance(trade, dict):
        return None
    try:
        qty = convert.raw_qty(trade.get("qtyDecimal") or trade.get("qty"), scales)
        price = convert.raw_price(trade.get("price"), scales)
    except (ValueError, TypeError):
        return None
    trade_id = str(trade.get("id") or "")
    if not trade_id or qty <= 0:
        return None
    at = convert.epoch_ns(trade.get("createTime") or trade.get("updateTime"))
    return Traded(trade_id, price, qty, bool(trade.get("isAggressor")),
                  at / 1e9 if at is not None else time.time())
