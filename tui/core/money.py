"""Dollars in the trader's words: the one formatter every amount on the desk goes through.

Amounts are Decimal dollars (never float); a raw notional (raw price x raw quantity) is
turned into dollars by ``notional_dollars``. Cents round half away from zero, everywhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from tui.core.prices import Scales

CENT = Decimal("0.01")


def notional_dollars(scales: Scales, notional: int) -> Decimal:
    """A raw notional (raw price x raw qty) in dollars."""
    return Decimal(notional) / Decimal(scales.price_scale * scales.qty_scale)


def cents(amount: Decimal) -> Decimal:
    """To the cent, half away from zero; exact however large (a context's 28 digits would
    make quantize raise InvalidOperation from about 10^26 dollars)."""
    with localcontext() as ctx:
        if amount.is_finite():
            ctx.prec = max(ctx.prec, amount.adjusted() + 4)
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def dollars(amount: Decimal, *, signed: bool = False, exact: bool = False,
            symbol: bool = True) -> str:
    """'$1,234.50' (a loss '-$3.10'); ``signed``: '+$1.25' / '-$0.40' / '$0.00';
    ``exact``: never rounded, '$0.125' (a sentence that quotes a limit or a cash size);
    ``symbol=False``: no '$' ('+1,234.56', for a ladder column)."""
    shown = cents(amount)
    if exact and shown != amount:
        with localcontext() as ctx:  # never rounded to the context's 28 digits
            ctx.prec = max(ctx.prec, len(amount.as_tuple().digits))
            shown = amount.normalize()
    sign = "-" if shown < 0 else "+" if signed and shown > 0 else ""
    return f"{sign}{'$' if symbol else ''}{abs(shown):,f}"


def gain(amount: Decimal) -> int:
    """1, 0 or -1: the sign of the amount as shown (a loss under half a cent is no loss)."""
    shown = cents(amount)
    return (shown > 0) - (shown < 0)


def raw_dollars(raw: int, scales: Scales, *, exact: bool = False, signed: bool = False) -> str:
    """A raw notional as dollars: '$1,234.50'."""
    return dollars(notional_dollars(scales, raw), exact=exact, signed=signed)


def wire_decimal(value: object) -> Decimal:
    """A venue's JSON number or decimal string (or a retail Amount, {"value": ...}) as a
    Decimal, never through float; ValueError when it is not a finite number."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(f"not a number: {value!r}")
    try:
        result = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return result
