"""An order ticket: what the trader asked for, checked before anything is sent.

``build_order`` turns a trader's intent into one request on the YES book, or raises
``TicketError`` with a sentence the trader can read. Every request it returns has a YES
price within 0.01–0.99 on the instrument's tick and a quantity at least the minimum.

Market orders are never sent as venue market orders: a MARKET ticket becomes an
immediate-or-cancel (or fill-or-kill) LIMIT order on the YES book at a protective price,
the best opposite YES price moved against the trader by the slippage tolerance and no
further. The request keeps ``kind=MARKET`` so the desk can say what the trader asked for;
on the wire it is a limit order at ``yes_price``.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from tui.core.enums import Side, TimeInForce
from tui.core.model import Book, Instrument
from tui.core.money import raw_dollars
from tui.core.prices import Intent, Outcome, Scales, yes_order
from tui.core.tradable import MAX_RAW, untradable

BIPS_PER_ONE = 10_000  # 1 bip = 0.01 %
GTD_MIN_LEAD = 1.0  # seconds: a GTD expiry must be at least this far in the future


class TicketError(ValueError):
    """A ticket that must not be sent; the message is for the trader."""


class OrderKind(Enum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"


TIF_WORDS: dict[TimeInForce, str] = {
    TimeInForce.GOOD_TILL_CANCEL: "GTC",
    TimeInForce.GOOD_TILL_TIME: "GTD",
    TimeInForce.IMMEDIATE_OR_CANCEL: "IOC",
    TimeInForce.FILL_OR_KILL: "FOK",
}


@dataclass(frozen=True, slots=True)
class Slippage:
    """How far a market order may trade from the best price: ticks, or bips of that price."""

    ticks: int | None = None
    bips: int | None = None

    def __post_init__(self) -> None:
        if (self.ticks is None) == (self.bips is None):
            raise TicketError("Give the slippage in ticks or in bips, not both or neither.")
        for name, value in (("ticks", self.ticks), ("bips", self.bips)):
            if value is None:
                continue
            if not _is_int(value) or value < 0:
                raise TicketError(f"Slippage in {name} must be a whole number, 0 or more.")
        if self.bips is not None and self.bips > BIPS_PER_ONE:
            raise TicketError("Slippage in bips must be at most 10000 (100%).")

    @property
    def text(self) -> str:
        if self.ticks is not None:
            return f"{self.ticks} tick{'' if self.ticks == 1 else 's'}"
        return f"{self.bips} bip{'' if self.bips == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Terms:
    """How long a working order lives and whether it may take liquidity: what a change of
    terms gives it (the ticket's TIF, post-only and expiry), its price and size untouched."""

    tif: TimeInForce
    post_only: bool = False
    expire_at: float | None = None  # epoch seconds, for a good-till-time order

    def words(self) -> str:
        """'GTD until 14:05:00, post-only'."""
        when = (time.strftime(' until %H:%M:%S', time.localtime(self.expire_at))
                if self.expire_at is not None else "")
        return (f"{TIF_WORDS.get(self.tif, self.tif.name)}{when}"
                + (", post-only" if self.post_only else ""))


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A validated order on the YES book, with the intent it came from.

    On the wire it is always a LIMIT order at ``yes_price``; a MARKET request is an
    IOC/FOK limit at its protective (worst acceptable) price.
    """

    symbol: str
    intent: Intent
    price: int  # the trader's price in the intent's outcome, raw (MARKET: the worst price)
    yes_side: Side
    yes_price: int  # raw YES price sent to the venue
    qty: int  # raw quantity; 0 for a cash market buy
    tif: TimeInForce = TimeInForce.GOOD_TILL_CANCEL
    clord_id: str = field(default_factory=lambda: new_clord_id())
    kind: OrderKind = OrderKind.LIMIT
    expire_at: float | None = None  # epoch seconds, GTD only
    post_only: bool = False
    cash_qty: int | None = None  # raw notional: dollars x price_scale x qty_scale
    slippage_ticks: int | None = None  # MARKET: whole ticks from the reference to yes_price
    reference_yes_price: int | None = None  # MARKET: best opposite YES price when built

    @property
    def is_cash(self) -> bool:
        return self.cash_qty is not None


def new_clord_id() -> str:
    return f"pmd-{uuid.uuid4().hex[:20]}"


def build_order(
    instrument: Instrument, intent: Intent, price: int, qty: int, *,
    kind: OrderKind = OrderKind.LIMIT,
    tif: TimeInForce = TimeInForce.GOOD_TILL_CANCEL,
    expire_at: float | None = None,
    post_only: bool = False,
    cash_qty: int | None = None,
    slippage: Slippage | None = None,
    book: Book | None = None,
    now: float | None = None,
) -> OrderRequest:
    """Check a ticket against the market's rules; raise TicketError in plain words.

    LIMIT: ``price`` is the trader's price in the intent's outcome (raw); ``book`` and
    ``slippage`` are not used. MARKET: ``price`` is not used; ``book`` and ``slippage`` are
    required, and a GTC (the default) becomes IOC. ``cash_qty`` (MARKET buys only) replaces
    the quantity, which must then be 0.
    """
    scales = instrument.scales
    reason = untradable(scales)  # first: nothing below may do arithmetic on bad scales
    if reason is not None:
        raise TicketError(reason)
    if not isinstance(intent, Intent):
        raise TicketError("Choose buy or sell, YES or NO.")
    if not isinstance(kind, OrderKind):
        raise TicketError("Choose a limit or a market order.")
    tif = _check_timing(kind, tif, expire_at, post_only, time.time() if now is None else now)
    if kind is OrderKind.MARKET:
        return _market(instrument, intent, qty, tif, cash_qty, slippage, book)
    if cash_qty is not None:
        raise TicketError("A cash amount is only for market buys; a limit order takes a "
                          "quantity.")
    _check_price(price, scales)
    _check_qty(qty, scales)
    side, yes_price = yes_order(intent, price, scales)
    _check_yes_price(yes_price, scales)
    return OrderRequest(symbol=instrument.symbol, intent=intent, price=price, yes_side=side,
                        yes_price=yes_price, qty=qty, tif=tif, expire_at=expire_at,
                        post_only=bool(post_only))


def protective_price(yes_side: Side, reference: int, slippage: Slippage, scales: Scales) -> int:
    """The worst YES price a market order accepts: ``reference`` moved against the trader.

    Rounded to the tick toward the reference, so never beyond the tolerance, then kept
    within 0.01–0.99. Bips are of the reference (YES) price.
    """
    sign = 1 if yes_side is Side.BUY else -1
    if slippage.ticks is not None:
        num, den = reference + sign * slippage.ticks * scales.tick, 1
    else:
        num, den = reference * (BIPS_PER_ONE + sign * (slippage.bips or 0)), BIPS_PER_ONE
    step = den * scales.tick
    raw = (num // step) * scales.tick if sign > 0 else -((-num) // step) * scales.tick
    return min(max(raw, scales.min_price), scales.max_price)


def _market(instrument: Instrument, intent: Intent, qty: int, tif: TimeInForce,
            cash_qty: int | None, slippage: Slippage | None, book: Book | None) -> OrderRequest:
    scales = instrument.scales
    if cash_qty is not None:
        if not intent.is_buy:
            raise TicketError("A cash amount is only for market buys; a sale takes a quantity.")
        if intent.yes_side is not Side.BUY:
            # on the wire a NO buy is a YES sell, and a cash size only works on a buy
            raise TicketError("A cash amount works for YES buys only; size a NO buy in "
                              "contracts.")
        if not _is_int(cash_qty) or cash_qty <= 0:
            raise TicketError("The cash amount must be more than zero.")
        if cash_qty > MAX_RAW:
            raise TicketError("The cash amount is more than an order can carry.")
        if qty != 0:
            raise TicketError("Give a quantity or a cash amount, not both.")
    else:
        _check_qty(qty, scales)
    if not isinstance(slippage, Slippage):
        raise TicketError("A market order needs a slippage tolerance, in ticks or bips.")
    if book is None or book.symbol != instrument.symbol:
        raise TicketError("A market order needs this market's order book, and there is none "
                          "yet.")
    yes_side = intent.yes_side
    reference = book.best_offer if yes_side is Side.BUY else book.best_bid
    if reference is None:
        outcome = intent.outcome.value
        there = f"{outcome} offers to buy from" if intent.is_buy else f"{outcome} bids to sell to"
        if intent.outcome is Outcome.NO:
            there += f" (no YES {'offers' if yes_side is Side.BUY else 'bids'})"
        raise TicketError(f"There are no {there}, so a market order cannot trade.")
    if intent.outcome is Outcome.NO and slippage.bips is not None:
        # bips are of the price the trader pays: work in NO terms, then map back to YES
        no_side = Side.BUY if intent.is_buy else Side.SELL
        yes_price = scales.complement(
            protective_price(no_side, scales.complement(reference), slippage, scales))
    else:
        yes_price = protective_price(yes_side, reference, slippage, scales)
    _check_yes_price(yes_price, scales)
    price = _outcome_price(intent, yes_price, scales)
    if cash_qty is not None:
        best = _outcome_price(intent, reference, scales)
        if cash_qty < best * scales.min_qty:
            raise TicketError(f"{raw_dollars(cash_qty, scales, exact=True)} does not buy the "
                              f"minimum of {qty_words(scales.min_qty, scales)} at "
                              f"{price_words(best, scales)}.")
    return OrderRequest(
        symbol=instrument.symbol, intent=intent, price=price, yes_side=yes_side,
        yes_price=yes_price, qty=0 if cash_qty is not None else qty, tif=tif,
        kind=OrderKind.MARKET, cash_qty=cash_qty,
        slippage_ticks=abs(yes_price - reference) // scales.tick,
        reference_yes_price=reference,
    )


def _check_timing(kind: OrderKind, tif: TimeInForce, expire_at: float | None,
                  post_only: bool, now: float) -> TimeInForce:
    try:
        tif = TimeInForce(tif)
    except (TypeError, ValueError):
        tif = TimeInForce.UNDEFINED
    if tif not in TIF_WORDS:
        raise TicketError("Choose a time in force: GTC, GTD, IOC or FOK.")
    if tif is TimeInForce.GOOD_TILL_TIME:
        if kind is OrderKind.MARKET:
            raise TicketError("A market order cannot rest, so it is IOC or FOK, not GTD.")
        if expire_at is None:
            raise TicketError("A GTD order needs an expiry time.")
        if (isinstance(expire_at, bool) or not isinstance(expire_at, int | float)
                or not math.isfinite(expire_at)):
            raise TicketError("The expiry time is not a time.")
        if expire_at <= now + GTD_MIN_LEAD:
            raise TicketError(f"The expiry time {_clock(expire_at, now)} is not in the future; "
                              "a GTD order must expire later.")
    elif expire_at is not None:
        raise TicketError("An expiry time is only for GTD orders.")
    if post_only:
        if kind is OrderKind.MARKET:
            raise TicketError("Post-only is only for limit orders; a market order takes "
                              "liquidity.")
        if tif not in (TimeInForce.GOOD_TILL_CANCEL, TimeInForce.GOOD_TILL_TIME):
            raise TicketError(f"Post-only must rest on the book, so it is GTC or GTD, not "
                              f"{TIF_WORDS[tif]}.")
    if kind is OrderKind.MARKET and tif is TimeInForce.GOOD_TILL_CANCEL:
        return TimeInForce.IMMEDIATE_OR_CANCEL
    return tif


def _check_price(price: int, scales: Scales) -> None:
    if not _is_int(price):
        raise TicketError("The price is not a number of price units.")
    if not scales.in_bounds(price):
        # a wild number is not echoed: its words could run to thousands of digits
        shown = (f"Price {price_words(price, scales)}" if abs(price) <= 10 * scales.price_scale
                 else "The price")
        raise TicketError(f"{shown} is outside 0.01–0.99.")
    if not scales.on_tick(price):
        raise TicketError(f"Price {price_words(price, scales)} is not on the tick of "
                          f"{price_words(scales.tick, scales)}.")


def _check_yes_price(yes_price: int, scales: Scales) -> None:
    """What goes on the wire: on the tick and within 0.01-0.99, whatever the intent."""
    if not (scales.in_bounds(yes_price) and scales.on_tick(yes_price)):
        raise TicketError(f"The YES price {price_words(yes_price, scales)} this order would "
                          "send is not a valid price on this market's tick.")


def _check_qty(qty: int, scales: Scales) -> None:
    if not _is_int(qty):
        raise TicketError("The quantity is not a whole number of quantity units.")
    if qty <= 0:
        raise TicketError("Quantity must be more than zero.")
    if qty > MAX_RAW:
        raise TicketError(f"The quantity is more than an order can carry (at most "
                          f"{qty_words(MAX_RAW, scales)}).")
    if qty < scales.min_qty:
        raise TicketError(f"Quantity {qty_words(qty, scales)} is below the minimum of "
                          f"{qty_words(scales.min_qty, scales)}.")


def _outcome_price(intent: Intent, yes_price: int, scales: Scales) -> int:
    return yes_price if intent.outcome is Outcome.YES else scales.complement(yes_price)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- words -----------------------------------------------------------------------------
def price_words(raw: int, scales: Scales) -> str:
    """A price exactly, never rounded: at least the tick's places, more when it has them."""
    text = scales.price_text(raw)
    exact = scales.to_decimal(raw)
    return text if Decimal(text) == exact else f"{exact.normalize():f}"


def half_price_words(twice_raw: int, scales: Scales) -> str:
    """A price given doubled (a mid between two prices), exactly."""
    if twice_raw % 2 == 0:
        return price_words(twice_raw // 2, scales)
    exact = Decimal(twice_raw) / Decimal(2 * scales.price_scale)
    return f"{exact.normalize():f}"


def qty_words(raw: int, scales: Scales) -> str:
    """A quantity in contracts with thousands separators: 5,000 or 12.5."""
    return f"{scales.qty_to_decimal(raw).normalize():,f}"


def _clock(epoch: float, now: float | None = None) -> str:
    when = time.localtime(epoch)
    today = time.localtime(time.time() if now is None else now)
    if when[:3] == today[:3]:
        return time.strftime("%H:%M:%S", when)
    return time.strftime("%Y-%m-%d %H:%M:%S", when)


def tif_words(request: OrderRequest, now: float | None = None) -> str:
    if request.tif is TimeInForce.GOOD_TILL_TIME and request.expire_at is not None:
        return f"GTD until {_clock(request.expire_at, now)}"
    return TIF_WORDS.get(request.tif, "?")


def request_words(request: OrderRequest, scales: Scales, now: float | None = None) -> str:
    """One line a trader reads: exactly what will be sent.

    "BUY NO 10 @ 0.40 (SELL YES @ 0.60) GTC", "BUY YES $25.00 MARKET (IOC, worst 0.55)".
    """
    price = price_words(request.price, scales)
    yes = f"{request.yes_side.name} YES @ {price_words(request.yes_price, scales)}"
    no_side = request.intent.outcome is Outcome.NO
    size = (raw_dollars(request.cash_qty, scales, exact=True) if request.cash_qty is not None
            else qty_words(request.qty, scales))
    if request.kind is OrderKind.MARKET:
        inner = f"{tif_words(request, now)}, worst {price}"
        if no_side:
            inner += f"; {yes}"
        return f"{request.intent.label} {size} MARKET ({inner})"
    line = f"{request.intent.label} {size} @ {price}"
    if no_side:
        line += f" ({yes})"
    line += f" {tif_words(request, now)}"
    if request.post_only:
        line += " post-only"
    return line
