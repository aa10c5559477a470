"""What the desk's gateway client sends, captured at the exchange and held against the spec.

The embedded exchange records every gRPC call (method path, metadata, the request's raw
bytes) and every REST request (headers, raw body) before its own parsing.  The raw gRPC
bytes are walked here tag by tag, without our generated classes, and the JSON bodies are
read as plain JSON; the expected names and numbers come from the spec's tables, parsed at
test time, so code and spec cannot drift apart unnoticed.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import eventually, live, make_venue
from tests.specs import GATEWAY_SPEC, I32, I64, LEN, VARINT, Spec, walk
from tui.core.enums import OrderState
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.sim.server import SimServer

_VARINT_TYPES = {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool"}
_I64_TYPES = {"double", "fixed64", "sfixed64"}
_I32_TYPES = {"float", "fixed32", "sfixed32"}
_INT64_TYPES = {"int64", "uint64", "sint64", "fixed64", "sfixed64"}
STREAMS = ("CreateMarketDataSubscription", "CreateOrderSubscription",
           "CreatePositionSubscription", "CreateDropCopySubscription")
# REST commands the desk sends, by the spec's method names (§4)
COMMANDS = ("InsertOrder", "PreviewOrder", "CancelOrder", "CancelOrderList",
            "CancelReplaceOrder")


# --- the spec ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spec_text() -> str:
    return GATEWAY_SPEC.read_text(encoding="utf-8")


def rest_bindings(text: str) -> dict[tuple[str, str], str]:
    """(verb, path) -> method name, from the service index's REST binding columns (§4)."""
    out: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not cells[2].startswith("`/polymarket.v1."):
            continue
        method = cells[1].split()[0]
        for cell in cells[4:6]:
            if m := re.match(r"`(GET|POST|PATCH|DELETE) (/[^`\s]+)", cell):
                out[(m.group(1), m.group(2))] = method
    return out


def participant_services(text: str) -> set[str]:
    """Services whose calls need x-participant-id, from §2.2's call-group table."""
    out: set[str] = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] == "yes":
            out.update(re.findall(r"`(\w+API)`", cells[0]))
    assert out, "the spec's x-participant-id table was not found"
    return out


def wire_types(spec: Spec, type_name: str, label: str) -> set[int]:
    """The wire types a field of this spec type may arrive as (repeated scalars: packed)."""
    if type_name in _VARINT_TYPES or type_name in spec.enums:
        base = VARINT
    elif type_name in _I64_TYPES:
        base = I64
    elif type_name in _I32_TYPES:
        base = I32
    else:  # string, bytes, messages
        return {LEN}
    return {base, LEN} if label == "repeated" else {base}


# --- the desk against the exchange -------------------------------------------------------
async def test_stream_requests_carry_the_spec_paths_metadata_and_field_numbers(
        quiet_sim: SimServer, spec: Spec, spec_text: str) -> None:
    async with live(make_venue(quiet_sim)) as venue:
        calls = list(quiet_sim.grpc_received)
        participant = venue.rest.participant_id
    needs_participant = participant_services(spec_text)
    seen: dict[str, list[tuple[int, int, int | bytes]]] = {}
    for path, metadata, raw in calls:
        assert path in spec.methods, f"{path} is not a method path in the spec's index"
        service, method = path.removeprefix("/polymarket.v1.").split("/")
        md = dict(metadata)
        assert all(k == k.lower() for k, _ in metadata), metadata
        # the exchange's own issuer accepts it: a real, current bearer token
        assert str(md.get("authorization", "")).startswith("Bearer ")
        assert quiet_sim.auth.check(str(md["authorization"])).participant_id == participant
        if service in needs_participant:
            assert md.get("x-participant-id") == participant, f"{path} without participant id"
        rows = {r.number: r for r in spec.messages[f"{method}Request"]}
        fields = list(walk(raw))
        for number, wire, _ in fields:
            assert number in rows, f"{method}Request: field {number} is not in the spec"
            row = rows[number]
            assert wire in wire_types(spec, row.type, row.label), (
                f"{method}Request.{row.name}: wire type {wire} for a {row.label} {row.type}")
        seen[method] = fields
    assert set(STREAMS) <= set(seen), f"streams opened: {sorted(seen)}"

    def values(method: str, name: str) -> list[int | bytes]:
        number = next(r.number for r in spec.messages[f"{method}Request"] if r.name == name)
        return [v for n, _, v in seen[method] if n == number]

    md_symbols = {bytes(v).decode() for v in values(STREAMS[0], "symbols")}
    assert md_symbols == set(quiet_sim.exchange.instruments)
    assert values(STREAMS[0], "depth") == [25]
    for method in STREAMS[1:3]:
        assert [bytes(v).decode() for v in values(method, "accounts")] == [venue.account]
    # a first connect has no resume point: an empty drop-copy request, the whole firm
    assert seen[STREAMS[3]] == []


async def test_rest_commands_use_the_spec_field_names_and_enum_spellings(
        quiet_sim: SimServer, spec: Spec, spec_text: str) -> None:
    async with live(make_venue(quiet_sim)) as venue:
        inst = venue.state.instruments[sorted(venue.state.instruments)[0]]
        s = inst.scales
        order = build_order(inst, Intent.BUY_YES, s.min_price, s.min_qty)
        await venue.preview(order)
        await venue.submit(order)
        working = await eventually(lambda: [o for o in venue.state.working_orders()
                                            if o.order_id and o.state is OrderState.NEW],
                                   what="the order working")
        await venue.replace(working[0], price=s.min_price + s.tick)
        await eventually(lambda: [o for o in venue.state.working_orders()
                                  if o.price == s.min_price + s.tick and o.order_id
                                  and o.state is OrderState.NEW], what="the replacement")
        await venue.cancel(venue.state.working_orders()[0])
        for _ in range(2):
            await venue.submit(build_order(inst, Intent.BUY_YES, s.min_price, s.min_qty))
        await eventually(lambda: len([o for o in venue.state.working_orders()
                                      if o.order_id and o.state is OrderState.NEW]) == 2,
                         what="two orders working")
        assert (await venue.cancel_all()).cancelled == 2
        requests = list(quiet_sim.rest_received)
        participant = venue.rest.participant_id

    bindings = rest_bindings(spec_text)
    sent: dict[str, list[dict[str, Any]]] = {}
    for verb, path, headers, raw in requests:
        method = bindings.get((verb, path))
        if method not in COMMANDS:
            continue
        h = dict(headers)
        assert quiet_sim.auth.check(h.get("authorization")).participant_id == participant
        assert h.get("x-participant-id") == participant
        assert h.get("content-type", "").startswith("application/json")
        body = json.loads(raw)
        check_json(spec, f"{method}Request", body, where=f"{verb} {path}")
        sent.setdefault(method, []).append(body)
    assert set(COMMANDS) <= set(sent), f"commands seen: {sorted(sent)}"


def check_json(spec: Spec, message: str, body: Any, *, where: str) -> None:
    """Every key a field of `message` as the spec names it, every value of its type."""
    assert isinstance(body, dict), f"{where}: {message} is not a JSON object"
    rows = spec.messages[message]
    by_name = {r.json_name: r for r in rows} | {r.name: r for r in rows}
    spellings = set()
    for key, value in body.items():
        assert key in by_name, f"{where}: {key!r} is not a field of {message} in the spec"
        row = by_name[key]
        # §3.1: both spellings are accepted, but one body speaks one of them
        spellings.add("json" if key == row.json_name and key != row.name else
                      "proto" if key == row.name and key != row.json_name else "both")
        items = value if row.label == "repeated" else [value]
        assert isinstance(items, list), f"{where}: {message}.{key} should be a list"
        for item in items:
            _check_value(spec, row.type, item, where=f"{where}: {message}.{key}")
    assert not {"json", "proto"} <= spellings, f"{where}: {message} mixes key spellings"


def _check_value(spec: Spec, type_name: str, value: Any, *, where: str) -> None:
    if type_name in spec.messages:
        check_json(spec, type_name, value, where=where)
    elif type_name in spec.enums:
        assert value in spec.enums[type_name], (
            f"{where}: {value!r} is not a {type_name} value name in the spec")
    elif type_name in _INT64_TYPES:  # proto3 JSON: a decimal string (numbers accepted too)
        assert isinstance(value, int) or re.fullmatch(r"-?\d+", str(value)), where
    elif type_name in ("int32", "uint32"):
        assert isinstance(value, int) and not isinstance(value, bool), where
    elif type_name == "bool":
        assert isinstance(value, bool), where
    elif type_name == "string":
        assert isinstance(value, str), where
    elif type_name == "google.protobuf.Timestamp":
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?Z", value), where
    else:
        raise AssertionError(f"{where}: no rule for spec type {type_name}")
