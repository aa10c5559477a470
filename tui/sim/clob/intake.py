"""A CLOB order as it arrives at the embedded exchange, checked in the venue's order and words
(docs/spec/global-clob.md §3.6, §4.5): the body's shape, the owner, the signature against the
market's exchange contract, the version, the price on the tick, the size, the expiry.

The imitation's own choices, where the spec gives no wording: a bad signature is "invalid
signature"; a signer other than the API key's address is refused like a wrong owner; a size
that is not a whole number of the market's lots is INVALID_ORDER_MIN_SIZE (the engine trades
whole lots; the demo's markets take whole shares or hundredths of one). A deposit wallet's
order (type 3) is checked as its EIP-1271 contract would: maker and signer are the wallet, the
wrapper names the market's exchange and the order's hash, and the EOA in it is one of the
wallet's owners; anything else is "invalid signature", as the wallet would answer on-chain.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tui.core.clob_sign import (
    BUY,
    POLY_1271,
    UNITS,
    OrderFields,
    exchange_for,
    fields_of,
    recover,
    recover_1271,
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
BAD_SIGNATURE = "invalid signature"


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
          chain: int, tick_of: Callable[[str], Decimal] | None = None, *,
          owners_of: Callable[[str], Collection[str]] = lambda _wallet: ()
          ) -> tuple[ClobAsk, SimInstrument]:
    """The order in one POST /order body (or one element of POST /orders), checked;
    ``market_of(token)`` gives (market, instrument) or None, ``tick_of(symbol)`` the market's
    tick now (§6.5; the instrument's by default), ``owners_of(address)`` the EOAs (lower
    case) a deposit wallet there lets sign for it (none: no deposit wallet). Raises
    ClobError."""
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
    if fields.signature_type == POLY_1271:
        eoa = _deposit_signer(fields, str(wire.get("signature", "")), exchange, chain,
                              owners_of)
    else:
        try:
            who = recover(fields.typed(exchange, chain), str(wire.get("signature", "")))
        except (ValueError, TypeError):
            raise refused(BAD_SIGNATURE) from None
        if who.lower() != fields.signer.lower():
            raise refused(BAD_SIGNATURE)
        eoa = fields.signer.lower()
    if eoa != signer:
        raise refused(WRONG_OWNER)
    if fields.maker_amount <= 0 or fields.taker_amount <= 0:
        raise refused(BAD_PAYLOAD)
    tick = tick_of(market.symbol) if tick_of is not None else inst.tick_size
    price, shares, dollars = _terms(fields, order_type, inst, tick)
    _check_expiry(fields, order_type, now)
    return ClobAsk(fields.order_id(exchange, chain), fields, market, str(fields.token_id),
                   order_type, post_only, price, shares, dollars), inst


def _deposit_signer(fields: OrderFields, signature: str, exchange: str, chain: int,
                    owners_of: Callable[[str], Collection[str]]) -> str:
    """The owner EOA (lower case) that signed a deposit wallet's order (§2.4, §3.3)."""
    if fields.maker.lower() != fields.signer.lower():
        raise refused(BAD_SIGNATURE)  # the wallet signs only for itself
    try:
        eoa = recover_1271(fields, signature, exchange, chain).lower()
    except (ValueError, TypeError):
        raise refused(BAD_SIGNATURE) from None
    if eoa not in owners_of(fields.signer):
        raise refused(BAD_SIGNATURE)  # its isValidSignature refuses a stranger's
    return eoa


def _terms(fields: OrderFields, order_type: str, inst: SimInstrument, tick: Decimal
           ) -> tuple[Decimal, Decimal, Decimal]:
    """(price, shares, dollars) from the signed amounts: the implied price must sit on the
    market's tick, within [tick, 1 − tick] (a rounded SELL's collateral is allowed its
    rounding, §3.5), and the size be whole lots of at least the minimum."""
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
