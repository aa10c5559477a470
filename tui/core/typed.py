"""What a trader types into a ticket, read exactly or refused in one sentence.

A price or a size arrives as text: "0.55", ".5", "12.50", "1e3", but also "1e999999",
"-3", "NaN", "0.5000000000000000000000001" or a page of digits. Each is read as an exact
number (never through float, never rounded) and turned into whole price or quantity units
of the market, or refused with a ``TicketError`` that says why. Nothing here raises
anything else, whatever the text.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tui.core.model import Instrument
from tui.core.prices import Intent, Scales
from tui.core.ticket import OrderRequest, TicketError, build_order, price_words, qty_words
from tui.core.tradable import MAX_RAW, untradable

# digits with an optional point, an optional exponent: what a number looks like when typed
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
SHOWN_MAX = 24  # characters of the trader's text a sentence quotes
PLACES_MAX = 18  # a tradable scale divides 10^18: no exact price or size has more places


def read_price(text: str, scales: Scales) -> int:
    """A typed price (of the outcome the trader picked) as raw price units on the tick."""
    reason = untradable(scales)
    if reason is not None:
        raise TicketError(reason)
    value, shown = _number(text, "price", "a price between 0.01 and 0.99, e.g. 0.55")
    if not Decimal("0.01") <= value <= Decimal("0.99"):
        raise TicketError(f"Price {shown} is outside 0.01–0.99.")
    raw = _units(value, scales.price_scale)
    if raw is None:
        raise TicketError(f"Price {shown} has more decimal places than this market's prices "
                          f"(steps of {price_words(scales.tick, scales)}).")
    if not scales.on_tick(raw):
        raise TicketError(f"Price {shown} is not on the tick of "
                          f"{price_words(scales.tick, scales)}.")
    return raw


def read_qty(text: str, scales: Scales) -> int:
    """A typed size in contracts as raw quantity units of this market."""
    reason = untradable(scales)
    if reason is not None:
        raise TicketError(reason)
    value, shown = _number(text, "quantity", "a number of contracts, e.g. 10")
    if value <= 0:
        raise TicketError(f"Quantity {shown} is not more than zero.")
    if value > MAX_RAW:  # exact: whatever its scale, it is more than int64 units
        raise TicketError(f"Quantity {shown} is more than an order can carry (at most "
                          f"{qty_words(MAX_RAW, scales)}).")
    raw = _units(value, scales.qty_scale)
    if raw is None:
        raise TicketError(f"Quantity {shown} has more decimal places than this market's "
                          f"sizes (steps of {qty_words(1, scales)}).")
    if raw > MAX_RAW:
        raise TicketError(f"Quantity {shown} is more than an order can carry (at most "
                          f"{qty_words(MAX_RAW, scales)}).")
    if raw < scales.min_qty:
        raise TicketError(f"Quantity {shown} is below the minimum of "
                          f"{qty_words(scales.min_qty, scales)}.")
    return raw


def typed_order(instrument: Instrument, intent: Intent, price_text: str, qty_text: str,
                **kwargs: object) -> OrderRequest:
    """A limit ticket from the text the trader typed; ``kwargs`` as ``build_order``'s."""
    scales = instrument.scales
    price, qty = read_price(price_text, scales), read_qty(qty_text, scales)
    return build_order(instrument, intent, price, qty, **kwargs)  # type: ignore[arg-type]


def _number(text: object, what: str, example: str) -> tuple[Decimal, str]:
    """The exact value of the text, and the text as a sentence may quote it."""
    if not isinstance(text, str):
        raise TicketError(f"Type {example}.")
    typed = text.strip()
    shown = "".join(c if c.isprintable() else "?" for c in typed[:SHOWN_MAX])  # one line
    shown = shown if len(typed) <= SHOWN_MAX else shown[:-1] + "…"
    if not typed:
        raise TicketError(f"No {what} typed; type {example}.")
    if NUMBER.fullmatch(typed) is None:
        raise TicketError(f"“{shown}” is not a {what}; type {example}.")
    try:
        return Decimal(typed), shown  # exact: the constructor never rounds
    except ArithmeticError:  # an exponent past what any number can hold
        raise TicketError(f"“{shown}” is beyond any {what} an order can carry.") from None


def _units(value: Decimal, scale: int) -> int | None:
    """``value`` x ``scale`` when it is a whole number, else None; exact, in integers.

    ``value`` is finite, positive and bounded by the callers, so after its trailing zeros
    are dropped the integers below stay small however the number was written."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    written = "".join(map(str, digits))
    significant = written.rstrip("0") or "0"  # 0.5000...0 is 0.5: the zeros cost nothing
    exponent += len(written) - len(significant)
    if exponent < -PLACES_MAX:
        return None  # finer than any scale the desk trades
    coefficient = int(significant)
    if exponent >= 0:
        return coefficient * 10**exponent * scale
    whole, rest = divmod(coefficient * scale, 10**-exponent)
    return None if rest else whole
