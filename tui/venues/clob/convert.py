"""The global CLOB's JSON (docs/spec/global-clob.md §4, §5) to and from the core's plain values,
and the desk's order ticket as a signed V2 order.

The desk keeps one book per market on the YES axis (§7): the YES token's book is the ladder,
the NO token's is its mirror. An order is on a token with a side; on the desk it is the
intent it expresses (BUY NO at x is BUY_NO, YES side SELL at 1 − x). Sizes are kept in the
CLOB's base units (§1.2: 10^-6 of a share). Text that does not parse raises ValueError.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from tui.core.clob_sign import (
    BUY,
    POLY_1271,
    POLYGON,
    SELL,
    OrderFields,
    exchange_for,
    limit_amounts,
    market_amounts,
    order_body,
)
from tui.core.enums import InstrumentState, OrderState, TimeInForce
from tui.core.model import Book, Fill, Instrument, Order
from tui.core.money import wire_decimal as decimal
from tui.core.prices import Intent, Outcome, Scales
from tui.core.ticket import OrderKind, OrderRequest
from tui.core.venue import VenueError

Json = Any
# quantities in the CLOB's base units (10^-6 of a share, §1.2): a market buy fills to 4-6
# places (25 / 0.52 = 48.0769 shares), which a coarser scale would round away
QTY_SCALE = 1_000_000
# prices in ten-thousandths, the finest tick the CLOB uses (§3.5), whatever a market's tick
# now: it changes near the ends of the range (§6.5) and a price kept must still be exact
PRICE_SCALE = 10_000
GTD_THRESHOLD = 60  # §6.8: an order lives until a minute before its expiration


@dataclass(frozen=True, slots=True)
class Market:
    """A market's CLOB names: the condition, its two tokens, and how orders for it are signed."""

    symbol: str
    condition_id: str
    yes_token: str
    no_token: str
    neg_risk: bool
    tick: Decimal

    def token(self, outcome: Outcome) -> str:
        return self.yes_token if outcome is Outcome.YES else self.no_token

    def outcome(self, token: str) -> Outcome:
        if token == self.yes_token:
            return Outcome.YES
        if token == self.no_token:
            return Outcome.NO
        raise ValueError(f"token {token} is not one of {self.symbol}'s")


def market(data: Json) -> tuple[Instrument, Market]:
    """§4.3 Market: the desk's instrument (named by its slug) and its CLOB names."""
    tokens = data.get("tokens") or []
    if len(tokens) != 2:
        raise ValueError("a market without two tokens")
    yes, no = tokens
    if str(yes.get("outcome", "")).lower() == "no":  # the YES token is named, not placed
        yes, no = no, yes
    tick = decimal(data.get("minimum_tick_size"))
    minimum = decimal(data.get("minimum_order_size", 1))
    symbol = str(data.get("market_slug") or data.get("condition_id") or "")
    if not symbol or tick <= 0 or minimum <= 0:
        raise ValueError("a market without a name, a tick or a minimum size")
    scales = Scales.from_refdata(price_scale=PRICE_SCALE, tick_size=tick,
                                 qty_scale=QTY_SCALE, min_qty=int(minimum * QTY_SCALE))
    open_ = bool(data.get("accepting_orders", True)) and not data.get("closed", False)
    question = str(data.get("question") or symbol)
    if data.get("neg_risk"):  # one of a set of markets of which exactly one resolves YES
        question += " (neg-risk market)"
    inst = Instrument(symbol=symbol, description=question,
                      scales=scales,
                      state=InstrumentState.OPEN if open_ else InstrumentState.CLOSED,
                      category=str((data.get("tags") or [""])[0] or ""))
    names = Market(symbol, str(data.get("condition_id", "")), str(yes["token_id"]),
                   str(no["token_id"]), bool(data.get("neg_risk")), tick)
    return inst, names


def raw_price(value: object, sc: Scales) -> int:
    return int((decimal(value) * sc.price_scale).to_integral_value())


def raw_qty(value: object) -> int:
    """Shares (a decimal) in base units; finer than a base unit cannot be held: cut."""
    return int((decimal(value) * QTY_SCALE).to_integral_value(rounding=ROUND_DOWN))


def yes_price(price: object, outcome: Outcome, sc: Scales) -> int:
    """A token's price on the YES axis: NO at x is YES at 1 − x."""
    raw = raw_price(price, sc)
    return raw if outcome is Outcome.YES else sc.price_scale - raw


class Levels:
    """The YES token's book as the market channel built it: price → size, per side."""

    def __init__(self) -> None:
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}

    def replace(self, event: Json) -> None:
        self.bids = {decimal(lv["price"]): decimal(lv["size"]) for lv in event.get("bids") or []}
        self.asks = {decimal(lv["price"]): decimal(lv["size"]) for lv in event.get("asks") or []}

    def change(self, side: str, price: object, size: object) -> None:
        levels = self.bids if side == BUY else self.asks
        amount = decimal(size)
        if amount:
            levels[decimal(price)] = amount
        else:
            levels.pop(decimal(price), None)

    def book(self, symbol: str, sc: Scales, last: int | None) -> Book:
        return Book(symbol=symbol,
                    bids=[(raw_price(p, sc), raw_qty(q)) for p, q in
                          sorted(self.bids.items(), reverse=True)],
                    offers=[(raw_price(p, sc), raw_qty(q)) for p, q in sorted(self.asks.items())],
                    last_trade_px=last, received_at=time.monotonic())


STATES = {"LIVE": OrderState.NEW, "MATCHED": OrderState.FILLED,
          "CANCELED": OrderState.CANCELED, "INVALID": OrderState.CANCELED}


def order(data: Json, names: Market, sc: Scales, clord_id: str = "") -> Order:
    """§4.5 OpenOrder or a §5.4 order event, on the YES axis with the intent it expresses."""
    outcome = names.outcome(str(data.get("asset_id", "")))
    buy = str(data.get("side", "")).upper() == BUY
    intent = Intent.of(buy, outcome)
    qty, cum = raw_qty(data.get("original_size", 0)), raw_qty(data.get("size_matched") or 0)
    status = str(data.get("status", "")).upper()
    state = STATES.get(status.split("_", 1)[0] if status.startswith("CANCELED") else status,
                       OrderState.NEW)
    if state is OrderState.NEW and cum:
        state = OrderState.PARTIALLY_FILLED
    working = state in (OrderState.NEW, OrderState.PARTIALLY_FILLED)
    return Order(order_id=str(data.get("id", "")), clord_id=clord_id, symbol=names.symbol,
                 side=intent.yes_side, price=yes_price(data.get("price"), outcome, sc),
                 order_qty=qty, leaves_qty=max(qty - cum, 0) if working else 0, cum_qty=cum,
                 state=state, intent=intent, updated_at=time.monotonic(),
                 reject_text=status.split("_", 1)[1] if "_" in status else "")


def fills(trade: Json, owner: str, names: Market, sc: Scales) -> list[Fill]:
    """My parts of a §4.6 trade (mine: placed with my API key, ``owner``): the taker's, and
    each maker order that is mine (one trade may match several of my orders)."""
    out = []
    at = time.time()
    taker = str(trade.get("taker_order_id", ""))
    trade_id = str(trade.get("id", ""))
    if trade.get("owner") == owner:
        outcome = names.outcome(str(trade.get("asset_id", "")))
        intent = Intent.of(str(trade.get("side", "")).upper() == BUY, outcome)
        size = decimal(trade.get("size"))
        out.append(Fill(exec_id=f"{trade_id}:{taker}", order_id=taker, symbol=names.symbol,
                        side=intent.yes_side,
                        price=yes_price(trade.get("price"), outcome, sc),
                        qty=raw_qty(size), intent=intent, at=at,
                        fee=taker_fee(trade.get("fee_rate_bps"), size)))
    for maker in trade.get("maker_orders") or []:
        order_id = str(maker.get("order_id", ""))
        if maker.get("owner") != owner:
            continue
        outcome = names.outcome(str(maker.get("asset_id", "")))
        intent = Intent.of(str(maker.get("side", "")).upper() == BUY, outcome)
        out.append(Fill(exec_id=f"{trade_id}:{order_id}", order_id=order_id,
                        symbol=names.symbol, side=intent.yes_side,
                        price=yes_price(maker.get("price"), outcome, sc),
                        qty=raw_qty(maker.get("matched_amount")), intent=intent, at=at))
    return out


def taker_fee(rate_bps: object, shares: Decimal) -> Decimal:
    """The taker's fee of a trade in pUSD, read as the embedded exchange writes it: a fee a
    share, in basis points of $1 (the real venue's meaning of fee_rate_bps is not published,
    global-clob.md §4.6; makers pay none, §6.7)."""
    try:
        rate = decimal(rate_bps)
    except ValueError:
        return Decimal(0)
    return (shares * rate / 10_000).quantize(Decimal("0.000001"))


def fee_terms(details: Json) -> tuple[Decimal, int]:
    """(r, e) of §6.7 from a market's compact details (`fd`); none: no fee."""
    fd = details.get("fd") or {} if isinstance(details, dict) else {}
    try:
        return decimal(fd.get("r")), int(fd.get("e") or 1)
    except (ValueError, TypeError):
        return Decimal(0), 1


# --- the ticket as a signed order (§3, §7) ----------------------------------------------
@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs and whose funds move: the wallet, its signature type, its funder."""

    wallet: Any  # tui.core.clob_sign.Wallet
    signature_type: int
    funder: str  # the maker: the wallet itself for an EOA


def order_type(request: OrderRequest) -> str:
    tif = request.tif
    if request.kind is OrderKind.MARKET or tif in (TimeInForce.IMMEDIATE_OR_CANCEL,
                                                   TimeInForce.FILL_OR_KILL):
        return "FOK" if tif is TimeInForce.FILL_OR_KILL else "FAK"
    if tif is TimeInForce.GOOD_TILL_TIME:
        return "GTD"
    if tif is TimeInForce.GOOD_TILL_CANCEL:
        return "GTC"
    raise VenueError("The CLOB has no day orders: choose GTC or GTD.")


@dataclass(frozen=True, slots=True)
class Unsigned:
    """A ticket as the CLOB's order, checked and with its amounts, not yet signed (signing
    is the costly part: it is done off the UI loop)."""

    fields: OrderFields
    exchange: str
    kind: str
    post_only: bool
    chain: int = POLYGON

    def sign(self, signer: Signer, owner: str) -> tuple[Json, str]:
        """The POST /order body and the order's id (its hash)."""
        body = order_body(self.fields.signed(signer.wallet, self.exchange, self.chain), owner,
                          self.kind, post_only=self.post_only)
        return body, self.fields.order_id(self.exchange, self.chain)


def unsigned_order(request: OrderRequest, names: Market, sc: Scales, signer: Signer, *,
                   now: float | None = None, spend: Decimal | None = None,
                   chain: int = POLYGON) -> Unsigned:
    """The intent becomes the token and side (§7): buying NO buys the NO token at the NO
    price; amounts rounded as the spec's table says. Raises SigningError (a price or tick
    the CLOB cannot take) or VenueError."""
    now = time.time() if now is None else now
    kind = order_type(request)
    outcome = request.intent.outcome
    side = BUY if request.intent.is_buy else SELL
    price = Decimal(request.price) / sc.price_scale  # the trader's price, in the token
    shares = Decimal(request.qty) / sc.qty_scale
    if kind in ("FOK", "FAK"):  # a BUY spends dollars: `spend`, else the cash asked
        dollars = (Decimal(request.cash_qty) / (sc.price_scale * sc.qty_scale)
                   if request.cash_qty is not None else spend or shares * price)
        amounts = market_amounts(side, price, dollars if side == BUY else shares, names.tick)
    else:
        amounts = limit_amounts(side, price, shares, names.tick)
    expiration = 0
    if kind == "GTD":
        if request.expire_at is None:
            raise VenueError("A GTD order needs its expiry time.")
        # the venue ends a GTD order a minute before its expiration: ask for a minute more,
        # so it lives until the time the trader chose (§6.8)
        expiration = int(request.expire_at) + GTD_THRESHOLD
    fields = OrderFields(salt=secrets.randbits(48), maker=signer.funder,
                         # §2.4: a deposit wallet is its orders' signer; its owner signs
                         signer=(signer.funder if signer.signature_type == POLY_1271
                                 else signer.wallet.address),
                         token_id=int(names.token(outcome)),
                         maker_amount=amounts[0], taker_amount=amounts[1], side=side,
                         signature_type=signer.signature_type,
                         timestamp_ms=int(now * 1000), expiration=expiration)
    return Unsigned(fields, exchange_for(names.neg_risk), kind,
                    request.post_only and kind in ("GTC", "GTD"), chain)
