"""The order ticket: every validation in plain words, market protective prices, request_words()."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.enums import Side, TimeInForce
from tui.core.limits import Limit, Limits, notional
from tui.core.model import Book, Instrument
from tui.core.prices import Intent, Outcome, Scales
from tui.core.ticket import (
    OrderKind,
    OrderRequest,
    Slippage,
    TicketError,
    build_order,
    new_clord_id,
    protective_price,
    request_words,
)

NOW = 1_750_000_000.0
CENTS = Scales(price_scale=100, tick=1)
HALF_CENT = Scales(price_scale=1000, tick=5)  # a 0.005 tick
PARTIAL = Scales(price_scale=1000, tick=10, qty_scale=100, min_qty=100)  # 1 contract minimum
GTC, GTD = TimeInForce.GOOD_TILL_CANCEL, TimeInForce.GOOD_TILL_TIME
IOC, FOK = TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL
MARKET = OrderKind.MARKET


def inst(scales: Scales = CENTS, symbol: str = "M") -> Instrument:
    return Instrument(symbol=symbol, description="a market", scales=scales)


def book(bid: int | None, offer: int | None, symbol: str = "M") -> Book:
    return Book(symbol=symbol, bids=[(bid, 10)] if bid is not None else [],
                offers=[(offer, 10)] if offer is not None else [])


def error_of(*args: object, **kwargs: object) -> str:
    with pytest.raises(TicketError) as caught:
        build_order(*args, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


# --- the existing call shape keeps working --------------------------------------------
def test_positional_call_builds_a_gtc_limit_with_the_yes_equivalent() -> None:
    request = build_order(inst(), Intent.BUY_NO, 40, 10)
    assert (request.symbol, request.intent, request.price, request.qty) == (
        "M", Intent.BUY_NO, 40, 10)
    assert (request.yes_side, request.yes_price) == (Side.SELL, 60)
    assert request.tif is GTC and request.kind is OrderKind.LIMIT
    assert request.clord_id.startswith("pmd-") and request.clord_id != new_clord_id()
    assert (request.expire_at, request.post_only, request.cash_qty,
            request.slippage_ticks) == (None, False, None, None)


@pytest.mark.parametrize(("intent", "side", "yes_price"), [
    (Intent.BUY_YES, Side.BUY, 40), (Intent.SELL_YES, Side.SELL, 40),
    (Intent.BUY_NO, Side.SELL, 60), (Intent.SELL_NO, Side.BUY, 60)])
def test_each_intent_maps_to_a_side_and_yes_price(intent: Intent, side: Side,
                                                   yes_price: int) -> None:
    request = build_order(inst(), intent, 40, 1)
    assert (request.yes_side, request.yes_price) == (side, yes_price)


def test_each_request_gets_its_own_clord_id() -> None:
    assert build_order(inst(), Intent.BUY_YES, 40, 1).clord_id != build_order(
        inst(), Intent.BUY_YES, 40, 1).clord_id


# --- every validation message ---------------------------------------------------------
@pytest.mark.parametrize(("scales", "price", "qty", "words"), [
    (CENTS, 0, 1, "Price 0.00 is outside 0.01–0.99."),
    (CENTS, 100, 1, "Price 1.00 is outside 0.01–0.99."),
    (CENTS, -5, 1, "Price -0.05 is outside 0.01–0.99."),
    (HALF_CENT, 5, 1, "Price 0.005 is outside 0.01–0.99."),
    (HALF_CENT, 553, 1, "Price 0.553 is not on the tick of 0.005."),
    (Scales(price_scale=1000, tick=10), 555, 1, "Price 0.555 is not on the tick of 0.01."),
    (CENTS, 40, 0, "Quantity must be more than zero."),
    (CENTS, 40, -3, "Quantity must be more than zero."),
    (Scales(price_scale=100, tick=1, min_qty=5), 40, 4,
     "Quantity 4 is below the minimum of 5."),
    (PARTIAL, 400, 50, "Quantity 0.5 is below the minimum of 1."),
    (CENTS, 40.0, 1, "The price is not a number of price units."),
    (CENTS, 40, 1.5, "The quantity is not a whole number of quantity units."),
    (CENTS, 40, True, "The quantity is not a whole number of quantity units."),
])
def test_price_and_quantity_messages(scales: Scales, price: int, qty: int, words: str) -> None:
    assert error_of(inst(scales), Intent.BUY_YES, price, qty) == words


def test_fractional_quantity_on_a_partial_contract_market_is_accepted() -> None:
    assert build_order(inst(PARTIAL), Intent.BUY_YES, 400, 250).qty == 250


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"tif": GTD}, "A GTD order needs an expiry time."),
    ({"tif": GTD, "expire_at": NOW - 60},
     f"The expiry time {time.strftime('%H:%M:%S', time.localtime(NOW - 60))} is not in the "
     "future; a GTD order must expire later."),
    ({"tif": GTD, "expire_at": NOW + 0.5},
     f"The expiry time {time.strftime('%H:%M:%S', time.localtime(NOW + 0.5))} is not in the "
     "future; a GTD order must expire later."),
    ({"tif": GTD, "expire_at": math.nan}, "The expiry time is not a time."),
    ({"tif": GTD, "expire_at": "soon"}, "The expiry time is not a time."),
    ({"expire_at": NOW + 60}, "An expiry time is only for GTD orders."),
    ({"tif": IOC, "expire_at": NOW + 60}, "An expiry time is only for GTD orders."),
    ({"tif": TimeInForce.DAY}, "Choose a time in force: GTC, GTD, IOC or FOK."),
    ({"tif": TimeInForce.UNDEFINED}, "Choose a time in force: GTC, GTD, IOC or FOK."),
    ({"tif": "GTC"}, "Choose a time in force: GTC, GTD, IOC or FOK."),
    ({"tif": IOC, "post_only": True},
     "Post-only must rest on the book, so it is GTC or GTD, not IOC."),
    ({"tif": FOK, "post_only": True},
     "Post-only must rest on the book, so it is GTC or GTD, not FOK."),
    ({"cash_qty": 2500}, "A cash amount is only for market buys; a limit order takes a quantity."),
    ({"kind": "MARKET"}, "Choose a limit or a market order."),
])
def test_time_in_force_and_type_messages(kwargs: dict[str, object], words: str) -> None:
    assert error_of(inst(), Intent.BUY_YES, 40, 10, now=NOW, **kwargs) == words


def test_gtd_in_the_future_and_post_only_gtc_gtd_are_accepted() -> None:
    gtd = build_order(inst(), Intent.BUY_YES, 40, 10, tif=GTD, expire_at=NOW + 1.5, now=NOW)
    assert (gtd.tif, gtd.expire_at) == (GTD, NOW + 1.5)
    for tif, expiry in ((GTC, None), (GTD, NOW + 60)):
        request = build_order(inst(), Intent.SELL_NO, 40, 10, tif=tif, expire_at=expiry,
                              post_only=True, now=NOW)
        assert request.post_only and request.tif is tif


def test_intent_must_be_an_intent() -> None:
    assert error_of(inst(), "BUY_YES", 40, 10) == "Choose buy or sell, YES or NO."


# --- market orders --------------------------------------------------------------------
BOOK = book(52, 55)
TICKS = Slippage(ticks=3)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"intent": Intent.SELL_YES, "cash_qty": 2500},
     "A cash amount is only for market buys; a sale takes a quantity."),
    ({"intent": Intent.SELL_NO, "cash_qty": 2500},
     "A cash amount is only for market buys; a sale takes a quantity."),
    ({"cash_qty": 0}, "The cash amount must be more than zero."),
    ({"cash_qty": -100}, "The cash amount must be more than zero."),
    ({"cash_qty": 25.0}, "The cash amount must be more than zero."),
    ({"cash_qty": 2500, "qty": 10}, "Give a quantity or a cash amount, not both."),
    ({"cash_qty": 54}, "$0.54 does not buy the minimum of 1 at 0.55."),
    ({"intent": Intent.BUY_NO, "cash_qty": 47},
     "A cash amount works for YES buys only; size a NO buy in contracts."),
    ({"qty": 0}, "Quantity must be more than zero."),
    ({"slippage": None}, "A market order needs a slippage tolerance, in ticks or bips."),
    ({"book": None}, "A market order needs this market's order book, and there is none yet."),
    ({"book": book(52, 55, symbol="OTHER")},
     "A market order needs this market's order book, and there is none yet."),
    ({"book": book(52, None)},
     "There are no YES offers to buy from, so a market order cannot trade."),
    ({"intent": Intent.SELL_NO, "book": book(52, None)},
     "There are no NO bids to sell to (no YES offers), so a market order cannot trade."),
    ({"intent": Intent.SELL_YES, "book": book(None, 55)},
     "There are no YES bids to sell to, so a market order cannot trade."),
    ({"intent": Intent.BUY_NO, "book": book(None, 55)},
     "There are no NO offers to buy from (no YES bids), so a market order cannot trade."),
    ({"tif": GTD, "expire_at": NOW + 60},
     "A market order cannot rest, so it is IOC or FOK, not GTD."),
    ({"post_only": True},
     "Post-only is only for limit orders; a market order takes liquidity."),
])
def test_market_messages(kwargs: dict[str, object], words: str) -> None:
    args: dict[str, object] = {"intent": Intent.BUY_YES, "qty": 0 if "cash_qty" in kwargs
                               else 10, "slippage": TICKS, "book": BOOK}
    args.update(kwargs)
    intent, qty = args.pop("intent"), args.pop("qty")
    assert error_of(inst(), intent, 0, qty, kind=MARKET, now=NOW, **args) == words


@pytest.mark.parametrize(("intent", "slippage", "yes_price", "price"), [
    # YES book 0.520 bid / 0.550 offer on a 0.005 tick
    (Intent.BUY_YES, Slippage(ticks=3), 565, 565),
    (Intent.SELL_NO, Slippage(ticks=3), 565, 435),
    (Intent.SELL_YES, Slippage(ticks=3), 505, 505),
    (Intent.BUY_NO, Slippage(ticks=3), 505, 495),
    (Intent.BUY_YES, Slippage(ticks=0), 550, 550),
    # 50 bips of 0.550 is 0.00275: 0.55275 rounds back to 0.550, never up to 0.555
    (Intent.BUY_YES, Slippage(bips=50), 550, 550),
    (Intent.SELL_NO, Slippage(bips=50), 550, 450),
    # 100 bips of 0.550 is 0.0055: 0.5555 rounds toward the reference to 0.555
    (Intent.BUY_YES, Slippage(bips=100), 555, 555),
    # 50 bips of 0.520 is 0.0026: 0.5174 rounds up to 0.520; 100 bips: 0.5148 -> 0.515
    (Intent.SELL_YES, Slippage(bips=50), 520, 520),
    (Intent.BUY_NO, Slippage(bips=50), 520, 480),
    (Intent.SELL_YES, Slippage(bips=100), 515, 515),
    # NO bips are of the NO price: 100 bips of 0.480 is 0.0048, 0.4848 rounds back to 0.480
    (Intent.BUY_NO, Slippage(bips=100), 520, 480),
])
def test_market_protective_price(intent: Intent, slippage: Slippage, yes_price: int,
                                 price: int) -> None:
    request = build_order(inst(HALF_CENT), intent, 0, 7, kind=MARKET, slippage=slippage,
                          book=book(520, 550), now=NOW)
    assert (request.yes_side, request.yes_price, request.price) == (
        intent.yes_side, yes_price, price)
    assert request.kind is MARKET and request.tif is IOC
    reference = 550 if intent.yes_side is Side.BUY else 520
    assert request.reference_yes_price == reference
    assert request.slippage_ticks == abs(yes_price - reference) // 5


def test_market_protective_price_is_kept_within_bounds() -> None:
    high = build_order(inst(), Intent.BUY_YES, 0, 1, kind=MARKET, slippage=Slippage(ticks=5),
                       book=book(96, 97))
    low = build_order(inst(), Intent.BUY_NO, 0, 1, kind=MARKET, slippage=Slippage(bips=10_000),
                      book=book(3, 97))
    assert (high.yes_price, high.price) == (99, 99)
    assert (low.yes_price, low.price) == (1, 99)


def test_protective_price_directly() -> None:
    assert protective_price(Side.BUY, 550, Slippage(bips=100), HALF_CENT) == 555
    assert protective_price(Side.SELL, 520, Slippage(bips=100), HALF_CENT) == 515


def test_market_fok_stays_fok_and_cash_buy_has_no_quantity() -> None:
    fok = build_order(inst(), Intent.SELL_YES, 0, 5, kind=MARKET, tif=FOK, slippage=TICKS,
                      book=BOOK)
    assert (fok.tif, fok.yes_price, fok.qty) == (FOK, 49, 5)
    cash = build_order(inst(), Intent.BUY_YES, 0, 0, kind=MARKET, cash_qty=2500,
                       slippage=TICKS, book=BOOK)
    assert (cash.qty, cash.cash_qty, cash.is_cash) == (0, 2500, True)


@pytest.mark.parametrize("kwargs", [{}, {"ticks": 1, "bips": 1}, {"ticks": -1}, {"bips": 1.5},
                                    {"bips": 10_001}, {"ticks": True}])
def test_bad_slippage_is_refused_in_words(kwargs: dict[str, object]) -> None:
    with pytest.raises(TicketError):
        Slippage(**kwargs)  # type: ignore[arg-type]


# --- request_words ---------------------------------------------------------------------------
def test_request_words_lines() -> None:
    assert request_words(build_order(inst(), Intent.BUY_NO, 40, 10), CENTS) == (
        "BUY NO 10 @ 0.40 (SELL YES @ 0.60) GTC")
    assert request_words(build_order(inst(), Intent.SELL_YES, 40, 5000, tif=IOC), CENTS) == (
        "SELL YES 5,000 @ 0.40 IOC")
    cash = build_order(inst(), Intent.BUY_YES, 0, 0, kind=MARKET, cash_qty=2500,
                       slippage=TICKS, book=BOOK)
    assert request_words(cash, CENTS) == "BUY YES $25.00 MARKET (IOC, worst 0.58)"
    no = build_order(inst(), Intent.BUY_NO, 0, 3, kind=MARKET, tif=FOK, slippage=TICKS,
                     book=BOOK)
    assert request_words(no, CENTS) == "BUY NO 3 MARKET (FOK, worst 0.51; SELL YES @ 0.49)"
    expiry = time.time() + 3600
    gtd = build_order(inst(), Intent.SELL_NO, 45, 2, tif=GTD, expire_at=expiry, post_only=True)
    clock = time.strftime("%H:%M:%S", time.localtime(expiry))
    assert request_words(gtd, CENTS, now=expiry - 1) == (
        f"SELL NO 2 @ 0.45 (BUY YES @ 0.55) GTD until {clock} post-only")
    later = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(expiry))
    assert request_words(gtd, CENTS, now=expiry - 3 * 86_400).endswith(f"until {later} post-only")
    partial = build_order(inst(PARTIAL), Intent.BUY_YES, 550, 250)
    assert request_words(partial, PARTIAL) == "BUY YES 2.5 @ 0.55 GTC"
    half = build_order(inst(HALF_CENT), Intent.BUY_NO, 445, 1)
    assert request_words(half, HALF_CENT) == "BUY NO 1 @ 0.445 (SELL YES @ 0.555) GTC"


# --- hypothesis: no crash, nothing off bounds, off tick or off scale ----------------------
SCALES = st.sampled_from([
    CENTS, HALF_CENT, PARTIAL, Scales(price_scale=1000, tick=1),
    Scales(price_scale=10_000, tick=100, qty_scale=10, min_qty=5),
    Scales(price_scale=100, tick=1, min_qty=10)])
LEVELS = st.lists(st.tuples(st.integers(-10, 1100), st.integers(1, 100)), max_size=3)


@st.composite
def tickets(draw: st.DrawFn) -> tuple[Instrument, dict[str, object]]:
    """Half the tickets are plausible (mostly valid); in the rest any field may be wild."""
    scales = draw(SCALES)
    wild = draw(st.booleans())

    def pick(usual: st.SearchStrategy[object], anything: st.SearchStrategy[object]) -> object:
        return draw(st.one_of(usual, anything) if wild else usual)

    on_tick = st.integers(scales.min_price // scales.tick, scales.max_price // scales.tick).map(
        lambda n: n * scales.tick)
    level = st.tuples(on_tick, st.integers(1, 100))
    books = st.builds(Book, symbol=st.just("M"), bids=st.lists(level, max_size=3),
                      offers=st.lists(level, max_size=3))
    slippages = st.builds(Slippage, ticks=st.integers(0, 200)) | st.builds(
        Slippage, bips=st.integers(0, 10_000))
    intent = draw(st.sampled_from(list(Intent)))
    kind = draw(st.sampled_from(list(OrderKind)))
    market = kind is OrderKind.MARKET
    tif = pick(st.sampled_from([GTC, IOC, FOK] if market else [GTC, IOC, FOK, GTD]),
               st.sampled_from(list(TimeInForce)))
    cash = pick(st.none() | st.integers(1, 10**8) if market and intent.is_buy else st.none(),
                st.integers(-10, 10**8))
    kwargs = {
        "intent": intent,
        "price": pick(on_tick, st.integers(-20, scales.price_scale + 20)),
        "qty": pick(st.just(0) if cash is not None else st.integers(scales.min_qty, 10**6),
                    st.integers(-5, 10**6)),
        "kind": kind,
        "tif": tif,
        "expire_at": pick(st.sampled_from([NOW + 1.5, NOW + 3600]) if tif is GTD else st.none(),
                          st.sampled_from([None, NOW - 5, NOW + 0.5, NOW + 1.0, NOW + 3600,
                                           math.inf, math.nan])),
        "post_only": pick(st.booleans() if not market and tif in (GTC, GTD) else st.just(False),
                          st.booleans()),
        "cash_qty": cash,
        "slippage": pick(slippages, st.none()),
        "book": pick(books, st.none() | st.builds(Book, symbol=st.sampled_from(["M", "X"]),
                                                  bids=LEVELS, offers=LEVELS)),
    }
    return inst(scales), kwargs


def assert_sendable(request: OrderRequest, instrument: Instrument,
                    kwargs: dict[str, object]) -> None:
    scales = instrument.scales
    assert scales.in_bounds(request.yes_price) and scales.on_tick(request.yes_price)
    assert scales.min_price <= request.yes_price <= scales.max_price
    assert (request.yes_side, request.intent) == (kwargs["intent"].yes_side, kwargs["intent"])
    other = request.price if request.intent.outcome is Outcome.YES else scales.complement(
        request.price)
    assert other == request.yes_price
    if request.cash_qty is None:
        assert isinstance(request.qty, int) and request.qty >= scales.min_qty > 0
    else:
        assert request.qty == 0 and request.cash_qty > 0 and request.intent.is_buy
        assert request.kind is MARKET
    if request.kind is MARKET:
        assert request.tif in (IOC, FOK) and not request.post_only
    else:
        assert request.price == kwargs["price"]
    if request.tif is GTD:
        assert request.expire_at is not None and request.expire_at > NOW + 1
    if request.post_only:
        assert request.tif in (GTC, GTD)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(tickets())
def test_build_order_never_crashes_and_never_returns_an_unsendable_request(
        ticket: tuple[Instrument, dict[str, object]]) -> None:
    instrument, kwargs = ticket
    args = dict(kwargs)
    intent, price, qty = args.pop("intent"), args.pop("price"), args.pop("qty")
    try:
        request = build_order(instrument, intent, price, qty, now=NOW, **args)
    except TicketError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    assert_sendable(request, instrument, kwargs)
    assert request_words(request, instrument.scales)


LIMIT_VALUES = st.builds(Limit, st.integers(1, 10**6), st.booleans())


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(tickets(), st.builds(Limits, st.none() | LIMIT_VALUES, st.none() | LIMIT_VALUES,
                            st.none() | st.builds(Limit, st.integers(1, 60), st.booleans())))
def test_a_request_without_hard_breaches_is_within_every_hard_limit(
        ticket: tuple[Instrument, dict[str, object]], limits: Limits) -> None:
    instrument, kwargs = ticket
    args = dict(kwargs)
    intent, price, qty = args.pop("intent"), args.pop("price"), args.pop("qty")
    try:
        request = build_order(instrument, intent, price, qty, now=NOW, **args)
    except TicketError:
        return
    book = kwargs["book"]
    breaches = limits.check(request, instrument, book)
    assert all(b.words.endswith(".") for b in breaches)
    if any(b.hard for b in breaches):
        return  # refused: never sent
    scales = instrument.scales
    if limits.max_qty and limits.max_qty.hard and request.cash_qty is None:
        assert scales.qty_to_decimal(request.qty) <= limits.max_qty.value
    if limits.max_notional and limits.max_notional.hard:
        assert notional(request, scales) <= limits.max_notional.value
    cap = limits.max_ticks_from_mid
    if cap and cap.hard and book and book.symbol == "M" and book.bids and book.offers:
        twice_mid = book.bids[0][0] + book.offers[0][0]
        assert abs(2 * request.yes_price - twice_mid) <= 2 * cap.value * scales.tick


def test_bips_on_a_no_order_are_of_the_no_price() -> None:
    """BUY NO with the YES bid at 0.950: NO costs 0.050, and 50 bips of that is 0.00025, so
    the worst NO price on a 0.005 tick stays 0.050 (never 8% away, as bips of YES would)."""
    fine = Instrument("F", "fine", Scales.from_refdata(1000, "0.005"))
    book = Book("F", bids=[(950, 10)], offers=[(955, 10)])
    no = build_order(fine, Intent.BUY_NO, 0, 1, kind=MARKET, slippage=Slippage(bips=50),
                     book=book)
    assert (no.price, no.yes_price) == (50, 950)
    wide = build_order(fine, Intent.BUY_NO, 0, 1, kind=MARKET, slippage=Slippage(bips=2000),
                       book=book)  # 20% of 0.050 = 0.010: worst NO 0.060 = YES 0.940
    assert (wide.price, wide.yes_price) == (60, 940)
