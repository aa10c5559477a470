"""The CLOB's own records at the embedded exchange: each order placed through it (by its order
hash, with the token and side it was signed for) and each trade of such an order, followed
from the engine's execution reports (docs/spec/global-clob.md §4.5, §4.6, §6.10).

The engine keeps one YES book; a NO order is a YES order at 1 − price there. Orders from the
other protocols' accounts are YES orders when they meet a CLOB order. Each engine trade is
one CLOB trade with one maker order; its status advances MATCHED → MINED → CONFIRMED on a
timer (the chain's settlement, §6.10), or to FAILED when a test asks for it. A FAILED trade
moved nothing on chain: each wallet's booking of it is undone (tokens.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tui.core.clob_sign import exchange_for
from tui.core.enums import ExecType, OrderState, Side
from tui.sim.clob.markets import ClobMarket, ClobMarkets
from tui.sim.clob.tokens import Booking, TokenLedger
from tui.sim.clob.wire import num, price_of, shares
from tui.sim.model import ExecReport, SimOrder

SETTLE = ("MATCHED", "MINED", "CONFIRMED")


@dataclass(slots=True)
class ClobOrder:
    order_id: str  # the order hash; the engine order's clord_id too
    account: str  # the engine account of its wallet
    owner: str  # the API key that placed it
    maker: str  # the wallet whose funds it moves (lower case)
    market: ClobMarket
    token: str
    side: str  # BUY / SELL, of the token
    price: Decimal  # in the token's terms
    original: Decimal  # shares (a market BUY: dollars, as the venue reports it)
    order_type: str
    created_at: float
    expiration: int = 0
    matched: Decimal = Decimal(0)
    status: str = "LIVE"  # LIVE, MATCHED, CANCELED
    trades: list[str] = field(default_factory=list)
    reason: str = ""  # the engine's words when it refused or ended it

    def json(self) -> dict[str, Any]:
        return {
            "id": self.order_id, "status": self.status, "owner": self.owner,
            "maker_address": self.maker, "market": self.market.condition_id,
            "asset_id": self.token, "side": self.side, "original_size": num(self.original),
            "size_matched": num(self.matched), "price": num(self.price),
            "associate_trades": list(self.trades), "outcome": self.market.outcome(self.token),
            "created_at": int(self.created_at), "expiration": str(self.expiration),
            "order_type": self.order_type,
        }


@dataclass(slots=True)
class ClobTrade:
    trade_id: str
    engine_trade: str
    taker: dict[str, Any]  # the taker order's side of it: order_id, owner, maker, token, side
    maker: dict[str, Any]  # the maker order's: the same, and its matched amount and price
    market: ClobMarket
    size: Decimal
    price: Decimal  # in the taker's token terms
    match_time: float
    status: str = "MATCHED"
    tx_hash: str = ""
    fee_per_share: Decimal = Decimal(0)  # the taker's (§6.7; makers pay none)
    booked: list[Booking] = field(default_factory=list)  # each CLOB side's, to undo on FAILED

    def json(self, for_maker: bool = False) -> dict[str, Any]:
        t = self.taker
        return {
            "id": self.trade_id, "taker_order_id": t["order_id"],
            "market": self.market.condition_id, "asset_id": t["token"], "side": t["side"],
            # the imitation's reading of fee_rate_bps: the taker's fee a share, in bps of $1
            "size": num(self.size), "fee_rate_bps": num(self.fee_per_share * 10_000),
            "price": num(self.price),
            "status": self.status, "match_time": str(int(self.match_time)),
            "last_update": str(int(self.match_time)),
            "outcome": self.market.outcome(t["token"]), "bucket_index": 0,
            "owner": t["owner"], "maker_address": t["maker"],
            "transaction_hash": self.tx_hash, "trader_side": "MAKER" if for_maker else "TAKER",
            "err_msg": None,
            "maker_orders": [{
                "order_id": self.maker["order_id"], "owner": self.maker["owner"],
                "maker_address": self.maker["maker"], "matched_amount": num(self.size),
                "price": num(self.maker["price"]), "fee_rate_bps": "0",
                "asset_id": self.maker["token"], "outcome": self.market.outcome(
                    self.maker["token"]), "side": self.maker["side"]}],
        }


class ClobRecords:
    """Orders and trades by id; ``on_event`` follows the engine (add it as a listener)."""

    def __init__(self, markets: ClobMarkets, clock: Callable[[], float],
                 tokens: TokenLedger) -> None:
        self.markets = markets
        self.clock = clock
        self.tokens = tokens
        self.orders: dict[str, ClobOrder] = {}  # order hash -> order
        self.trades: dict[str, ClobTrade] = {}  # trade id -> trade
        # engine trade id -> the first report seen, and its wallet's booking if a CLOB order's
        self._half: dict[str, tuple[ExecReport, Booking | None]] = {}
        # (kind, record, what): ("order", ClobOrder, PLACEMENT|UPDATE|CANCELLATION) or
        # ("trade", ClobTrade, its status)
        self.listeners: list[Callable[[str, Any, str], None]] = []

    def add(self, order: ClobOrder) -> None:
        """Before its engine insert: the insert's reports find it by its clord_id."""
        self.orders[order.order_id] = order

    def orders_of(self, owner: str) -> list[str]:
        return [o.order_id for o in self.orders.values() if o.owner == owner]

    def of(self, engine: SimOrder) -> ClobOrder | None:
        order = self.orders.get(engine.clord_id) if engine.clord_id else None
        return order if order is not None and order.account == engine.account else None

    def _tell(self, kind: str, record: object, what: str) -> None:
        for listener in list(self.listeners):
            listener(kind, record, what)

    def on_event(self, event: object) -> None:
        if not isinstance(event, ExecReport):
            return
        order = self.of(event.order)
        if event.type in (ExecType.PARTIAL_FILL, ExecType.FILL) and event.trade_id:
            self._trade(event, order)
        if order is None:
            return
        if event.type in (ExecType.REJECTED, ExecType.EXPIRED):
            order.reason = event.text
        state = event.order.state
        if event.type is ExecType.NEW:
            self._tell("order", order, "PLACEMENT")
        elif event.type in (ExecType.PARTIAL_FILL, ExecType.FILL):
            if state is OrderState.FILLED:
                order.status = "MATCHED"
            self._tell("order", order, "UPDATE")
        elif not state.is_working and event.type is not ExecType.REJECTED:
            if order.status == "LIVE":
                order.status = "CANCELED"
            self._tell("order", order, "CANCELLATION")

    def _trade(self, report: ExecReport, order: ClobOrder | None) -> None:
        """Both sides of an engine trade report in turn; the trade is made at the second."""
        booked: Booking | None = None
        if order is not None:
            inst = self.markets.instrument(order.market)
            qty = shares(report.last_shares, inst)
            order.matched += qty
            price = price_of(report.last_px, inst, order.market.is_yes(order.token))
            fee = qty * order.market.fee_per_share(price) if report.aggressor else Decimal(0)
            booked = self.tokens.book(order.account, order.token, order.side, qty, price, fee,
                                      exchange_for(order.market.neg_risk))
        half = self._half.pop(report.trade_id, None)
        if half is None:
            self._half[report.trade_id] = (report, booked)
            return
        first, first_booked = half
        taker, maker = (report, first) if report.aggressor else (first, report)
        if not (self._is_clob(taker) or self._is_clob(maker)):
            return
        market = self.markets.by_symbol[taker.symbol]
        inst = self.markets.instrument(market)
        taker_side, maker_side = self._side(taker, market), self._side(maker, market)
        trade = ClobTrade(
            str(uuid.uuid4()), report.trade_id, taker_side, maker_side, market,
            shares(report.last_shares, inst),
            price_of(report.last_px, inst, market.is_yes(taker_side["token"])),
            report.transact_time)
        trade.fee_per_share = market.fee_per_share(trade.price)
        trade.booked = [b for b in (first_booked, booked) if b is not None]
        self.trades[trade.trade_id] = trade
        for side in (taker_side, maker_side):
            known = self.orders.get(side["order_id"])
            if known is not None:
                known.trades.append(trade.trade_id)
        self._tell("trade", trade, trade.status)

    def _is_clob(self, report: ExecReport) -> bool:
        return self.of(report.order) is not None

    def _side(self, report: ExecReport, market: ClobMarket) -> dict[str, Any]:
        """One order's side of a trade in its own token terms (another protocol's order is a
        YES order)."""
        inst = self.markets.instrument(market)
        order = self.of(report.order)
        if order is not None:
            return {"order_id": order.order_id, "owner": order.owner, "maker": order.maker,
                    "token": order.token, "side": order.side, "price": order.price}
        engine: SimOrder = report.order
        return {"order_id": engine.order_id, "owner": "", "maker": engine.account,
                "token": market.yes_token, "side": "BUY" if engine.side is Side.BUY else "SELL",
                "price": price_of(engine.price, inst, True)}

    def advance(self, trade_id: str, fail: bool = False) -> ClobTrade | None:
        """One settlement step of a trade: MATCHED → MINED → CONFIRMED, or (failing)
        MATCHED → RETRYING → FAILED. A FAILED trade moved nothing on chain: each CLOB
        wallet's booking of it (tokens, pUSD, the taker's fee) is undone before the status
        is told, so a desk that reads its balance on hearing it finds the pre-trade one.
        The engine's fill stands: each order's size_matched stays as matched (what the
        real venue shows is not documented, and an order the match ended cannot rest
        again), and another protocol's account keeps its side (the imitation's limit)."""
        trade = self.trades.get(trade_id)
        if trade is None or trade.status in ("CONFIRMED", "FAILED"):
            return None
        if fail:
            trade.status = "RETRYING" if trade.status == "MATCHED" else "FAILED"
            if trade.status == "FAILED":
                for booking in trade.booked:
                    self.tokens.unbook(booking)
                trade.booked = []  # undone once
        else:
            trade.status = SETTLE[SETTLE.index(trade.status) + 1]
            if trade.status == "MINED":
                trade.tx_hash = "0x" + uuid.uuid4().hex + uuid.uuid4().hex
        self._tell("trade", trade, trade.status)
        return trade
