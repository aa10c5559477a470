"""The embedded exchange's values as gateway protobuf messages (spec §5–§7)."""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp

from tui.core.enums import InstrumentState
from tui.proto.polymarket.v1 import enums_pb2, types_pb2
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.model import (
    CancelRejectReport,
    ExecReport,
    SimInstrument,
    SimOrder,
    SimPosition,
    Trade,
)


def ns(epoch_seconds: float) -> int:
    """Epoch seconds as epoch nanoseconds: the one conversion every message's time and every
    time filter uses, so a time a client echoes back from a message compares equal."""
    return int(epoch_seconds * 1_000_000_000)


def timestamp(epoch_seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(ns(epoch_seconds))
    return ts


def order_pb(o: SimOrder) -> tr_pb.Order:
    msg = tr_pb.Order(
        id=o.order_id, type=int(o.type), side=int(o.side), order_qty=o.order_qty,
        symbol=o.symbol, clord_id=o.clord_id, time_in_force=int(o.tif), account=o.account,
        cum_qty=o.cum_qty, avg_px=o.avg_px, leaves_qty=o.leaves_qty, state=int(o.state),
        participant=o.participant, price=o.price, participate_dont_initiate=(
            o.participate_dont_initiate),
        last_trade_id=o.last_trade_id, parent_order_id=o.parent_order_id,
        cash_order_qty=o.cash_order_qty, cross_id=o.cross_id, host_cross_id=o.host_cross_id,
    )  # no scales: the published Order reserves them; clients read refdata (spec §Order)
    msg.insert_time.CopyFrom(timestamp(o.insert_time))
    msg.create_time.CopyFrom(timestamp(o.create_time))
    msg.last_transact_time.CopyFrom(timestamp(o.last_transact_time))
    if o.good_till_time is not None:
        msg.good_till_time.CopyFrom(timestamp(o.good_till_time))
    return msg


def execution_pb(r: ExecReport) -> tr_pb.Execution:
    msg = tr_pb.Execution(
        id=r.exec_id, order=order_pb(r.order), last_shares=r.last_shares, last_px=r.last_px,
        type=int(r.type), text=r.text, order_reject_reason=int(r.reject_reason),
        trade_id=r.trade_id, aggressor=r.aggressor,
    )
    msg.transact_time.CopyFrom(timestamp(r.transact_time))
    return msg


def trade_pb(trade: Trade, shown: Iterable[ExecReport]) -> rep_pb.Trade:
    """A trade as one caller sees it: the ``shown`` fills (its own side or sides) set, the
    other side's Execution (another trader's order) left unset.

    Every trade is CLEARED (the engine books positions and cash as it trades); a cross's
    is ``TRADE_TYPE_CROSS`` with the host cross id as its ``trade_link_id``, any other
    ``TRADE_TYPE_REGULAR``. SearchTrades, DownloadTrades and trade capture all write it here.
    """
    msg = rep_pb.Trade(
        id=trade.trade_id, state=enums_pb2.TRADE_STATE_CLEARED,
        trade_type=enums_pb2.TRADE_TYPE_CROSS if trade.host_cross_id
        else enums_pb2.TRADE_TYPE_REGULAR, trade_link_id=trade.host_cross_id)
    for fill in shown:
        (msg.aggressor if fill.aggressor else msg.passive).CopyFrom(execution_pb(fill))
    return msg


def cancel_reject_pb(r: CancelRejectReport) -> tr_pb.CancelReject:
    msg = tr_pb.CancelReject(order_id=r.order_id, reject_reason=int(r.reason), text=r.text,
                             is_replace=r.is_replace, clord_id=r.clord_id)
    msg.transact_time.CopyFrom(timestamp(r.transact_time))
    return msg


def instrument_pb(i: SimInstrument) -> ref_pb.Instrument:
    s = i.scales
    return ref_pb.Instrument(
        symbol=i.symbol, tick_size=float(i.tick_size), base_currency="USD", multiplier=1.0,
        minimum_trade_qty=s.min_qty, description=i.description, clearing_house="SIM",
        product_id=i.metadata.get("event_series", ""), state=int(i.state),
        price_scale=s.price_scale, fractional_qty_scale=s.qty_scale, settlement_currency="USD",
        settlement_price_scale=s.price_scale, metadata=i.metadata,
        price_limit=ref_pb.PriceLimit(low=s.min_price, high=s.max_price, low_set=True,
                                      high_set=True),
    )


def position_pb(p: SimPosition) -> pos_pb.Position:
    msg = pos_pb.Position(account=p.account, symbol=p.symbol, net_position=p.net_position,
                          qty_bought=p.qty_bought, qty_sold=p.qty_sold, cost=p.cost,
                          realized=p.realized)
    msg.update_time.CopyFrom(timestamp(p.update_time))
    return msg


def book_update_pb(symbol: str, state: InstrumentState, bids: list[tuple[int, int]],
                   offers: list[tuple[int, int]], stats: dict[str, int | None],
                   now: float) -> md_pb.MarketDataUpdate:
    """``state`` is a plain enum on the wire whose zero is CLOSED: always the real one."""
    msg = md_pb.MarketDataUpdate(
        symbol=symbol, state=int(state),
        bids=[md_pb.BookEntry(px=px, qty=qty) for px, qty in bids],
        offers=[md_pb.BookEntry(px=px, qty=qty) for px, qty in offers],
    )
    for name in ("open_px", "high_px", "low_px", "last_trade_px", "shares_traded",
                 "last_trade_qty", "notional_traded", "settlement_px"):
        value = stats.get(name)
        if value is not None:
            setattr(msg.stats, name, value)
    msg.transact_time.CopyFrom(timestamp(now))
    return msg


HEARTBEAT = types_pb2.Heartbeat()
