"""Account-level limits: the account as it would stand after an order, not the order alone.

Three of them are checked with the per-order limits, on every order the desk sends (a new
order, a move's or a resize's replacement, flatten's close), against this account's own
state:

- ``max_position``: contracts net in one market if this order and my working orders on its
  side (YES-book bids for a buy, offers for a sell) all filled: the worst case, since the
  trader cannot stop a resting order filling.
- ``max_working_exposure``: dollars at risk in my working orders across every market
  (a YES bid at p risks p a contract, a YES offer at p risks 1 - p), this order included.
- ``max_open_orders``: orders working across every market, this one included.

Each refuses (hard) or asks (soft) only when the order adds to what it measures: an order
that leaves the account at or under where it stands now (a smaller resize, a move that
replaces an order) is never stopped, even when the account is already past a limit the
trader has just lowered. An order that only reduces a position (a close, flatten's) is a
way out, so neither the exposure nor the order count stops it; an IOC or FOK never rests,
so neither counts it (the position limit still does). The daily loss limit is the desk's
(tui/desk/risk.py): it needs a day's P&L, not an order.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tui.core.enums import Side, TimeInForce
from tui.core.limits import Breach, Limit, Limits, notional
from tui.core.model import Order
from tui.core.money import dollars
from tui.core.prices import Outcome, Scales
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest, qty_words


def account_breaches(request: OrderRequest, state: DeskState, limits: Limits, *,
                     ignoring: Iterable[Order] = ()) -> list[Breach]:
    """The account-level limits this order goes over. ``ignoring``: my orders that will be
    gone when it works (the order a replace replaces; the orders flatten cancels first)."""
    skip = {id(o) for o in ignoring}
    found = [_position(request, state, limits.max_position, skip)]
    if rests(request) and not reduces(request, state):
        found += [_exposure(request, state, limits.max_working_exposure, skip),
                  _open_orders(state, limits.max_open_orders, skip)]
    return [b for b in found if b is not None]


def rests(request: OrderRequest) -> bool:
    """The order may rest (become a working order); an IOC or FOK never does."""
    return request.tif not in (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)


def reduces(request: OrderRequest, state: DeskState) -> bool:
    """Filled alone, the order would leave the market's position smaller, never larger
    (a way out: the working exposure and open order limits never stop one)."""
    held = state.positions.get(request.symbol)
    net = held.net if held is not None else 0
    scales = state.instruments[request.symbol].scales
    sign = 1 if request.yes_side is Side.BUY else -1
    return net != 0 and abs(net + sign * most_qty(request, scales)) <= abs(net)


def most_qty(request: OrderRequest, scales: Scales) -> int:
    """The raw contracts the order may trade: its quantity, or the most its cash could buy
    (at the book's best price when the ticket knew it, else at its limit)."""
    if request.cash_qty is None:
        return request.qty
    yes_price = request.reference_yes_price or request.yes_price
    price = scales.complement(yes_price) if request.intent.outcome is Outcome.NO else yes_price
    return request.cash_qty // price if price > 0 else 0


def at_risk(order: Order, scales: Scales) -> Decimal:
    """Dollars a working order risks if it fills: the YES-book side's collateral."""
    per = order.price if order.side is Side.BUY else scales.price_scale - order.price
    return Decimal(order.leaves_qty * per) / Decimal(scales.price_scale * scales.qty_scale)


def _position(request: OrderRequest, state: DeskState, limit: Limit | None,
              skip: set[int]) -> Breach | None:
    if limit is None:
        return None
    scales = state.instruments[request.symbol].scales
    held = state.positions.get(request.symbol)
    net = held.net if held is not None else 0
    sign = 1 if request.yes_side is Side.BUY else -1
    same = [o for o in state.working_orders(request.symbol) if o.side is request.yes_side]
    kept = [o for o in same if id(o) not in skip]
    working = sum(o.leaves_qty for o in kept)
    before = net + sign * sum(o.leaves_qty for o in same)
    qty = most_qty(request, scales)
    after = net + sign * (working + qty)
    if scales.qty_to_decimal(abs(after)) <= limit.value or abs(after) <= abs(before):
        return None
    side = "bid" if request.yes_side is Side.BUY else "offer"
    orders = (f"this order ({qty_words(qty, scales)}) and your {len(kept)} working "
              f"{side}{'s' * (len(kept) != 1)} there ({qty_words(working, scales)}) fill"
              if kept else f"this order ({qty_words(qty, scales)}) fills")
    now = f"{qty_words(abs(net), scales)} {_outcome(net)} held now" if net else "none held now"
    return Breach("max_position", limit.hard,
                  f"Position in {request.symbol} would be {qty_words(abs(after), scales)} "
                  f"{_outcome(after)} if {orders}, with {now}; your {limit.mode} position "
                  f"limit is {_number(limit.value)}{_confirm(limit)}.")


def _exposure(request: OrderRequest, state: DeskState, limit: Limit | None,
              skip: set[int]) -> Breach | None:
    if limit is None:
        return None
    before = after = Decimal(0)
    markets = {request.symbol}
    for order in state.working_orders():
        inst = state.instruments.get(order.symbol)
        if inst is None:
            continue
        risk = at_risk(order, inst.scales)
        before += risk
        if id(order) not in skip:
            after += risk
            markets.add(order.symbol)
    scales = state.instruments[request.symbol].scales
    mine = notional(request, scales)
    after += mine
    if after <= limit.value or after <= before:
        return None
    where = f"{len(markets)} market{'s' * (len(markets) != 1)}"
    return Breach("max_working_exposure", limit.hard,
                  f"Working exposure would be {dollars(after)} across {where} with this "
                  f"order's {dollars(mine)} ({dollars(before)} now); your {limit.mode} "
                  f"working exposure limit is {dollars(limit.value, exact=True)}"
                  f"{_confirm(limit)}.")


def _open_orders(state: DeskState, limit: Limit | None, skip: set[int]) -> Breach | None:
    if limit is None:
        return None
    working = state.working_orders()
    after = sum(1 for o in working if id(o) not in skip) + 1
    if after <= limit.value or after <= len(working):
        return None
    markets = len({o.symbol for o in working})
    return Breach("max_open_orders", limit.hard,
                  f"You would have {after:,} orders working ({len(working):,} now, in "
                  f"{markets} market{'s' * (markets != 1)}); your {limit.mode} open order "
                  f"limit is {_number(limit.value)}{_confirm(limit)}.")


def _outcome(net: int) -> str:
    return "YES" if net > 0 else "NO"


def _number(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def _confirm(limit: Limit) -> str:
    return "" if limit.hard else " (confirm to send)"
