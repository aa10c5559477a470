"""What the embedded exchange sends, read raw and held against the spec.

gRPC answers are taken as bytes (a raw deserializer, not our generated classes) and walked
tag by tag, recursing into submessages by the field numbers of the spec's tables; REST
answers are read as plain JSON, walked by the spec's JSON names. The reserved numbers and
names of ``Order``, the numbers of ``MarketDataUpdate.state`` and the error body all come
from docs/spec, so these tests follow the spec rather than our own protos.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import grpc
import httpx

from tests.conftest import DEMO_ACCOUNT, eventually
from tests.desk_kit import ALICE, place
from tests.simkit import Wire, limit_body
from tests.specs import GATEWAY_SPEC, LEN, Spec, walk
from tui.core.enums import InstrumentState, Side
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID
from tui.sim.server import SimServer

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
HALTED = "AEC-NFL-PHI-DAL-2026-11-26"
PKG = "/polymarket.v1."
# the answers that carry orders, by the spec's method names: gRPC path and answer message
ORDER_STREAMS = {"OrderEntryAPI/CreateOrderSubscription": "CreateOrderSubscriptionResponse",
                 "DropCopyAPI/CreateDropCopySubscription": "CreateDropCopySubscriptionResponse"}
ORDER_CALLS = {"OrderEntryAPI/GetOpenOrders": "GetOpenOrdersResponse",
               "OrderEntryAPI/PreviewOrder": "PreviewOrderResponse",
               "ReportAPI/SearchOrders": "SearchOrdersResponse",
               "ReportAPI/SearchExecutions": "SearchExecutionsResponse"}
# REST bindings of the same answers (spec §4): verb, path, JSON body, answer message
ORDER_ROUTES = [
    ("GET", "/v1/trading/orders/open", None, "GetOpenOrdersResponse"),
    ("POST", "/v1beta1/get_open_orders", {}, "GetOpenOrdersResponse"),
    ("POST", "/v1/trading/orders/preview",
     {"request": limit_body(SYM, "buy", 41, 1, "p-2", account=DEMO_ACCOUNT)},
     "PreviewOrderResponse"),
    ("POST", "/v1/report/orders/search", {}, "SearchOrdersResponse"),
    ("POST", "/v1/report/executions/search", {}, "SearchExecutionsResponse"),
]

Found = dict[str, list[set[Any]]]  # message name -> the tags (or keys) of each one seen


def camel(name: str) -> str:
    """protobuf's JSON name of a field: ``price_scale`` -> ``priceScale``."""
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def number_of(spec: Spec, message: str, field: str) -> int:
    return next(r.number for r in spec.messages[message] if r.name == field)


def tags(spec: Spec, message: str, raw: bytes, found: Found) -> None:
    """Every field number present in `raw`, per message, into the submessages the spec's
    table types as messages (a number the spec does not list is kept, not followed)."""
    rows = {r.number: r for r in spec.messages[message]}
    seen: set[Any] = set()
    found.setdefault(message, []).append(seen)
    for number, wire, value in walk(raw):
        seen.add(number)
        row = rows.get(number)
        if row is not None and wire == LEN and row.type in spec.messages:
            tags(spec, row.type, bytes(value), found)  # type: ignore[arg-type]


def keys(spec: Spec, message: str, body: dict[str, Any], found: Found) -> None:
    """Every JSON key, per message, into the submessages the spec types as messages."""
    rows = {r.json_name: r for r in spec.messages[message]}
    found.setdefault(message, []).append(set(body))
    for key, value in body.items():
        row = rows.get(key)
        if row is not None and row.type in spec.messages:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    keys(spec, row.type, item, found)


async def _read_raw(call: AsyncIterator[bytes], into: list[bytes]) -> None:
    with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError):
        async for raw in call:
            into.append(raw)


def _raw_stream(wire: Wire, path: str) -> Any:
    stream = wire.channel.unary_stream(PKG + path, request_serializer=lambda b: b,
                                       response_deserializer=lambda b: b)
    return stream(b"", metadata=wire.metadata)


def _alice_sells(sim: SimServer, price: int, qty: int) -> None:
    place(sim, ALICE, SYM, Side.SELL, price, qty)


async def test_no_order_carries_a_number_or_name_the_spec_reserves(
        quiet_sim: SimServer, spec: Spec) -> None:
    numbers, names = spec.reserved["Order"]
    assert numbers and names, "the spec's reserved list for Order was not found"
    json_names = names | {camel(n) for n in names}
    grpc_found: Found = {}
    rest_found: Found = {}
    _alice_sells(quiet_sim, 40, 5)
    async with Wire(quiet_sim) as wire:
        resting = await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 30, 2, "r-1"))
        assert resting.status_code == 200, resting.text
        streamed: dict[str, list[bytes]] = {path: [] for path in ORDER_STREAMS}
        readers = [asyncio.create_task(_read_raw(_raw_stream(wire, path), streamed[path]))
                   for path in ORDER_STREAMS]
        try:
            order_stream = streamed["OrderEntryAPI/CreateOrderSubscription"]
            await eventually(lambda: order_stream, what="the order stream's snapshot")
            taker = await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 40, 2, "t-1"))
            assert taker.status_code == 200, taker.text
            # the insert's NEW and its fill, on the order stream and on drop copy
            await eventually(lambda: all(len(v) >= 3 for v in streamed.values()),
                             what="executions on both streams")
        finally:
            for task in readers:
                task.cancel()
            await asyncio.gather(*readers)
        for path, message in ORDER_STREAMS.items():
            for raw in streamed[path]:
                tags(spec, message, raw, grpc_found)

        preview = tr_pb.PreviewOrderRequest(request=tr_pb.InsertOrderRequest(
            type=2, side=1, order_qty=1, symbol=SYM, price=41, clord_id="p-1"))
        for path, message in ORDER_CALLS.items():
            request = preview.SerializeToString() if path.endswith("PreviewOrder") else b""
            call = wire.channel.unary_unary(PKG + path, request_serializer=lambda b: b,
                                            response_deserializer=lambda b: b)
            tags(spec, message, await call(request, metadata=wire.metadata), grpc_found)

        for verb, path, body, message in ORDER_ROUTES:
            resp = await wire.http.request(verb, path, json=body, headers=wire.headers)
            assert resp.status_code == 200, f"{verb} {path}: {resp.text}"
            keys(spec, message, resp.json(), rest_found)

    # the walk reached orders on every kind of answer: a snapshot, executions, lookups
    assert len(grpc_found.get("Order", [])) >= 10, grpc_found.keys()
    assert len(rest_found.get("Order", [])) >= 6, rest_found.keys()
    sent_numbers = sorted(numbers & set().union(*grpc_found["Order"]))
    sent_names = sorted(json_names & set().union(*rest_found["Order"]))
    assert (sent_numbers, sent_names) == ([], []), (
        f"Order carries what the spec reserves: gRPC field numbers {sent_numbers}, "
        f"REST JSON names {sent_names}")


async def test_every_market_data_update_carries_its_instruments_state(
        quiet_sim: SimServer, spec: Spec) -> None:
    update_no = number_of(spec, "CreateMarketDataSubscriptionResponse", "update")
    symbol_no = number_of(spec, "MarketDataUpdate", "symbol")
    state_no = number_of(spec, "MarketDataUpdate", "state")
    spec_states = spec.enums["InstrumentState"]
    quiet_sim.exchange.set_instrument_state(HALTED, InstrumentState.HALTED)
    symbols = set(quiet_sim.exchange.instruments)
    assert all(i.state is not InstrumentState.CLOSED  # CLOSED is 0: absent by design
               for i in quiet_sim.exchange.instruments.values())
    received: list[bytes] = []
    async with Wire(quiet_sim) as wire:
        reader = asyncio.create_task(_read_raw(
            _raw_stream(wire, "MarketDataSubscriptionAPI/CreateMarketDataSubscription"),
            received))
        try:
            await eventually(lambda: len(received) >= len(symbols), what="the book snapshots")
            snapshots = len(received)
            _alice_sells(quiet_sim, 40, 5)
            await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 40, 2, "t-2"))
            await eventually(lambda: len(received) >= snapshots + 2, what="live updates")
        finally:
            reader.cancel()
            await reader

    updates = [bytes(v) for raw in received for n, _, v in walk(raw) if n == update_no]
    assert len(updates) >= len(symbols) + 2
    seen: set[str] = set()
    for update in updates:
        fields = {n: v for n, _, v in walk(update)}
        symbol = bytes(fields[symbol_no]).decode()  # type: ignore[arg-type]
        seen.add(symbol)
        assert state_no in fields, f"an update for {symbol} has no state: it reads as CLOSED"
        want = quiet_sim.exchange.instruments[symbol].state
        assert fields[state_no] == spec_states[f"INSTRUMENT_STATE_{want.name}"], symbol
    assert seen == symbols


def _error_codes(spec_text: str) -> dict[int, int]:
    """HTTP status -> gRPC code, from the spec's error table (§3.3)."""
    return {int(m.group(2)): int(m.group(1)) for m in re.finditer(
        r"^\|\s*(\d+)\s*\|\s*`[A-Z_]+`\s*\|\s*(\d+)\s*\|", spec_text, re.MULTILINE)}


async def test_unknown_routes_and_wrong_verbs_answer_the_json_error_body(
        quiet_sim: SimServer) -> None:
    codes = _error_codes(GATEWAY_SPEC.read_text(encoding="utf-8"))
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        resp = await http.get("/v1/trading/no-such-route")
        assert resp.status_code == 404
        assert resp.headers["content-type"] == "application/json"
        assert resp.json() == {"code": codes[404], "message": "Not Found", "details": []}

        resp = await http.get("/v1/trading/orders")  # InsertOrder is a POST
        assert resp.status_code == 405 and "POST" in resp.headers["allow"]
        # grpc-gateway's wrong verb: UNIMPLEMENTED with the HTTP reason as its message
        assert resp.json() == {"code": 12, "message": "Method Not Allowed", "details": []}

        # a signed retail request gets the retail API's shape (retail-api.md §11)
        resp = await http.get("/v1/no-such-route", headers={"X-PM-Access-Key":
                                                             DEMO_RETAIL_KEY_ID})
        assert resp.status_code == 404
        assert resp.json() == {"status": 404, "message": "Not Found"}
