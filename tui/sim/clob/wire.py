"""The global CLOB's JSON as the embedded exchange writes it (docs/spec/global-clob.md §4): books
in token terms with their SHA-1 hash, markets, and the `{"error": ...}` answer.

Numbers are decimal strings without trailing zeros ("0.5", "15") where the venue writes
strings, JSON numbers where it writes numbers; never float for a price or a size.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from starlette.responses import JSONResponse

from tui.core.enums import InstrumentState
from tui.sim.clob.markets import FEES, MIN_ORDER_SHARES, ClobMarket
from tui.sim.model import SimInstrument

ALL_LEVELS = 1_000_000


class ClobError(Exception):
    """An answer in the venue's words: `{"error": message}` with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(exc: ClobError) -> JSONResponse:
    return JSONResponse({"error": exc.message}, status_code=exc.status)


def num(value: Decimal) -> str:
    """A decimal as the venue prints it: "0.5", "15", "3149725.72"."""
    text = format(value.normalize(), "f")
    return text


def price_of(raw: int, inst: SimInstrument, yes: bool) -> Decimal:
    """A raw YES price in the token's terms: the NO token trades at 1 − YES."""
    sc = inst.scales
    return sc.to_decimal(raw if yes else sc.price_scale - raw)


def shares(raw_qty: int, inst: SimInstrument) -> Decimal:
    return Decimal(raw_qty) / inst.scales.qty_scale


def token_levels(inst: SimInstrument, yes: bool, bids: list[tuple[int, int]],
                 offers: list[tuple[int, int]]) -> tuple[list[dict[str, str]],
                                                         list[dict[str, str]]]:
    """(bids, asks) of one token from the YES book's levels (best first), in the venue's
    order: bids ascending and asks descending, so the best of each is last (§4.4). The NO
    token's bids are the YES offers at 1 − p, its asks the YES bids."""
    own_bids, own_asks = (bids, offers) if yes else (offers, bids)

    def level(px: int, qty: int) -> dict[str, str]:
        return {"price": num(price_of(px, inst, yes)), "size": num(shares(qty, inst))}

    return ([level(p, q) for p, q in reversed(own_bids)],
            [level(p, q) for p, q in reversed(own_asks)])


def book_hash(book: dict[str, Any]) -> str:
    """SHA-1 of the compact JSON of the book with its hash blank, keys in the venue's order
    (§4.4). The spec's test vector does not follow from its own rule over the book it prints
    (tests/test_clob_exchange.py); the rule is what clients can check, so the rule it is."""
    keyed = {k: book.get(k, "") for k in ("market", "asset_id", "timestamp", "hash", "bids",
                                          "asks", "min_order_size", "tick_size", "neg_risk",
                                          "last_trade_price")}
    keyed["hash"] = ""
    text = json.dumps(keyed, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()  # SHA-1: the venue's choice, not ours


def book_json(market: ClobMarket, token: str, inst: SimInstrument,
              levels: tuple[list[tuple[int, int]], list[tuple[int, int]]],
              last_px: int | None, now: float, tick: Decimal) -> dict[str, Any]:
    yes = market.is_yes(token)
    bids, asks = token_levels(inst, yes, *levels)
    book: dict[str, Any] = {
        "market": market.condition_id, "asset_id": token,
        "timestamp": str(int(now * 1000)), "hash": "", "bids": bids, "asks": asks,
        "min_order_size": num(MIN_ORDER_SHARES), "tick_size": num(tick),
        "neg_risk": market.neg_risk,
        "last_trade_price": num(price_of(last_px, inst, yes)) if last_px is not None else "",
    }
    book["hash"] = book_hash(book)
    return book


def market_json(market: ClobMarket, inst: SimInstrument, yes_price: Decimal | None,
                tick: Decimal) -> dict[str, Any]:
    """§4.3 Market: JSON numbers where the venue writes numbers."""
    open_ = inst.state is InstrumentState.OPEN
    tokens = []
    for token, outcome in ((market.yes_token, "Yes"), (market.no_token, "No")):
        price = (yes_price if outcome == "Yes" else 1 - yes_price) if yes_price else None
        tokens.append({"token_id": token, "outcome": outcome,
                       "price": float(price) if price is not None else 0,  # §4.3 a number
                       "winner": False})
    return {
        "enable_order_book": True, "active": open_, "closed": not open_, "archived": False,
        "accepting_orders": open_, "minimum_order_size": int(MIN_ORDER_SHARES),
        "minimum_tick_size": float(tick), "condition_id": market.condition_id,
        "question_id": market.condition_id, "question": inst.description,
        "description": inst.description, "market_slug": market.symbol.lower(),
        "seconds_delay": 0, "maker_base_fee": 0, "taker_base_fee": 0,
        "neg_risk": market.neg_risk, "neg_risk_market_id": "", "tokens": tokens,
        "tags": [inst.metadata.get("event_category", "")],
    }


def clob_market_json(market: ClobMarket, inst: SimInstrument, tick: Decimal) -> dict[str, Any]:
    """§4.3 compact MarketDetails (`/clob-markets/{condition_id}`)."""
    details: dict[str, Any] = {
        "c": market.condition_id,
        "t": [{"t": market.yes_token, "o": "Yes"}, {"t": market.no_token, "o": "No"}],
        "mts": float(tick), "fd": fee_details(market), "mbf": 0, "tbf": 0,
        "ao": inst.state is InstrumentState.OPEN, "mos": int(MIN_ORDER_SHARES), "sd": 0,
    }
    if market.neg_risk:
        details["nr"] = True
    return details


def fee_details(market: ClobMarket) -> dict[str, Any]:
    """§4.3 `fd`: the fee's rate and exponent; `to`: taker only (this imitation's rule)."""
    r, e = FEES.get(market.symbol, (Decimal(0), 1))
    return {"r": float(r), "e": e, "to": True} if r else {"r": 0, "e": 1}
