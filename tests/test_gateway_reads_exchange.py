"""The gateway's read calls at the embedded exchange, over its real gRPC and REST sockets,
held against the engine's own state: RefDataAPI's ListSymbols and GetInstrumentMetadata,
OrderBookAPI's GetOrderBook and GetBBO, PositionAPI's ListAccountBalances and
ListAccountPositions; and their refusals (scope, another's account, a bad symbol)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

import grpc

from tests.desk_kit import ALICE, BOB, place
from tests.reads_kit import OTHER_FIRM, narrow, refused
from tests.simkit import Wire
from tui.core.enums import Side
from tui.proto.polymarket.v1 import orderbook_pb2 as ob_pb
from tui.proto.polymarket.v1 import orderbook_pb2_grpc as ob_grpc
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import positions_pb2_grpc as pos_grpc
from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.proto.polymarket.v1 import refdata_pb2_grpc as ref_grpc
from tui.sim.server import SimServer
from tui.sim.wire import timestamp as wire_timestamp

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
OTHER = "AEC-CRY-ETH-5K-2026-12-31"  # price_scale 100 too
EMPTY = "AEC-POL-SEN-GA-2026"  # nobody trades it here
DENIED = grpc.StatusCode.PERMISSION_DENIED


def levels(entries: list[dict[str, str]]) -> list[tuple[int, int]]:
    """BookEntry JSON (int64 as strings) as the engine's (px, qty) pairs."""
    return [(int(e["px"]), int(e["qty"])) for e in entries]


# --- RefDataAPI -------------------------------------------------------------------------------

async def test_symbols_and_metadata_list_the_instruments(quiet_sim: SimServer) -> None:
    instruments = quiet_sim.exchange.instruments
    expected_meta: dict[str, set[str]] = {}
    for inst in instruments.values():
        for key, value in inst.metadata.items():
            expected_meta.setdefault(key, set()).add(value)
    async with Wire(quiet_sim) as wire:
        stub = ref_grpc.RefDataAPIStub(wire.channel)
        symbols = await stub.ListSymbols(ref_pb.ListSymbolsRequest(), metadata=wire.metadata)
        assert list(symbols.symbols) == sorted(instruments)
        meta = await stub.GetInstrumentMetadata(ref_pb.GetInstrumentMetadataRequest(),
                                                metadata=wire.metadata)
        assert {k: set(v.split(",")) for k, v in meta.metadata.items()} == expected_meta
        assert meta.metadata["event_category"] == "CRY,CUL,POL,SPR"  # distinct, sorted

        for path in ("/v1/refdata/symbols", "/v1beta1/list_symbols"):
            resp = await wire.post(path, {})
            assert resp.status_code == 200, resp.text
            assert resp.json() == {"symbols": sorted(instruments)}
        for path in ("/v1/refdata/metadata", "/v1beta1/get_instrument_metadata"):
            resp = await wire.post(path, {})
            assert resp.json() == {"metadata": dict(meta.metadata)}

        # read:instruments is the scope (§2.4); another token is refused in the spec's words
        narrowed = narrow(quiet_sim, "demo", "read:marketdata")
        err = await refused(stub.ListSymbols(ref_pb.ListSymbolsRequest(),
                                             metadata=list(narrowed.items())))
        assert err.code() == DENIED
        assert err.details() == "permission denied: missing required scope read:instruments"
        resp = await wire.post("/v1/refdata/metadata", {}, headers=narrowed)
        assert resp.status_code == 403 and resp.json()["code"] == 7


# --- OrderBookAPI -----------------------------------------------------------------------------

async def test_order_book_and_bbo_are_the_engines_book(quiet_sim: SimServer) -> None:
    ex = quiet_sim.exchange
    place(quiet_sim, ALICE, SYM, Side.BUY, 40, 5)
    place(quiet_sim, ALICE, SYM, Side.BUY, 41, 3)
    place(quiet_sim, BOB, SYM, Side.BUY, 41, 2)  # one level of two orders: 41 × 5
    place(quiet_sim, BOB, SYM, Side.BUY, 37, 1)
    place(quiet_sim, BOB, SYM, Side.SELL, 45, 4)
    place(quiet_sim, BOB, SYM, Side.SELL, 47, 6)
    place(quiet_sim, ALICE, SYM, Side.BUY, 45, 1)  # a trade: 45 × 3 left, stats set
    bids, offers = ex.book(SYM, 10)
    assert bids == [(41, 5), (40, 5), (37, 1)] and offers == [(45, 3), (47, 6)]
    stats = ex.stats(SYM)

    async with Wire(quiet_sim) as wire:
        stub = ob_grpc.OrderBookAPIStub(wire.channel)
        book = await stub.GetOrderBook(ob_pb.GetOrderBookRequest(symbol=SYM),
                                       metadata=wire.metadata)
        # depth 0 is the default, 3 levels
        assert [(e.px, e.qty) for e in book.bids] == ex.book(SYM, 3)[0] == bids[:3]
        assert [(e.px, e.qty) for e in book.offers] == offers
        assert book.symbol == SYM and book.state == int(ex.instruments[SYM].state)
        assert (book.stats.last_trade_px, book.stats.shares_traded,
                book.stats.notional_traded) == (stats.last_px, stats.volume, stats.notional)
        one = await stub.GetOrderBook(ob_pb.GetOrderBookRequest(symbol=SYM, depth=1),
                                      metadata=wire.metadata)
        assert [(e.px, e.qty) for e in one.bids] == [bids[0]]

        resp = await wire.http.get(f"/v1/orderbook/{SYM}", params={"depth": 2},
                                   headers=wire.headers)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert levels(body["bids"]) == bids[:2] and levels(body["offers"]) == offers
        assert body["state"] == "INSTRUMENT_STATE_OPEN"
        assert body["stats"]["sharesTraded"] == str(stats.volume)

        best_bid, best_offer = ex.best(SYM)
        bbo = await stub.GetBBO(ob_pb.GetBBORequest(symbol=SYM), metadata=wire.metadata)
        assert (bbo.best_bid.px, bbo.best_bid.qty) == (best_bid, 5) == bids[0]
        assert (bbo.best_offer.px, bbo.best_offer.qty) == (best_offer, 3) == offers[0]
        assert (bbo.spread, bbo.mid_price) == (45 - 41, 43)
        resp = await wire.http.get(f"/v1/orderbook/{SYM}/bbo", headers=wire.headers)
        body = resp.json()
        assert (body["bestBid"]["px"], body["bestOffer"]["qty"]) == ("41", "3")
        assert (body["spread"], body["midPrice"]) == ("4", "43")

        # an empty book: no best prices, so no spread or mid
        empty = await stub.GetBBO(ob_pb.GetBBORequest(symbol=EMPTY), metadata=wire.metadata)
        assert not empty.HasField("best_bid") and not empty.HasField("best_offer")
        assert (empty.spread, empty.mid_price) == (0, 0)

        # a bad symbol or depth is INVALID_ARGUMENT (§3.3), 400 over REST
        for req in (ob_pb.GetOrderBookRequest(symbol="NOPE"),
                    ob_pb.GetOrderBookRequest(symbol=SYM, depth=11)):
            err = await refused(stub.GetOrderBook(req, metadata=wire.metadata))
            assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
        resp = await wire.http.get("/v1/orderbook/NOPE/bbo", headers=wire.headers)
        assert resp.status_code == 400 and resp.json()["code"] == 3

        # depth needs read:l2marketdata; the BBO read:marketdata (§2.4)
        narrowed = narrow(quiet_sim, "demo", "read:marketdata")
        err = await refused(stub.GetOrderBook(ob_pb.GetOrderBookRequest(symbol=SYM),
                                              metadata=list(narrowed.items())))
        assert err.code() == DENIED and "read:l2marketdata" in err.details()
        resp = await wire.http.get(f"/v1/orderbook/{SYM}", headers=narrowed)
        assert resp.status_code == 403 and resp.json()["code"] == 7
        bbo = await stub.GetBBO(ob_pb.GetBBORequest(symbol=SYM),
                                metadata=list(narrowed.items()))
        assert bbo.best_bid.px == best_bid


async def test_a_settled_books_stats_carry_its_settlement(quiet_sim: SimServer) -> None:
    """GetOrderBook's stats say a settled market's price, as the market-data stream's do."""
    quiet_sim.settle_market(EMPTY, Decimal(1))
    paid = quiet_sim.exchange.instruments[EMPTY].scales.price_scale  # $1, raw
    async with Wire(quiet_sim) as wire:
        stub = ob_grpc.OrderBookAPIStub(wire.channel)
        book = await stub.GetOrderBook(ob_pb.GetOrderBookRequest(symbol=EMPTY),
                                       metadata=wire.metadata)
        assert book.stats.settlement_px == paid
        resp = await wire.http.get(f"/v1/orderbook/{EMPTY}", headers=wire.headers)
        assert resp.status_code == 200, resp.text
        assert resp.json()["stats"]["settlementPx"] == str(paid)


# --- PositionAPI ------------------------------------------------------------------------------

def _as_tuple(p: pos_pb.Position) -> tuple[str, int, int, int, int, int]:
    return (p.symbol, p.net_position, p.qty_bought, p.qty_sold, p.cost, p.realized)


async def test_balances_and_positions_are_the_ledgers(quiet_sim: SimServer) -> None:
    ex, mine = quiet_sim.exchange, ALICE[0]
    place(quiet_sim, BOB, SYM, Side.SELL, 40, 5)
    place(quiet_sim, ALICE, SYM, Side.BUY, 40, 5)  # alice +5 at 40
    first_fill = ex.executions(mine)[-1]
    place(quiet_sim, BOB, SYM, Side.BUY, 45, 2)
    place(quiet_sim, ALICE, SYM, Side.SELL, 45, 2)  # alice sells 2 at 45: +3, 10 realised
    place(quiet_sim, BOB, OTHER, Side.BUY, 30, 4)
    place(quiet_sim, ALICE, OTHER, Side.SELL, 30, 4)  # alice −4 (NO held)
    place(quiet_sim, ALICE, SYM, Side.SELL, 60, 1)  # working: 1 of the 3 is committed
    ledger = sorted(ex.positions(mine), key=lambda p: p.symbol)
    assert [(p.symbol, p.net_position) for p in ledger] == [(OTHER, -4), (SYM, 3)]

    async with Wire(quiet_sim, "alice") as wire:
        stub = pos_grpc.PositionAPIStub(wire.channel)
        got = await stub.ListAccountPositions(pos_pb.ListAccountPositionsRequest(name=mine),
                                              metadata=wire.metadata)
        assert [_as_tuple(p) for p in got.positions] == [
            (p.symbol, p.net_position, p.qty_bought, p.qty_sold, p.cost, p.realized)
            for p in ledger]
        assert list(got.available_position) == [-4, 2]
        assert got.positions[1].realized == 10  # (45 − 40) × 2, raw notional

        for resp in (
            await wire.http.get("/v1/positions", params={"name": mine, "symbol": SYM},
                                headers=wire.headers),
            await wire.post("/v1beta1/list_account_positions", {"name": mine, "symbol": SYM}),
        ):
            assert resp.status_code == 200, resp.text
            (pos,) = resp.json()["positions"]
            assert (pos["netPosition"], pos["cost"], pos["realized"]) == ("3", "120", "10")
            assert resp.json()["availablePosition"] == ["2"]

        # as of the first fill (its time as its execution tells it): replayed from the
        # fills, as the ledger booked them then
        when = wire_timestamp(first_fill.transact_time).ToJsonString()
        then = await wire.http.get("/v1/positions", params={"name": mine, "as_of_time": when},
                                   headers=wire.headers)
        (pos,) = then.json()["positions"]
        assert (pos["symbol"], pos["netPosition"], pos["qtyBought"], pos["cost"]) == (
            SYM, "5", "5", "200")
        assert then.json()["availablePosition"] == []  # past working orders are not kept
        today = datetime.fromtimestamp(ex.clock(), UTC).date()
        now = await stub.ListAccountPositions(pos_pb.ListAccountPositionsRequest(
            name=mine, as_of_date={"year": today.year, "month": today.month, "day": today.day}),
            metadata=wire.metadata)
        assert [_as_tuple(p) for p in now.positions] == [_as_tuple(p) for p in got.positions]
        before = await stub.ListAccountPositions(pos_pb.ListAccountPositionsRequest(
            name=mine, as_of_date={"year": 2020, "month": 1, "day": 1}), metadata=wire.metadata)
        assert not before.positions

        cent = Decimal("0.01")
        cash, power = ex.balance(mine).cash, ex.buying_power(mine)
        balances = await stub.ListAccountBalances(pos_pb.ListAccountBalancesRequest(name=mine),
                                                  metadata=wire.metadata)
        assert list(balances.balances) == ["USD"]
        usd = balances.balances["USD"]
        assert usd.balance == str(cash.quantize(cent))
        assert usd.buying_power == str(power.quantize(cent, rounding=ROUND_DOWN))
        single = await stub.GetAccountBalance(pos_pb.GetAccountBalanceRequest(name=mine),
                                              metadata=wire.metadata)
        assert usd.open_orders == single.open_orders and usd.balance == single.balance
        for path in ("/v1/positions/balances", "/v1beta1/list_account_balances"):
            resp = await wire.post(path, {"name": mine})
            assert resp.status_code == 200, resp.text
            assert resp.json()["balances"]["USD"]["balance"] == str(cash.quantize(cent))

        # another trader's account, another firm's: 403; no name: 400; no participant: 403
        for account in (BOB[0], OTHER_FIRM):
            err = await refused(stub.ListAccountPositions(
                pos_pb.ListAccountPositionsRequest(name=account), metadata=wire.metadata))
            assert err.code() == DENIED
            err = await refused(stub.ListAccountBalances(
                pos_pb.ListAccountBalancesRequest(name=account), metadata=wire.metadata))
            assert err.code() == DENIED
            resp = await wire.http.get("/v1/positions", params={"name": account},
                                       headers=wire.headers)
            assert resp.status_code == 403 and resp.json()["code"] == 7
            resp = await wire.post("/v1/positions/balances", {"name": account})
            assert resp.status_code == 403 and resp.json()["code"] == 7
        err = await refused(stub.ListAccountPositions(pos_pb.ListAccountPositionsRequest(),
                                                      metadata=wire.metadata))
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
        anonymous = [(k, v) for k, v in wire.metadata if k != "x-participant-id"]
        err = await refused(stub.ListAccountBalances(pos_pb.ListAccountBalancesRequest(),
                                                     metadata=anonymous))
        assert err.code() == DENIED and "x-participant-id" in err.details()
        narrowed = narrow(quiet_sim, "alice", "read:orders")
        err = await refused(stub.ListAccountPositions(
            pos_pb.ListAccountPositionsRequest(name=mine), metadata=list(narrowed.items())))
        assert err.code() == DENIED and "read:positions" in err.details()
        resp = await wire.post("/v1/positions/balances", {"name": mine}, headers=narrowed)
        assert resp.status_code == 403 and resp.json()["code"] == 7
