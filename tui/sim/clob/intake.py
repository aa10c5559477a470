"""A CLOB order as it arrives at the embedded exchange, checked in the venue's order and words
(docs/spec/global-clob.md §3.6, §4.5): the body's shape, the owner, the signature against the
market's exchange contract, the version, the price on the tick, the size, the expiry.

The imitation's own choices, where the spec gives no wording: a bad signature is "invalid
signature"; a signer other than the API key's address is refused like a wrong owner; a size
that is not a whole number of the market's lots is INVALID_ORDER_MIN_SIZE (the engine trades
whole lots; the demo's markets take whole shares or hundredths of one).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tui.core.clob_sign import (
    BUY,
    UNITS,
    OrderFields,
    exchange_for,
    fields_of,
    recover,
    rounding,
)
from tui.sim.clob.markets import MIN_ORDER_SHARES, ClobMarket
from tui.sim.clob.wire import ClobError
from tui.sim.model import SimInstrument

ORDER_TYPES = ("GTC", "GTD", "FOK", "FAK")
GTD_THRESHOLD = 60  # §6.8: a GTD order lives until one minute before its expiration
V1_FIELDS = ("taker", "nonce", "feeRateBps")
BAD_PAYLOAD = "Invalid order payload"
WRONG_OWNER = "the order owner has to be the owner of the API KEY"


def refused(message: str) -> ClobError:
    return ClobError(400, message)


@dataclass(frozen=True, slots=True)
class ClobAsk:
    """A checked order: what the engine is asked, in the order's own token terms."""

    order_id: str  # the EIP-712 digest (§3.4)
    fields: OrderFields
    market: ClobMarket
    token: str
    order_type: str
    post_only: bool
    price: Decimal  # in the token's terms: the limit (worst price for FOK/FAK)
    shares: Decimal  # a limit order's size; a market SELL's size; 0 for a market BUY
    dollars: Decimal  # a market BUY's amount to spend; 0 otherwise

    @property
    def yes(self) -> bool:
        return self.market.is_yes(self.token)

    @property
    def is_market(self) -> bool:
        return self.order_type in ("FOK", "FAK")


def parse(entry: Any, api_key: str, signer: str, market_of: Any, now: float,
          chain: int) -> tuple[ClobAsk, SimInstrument]:
    """The order in one POST /order body (or one element of POST /orders), checked;
    ``market_of(token)`` gives (market, instrument) or None. Raises ClobError."""
    if not isinstance(entry, dict) or not isinstance(entry.get("order"), dict):
        raise refused(BAD_PAYLOAD)
    wire: dict[str, Any] = entry["order"]
    if any(name in wire for name in V1_FIELDS) or "timestamp" not in wire:
        raise refused("order_version_mismatch")  # a V1 order after the V2 cutover
    if entry.get("owner") != api_key:
        raise refused(WRONG_OWNER)
    order_type = entry.get("orderType", "GTC")
    if order_type not in ORDER_TYPES:
        raise refused(BAD_PAYLOAD)
    post_only = entry.get("postOnly") is True
    if post_only and order_type in ("FOK", "FAK"):
        raise refused("INVALID_POST_ONLY_ORDER_TYPE")
    try:
        fields = fields_of(wire)
    except (KeyError, ValueError, TypeError):
        raise refused(BAD_PAYLOAD) from None
    found = market_of(str(fields.token_id))
    if found is None:
        raise refused("Invalid token id")
    market, inst = found
    exchange = exchange_for(market.neg_risk)  # §6.11: neg-risk markets sign for their own
    try:
        who = recover(fields.typed(exchange, chain), str(wire.get("signature", "")))
    except (ValueError, TypeError):
        raise refused("invalid signature") from None
    if who.lower() != fields.signer.lower():
        raise refused("invalid signature")
    if fields.signer.lower() != signer:
        raise refused(WRONG_OWNER)
    if fields.maker_amount <= 0 or fields.taker_amount <= 0:
        raise refused(BAD_PAYLOAD)
    price, shares, dollars = _terms(fields, order_type, inst)
    _check_expiry(fields, order_type, now)
    return ClobAsk(fields.order_id(exchange, chain), fields, market, str(fields.token_id),
                   order_type, post_only, price, shares, dollars), inst


def _terms(fields: OrderFields, order_type: str, inst: SimInstrument
           ) -> tuple[Decimal, Decimal, Decimal]:
    """(price, shares, dollars) from the signed amounts: the implied price must sit on the
    market's tick, within [tick, 1 − tick] (a rounded SELL's collateral is allowed its
    rounding, §3.5), and the size be whole lots of at least the minimum."""
    tick = inst.tick_size
    price_places, _, amount_places = rounding(tick)
    maker, taker = Decimal(fields.maker_amount) / UNITS, Decimal(fields.taker_amount) / UNITS
    tokens, money = (taker, maker) if fields.side == BUY else (maker, taker)
    implied = money / tokens
    price = implied.quantize(Decimal(1).scaleb(-price_places), rounding=ROUND_HALF_EVEN)
    slack = Decimal(1).scaleb(-amount_places)
    if (price % tick or not tick <= price <= 1 - tick
            or abs(implied - price) * tokens > slack):
        raise refused("INVALID_ORDER_MIN_TICK_SIZE")
    if order_type in ("FOK", "FAK") and fields.side == BUY:
        return price, Decimal(0), maker  # spend up to maker dollars at ≤ price
    if tokens < MIN_ORDER_SHARES or (tokens * inst.scales.qty_scale) % 1:
        raise refused(f"INVALID_ORDER_MIN_SIZE: the size must be whole lots of "
                      f"{Decimal(1) / inst.scales.qty_scale} shares, at least "
                      f"{MIN_ORDER_SHARES}")
    return price, tokens, Decimal(0)


def _check_expiry(fields: OrderFields, order_type: str, now: float) -> None:
    if order_type == "GTD":
        if fields.expiration <= now + GTD_THRESHOLD:
            raise refused("INVALID_ORDER_EXPIRATION")
    elif fields.expiration != 0:
        raise refused(BAD_PAYLOAD)  # only a GTD order carries an expiration
