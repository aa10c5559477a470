"""ReportAPI's trade reports at the embedded exchange, over its real gRPC and REST sockets,
held against the trades the engine made: SearchTrades, GetTradeStats, and the CSV
downloads (DownloadOrders, DownloadExecutions, DownloadTrades), streamed over gRPC and as
newline-delimited JSON over REST; and their refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from tests.desk_kit import ALICE, BOB, DEMO, place
from tests.reads_kit import OTHER_FIRM, narrow, refused
from tests.simkit import Wire
from tui.core.enums import OrderType, Side, TimeInForce
from tui.proto.polymarket.v1 import enums_pb2
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import orders_pb2_grpc as rep_grpc
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim import downloads
from tui.sim.model import ExecReport
from tui.sim.server import SimServer
from tui.sim.wire import timestamp

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
OTHER = "AEC-CRY-ETH-5K-2026-12-31"
DENIED = grpc.StatusCode.PERMISSION_DENIED


def trade(sim: SimServer) -> None:
    """Alice's trades: demo sweeps two of her offers on SYM (40 × 3, 42 × 1; she is the
    passive side), she sells into Bob's bid at 30 (aggressor), and buys from demo on OTHER."""
    place(sim, ALICE, SYM, Side.SELL, 40, 3)
    place(sim, ALICE, SYM, Side.SELL, 42, 2)
    place(sim, DEMO, SYM, Side.BUY, 42, 4)
    place(sim, BOB, SYM, Side.BUY, 30, 1)
    place(sim, ALICE, SYM, Side.SELL, 30, 1)
    place(sim, DEMO, OTHER, Side.SELL, 55, 2)
    place(sim, ALICE, OTHER, Side.BUY, 55, 2)


def fills(sim: SimServer, account: str, symbol: str | None = None) -> list[ExecReport]:
    return [e for e in sim.exchange.executions(account)
            if e.last_shares and symbol in (None, e.symbol)]


def side_of(t: rep_pb.Trade) -> tr_pb.Execution:
    """The one side of a trade the caller is shown."""
    assert t.HasField("aggressor") != t.HasField("passive")
    return t.aggressor if t.HasField("aggressor") else t.passive


async def test_search_trades_finds_exactly_the_trades_made(quiet_sim: SimServer) -> None:
    trade(quiet_sim)
    hers = fills(quiet_sim, ALICE[0])
    assert len(hers) == 4
    async with Wire(quiet_sim, "alice") as wire:
        stub = rep_grpc.ReportAPIStub(wire.channel)
        got = await stub.SearchTrades(rep_pb.SearchTradesRequest(), metadata=wire.metadata)
        assert not got.next_page_token
        assert [t.id for t in got.trade] == [e.trade_id for e in hers]
        for t, e in zip(got.trade, hers, strict=True):
            mine = side_of(t)  # her side only: the counterparty's order is not hers to see
            assert (mine.id, mine.order.id, mine.last_px, mine.last_shares) == (
                e.exec_id, e.order.order_id, e.last_px, e.last_shares)
            assert t.HasField("aggressor") == e.aggressor
            assert (t.trade_type, t.state) == (1, 2)  # REGULAR, CLEARED
        assert [(side_of(t).last_px, side_of(t).last_shares) for t in got.trade] == [
            (40, 3), (42, 1), (30, 1), (55, 2)]

        by_symbol = await stub.SearchTrades(rep_pb.SearchTradesRequest(symbol=OTHER),
                                            metadata=wire.metadata)
        assert [t.id for t in by_symbol.trade] == [hers[3].trade_id]
        by_order = await stub.SearchTrades(rep_pb.SearchTradesRequest(
            order_id=hers[0].order.order_id), metadata=wire.metadata)
        assert [t.id for t in by_order.trade] == [hers[0].trade_id]
        paged: list[str] = []
        token = ""
        while True:
            page = await stub.SearchTrades(rep_pb.SearchTradesRequest(
                page_size=3, page_token=token), metadata=wire.metadata)
            paged += [t.id for t in page.trade]
            token = page.next_page_token
            if not token:
                break
        assert paged == [e.trade_id for e in hers]

        for path in ("/v1/report/trades/search", "/v1beta1/search_trades"):
            resp = await wire.post(path, {"tradeId": hers[2].trade_id})
            assert resp.status_code == 200, resp.text
            body = resp.json()
            assert set(body) == {"trade", "nextPageToken"}
            (one,) = body["trade"]
            assert (one["tradeType"], one["state"]) == ("TRADE_TYPE_REGULAR",
                                                        "TRADE_STATE_CLEARED")
            assert (one["aggressor"]["lastPx"], one["aggressor"]["order"]["account"]) == (
                "30", ALICE[0])
            assert "passive" not in one  # Bob's side: unset (a client reads it as absent)

    # the other side of the sweep sees the same trades from its side
    async with Wire(quiet_sim) as wire:
        theirs = await rep_grpc.ReportAPIStub(wire.channel).SearchTrades(
            rep_pb.SearchTradesRequest(symbol=SYM), metadata=wire.metadata)
        assert [(t.id, t.aggressor.order.account) for t in theirs.trade] == [
            (hers[0].trade_id, DEMO[0]), (hers[1].trade_id, DEMO[0])]

        for account in (BOB[0], OTHER_FIRM):
            err = await refused(rep_grpc.ReportAPIStub(wire.channel).SearchTrades(
                rep_pb.SearchTradesRequest(accounts=[account]), metadata=wire.metadata))
            assert err.code() == DENIED
            resp = await wire.post("/v1/report/trades/search", {"accounts": [account]})
            assert resp.status_code == 403 and resp.json()["code"] == 7
        narrowed = narrow(quiet_sim, "demo", "read:orders")
        err = await refused(rep_grpc.ReportAPIStub(wire.channel).SearchTrades(
            rep_pb.SearchTradesRequest(), metadata=list(narrowed.items())))
        assert err.code() == DENIED and "read:reports" in err.details()


async def test_a_cross_is_found_as_a_cross(quiet_sim: SimServer) -> None:
    """SearchTrades and DownloadTrades write a trade as trade capture does: a cross is
    TRADE_TYPE_CROSS, linked by its host cross id (which trade_link_id then finds)."""
    place(quiet_sim, BOB, SYM, Side.SELL, 45, 1)
    place(quiet_sim, ALICE, SYM, Side.BUY, 45, 1)  # a regular trade first
    plain = dict(order_type=OrderType.LIMIT, tif=TimeInForce.GOOD_TILL_CANCEL, clord_id="",
                 participate_dont_initiate=False, good_till_time=None, cash_order_qty=0)
    buy_id, _ = quiet_sim.exchange.insert_cross([
        dict(account=DEMO[0], participant=DEMO[1], symbol=SYM, side=Side.BUY, price=50,
             order_qty=4, **plain),
        dict(account=ALICE[0], participant=ALICE[1], symbol=SYM, side=Side.SELL, price=50,
             order_qty=4, **plain)], cross_id="x-1")
    leg = quiet_sim.exchange.order(buy_id)
    assert leg is not None and leg.host_cross_id
    async with Wire(quiet_sim, "alice") as wire:
        stub = rep_grpc.ReportAPIStub(wire.channel)
        got = await stub.SearchTrades(rep_pb.SearchTradesRequest(), metadata=wire.metadata)
        assert [(t.trade_type, t.trade_link_id) for t in got.trade] == [
            (enums_pb2.TRADE_TYPE_REGULAR, ""), (enums_pb2.TRADE_TYPE_CROSS, leg.host_cross_id)]
        cross = got.trade[1]
        assert cross.passive.order.account == ALICE[0] and not cross.HasField("aggressor")
        linked = await stub.SearchTrades(rep_pb.SearchTradesRequest(
            trade_link_id=leg.host_cross_id), metadata=wire.metadata)
        assert [t.id for t in linked.trade] == [cross.id]

        resp = await wire.post("/v1/report/trades/search", {"tradeId": cross.id})
        assert resp.status_code == 200, resp.text
        (one,) = resp.json()["trade"]
        assert (one["tradeType"], one["tradeLinkId"]) == ("TRADE_TYPE_CROSS",
                                                          leg.host_cross_id)
        text = "".join([msg.filechunk async for msg in stub.DownloadTrades(
            rep_pb.DownloadTradesRequest(), metadata=wire.metadata)])
        assert [(r["tradeType"], r["tradeLinkId"]) for r in rows(text)] == [
            ("TRADE_TYPE_REGULAR", ""), ("TRADE_TYPE_CROSS", leg.host_cross_id)]


async def test_trade_stats_totals_are_the_sums_of_the_trades(quiet_sim: SimServer) -> None:
    trade(quiet_sim)
    prints = [e for e in fills(quiet_sim, ALICE[0], SYM)]  # every SYM trade has her side
    pxs, qtys = [e.last_px for e in prints], [e.last_shares for e in prints]
    session = quiet_sim.exchange.stats(SYM)
    assert (sum(qtys), sum(p * q for p, q in zip(pxs, qtys, strict=True))) == (
        session.volume, session.notional)

    def expect(px: list[int], qty: list[int]) -> dict[str, int]:
        n, volume, notional = len(px), sum(qty), sum(p * q for p, q in zip(px, qty, strict=True))
        return {"first": px[0], "last": px[-1], "high": max(px), "low": min(px),
                "total_trade_count": n, "cleared_trade_count": n, "volume": volume,
                "cleared_volume": volume, "notional": notional, "cleared_notional": notional}

    def stats_of(s: object) -> dict[str, int]:
        return {k: getattr(s, k) for k in expect([1], [1])}

    # market data: any valid token, no participant id, no published scope
    async with Wire(quiet_sim, "bob") as wire:
        stub = rep_grpc.ReportAPIStub(wire.channel)
        token_only = [(k, v) for k, v in wire.metadata if k == "authorization"]
        whole = await stub.GetTradeStats(rep_pb.GetTradeStatsRequest(symbol=SYM),
                                         metadata=token_only)
        assert stats_of(whole.stats) == expect(pxs, qtys) and not whole.bars

        # a window from the last trade on; and one ending there (half open)
        last = timestamp(prints[-1].transact_time)
        later = await stub.GetTradeStats(rep_pb.GetTradeStatsRequest(symbol=SYM,
                                                                     start_time=last),
                                         metadata=token_only)
        assert stats_of(later.stats) == expect(pxs[-1:], qtys[-1:])
        earlier = await stub.GetTradeStats(rep_pb.GetTradeStatsRequest(symbol=SYM,
                                                                       end_time=last),
                                           metadata=token_only)
        assert stats_of(earlier.stats) == expect(pxs[:-1], qtys[:-1])

        # bars: equal slices of the window, each the sums of its own trades
        start = timestamp(prints[0].transact_time)
        end = timestamp(prints[-1].transact_time + 0.001)
        barred = await stub.GetTradeStats(rep_pb.GetTradeStatsRequest(
            symbol=SYM, start_time=start, end_time=end, bars=4), metadata=token_only)
        assert stats_of(barred.stats) == expect(pxs, qtys)
        assert len(barred.bars) == len(barred.bar_start_time) == len(barred.bar_end_time) == 4
        assert barred.bar_start_time[0] == start and barred.bar_end_time[-1] == end
        for bar, lo, hi in zip(barred.bars, barred.bar_start_time, barred.bar_end_time,
                               strict=True):
            inside = [e for e in prints
                      if lo.ToNanoseconds() <= timestamp(e.transact_time).ToNanoseconds()
                      < hi.ToNanoseconds()]
            assert bar.total_trade_count == len(inside)
            assert bar.volume == sum(e.last_shares for e in inside)
        assert sum(b.notional for b in barred.bars) == session.notional

        # trade dates (UTC days): today holds them all, yesterday none
        today = datetime.fromtimestamp(prints[0].transact_time, UTC).date()
        day = {"year": today.year, "month": today.month, "day": today.day}
        dated = await stub.GetTradeStats(rep_pb.GetTradeStatsRequest(
            symbol=SYM, start_trade_date=day, end_trade_date=day), metadata=token_only)
        assert stats_of(dated.stats) == expect(pxs, qtys)
        before = today - timedelta(days=1)
        gone = await stub.GetTradeStats(rep_pb.GetTradeStatsRequest(symbol=SYM, end_trade_date={
            "year": before.year, "month": before.month, "day": before.day}),
            metadata=token_only)
        assert gone.stats.total_trade_count == 0

        for path in ("/v1/report/trades/stats", "/v1beta1/get_trade_stats"):
            resp = await wire.http.post(path, json={"symbol": SYM},
                                        headers=dict(token_only))
            assert resp.status_code == 200, resp.text
            assert resp.json()["stats"]["notional"] == str(session.notional)
        # whatever the token's scopes: none is published for it
        narrowed = narrow(quiet_sim, "bob", "read:instruments")
        resp = await wire.post("/v1/report/trades/stats", {"symbol": OTHER}, headers=narrowed)
        assert resp.json()["stats"]["volume"] == "2"

        err = await refused(stub.GetTradeStats(rep_pb.GetTradeStatsRequest(symbol="NOPE"),
                                               metadata=token_only))
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
        resp = await wire.post("/v1/report/trades/stats", {"symbol": "NOPE"})
        assert resp.status_code == 400 and resp.json()["code"] == 3
        resp = await wire.http.post("/v1/report/trades/stats", json={"symbol": SYM})
        assert resp.status_code == 401 and resp.json()["code"] == 16


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_downloads_are_the_callers_history_as_csv(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    trade(quiet_sim)
    place(quiet_sim, ALICE, SYM, Side.BUY, 20, 7, clord_id="resting")
    ex, mine = quiet_sim.exchange, ALICE[0]
    monkeypatch.setattr(downloads, "CHUNK_CHARS", 2000)  # several chunks, each whole rows
    async with Wire(quiet_sim, "alice") as wire:
        stub = rep_grpc.ReportAPIStub(wire.channel)

        async def pulled(method: str, request: object) -> list[str]:
            call = getattr(stub, method)(request, metadata=wire.metadata)
            return [msg.filechunk async for msg in call]

        chunks = await pulled("DownloadOrders", rep_pb.DownloadOrdersRequest())
        assert len(chunks) > 1 and all(c.endswith("\r\n") for c in chunks)
        orders = rows("".join(chunks))
        assert [r["id"] for r in orders] == [o.order_id for o in ex.orders([mine])]
        resting = next(r for r in orders if r["clordId"] == "resting")
        assert (resting["state"], resting["price"], resting["leavesQty"], resting["side"]) == (
            "ORDER_STATE_NEW", "20", "7", "SIDE_BUY")

        executions = rows("".join(await pulled("DownloadExecutions",
                                                rep_pb.DownloadExecutionsRequest())))
        assert [r["id"] for r in executions] == [e.exec_id for e in ex.executions(mine)]
        assert [(r["lastPx"], r["lastShares"]) for r in executions if r["tradeId"]] == [
            (str(e.last_px), str(e.last_shares)) for e in fills(quiet_sim, mine)]

        text = "".join(await pulled("DownloadTrades", rep_pb.DownloadTradesRequest()))
        trades = rows(text)
        hers = fills(quiet_sim, mine)
        assert [r["id"] for r in trades] == [e.trade_id for e in hers]
        for r, e in zip(trades, hers, strict=True):
            side, other = ("aggressor", "passive") if e.aggressor else ("passive", "aggressor")
            assert (r[f"{side}.lastPx"], r[f"{side}.lastShares"], r[f"{side}.order.id"]) == (
                str(e.last_px), str(e.last_shares), e.order.order_id)
            assert r[f"{other}.id"] == "" and r["state"] == "TRADE_STATE_CLEARED"

        # REST: the same file, one {"result": message} a line
        for path in ("/v1/report/trades/csv", "/v1beta1/download_trades"):
            resp = await wire.post(path, {})
            assert resp.status_code == 200, resp.text
            lines = resp.text.splitlines()
            assert len(lines) > 1
            assert "".join(json.loads(line)["result"]["filechunk"] for line in lines) == text
        resp = await wire.post("/v1/report/orders/csv", {"accounts": [mine]})
        assert "".join(json.loads(line)["result"]["filechunk"]
                       for line in resp.text.splitlines()) == "".join(chunks)

        # a window after everything: the header alone
        late = timestamp(ex.clock() + 60)
        (only,) = await pulled("DownloadExecutions", rep_pb.DownloadExecutionsRequest(
            start_time=late))
        assert only == ",".join(downloads.columns(tr_pb.Execution.DESCRIPTOR)) + "\r\n"

        # another's account: the stream ends PERMISSION_DENIED; over REST, 403 and the
        # stream's error line; a token without read:reports is refused before anything
        for account in (BOB[0], OTHER_FIRM):
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await pulled("DownloadTrades", rep_pb.DownloadTradesRequest(accounts=[account]))
            assert err.value.code() == DENIED
            resp = await wire.post("/v1/report/executions/csv", {"accounts": [account]})
            assert resp.status_code == 403 and resp.json()["error"]["code"] == 7
        narrowed = narrow(quiet_sim, "alice", "read:orders")
        call = stub.DownloadOrders(rep_pb.DownloadOrdersRequest(),
                                   metadata=list(narrowed.items()))
        err2 = await refused(call.read())
        assert err2.code() == DENIED and "read:reports" in err2.details()
        resp = await wire.post("/v1/report/orders/csv", {}, headers=narrowed)
        assert resp.status_code == 403 and resp.json()["code"] == 7
