"""Fills the local database lacks, read back from the exchange at start.

A desk started on a new machine, or after its database was lost, holds none of the day's
fills, and the drop copy (with no resume token to replay from) reports only what happens
from then on. So at start the account's own trades of the last 24 h are read with
SearchTrades (paged), and each of its executions the desk has neither in memory nor in the
database (by execution id, as every stream's report is kept once) becomes a fill: shown in
the blotter, and written to the database by its listener like any other. Said once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from tui.core.model import Fill, Order
from tui.core.state import DeskState
from tui.core.venue import LocalDatabase, VenueError
from tui.proto.polymarket.v1 import orders_pb2 as ord_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.gateway import convert
from tui.venues.gateway.rest import GatewayRest

log = logging.getLogger(__name__)

BACKFILL_SECONDS = 24 * 3600.0  # the trades read back: the last 24 h
PAGE_SIZE = 500
PAGES_MAX = 20  # 10 000 trades at most: a broken server cannot page us forever


def own_executions(trades: list[ord_pb.Trade], account: str) -> list[tr_pb.Execution]:
    """The account's fills in these trades (a trade holds both sides; another trader's side
    is never the desk's, so an execution that names no account is left out)."""
    return [ex for trade in trades for ex in (trade.aggressor, trade.passive)
            if ex.id and ex.last_shares > 0 and ex.order.account == account]


class TradeBackfill:
    state: DeskState
    rest: GatewayRest
    account: str
    store: LocalDatabase | None

    if TYPE_CHECKING:  # from the venue base (no override)
        def _ours(self, order: Order) -> Order: ...

    async def _backfill_fills(self) -> int:
        """At start, once the account's database is attached: the day's fills it lacks,
        added (oldest first, as the blotter is newest first). Returns how many."""
        account = self.account
        try:
            executions = await self._day_executions(account)
        except VenueError as exc:  # the desk is as it was without this: logged, not said
            log.warning("the day's trades were not read back: %s", exc)
            return 0
        try:
            known = await self._recorded(executions)
        except Exception:  # a database that cannot say what it holds: add none
            log.exception("the day's fills not checked against the local database")
            return 0
        if self.account != account:
            return 0  # switched meanwhile: another account's database listens now
        added = 0
        for ex in sorted(executions, key=_epoch_ns):
            if ex.id in known:
                continue
            order = self._ours(convert.order(ex.order))
            at = _epoch_ns(ex) / 1e9 if ex.HasField("transact_time") else self.state.clock()
            fill = Fill(exec_id=ex.id, order_id=order.order_id, symbol=order.symbol,
                        side=order.side, price=ex.last_px, qty=ex.last_shares,
                        intent=order.intent, at=at)
            # False: a stream reported it meanwhile, or the database's history holds it
            added += self.state.add_fill(fill, clord_id=order.clord_id, account=account)
        if added:
            self.state.notify(f"Recovered {added} fill(s) of the last 24 h that the local "
                              "database lacked (from the exchange's trade report).",
                              "warning")
        return added

    async def _day_executions(self, account: str) -> list[tr_pb.Execution]:
        """The account's fills of the last 24 h, each execution id once."""
        req = ord_pb.SearchTradesRequest(page_size=PAGE_SIZE, accounts=[account])
        req.start_time.CopyFrom(convert.timestamp(time.time() - BACKFILL_SECONDS))
        found: dict[str, tr_pb.Execution] = {}
        for _ in range(PAGES_MAX):
            resp = await self.rest.search_trades(req)
            for ex in own_executions(list(resp.trade), account):
                found.setdefault(ex.id, ex)
            if not resp.next_page_token:
                break
            req.page_token = resp.next_page_token
        return list(found.values())

    async def _recorded(self, executions: list[tr_pb.Execution]) -> set[str]:
        """Execution ids the database holds for these orders, whatever their age (the
        blotter brings back only the latest few hundred)."""
        if self.store is None or not executions:
            return set()
        order_ids = list(dict.fromkeys(ex.order.id for ex in executions))
        fills = await asyncio.to_thread(self.store.fills_of, order_ids)
        return {f.exec_id for f in fills}


def _epoch_ns(ex: tr_pb.Execution) -> int:
    return convert.epoch_ns(ex.transact_time)
