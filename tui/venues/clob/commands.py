"""Commands to the global CLOB: insert, cancel (one, many, a market, everything), look up.

An order's id is its EIP-712 hash (docs/spec/global-clob.md §3.4), known before it is sent:
an insert whose answer was lost is looked up by it (certain: found, or never arrived), and
a cancel need not wait for the answer. The intent becomes a token and a side (§7): selling
sells tokens held; without them the desk refuses in words and names the equivalent buy.
An order beyond what is free is refused before it is sent (§6.6). The CLOB has no preview
route (the estimate walks the book on screen) and no modify (a move is a cancel, then a new
order). The lifecycle around each command is the
venue base's; this is only the wire.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

from tui.core.clob_sign import SigningError, compact, exchange_for, fee_per_share
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.model import Book, Estimate, Instrument, Order
from tui.core.prices import Outcome
from tui.core.state import DeskState
from tui.core.ticket import OrderKind, OrderRequest, Terms, TicketError, build_order
from tui.core.venue import VenueError
from tui.venues.base import VenueBase
from tui.venues.clob import convert
from tui.venues.clob.batch import OrderBatcher
from tui.venues.clob.convert import Market, Signer
from tui.venues.clob.rest import ClobRest, refusal
from tui.venues.sweep import Scope

log = logging.getLogger(__name__)
PREPARED_KEPT = 50  # orders prepared for confirmations not (yet) answered


class ClobCommands(VenueBase):
    state: DeskState
    rest: ClobRest
    batcher: OrderBatcher
    signer: Signer
    markets: dict[str, Market]  # symbol -> its CLOB names
    allowances: dict[str, Decimal | None]  # spender -> pUSD it may spend (None: unlimited)
    _conditions: dict[str, Market]  # condition id -> its CLOB names
    _fees: dict[str, tuple[Decimal, int]]  # symbol -> §6.7 (r, e), read when first needed
    _replacing: set[str]  # desk ids of the new halves of moves on their way
    _prepared: dict[str, convert.Unsigned]  # desk id -> its order, as a confirmation showed
    cancel_batch = 50
    _clords: dict[str, str]  # order hash -> the desk's id

    def _names(self, symbol: str) -> tuple[Instrument, Market]:
        inst, names = self.state.instruments.get(symbol), self.markets.get(symbol)
        if inst is None or names is None:
            raise VenueError(f"{symbol} is not a market this desk knows.")
        return inst, names

    def _owner(self) -> str:
        if self.rest.creds is None:
            raise VenueError("The CLOB session has no API credentials yet.")
        return self.rest.creds.api_key

    # --- inserts ----------------------------------------------------------------------
    def _insert_sender(self, request: OrderRequest) -> Callable[[], Awaitable[str]]:
        inst, _ = self._names(request.symbol)
        if request.clord_id not in self._replacing:  # a move's was checked before its cancel
            self._check_free(request, inst)
        unsigned = self._unsigned(request)
        self._prepared.pop(request.clord_id, None)  # sent once: never again as this
        owner = self._owner()

        async def send() -> str:
            # signed here, on the loop: with coincurve it takes 0.7 ms, less than a hop to a
            # thread and back (which cost the key → request p99 20 ms under load)
            body, order_id = unsigned.sign(self.signer, owner)
            # named before it leaves: what the user channel says of it may come first
            self._clords[order_id] = request.clord_id
            answer = await self.batcher.post(body)
            if not answer.get("success", True):
                raise VenueError(f"The CLOB refused it: {refusal(str(answer.get('errorMsg')))}.")
            return str(answer.get("orderID") or order_id)
        return send

    def wire_text(self, request: OrderRequest) -> str:
        body, order_id = self._unsigned(request).sign(self.signer, self._owner())
        token = "YES" if request.intent.outcome is Outcome.YES else "NO"
        return (f"POST /order ({'BUY' if request.intent.is_buy else 'SELL'} the {token} "
                f"token; id {order_id[:10]}…)\n{compact(body)}")

    def _unsigned(self, request: OrderRequest) -> convert.Unsigned:
        """The order checked against the CLOB's rules; one they cannot express is a
        VenueError in words (nothing is shown pending or sent). Made once a request: the
        confirmation (wire_text) shows the very order, salt, time and id, that is sent."""
        prepared = self._prepared.get(request.clord_id)
        if prepared is not None:
            return prepared
        inst, names = self._names(request.symbol)
        try:
            unsigned = convert.unsigned_order(request, names, inst.scales, self.signer,
                                              spend=self._spend(request, inst),
                                              chain=self.rest.chain)
        except SigningError as exc:
            raise VenueError(f"The CLOB cannot take this order: {exc}.") from None
        self._prepared[request.clord_id] = unsigned
        while len(self._prepared) > PREPARED_KEPT:  # confirmations declined
            del self._prepared[next(iter(self._prepared))]
        return unsigned

    def _spend(self, request: OrderRequest, inst: Instrument) -> Decimal | None:
        """A market BUY sized in shares, as the dollars the CLOB spends (§3.5: a FOK/FAK
        BUY is an amount of pUSD): what those shares cost on the book on screen within the
        limit, the rest at the limit, so a better price buys the shares asked, not more."""
        immediate = request.kind is OrderKind.MARKET or request.tif in (
            TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)
        if not request.intent.is_buy or request.cash_qty is not None or not immediate:
            return None
        sc, book = inst.scales, self.state.books.get(request.symbol)
        yes = request.intent.outcome is Outcome.YES
        levels = (book.offers if yes else book.bids) if book is not None else []
        left, cost = request.qty, 0  # raw: quantity, and notional in the token's price
        for px, size in levels:
            token_px = px if yes else sc.complement(px)
            if token_px > request.price or left <= 0:
                break
            take = min(size, left)
            cost, left = cost + take * token_px, left - take
        cost += left * request.price
        return (Decimal(cost) / (sc.price_scale * sc.qty_scale)).quantize(Decimal("0.01"))

    def _check_free(self, request: OrderRequest, inst: Instrument, *,
                    replacing: Order | None = None) -> None:
        """§6.6 before sending: a BUY within the free pUSD, a SELL within the tokens held
        and not already offered; a sell of tokens not held is refused with its equivalent."""
        sc = inst.scales
        price = Decimal(request.price) / sc.price_scale
        shares = Decimal(request.qty) / sc.qty_scale
        outcome = request.intent.outcome
        if request.intent.is_buy:
            needed = (Decimal(request.cash_qty) / (sc.price_scale * sc.qty_scale)
                      if request.cash_qty is not None else shares * price)
            r, e = self._fees.get(request.symbol, (Decimal(0), 1))
            needed += needed / price * fee_per_share(r, e, price)  # if it all took liquidity
            free = self.free_cash(excluding=replacing)
            if needed > free:
                raise VenueError(f"Not enough pUSD free: it needs ${needed:.2f}, "
                                 f"${max(free, Decimal(0)):.2f} is free.")
            allowed = self.allowance_for(self._names(request.symbol)[1].neg_risk)
            if allowed is not None and needed > self.free_cash(excluding=replacing,
                                                               cash=allowed):
                raise VenueError(
                    f"Not enough pUSD allowance: it needs ${needed:.2f}, and the exchange "
                    f"may spend ${max(allowed, Decimal(0)):.2f} of your pUSD, less what your "
                    "bids hold. Approve more on chain.")
            return
        position = self.state.positions.get(request.symbol)
        held = position.holding(outcome).qty if position is not None else 0
        offered = sum(o.leaves_qty for o in self.state.working_orders(request.symbol)
                      if o.intent is not None and not o.intent.is_buy
                      and o.intent.outcome is outcome and o is not replacing)
        if request.qty > held - offered:
            other = Outcome.NO if outcome is Outcome.YES else Outcome.YES
            mirror = sc.price_text(sc.complement(request.price))
            have = sc.qty_text(max(held - offered, 0))
            raise VenueError(
                f"You hold {have} {outcome.value} free to sell, so the CLOB cannot sell "
                f"{sc.qty_text(request.qty)}: selling needs tokens held. The same exposure: "
                f"BUY {other.value} {sc.qty_text(request.qty)} @ {mirror}.")

    def allowance_for(self, neg_risk: bool) -> Decimal | None:
        """pUSD the market's exchange contract may spend (None: unlimited, or not told)."""
        given = self.allowances
        return given.get(exchange_for(neg_risk).lower(), given.get("*"))

    def free_cash(self, excluding: Order | None = None, cash: Decimal | None = None
                  ) -> Decimal:
        """pUSD (the balance shown, or ``cash``) not reserved by my working BUYs (remaining
        shares × price, §6.6)."""
        if cash is None:
            balance = self.state.balance
            cash = balance.balance if balance is not None else Decimal(0)
        for order in self.state.working_orders():
            inst = self.state.instruments.get(order.symbol)
            if (inst is None or order.intent is None or not order.intent.is_buy
                    or order is excluding):
                continue
            sc = inst.scales
            price = order.shown_price(sc)
            cash -= Decimal(order.leaves_qty * price) / (sc.price_scale * sc.qty_scale)
        return cash

    async def preview(self, request: OrderRequest) -> Estimate:
        """What the book on screen would give now (the CLOB has no preview route), with the
        taker's fee on that fill (§6.7) at its average price."""
        inst, _ = self._names(request.symbol)
        r, e = await self.fee_terms(request.symbol)
        self._check_free(request, inst)
        est = walk(self.state.books.get(request.symbol), request, inst)
        if not est.fill_qty or not r:
            return est
        sc = inst.scales
        price = Decimal(est.avg_px if request.intent.outcome is Outcome.YES
                        else sc.complement(est.avg_px)) / sc.price_scale
        fee = Decimal(est.fill_qty) / sc.qty_scale * fee_per_share(r, e, price)
        return Estimate(est.fill_qty, est.avg_px, est.leaves_qty, fee)

    async def fee_terms(self, symbol: str) -> tuple[Decimal, int]:
        """A market's fee (r, e), read from its details the first time it is asked."""
        if symbol not in self._fees:
            _, names = self._names(symbol)
            self._fees[symbol] = convert.fee_terms(await self.rest.clob_market(
                names.condition_id))
        return self._fees[symbol]

    # --- lookups ----------------------------------------------------------------------
    def _hash_of(self, order: Order) -> str:
        if order.order_id:
            return order.order_id
        return next((h for h, c in self._clords.items() if c == order.clord_id), "")

    async def _find_sent(self, pending: Order, before: set[str]) -> Order | None:
        """By its hash: found, or it never arrived (certain, §3.4)."""
        order_id = self._hash_of(pending)
        if not order_id:
            return None
        data = await self.rest.order(order_id)
        if data is None:
            return None
        inst, names = self._names(pending.symbol)
        try:
            return convert.order(data, names, inst.scales, clord_id=pending.clord_id)
        except (ValueError, KeyError, TypeError):  # asked again later, never taken as gone
            raise VenueError("The CLOB's copy of the order could not be read.") from None

    async def _list_open(self, symbols: list[str] | None) -> list[Order]:
        markets = [self.markets[s].condition_id for s in symbols or () if s in self.markets]
        rows = []
        for market in markets or [None]:
            rows.extend(await self.rest.open_orders(market))
        return [order for data in rows if (order := self.decode_order(data)) is not None]

    def decode_order(self, data: dict[str, object]) -> Order | None:
        names = self.by_condition().get(str(data.get("market", "")))
        if names is None:
            return None
        try:
            order = convert.order(data, names, self.state.instruments[names.symbol].scales,
                                  clord_id=self._clords.get(str(data.get("id", "")), ""))
        except (ValueError, KeyError, TypeError):
            log.warning("an order could not be read")
            return None
        return self._ours(order)

    def by_condition(self) -> dict[str, Market]:
        """Markets by condition id (made with the markets: asked on every user event)."""
        return self._conditions

    # --- cancels ----------------------------------------------------------------------
    async def _send_cancels(self, orders: list[Order]) -> None:
        """Cancel by hash; what the CLOB did not cancel is looked up at once and shown as it
        is (filled, or already gone), never left "cancelling" for want of an event."""
        ids = [h for h in (self._hash_of(o) for o in orders) if h]
        if not ids:
            return
        answer = await self.rest.cancel(ids)
        refused = answer.get("not_canceled") or {} if isinstance(answer, dict) else {}
        for order_id, why in refused.items():
            data = await self.rest.order(str(order_id))
            order = self.decode_order(data) if data else None
            if order is not None:
                self._report(order)
            else:
                log.warning("cancel of %s refused (%s) and the order not found", order_id, why)

    def _replace_sender(self, order: Order, price: int | None, qty: int | None,
                        terms: Terms | None = None) -> Callable[[], Awaitable[object]]:
        raise VenueError("The CLOB cannot change an order in place.")  # replace() instead

    async def replace(self, order: Order, *, price: int | None = None,
                      qty: int | None = None, terms: Terms | None = None) -> None:
        """The CLOB has no modify: a move or resize is a cancel, then a new order for what
        is left at the new price, with the same intent and time in force (a GTD keeps its
        expiry). Checked before the cancel (funds counted without the old order); the new
        order is sent only once the CLOB says the old one is cancelled, sized by what the
        CLOB says it filled by then, so the two never both work and a fill in between is
        never bought twice."""
        if terms is not None:  # a new order would be another order, its place in line lost
            raise VenueError("The CLOB cannot change an order's terms: cancel it and send a "
                             "new one with the terms you want.")
        self._refuse_if_latched()
        self._require_order_stream()
        current = await self._acknowledged(order)
        if current is None or current.intent is None:
            raise VenueError("That order is no longer working.")
        inst, _ = self._names(current.symbol)
        order_id = self._hash_of(current)
        target = current.order_qty if qty is None else qty
        yes = current.price if price is None else price
        mine = yes if current.intent.outcome is Outcome.YES else inst.scales.complement(yes)
        before = await self.rest.order(order_id)
        expire_at = _expiry(before)
        request = self._successor(inst, current, mine, target - current.cum_qty, expire_at)
        self._check_free(request, inst, replacing=current)
        answer = await self._while_marked([current], OrderState.PENDING_CANCEL,
                                          lambda: self.rest.cancel([order_id]))
        if order_id not in (answer.get("canceled") or []):
            why = (answer.get("not_canceled") or {}).get(order_id, "no reason given")
            raise VenueError(f"The CLOB did not cancel it ({why}); nothing new was sent.")
        after = await self.rest.order(order_id)  # what filled before the cancel took
        filled = (convert.raw_qty(after.get("size_matched") or 0) if after
                  else current.cum_qty)
        if target - filled <= 0:
            raise VenueError("It filled in full before the move: nothing new was sent.")
        if target - filled != request.qty:
            request = self._successor(inst, current, mine, target - filled, expire_at)
        self._replacing.add(request.clord_id)  # its funds were checked before the cancel
        try:
            await self.submit(request)
        finally:
            self._replacing.discard(request.clord_id)

    @staticmethod
    def _successor(inst: Instrument, current: Order, price: int, qty: int,
                   expire_at: float | None) -> OrderRequest:
        assert current.intent is not None
        try:
            if expire_at is not None:
                return build_order(inst, current.intent, price, qty,
                                   tif=TimeInForce.GOOD_TILL_TIME, expire_at=expire_at)
            return build_order(inst, current.intent, price, qty)
        except TicketError as exc:
            raise VenueError(str(exc)) from None

    async def _sweep_send(self, orders: list[Order], scope: Scope, first: bool) -> list[str]:
        """A market or everything: the CLOB's own cancel for it (it also takes an order whose
        answer was lost); a side or a list: by id."""
        if scope.side is None and scope.ids is None:
            if not (first or orders):
                return []
            try:
                if scope.symbol is None:
                    answer = await self._bounded(self.rest.cancel_all())
                else:
                    condition = self._names(scope.symbol)[1].condition_id
                    answer = await self._bounded(self.rest.cancel_market(condition))
            except VenueError:
                return []  # what is still listed goes again next round
            return [str(i) for i in answer.get("canceled") or []]
        return await super()._sweep_send(orders, scope, first)


def walk(book: Book | None, request: OrderRequest, inst: Instrument) -> Estimate:
    """The fill the book shows for this order now: the other side walked to its YES limit."""
    if book is None:
        return Estimate(fill_qty=0, avg_px=0, leaves_qty=request.qty)
    buy = request.yes_side is Side.BUY
    levels = book.offers if buy else book.bids
    sc = inst.scales
    want = request.qty
    # a cash buy's budget in the same units as price × quantity (raw notional)
    budget = request.cash_qty
    got = notional = 0
    for px, size in levels:
        if (px > request.yes_price) if buy else (px < request.yes_price):
            break
        cost = px if request.intent.outcome is Outcome.YES else sc.complement(px)
        take = size if budget is None else min(size, (budget - notional) // max(cost, 1))
        take = min(take, want - got) if budget is None else take
        if take <= 0:
            break
        got += take
        notional += take * cost
        if budget is None and got >= want:
            break
    avg = 0
    if got:
        yes_notional = notional if request.intent.outcome is Outcome.YES else (
            got * sc.price_scale - notional)
        avg = (yes_notional + got // 2) // got  # the YES price, rounded half up
    leaves = 0 if request.cash_qty is not None else max(want - got, 0)
    return Estimate(fill_qty=got, avg_px=avg, leaves_qty=leaves)


def _expiry(data: dict[str, object] | None) -> float | None:
    """A GTD order's expiry as the trader chose it (the CLOB's expiration less its minute)."""
    if not data or str(data.get("order_type", "")).upper() != "GTD":
        return None
    try:
        expiration = int(str(data.get("expiration") or 0))
    except ValueError:
        return None
    return expiration - convert.GTD_THRESHOLD if expiration > 0 else None
