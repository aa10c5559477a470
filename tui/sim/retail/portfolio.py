"""Retail portfolio and account routes (retail-api.md §6): positions, activities, balances.

Cursors are opaque strings to the client; here they are offsets into a stable ordering
(positions by slug, activities by execution order), which is enough for a sim whose
history only grows.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.enums import Side
from tui.sim.auth import SimUser
from tui.sim.model import SimPosition
from tui.sim.retail.api import RetailApi
from tui.sim.retail.wire import (
    RetailError,
    amount,
    money,
    num,
    position_json,
    px_amount,
    qty_dec,
    qty_text,
    rfc3339,
    slug_of,
)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def page_args(request: Request) -> tuple[int, int]:
    """(offset, limit) from the cursor and limit query parameters."""
    query = request.query_params
    cursor, limit_text = query.get("cursor") or "0", query.get("limit") or str(DEFAULT_LIMIT)
    if not cursor.isdigit():
        raise RetailError(400, "cursor is not one this exchange issued")
    if not limit_text.isdigit() or not 0 < int(limit_text) <= MAX_LIMIT:
        raise RetailError(400, f"limit must be 1 to {MAX_LIMIT}")
    return int(cursor), int(limit_text)


def balance_json(api: RetailApi, account: str) -> dict[str, Any]:
    """§6.3 UserBalance: JSON numbers, cents."""
    cent = Decimal("0.01")
    cash = api.exchange.balance(account).cash.quantize(cent)
    power = api.exchange.buying_power(account).quantize(cent, rounding=ROUND_DOWN)
    return {
        "currentBalance": num(cash), "currency": "USD",
        "lastUpdated": rfc3339(api.clock()), "buyingPower": num(power),
        "assetNotional": 0, "assetAvailable": 0, "pendingCredit": 0,
        "openOrders": num(cash - power), "unsettledFunds": 0,
        "pendingWithdrawals": [], "marginRequirement": 0,
    }


class RetailPortfolio:
    def __init__(self, api: RetailApi) -> None:
        self.api = api
        self.exchange = api.exchange

    def routes(self) -> list[Route]:
        s = self.api.signed
        return [
            s("/v1/portfolio/positions", self._positions, "GET"),
            s("/v1/portfolio/activities", self._activities, "GET"),
            s("/v1/account/balances", self._balances, "GET"),
        ]

    def position_json(self, p: SimPosition) -> dict[str, Any]:
        return position_json(p, self.exchange.instruments[p.symbol])

    # --- §6.1 -------------------------------------------------------------------------
    def _positions(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        offset, limit = page_args(request)
        market = request.query_params.get("market")
        # flat positions stay listed: their realized P&L is still the trader's to see
        held = [p for a in user.accounts for p in self.exchange.positions(a)
                if market is None or slug_of(p.symbol) == market.lower()]
        held.sort(key=lambda p: slug_of(p.symbol))
        page = held[offset:offset + limit]
        eof = offset + limit >= len(held)
        return {"positions": {slug_of(p.symbol): self.position_json(p) for p in page},
                "nextCursor": "" if eof else str(offset + limit), "eof": eof}

    # --- §6.2 -------------------------------------------------------------------------
    def _activities(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        offset, limit = page_args(request)
        query = request.query_params
        types = query.getlist("types")
        order = query.get("sortOrder") or "SORT_ORDER_DESCENDING"
        if order not in ("SORT_ORDER_DESCENDING", "SORT_ORDER_ASCENDING"):
            raise RetailError(400, "sortOrder must be SORT_ORDER_DESCENDING or "
                                   "SORT_ORDER_ASCENDING")
        activities: list[dict[str, Any]] = []
        if not types or "ACTIVITY_TYPE_TRADE" in types:  # the only activity a sim has
            activities = self._trades(user, query.get("marketSlug"))
        if order == "SORT_ORDER_DESCENDING":
            activities.reverse()
        page = activities[offset:offset + limit]
        eof = offset + limit >= len(activities)
        return {"activities": page, "nextCursor": "" if eof else str(offset + limit),
                "eof": eof}

    def _trades(self, user: SimUser, market: str | None) -> list[dict[str, Any]]:
        """Every fill of the user's, oldest first, with the P&L it realised.

        The account's fills are replayed through a fresh average-cost position per market,
        so each trade's realizedPnl is exactly what that fill closed.
        """
        out: list[dict[str, Any]] = []
        replay: dict[tuple[str, str], SimPosition] = {}
        for account in user.accounts:
            for e in self.exchange.executions(account):
                if not e.last_shares:
                    continue
                key = (account, e.symbol)
                pos = replay.setdefault(key, SimPosition(account, e.symbol))
                before = pos.realized
                signed = e.last_shares if e.order.side is Side.BUY else -e.last_shares
                pos.apply(signed, e.last_px, e.transact_time)
                if market is not None and slug_of(e.symbol) != market.lower():
                    continue
                sc = self.exchange.instruments[e.symbol].scales
                when = rfc3339(e.transact_time)
                out.append({"type": "ACTIVITY_TYPE_TRADE", "trade": {
                    "id": e.trade_id, "marketSlug": slug_of(e.symbol),
                    "state": f"ORDER_STATE_{e.order.state.name}",
                    "createTime": when, "updateTime": when,
                    "price": px_amount(e.last_px, sc),
                    "qty": f"{qty_dec(e.last_shares, sc).quantize(Decimal(1), ROUND_HALF_UP):f}",
                    "qtyDecimal": qty_text(e.last_shares, sc),
                    "isAggressor": e.aggressor,
                    "costBasis": amount(money(e.last_px * e.last_shares, sc)),
                    "realizedPnl": amount(money(pos.realized - before, sc)),
                }})
        return out

    # --- §6.3 -------------------------------------------------------------------------
    def _balances(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        return {"balances": [balance_json(self.api, a) for a in user.accounts]}
