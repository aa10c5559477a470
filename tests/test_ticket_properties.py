"""Any ticket a trader can type, on any instrument: accepted exactly as typed, or refused in
one sentence; never an exception out of the ticket builders, ``Limits.check`` or ``vet``.

The oracle for "valid" is written here from the definition, in plain Decimal / Fraction
arithmetic, without the code under test: a price strictly inside (0, 1), within 0.01-0.99,
a whole number of price units on the tick (so its YES complement is too), a size a whole
number of quantity units from the minimum to int64, on an instrument whose tick divides its
price scale and whose scales give exact decimals. So a wrong accept fails as surely as a
wrong refuse.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core.limits import Limit, Limits
from tui.core.model import Book, Instrument
from tui.core.prices import Intent, Outcome, Scales
from tui.core.state import DeskState
from tui.core.ticket import OrderKind, OrderRequest, Slippage, TicketError, build_order
from tui.core.typed import typed_order
from tui.core.vetting import Verdict, vet

NOW = 1_750_000_000.0
INT64 = 2**63 - 1
TYPED = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
# a few seconds in CI; PMDESK_TICKET_EXAMPLES=20000 for a long shake-out by hand
SETTINGS = settings(max_examples=int(os.environ.get("PMDESK_TICKET_EXAMPLES", "600")),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the oracle: from the definition, not from the code under test -------------------------
def tradable(s: Scales) -> bool:
    fields = (s.price_scale, s.tick, s.qty_scale, s.min_qty)
    if not all(type(v) is int and v > 0 for v in fields):
        return False
    decimal_scales = 10**18 % s.price_scale == 0 and 10**18 % s.qty_scale == 0
    # some price strictly inside (0, 1) on the tick, and 1 - p on the tick whenever p is
    return (decimal_scales and s.price_scale % s.tick == 0
            and s.price_scale // s.tick >= 2 and s.min_qty <= INT64)


def exact(text: str, least: int, most: int) -> Fraction | None:
    """The typed number's exact value, or None when it is not a number or is plainly
    outside [10^least, 10^most] (then no valid price or size is that far out)."""
    text = text.strip()
    if not TYPED.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None  # an exponent beyond what any number holds
    if value and not least <= value.adjusted() <= most:
        far = Fraction(10) ** (most + 1) if value.adjusted() > most else Fraction(0)
        return far if value > 0 else -far
    return Fraction(value)


def valid_price(text: str, s: Scales) -> int | None:
    """The raw price when the text is a valid price on this instrument, else None."""
    p = exact(text, -40, 2)
    if p is None or not (0 < p < 1 and Fraction(1, 100) <= p <= Fraction(99, 100)):
        return None
    raw = p * s.price_scale
    if raw.denominator != 1 or raw.numerator % s.tick:
        return None
    return raw.numerator


def valid_qty(text: str, s: Scales) -> int | None:
    q = exact(text, -40, 40)
    if q is None or q <= 0:
        return None
    raw = q * s.qty_scale
    if raw.denominator != 1 or not s.min_qty <= raw.numerator <= INT64:
        return None
    return raw.numerator


# --- what gets typed -----------------------------------------------------------------------
SCALE_VALUES = [1, 2, 3, 4, 5, 7, 10, 20, 25, 100, 1000, 3000, 10_000, 10**6, 10**18,
                2**19, 10**19, 0, -100]


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    if draw(st.integers(0, 2)):  # a plausible market: a decimal scale and a tick dividing it
        ps = 10 ** draw(st.integers(1, 18)) * draw(st.sampled_from([1, 2, 4, 5, 25]))
        ps = min(ps, 10**18)
        tick = draw(st.sampled_from([d for d in (1, 2, 5, 10, 25, 100, 10**6)
                                     if ps % d == 0 and ps // d >= 2] or [1]))
        qs = draw(st.sampled_from([1, 10, 100, 1000, 10**6, 10**18]))
        least = draw(st.sampled_from([1, 5, qs, 50 * qs]))
    else:  # anything a venue might send
        ps = draw(st.sampled_from(SCALE_VALUES) | st.integers(-5, 10**20))
        tick = draw(st.sampled_from([0, -1, 1, 3, 7, 10, 50, 100, ps, 2 * ps])
                    | st.integers(-3, 10**6))
        qs = draw(st.sampled_from(SCALE_VALUES))
        least = draw(st.sampled_from([0, -1, 1, 10, 2**63, 10**30]) | st.integers(-3, 10**6))
    return Instrument("M", "a market", Scales(ps, tick, qs, least))


def written(value: Fraction | Decimal) -> st.SearchStrategy[str]:
    """One exact value as a trader might write it: plain, padded, exponent form, signed."""
    d = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(
        value, Fraction) else value
    plain = f"{d:f}"
    digits, _, places = plain.partition(".")
    scaled = f"{int((d * 10**30).to_integral_value())}e-30"
    return st.sampled_from([
        plain, f" {plain} ", "+" + plain, plain + ("." if not places else "") + "0" * 40,
        scaled, (f".{places}" if digits == "0" and places else plain)])


NASTY = st.sampled_from([
    "", " ", "NaN", "nan", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e28", "1E28",
    "10000000000000000000000000000", "9223372036854775807", "9223372036854775808",
    "1e999999999", "1e-999999999", "1e99999999999999999999", "-0", "0", "0.0", "-5", "1,000",
    "1_000", "٥", "５", "0x10", "1/2", "½", "0.5.5", "..5", "e5", ".", "+", "0.55c", "$5",
    "5" * 200, "0." + "0" * 300 + "1", "0.5" + "0" * 5000, "1" + "0" * 5000])


def sane(s: Scales) -> bool:
    return all(type(v) is int and v > 0 for v in (s.price_scale, s.tick, s.qty_scale))


@st.composite
def prices(draw: st.DrawFn, s: Scales) -> str:
    kind = draw(st.integers(0, 8))
    if kind <= 5 and sane(s):  # on the tick within 0.01-0.99, or a unit either side
        lo, hi = -(-s.price_scale // 100 // s.tick), 99 * s.price_scale // 100 // s.tick
        ticks = st.integers(min(lo, hi), max(lo, hi))
        raw = draw(ticks) * s.tick + draw(st.sampled_from([0, 0, 0, 0, 1, -1]))
        return draw(written(Fraction(raw, s.price_scale)))
    if kind == 6:
        return draw(written(draw(st.decimals(-2, 2, allow_nan=False, places=6))))
    if kind == 7:
        return str(draw(st.decimals(allow_nan=True, allow_infinity=True)))
    return draw(NASTY | st.text(max_size=12))


@st.composite
def sizes(draw: st.DrawFn, s: Scales) -> str:
    kind = draw(st.integers(0, 8))
    if kind <= 5 and sane(s):
        least = s.min_qty if type(s.min_qty) is int else 1
        raw = draw(st.integers(least - 1, least + 10**4) if kind <= 3 else (
            st.integers(-2, 10**4) | st.integers(INT64 - 2, INT64 + 2)
            | st.sampled_from([10**28 * s.qty_scale, 10**40])))
        return draw(written(Fraction(raw, s.qty_scale)))
    if kind == 6:
        return draw(written(draw(st.decimals(-10, 10**30, allow_nan=False, places=4))))
    if kind == 7:
        return str(draw(st.decimals(allow_nan=True, allow_infinity=True)))
    return draw(NASTY | st.text(max_size=12))


LIMIT_VALUES = st.sampled_from([Decimal(1), Decimal("0.01"), Decimal(10**6), Decimal(10**40),
                                Decimal("1e300"), Decimal("123456789012345678901234567890.5")])
A_LIMIT = st.none() | st.builds(Limit, LIMIT_VALUES, st.booleans())
LIMITS = st.builds(Limits, A_LIMIT, A_LIMIT, A_LIMIT, max_position=A_LIMIT,
                   max_working_exposure=A_LIMIT, max_open_orders=A_LIMIT)  # the account's too


def desk(instrument: Instrument, book: Book | None = None) -> DeskState:
    state = DeskState()
    state.instruments[instrument.symbol] = instrument
    if book is not None:
        state.books[instrument.symbol] = book
    return state


def a_sentence(error: TicketError) -> str:
    words = str(error)
    assert words and words.endswith((".", ".)")) and len(words) < 400, words
    assert words.isprintable(), words  # one line: the trader's odd characters are not echoed
    for leak in ("Traceback", "Decimal(", "InvalidOperation", "Error", "<class", "object at"):
        assert leak not in words, words
    return words


def assert_vets(request: OrderRequest, instrument: Instrument, limits: Limits,
                book: Book | None = None) -> Verdict:
    """Nothing escapes the last look, whatever the request; a refusal is a sentence."""
    limits.check(request, instrument, book)
    verdict = vet(request, desk(instrument, book), limits)
    if verdict.refusal is not None:
        assert verdict.refusal.endswith(".") and "Traceback" not in verdict.refusal
    return verdict


# --- typed tickets -------------------------------------------------------------------------
@st.composite
def typed_tickets(draw: st.DrawFn) -> tuple[Instrument, Intent, str, str]:
    instrument = draw(instruments())
    return (instrument, draw(st.sampled_from(list(Intent))), draw(prices(instrument.scales)),
            draw(sizes(instrument.scales)))


@SETTINGS
@given(typed_tickets(), LIMITS)
@example((Instrument("M", "", Scales(100, 1)), Intent.BUY_YES, "0.55", "1e28"), Limits())
@example((Instrument("M", "", Scales(100, 1)), Intent.BUY_YES, "0.55",
          "10000000000000000000000000000"), Limits(max_notional=Limit(Decimal(5), True)))
@example((Instrument("M", "", Scales(100, 3)), Intent.BUY_NO, "0.03", "1"), Limits())
@example((Instrument("M", "", Scales(100, 3)), Intent.BUY_YES, "0.03", "1"), Limits())
@example((Instrument("M", "", Scales(10, 1)), Intent.SELL_NO, "0.1", "1"), Limits())
@example((Instrument("M", "", Scales(1, 1)), Intent.BUY_YES, "0.5", "1"), Limits())
@example((Instrument("M", "", Scales(100, 1, 3)), Intent.BUY_YES, "0.5", "1"), Limits())
@example((Instrument("M", "", Scales(100, 0)), Intent.BUY_YES, "0.5", "1"), Limits())
@example((Instrument("M", "", Scales(100, 1)), Intent.BUY_NO, "0.5" + "0" * 5000, "1.000"),
         Limits())
def test_a_typed_ticket_is_sent_exactly_as_typed_or_refused_in_words(
        ticket: tuple[Instrument, Intent, str, str], limits: Limits) -> None:
    instrument, intent, price_text, qty_text = ticket
    s = instrument.scales
    price = valid_price(price_text, s) if tradable(s) else None
    qty = valid_qty(qty_text, s) if tradable(s) else None
    try:
        request = typed_order(instrument, intent, price_text, qty_text, now=NOW)
    except TicketError as error:
        words = a_sentence(error)
        assert price is None or qty is None, f"refused a valid ticket: {words}"
        if not tradable(s):
            assert words.startswith("This market cannot be traded exactly: ")
        return
    assert price is not None and qty is not None, f"accepted an invalid ticket: {request}"
    yes = price if intent.outcome is Outcome.YES else s.price_scale - price
    assert (request.price, request.yes_price, request.qty) == (price, yes, qty)
    assert request.yes_price % s.tick == 0 and 0 < request.yes_price < s.price_scale
    assert_vets(request, instrument, limits)


# --- raw tickets, as the ladder keys build them, and market orders ---------------------------
RAW_QTY = st.integers(-3, 10**6) | st.integers(1, 100) | st.sampled_from(
    [10**28, 10**28 + 1, 2**63 - 1, 2**63, 10**40, 7 * 10**29])


@st.composite
def raw_tickets(draw: st.DrawFn) -> tuple[Instrument, Intent, int, int, dict[str, object]]:
    instrument = draw(instruments())
    s = instrument.scales
    top = s.price_scale if type(s.price_scale) is int and 0 < s.price_scale < 10**7 else 10**4
    intent = draw(st.sampled_from(list(Intent)))
    price = draw(st.integers(-2, top + 2) | st.sampled_from([10**28, -(10**28)]))
    if sane(s) and draw(st.integers(0, 2)):  # mostly a price on the tick within 0.01-0.99
        lo, hi = -(-s.price_scale // 100 // s.tick), 99 * s.price_scale // 100 // s.tick
        price = draw(st.integers(min(lo, hi), max(lo, hi))) * s.tick
    least = s.min_qty if type(s.min_qty) is int else 1
    qty = draw(RAW_QTY | st.integers(least, least + 100))
    kwargs: dict[str, object] = {}
    if draw(st.booleans()):
        level = st.tuples(st.integers(-2, top + 2), st.integers(1, 100))
        kwargs = {"kind": OrderKind.MARKET,
                  "book": Book("M", bids=draw(st.lists(level, max_size=2)),
                               offers=draw(st.lists(level, max_size=2))),
                  "slippage": draw(st.builds(Slippage, ticks=st.integers(0, 10**6))
                                   | st.builds(Slippage, bips=st.integers(0, 10_000)))}
        if intent is Intent.BUY_YES and draw(st.booleans()):
            kwargs["cash_qty"] = draw(st.integers(-1, 10**6) | st.sampled_from([10**30, 2**64]))
            qty = 0
    return instrument, intent, price, qty, kwargs


def valid_raw_limit(s: Scales, intent: Intent, price: int, qty: int) -> bool:
    if not tradable(s):
        return False
    yes = price if intent.outcome is Outcome.YES else s.price_scale - price
    return all(Fraction(1, 100) <= Fraction(p, s.price_scale) <= Fraction(99, 100)
               and p % s.tick == 0 for p in (price, yes)) and s.min_qty <= qty <= INT64


@SETTINGS
@given(raw_tickets(), LIMITS)
@example((Instrument("M", "", Scales(100, 1)), Intent.BUY_YES, 55, 10**28, {}), Limits())
@example((Instrument("M", "", Scales(100, 1)), Intent.SELL_NO, 45, 10**28, {}),
         Limits(Limit(Decimal(10), True), Limit(Decimal(100), True)))
@example((Instrument("M", "", Scales(100, 3)), Intent.BUY_NO, 3, 1, {}), Limits())
@example((Instrument("M", "", Scales(10, 1)), Intent.SELL_YES, 0, 1,
          {"kind": OrderKind.MARKET, "book": Book("M", bids=[(1, 5)], offers=[(2, 5)]),
           "slippage": Slippage(ticks=3)}), Limits())
@example((Instrument("M", "", Scales(10, 1)), Intent.BUY_NO, 0, 1,
          {"kind": OrderKind.MARKET, "book": Book("M", bids=[(9, 5)], offers=[(9, 5)]),
           "slippage": Slippage(bips=5000)}), Limits())
def test_a_built_order_is_on_the_tick_inside_zero_and_one_or_refused_in_words(
        ticket: tuple[Instrument, Intent, int, int, dict[str, object]], limits: Limits) -> None:
    instrument, intent, price, qty, kwargs = ticket
    s = instrument.scales
    market = kwargs.get("kind") is OrderKind.MARKET
    try:
        request = build_order(instrument, intent, price, qty, now=NOW,
                              **kwargs)  # type: ignore[arg-type]
    except TicketError as error:
        words = a_sentence(error)
        if not market:
            assert not valid_raw_limit(s, intent, price, qty), f"refused a valid one: {words}"
        if not tradable(s):
            assert words.startswith("This market cannot be traded exactly: ")
        return
    assert tradable(s), f"traded an untradable market: {request}"
    if not market:
        assert valid_raw_limit(s, intent, price, qty), f"accepted an invalid one: {request}"
        assert (request.price, request.qty) == (price, qty)
    # whatever the kind: the YES price sent, and the trader's, are real prices on the tick
    for p in (request.yes_price, request.price):
        assert Fraction(1, 100) <= Fraction(p, s.price_scale) <= Fraction(99, 100), request
        assert p % s.tick == 0 and 0 < p < s.price_scale, request
    yes = request.price if intent.outcome is Outcome.YES else s.price_scale - request.price
    assert request.yes_price == yes
    assert request.cash_qty is not None or s.min_qty <= request.qty <= INT64
    assert_vets(request, instrument, limits, kwargs.get("book"))  # type: ignore[arg-type]


# --- requests made by hand (a move's or resize's replacement) still never raise ------------
@SETTINGS
@given(instruments(), st.sampled_from(list(Intent)), st.integers(-2, 10**4) | st.sampled_from(
    [10**28, 2**63, -(10**30)]), RAW_QTY, LIMITS)
@example(Instrument("M", "", Scales(100, 1)), Intent.BUY_YES, 55, 10**28,
         Limits(max_notional=Limit(Decimal(1000), True)))
@example(Instrument("M", "", Scales(100, 3)), Intent.BUY_NO, 3, 5, Limits())
def test_the_last_look_refuses_any_request_in_words(
        instrument: Instrument, intent: Intent, price: int, qty: int, limits: Limits) -> None:
    yes = price if intent.outcome is Outcome.YES else (
        instrument.scales.price_scale - price if type(instrument.scales.price_scale) is int
        else price)
    request = OrderRequest("M", intent, price, intent.yes_side, yes, qty)
    verdict = assert_vets(request, instrument, limits,
                          Book("M", bids=[(40, 1)], offers=[(60, 1)]))
    s = instrument.scales
    # the last look is not the ticket's minimum-size check; it refuses what no order carries
    carried = 0 <= qty <= INT64 and valid_raw_limit(s, intent, price, s.min_qty)
    if not carried:
        assert verdict.refusal is not None, f"let through an unsendable request: {request}"
