"""Retail public market data (retail-api.md §7): markets, book and BBO, no authentication.

On the real venue these live on the gateway host; the sim serves them on the same port as
the signed routes. The MarketData / MarketDataLite builders here are also what the markets
WebSocket sends (§8.4), so the book route and the feed can never disagree on shape.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.core.enums import InstrumentState
from tui.sim.model import SimInstrument
from tui.sim.retail.api import RetailApi, error_response
from tui.sim.retail.wire import (
    RetailError,
    amount,
    num,
    px_amount,
    qty_dec,
    qty_text,
    rfc3339,
    slug_of,
)

BOOK_DEPTH = 20  # levels per side on the book route and the MARKET_DATA feed
ALL_LEVELS = 1_000_000
Levels = tuple[list[tuple[int, int]], list[tuple[int, int]]]
_STATUS = {InstrumentState.OPEN: "MARKET_STATUS_OPEN", InstrumentState.CLOSED:
           "MARKET_STATUS_CLOSED", InstrumentState.EXPIRED: "MARKET_STATUS_CLOSED",
           InstrumentState.TERMINATED: "MARKET_STATUS_CLOSED",
           InstrumentState.HALTED: "MARKET_STATUS_HALTED",
           InstrumentState.SUSPENDED: "MARKET_STATUS_HALTED"}


def is_closed(inst: SimInstrument) -> bool:
    """A market's `closed` flag (§7.2), from its state alone: discovery asks it per event."""
    return _STATUS.get(inst.state) == "MARKET_STATUS_CLOSED"


def market_state(inst: SimInstrument) -> str:
    if inst.state is InstrumentState.PENDING:
        return "MARKET_STATE_PREOPEN"
    return f"MARKET_STATE_{inst.state.name}"


def two_figures(value: Decimal) -> str:
    """§7.4 bidShares/askShares: rounded down to 2 significant figures, "0" when empty."""
    if not value:
        return "0"
    step = Decimal(1).scaleb(value.adjusted() - 1)
    return f"{((value / step).to_integral_value(ROUND_FLOOR) * step).normalize():f}"


def stats_json(inst: SimInstrument, stats: dict[str, int | None]) -> dict[str, Any]:
    """§7.3 stats from the engine's InstrumentStats names; unknown values are left out."""
    sc = inst.scales
    out: dict[str, Any] = {"sharesTraded": qty_text(stats.get("shares_traded") or 0, sc)}
    for key, name in (("open_px", "openPx"), ("high_px", "highPx"), ("low_px", "lowPx"),
                      ("last_trade_px", "lastTradePx"), ("settlement_px", "settlementPx")):
        if stats.get(key) is not None:
            out[name] = px_amount(stats[key] or 0, sc)
    if stats.get("last_trade_qty") is not None:
        out["lastTradeQty"] = qty_text(stats["last_trade_qty"] or 0, sc)
    if stats.get("notional_traded"):
        out["notionalTraded"] = amount(Decimal(stats["notional_traded"] or 0)
                                       / (sc.price_scale * sc.qty_scale))
    return out


def market_data_json(inst: SimInstrument, book: Levels, stats: dict[str, int | None],
                     when: float) -> dict[str, Any]:
    """§7.3 MarketData: full top of book (best first) and the session stats."""
    sc = inst.scales
    bids, offers = book
    return {
        "marketSlug": slug_of(inst.symbol),
        "bids": [{"px": px_amount(px, sc), "qty": qty_text(q, sc)} for px, q in bids],
        "offers": [{"px": px_amount(px, sc), "qty": qty_text(q, sc)} for px, q in offers],
        "state": market_state(inst), "stats": stats_json(inst, stats),
        "transactTime": rfc3339(when),
    }


def public_endpoint(handler: Callable[[Request], dict[str, Any]]
                    ) -> Callable[[Request], Awaitable[Response]]:
    """An unauthenticated route: the handler's JSON, or its RetailError in the retail shape."""
    async def endpoint(request: Request) -> Response:
        try:
            return JSONResponse(handler(request))
        except RetailError as exc:
            return error_response(exc)
    return endpoint


class RetailPublic:
    def __init__(self, api: RetailApi) -> None:
        self.api = api
        self.exchange = api.exchange

    def routes(self) -> list[Route]:
        p = public_endpoint
        return [
            Route("/v1/markets", p(self._markets), methods=["GET"]),
            Route("/v1/market/slug/{slug}", p(self._by_slug), methods=["GET"]),
            Route("/v1/market/id/{id}", p(self._by_id), methods=["GET"]),
            Route("/v1/markets/{slug}/book", p(self._book), methods=["GET"]),
            Route("/v1/markets/{slug}/bbo", p(self._bbo), methods=["GET"]),
            Route("/v1/markets/{slug}/settlement", p(self._settlement), methods=["GET"]),
        ]

    # --- JSON ---------------------------------------------------------------------------
    def market_id(self, inst: SimInstrument) -> str:
        # a stable small integer as a string: the OpenAPI says str, the SDK int (§13 #9)
        return str(1000 + list(self.exchange.instruments).index(inst.symbol) + 1)

    def market_json(self, inst: SimInstrument) -> dict[str, Any]:
        """§7.2 Market; the long (YES) side first in marketSides."""
        sc = inst.scales
        slug, mid = slug_of(inst.symbol), self.market_id(inst)
        bid, ask = self.exchange.best(inst.symbol)
        last = self.exchange.stats(inst.symbol).last_px
        ref = (bid + ask) // 2 if bid is not None and ask is not None else last
        parts = slug.split("-")
        sports = "sports_game_league" in inst.metadata and len(parts) > 3
        names = (parts[2].upper(), parts[3].upper()) if sports else ("Yes", "No")
        sides = []
        for long, name in ((True, names[0]), (False, names[1])):
            price = (sc.price_text(ref if long else sc.price_scale - ref)
                     if ref is not None else "")
            buy_at = ask if long else (sc.price_scale - bid if bid is not None else None)
            sides.append({
                "id": f"{mid}-{'long' if long else 'short'}", "marketSideType": "",
                "identifier": f"{slug}-{'yes' if long else 'no'}", "description": name,
                "price": price, "marketId": mid, "long": long,
                "quote": px_amount(buy_at, sc) if buy_at is not None else None,
                "tradable": inst.state is InstrumentState.OPEN,
            })
        open_ = inst.state is InstrumentState.OPEN
        return {
            "id": mid, "slug": slug, "question": inst.description, "title": inst.description,
            "subtitle": "", "description": inst.description,
            "active": open_, "closed": is_closed(inst),
            "archived": False, "hidden": False,
            "status": ("MARKET_STATUS_RESOLVED" if self.settlement_px(inst) is not None
                       else _STATUS.get(inst.state, "MARKET_STATUS_UNSPECIFIED")),
            "orderPriceMinTickSize": num(inst.tick_size),
            "minimumTradeQty": num(qty_dec(sc.min_qty, sc)),
            "marketSides": sides,
            "bestBidQuote": px_amount(bid, sc) if bid is not None else None,
            "bestAskQuote": px_amount(ask, sc) if ask is not None else None,
            "category": inst.metadata.get("event_category", ""),
        }

    def book_json(self, inst: SimInstrument) -> dict[str, Any]:
        return market_data_json(inst, self.exchange.book(inst.symbol, BOOK_DEPTH),
                                self.exchange.stats(inst.symbol).as_dict(),
                                self.exchange.clock())

    def lite_json(self, inst: SimInstrument) -> dict[str, Any]:
        """§7.4 MarketDataLite over the whole book."""
        sc = inst.scales
        bids, offers = self.exchange.book(inst.symbol, ALL_LEVELS)
        stats = self.exchange.stats(inst.symbol)
        bid = bids[0][0] if bids else None
        ask = offers[0][0] if offers else None
        mid = (bid + ask) // 2 if bid is not None and ask is not None else None

        def px(raw: int | None) -> dict[str, str] | None:
            return px_amount(raw, sc) if raw is not None else None

        return {
            "marketSlug": slug_of(inst.symbol), "currentPx": px(mid),
            "lastTradePx": px(stats.last_px), "settlementPx": px(stats.settlement_px),
            "bestBid": px(bid), "bestAsk": px(ask),
            "longQuote": px(ask),
            "shortQuote": px(sc.price_scale - bid) if bid is not None else None,
            "sharesTraded": qty_text(stats.volume, sc), "openInterest": "0",
            "bidDepth": len(bids), "askDepth": len(offers),
            "bidShares": two_figures(qty_dec(sum(q for _, q in bids), sc)),
            "askShares": two_figures(qty_dec(sum(q for _, q in offers), sc)),
            "state": market_state(inst),
        }

    # --- routes -------------------------------------------------------------------------
    def _markets(self, request: Request) -> dict[str, Any]:
        query = request.query_params
        slugs = {s.lower() for s in query.getlist("slug")}
        ids = set(query.getlist("id"))
        markets = [self.market_json(i) for i in self.exchange.instruments.values()]
        markets = [m for m in markets if (not slugs or m["slug"] in slugs)
                   and (not ids or m["id"] in ids)]
        for flag in ("active", "closed"):
            if query.get(flag) in ("true", "false"):
                markets = [m for m in markets if m[flag] == (query[flag] == "true")]
        offset = int(query["offset"]) if query.get("offset", "").isdigit() else 0
        limit = int(query["limit"]) if query.get("limit", "").isdigit() else len(markets)
        return {"markets": markets[offset:offset + limit]}

    def _by_slug(self, request: Request) -> dict[str, Any]:
        return {"market": self.market_json(self.api.known_market(request.path_params["slug"]))}

    def _by_id(self, request: Request) -> dict[str, Any]:
        wanted = request.path_params["id"]
        for inst in self.exchange.instruments.values():
            if self.market_id(inst) == wanted:
                return {"market": self.market_json(inst)}
        raise RetailError(404, f"unknown market id {wanted}")

    def _book(self, request: Request) -> dict[str, Any]:
        return {"marketData": self.book_json(self.api.known_market(request.path_params["slug"]))}

    def _bbo(self, request: Request) -> dict[str, Any]:
        return {"marketData": self.lite_json(self.api.known_market(request.path_params["slug"]))}

    def _settlement(self, request: Request) -> dict[str, Any]:
        """§7.5: {slug, settlement}; 404 for a market not (yet) settled, as the docs say."""
        inst = self.api.known_market(request.path_params["slug"])
        settled = self.settlement_px(inst)
        if settled is None:
            raise RetailError(404, f"market {slug_of(inst.symbol)} has not settled")
        return {"slug": slug_of(inst.symbol),
                "settlement": num(Decimal(settled) / inst.scales.price_scale)}

    def settlement_px(self, inst: SimInstrument) -> int | None:
        """The raw settlement price, None until the market settles: one of its stats."""
        return self.exchange.stats(inst.symbol).settlement_px
