"""RFQ trade history (retail-api.md §6.4): a mixin of RetailRest.

The tape is anonymous fills of RFQ-originated orders, newest first, for keys with RFQ
access (a key without it gets 403: "This API key is not allowed to do that"). A page may be
empty with more to come: the cursor, not the page, says when the history is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tui.core.enums import Side
from tui.core.money import wire_decimal
from tui.core.venue import VenueError

Json = dict[str, Any]
MAX_PAGE = 100  # the docs: 1 to 100 a page
MAX_PAGES = 1000  # bounded: a server whose cursor never ends cannot hang the desk
SIDES = {"SIDE_BUY": Side.BUY, "SIDE_SELL": Side.SELL}


@dataclass(frozen=True, slots=True)
class RfqTrade:
    trade_id: str
    symbol: str
    price: Decimal  # dollars
    qty: Decimal  # contracts
    aggressor: Side
    executed: str  # RFC 3339, as sent


@dataclass(frozen=True, slots=True)
class RfqTradePage:
    trades: list[RfqTrade]
    cursor: str  # "" when the history is over


def rfq_trade(data: object) -> RfqTrade:
    if not isinstance(data, dict) or data.get("aggressorSide") not in SIDES:
        raise VenueError(f"The exchange sent an RFQ trade that cannot be read: {data!r}.")
    try:
        return RfqTrade(str(data.get("tradeId") or ""), str(data.get("symbol") or ""),
                        wire_decimal(data.get("price")), wire_decimal(data.get("qtyDecimal")),
                        SIDES[data["aggressorSide"]], str(data.get("executedTime") or ""))
    except ValueError as exc:
        raise VenueError(f"The exchange sent an RFQ trade that cannot be read ({exc}).") from None


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


class RfqCalls:
    async def _call(self, method: str, path: str, *, body: Json | None = None,
                    params: list[tuple[str, str]] | None = None, public: bool = False
                    ) -> Json:
        raise NotImplementedError  # RetailRest's

    async def rfq_trades(self, *, symbol: str | None = None, start: float | None = None,
                         end: float | None = None, limit: int = MAX_PAGE, cursor: str = ""
                         ) -> RfqTradePage:
        """GET /v1/rfqs/trades, one page: executed in [start, end) (epoch seconds)."""
        if not 1 <= limit <= MAX_PAGE:
            raise VenueError(f"An RFQ trade page holds 1 to {MAX_PAGE} trades.")
        params = [("limit", str(limit))] + [(k, v) for k, v in (
            ("symbol", symbol), ("cursor", cursor),
            ("startTime", _rfc3339(start) if start is not None else None),
            ("endTime", _rfc3339(end) if end is not None else None)) if v]
        reply = await self._call("GET", "/v1/rfqs/trades", params=params)
        return RfqTradePage([rfq_trade(t) for t in reply.get("trades") or []],
                            str(reply.get("cursor") or ""))

    async def all_rfq_trades(self, *, symbol: str | None = None, start: float | None = None,
                             end: float | None = None) -> list[RfqTrade]:
        """Every page, the same filters each time (§6.4), deduplicated by trade id."""
        found: dict[str, RfqTrade] = {}
        cursor = ""
        for _ in range(MAX_PAGES):
            page = await self.rfq_trades(symbol=symbol, start=start, end=end, cursor=cursor)
            for trade in page.trades:
                found.setdefault(trade.trade_id, trade)
            cursor = page.cursor
            if not cursor:
                break
        return list(found.values())
