"""Gateway protobuf messages into the core's plain values (raw ints stay raw ints)."""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation

from google.protobuf.timestamp_pb2 import Timestamp

from tui.core.enums import InstrumentState, OrderState, Side
from tui.core.model import Balance, Book, Instrument, Order, Position
from tui.core.prices import Scales
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb


def instruments(msgs: list[ref_pb.Instrument]) -> tuple[list[Instrument], list[str]]:
    """The tradable instruments, and the symbols left out because a scale is missing."""
    good: list[Instrument] = []
    skipped: list[str] = []
    for msg in msgs:
        try:
            good.append(instrument(msg))
        except ValueError:
            skipped.append(msg.symbol)
    return good, skipped


TAG_KEYS = frozenset({"event_category", "event_series", "sports_game_league", "game_id",
                      "market_sport_type", "crypto_market_type"})


def instrument(msg: ref_pb.Instrument) -> Instrument:
    """Raises ValueError when the scales are missing: a guessed scale is a wrong price."""
    if msg.price_scale <= 0 or msg.tick_size <= 0:
        raise ValueError(f"{msg.symbol}: no price scale or tick size")
    scales = Scales.from_refdata(
        price_scale=msg.price_scale, tick_size=msg.tick_size,
        qty_scale=msg.fractional_qty_scale or 1, min_qty=msg.minimum_trade_qty or 1,
    )
    state = (InstrumentState(msg.state) if msg.state in InstrumentState._value2member_map_
             else InstrumentState.CLOSED)
    # the metadata's words (series, league, game) find it in the picker
    tags = tuple(dict.fromkeys(v for k, v in sorted(msg.metadata.items())
                               if v and k in TAG_KEYS))
    return Instrument(symbol=msg.symbol, description=msg.description, scales=scales,
                      state=state, category=msg.metadata.get("event_category", ""), tags=tags)


def book(msg: md_pb.MarketDataUpdate) -> Book:
    stats = msg.stats
    return Book(
        symbol=msg.symbol,
        bids=[(e.px, e.qty) for e in msg.bids],
        offers=[(e.px, e.qty) for e in msg.offers],
        last_trade_px=stats.last_trade_px if stats.HasField("last_trade_px") else None,
        last_trade_qty=stats.last_trade_qty if stats.HasField("last_trade_qty") else None,
        volume=stats.shares_traded if stats.HasField("shares_traded") else None,
        open_px=stats.open_px if stats.HasField("open_px") else None,
        transact_ns=epoch_ns(msg.transact_time) if msg.HasField("transact_time") else None,
        received_at=time.monotonic(),
        settlement_px=stats.settlement_px if stats.HasField("settlement_px") else None,
    )


def market_state(msg: md_pb.MarketDataUpdate) -> InstrumentState:
    """The market's state as the update says it (an unknown number: closed, the safe one)."""
    return (InstrumentState(msg.state) if msg.state in InstrumentState._value2member_map_
            else InstrumentState.CLOSED)


def order(msg: tr_pb.Order) -> Order:
    state = (OrderState(msg.state) if msg.state in OrderState._value2member_map_
             else OrderState.NEW)
    side = Side(msg.side) if msg.side in Side._value2member_map_ else Side.UNDEFINED
    return Order(order_id=msg.id, clord_id=msg.clord_id, symbol=msg.symbol, side=side,
                 price=msg.price, order_qty=msg.order_qty, leaves_qty=msg.leaves_qty,
                 cum_qty=msg.cum_qty, avg_px=msg.avg_px, state=state,
                 updated_at=time.monotonic(),
                 inserted_ns=epoch_ns(msg.insert_time) if msg.HasField("insert_time") else None)


def epoch_ns(ts: Timestamp) -> int:
    """Nanoseconds since the epoch, exact: no datetime, so no local time zone in between."""
    return ts.seconds * 1_000_000_000 + ts.nanos


def position(msg: pos_pb.Position, scales: Scales) -> Position:
    """The exchange reports a net YES position: the one outcome it holds."""
    return Position.from_net(msg.symbol, msg.net_position, msg.qty_bought, msg.qty_sold,
                             msg.cost, msg.realized, scales=scales)


def balance(msg: pos_pb.GetAccountBalanceResponse) -> Balance:
    return Balance(balance=_money(msg.balance), buying_power=_money(msg.buying_power))


def timestamp(epoch_seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(int(epoch_seconds * 1_000_000_000))
    return ts


def _money(text: str) -> Decimal:
    try:
        return Decimal(text) if text else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
