"""The gateway protos: generated code is fresh, and the wire facts match the spec.

The spec (exchange-gateway.md) is the source of truth. Its field tables, enum tables,
reserved lines and service index are parsed here and compared with the descriptors
of the committed generated code, so a wrong field number, name, label or streaming
kind fails a test instead of a trade.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from google.protobuf import descriptor_pb2, json_format
from google.protobuf.descriptor import (
    Descriptor,
    EnumDescriptor,
    FieldDescriptor,
    ServiceDescriptor,
)
from google.protobuf.descriptor_pool import DescriptorPool

from tests.specs import Spec, unticked

REPO_ROOT = Path(__file__).resolve().parents[1]
PROTO_DIR = REPO_ROOT / "tui" / "proto" / "polymarket" / "v1"
GEN_SCRIPT = REPO_ROOT / "scripts" / "gen_protos.py"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")
PACKAGE = "polymarket.v1"
REGEN_HINT = "run `python scripts/gen_protos.py` and commit the result"


def _generated_names(directory: Path) -> set[str]:
    return {
        p.name for p in directory.iterdir() if p.is_file() and p.name.endswith(GENERATED_SUFFIXES)
    }


def _load_modules() -> dict[str, ModuleType]:
    if importlib.util.find_spec("tui") is None:  # plain `pytest` outside the repo root
        sys.path.insert(0, str(REPO_ROOT))
    modules: dict[str, ModuleType] = {}
    for path in sorted(PROTO_DIR.glob("*_pb2.py")) + sorted(PROTO_DIR.glob("*_pb2_grpc.py")):
        name = f"tui.proto.polymarket.v1.{path.stem}"
        modules[path.stem] = importlib.import_module(name)
    return modules


@pytest.fixture(scope="module")
def pb() -> dict[str, ModuleType]:
    return _load_modules()


@pytest.fixture(scope="module")
def pool(pb: dict[str, ModuleType]) -> DescriptorPool:
    return pb["types_pb2"].DESCRIPTOR.pool


# ---------------------------------------------------------------------------------------
# freshness


def test_every_proto_has_generated_code() -> None:
    protos = sorted(p.stem for p in PROTO_DIR.glob("*.proto"))
    assert protos, f"no .proto files in {PROTO_DIR}"
    expected = {f"{stem}{suffix}" for stem in protos for suffix in GENERATED_SUFFIXES}
    assert _generated_names(PROTO_DIR) == expected, REGEN_HINT


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools", reason="grpcio-tools (test extra) is needed to regenerate")
    result = subprocess.run(
        [sys.executable, str(GEN_SCRIPT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"gen_protos.py failed:\n{result.stdout}\n{result.stderr}"
    fresh_dir = tmp_path / "polymarket" / "v1"
    fresh = _generated_names(fresh_dir)
    committed = _generated_names(PROTO_DIR)
    assert fresh, "gen_protos.py produced nothing"
    missing = sorted(fresh - committed)
    extra = sorted(committed - fresh)
    assert not missing, f"generated files not committed: {missing}; {REGEN_HINT}"
    assert not extra, f"committed generated files no proto produces: {extra}; {REGEN_HINT}"
    stale = sorted(
        name for name in fresh if (fresh_dir / name).read_bytes() != (PROTO_DIR / name).read_bytes()
    )
    assert not stale, f"generated code is stale: {stale}; {REGEN_HINT}"


def test_generated_imports_are_package_relative() -> None:
    bad = re.compile(r"^\s*(from|import)\s+polymarket\.v1\b", re.MULTILINE)
    offenders = sorted(
        p.name
        for p in PROTO_DIR.iterdir()
        if p.name.endswith(GENERATED_SUFFIXES) and bad.search(p.read_text(encoding="utf-8"))
    )
    assert not offenders, f"imports not rewritten to tui.proto: {offenders}; {REGEN_HINT}"


def _find_message(pool: DescriptorPool, name: str) -> Descriptor | None:
    for full in (f"{PACKAGE}.{name}", name):
        try:
            return pool.FindMessageTypeByName(full)
        except KeyError:
            continue
    return None


def _find_enum(pool: DescriptorPool, name: str) -> EnumDescriptor | None:
    try:
        return pool.FindEnumTypeByName(f"{PACKAGE}.{name}")
    except KeyError:
        return None


_SCALARS = {
    "double": FieldDescriptor.TYPE_DOUBLE,
    "float": FieldDescriptor.TYPE_FLOAT,
    "int64": FieldDescriptor.TYPE_INT64,
    "uint64": FieldDescriptor.TYPE_UINT64,
    "int32": FieldDescriptor.TYPE_INT32,
    "uint32": FieldDescriptor.TYPE_UINT32,
    "bool": FieldDescriptor.TYPE_BOOL,
    "string": FieldDescriptor.TYPE_STRING,
    "bytes": FieldDescriptor.TYPE_BYTES,
}


def _type_problem(fd: FieldDescriptor, spec_type: str) -> str | None:
    """None if the descriptor's type matches the spec's type text, else a description."""
    if m := re.fullmatch(r"map<\s*(\w+)\s*,\s*([\w.]+)\s*>", spec_type):
        entry = fd.message_type
        if entry is None or not entry.GetOptions().map_entry:
            return f"expected {spec_type}, not a map"
        return _type_problem(entry.fields_by_name["key"], m.group(1)) or _type_problem(
            entry.fields_by_name["value"], m.group(2)
        )
    if spec_type in _SCALARS:
        if fd.type == _SCALARS[spec_type]:
            return None
        ours = {v: k for k, v in _SCALARS.items()}.get(fd.type, f"type {fd.type}")
        return f"expected {spec_type}, got {ours}"
    target = fd.message_type or fd.enum_type
    if target is None:
        return f"expected {spec_type}, got scalar type {fd.type}"
    wanted = {spec_type, f"{PACKAGE}.{spec_type}"}
    return None if target.full_name in wanted else f"expected {spec_type}, got {target.full_name}"


def _label_problem(
    fd: FieldDescriptor, fdp: descriptor_pb2.FieldDescriptorProto, label: str
) -> str | None:
    is_map = fd.message_type is not None and fd.message_type.GetOptions().map_entry
    oneof = fd.containing_oneof
    real_oneof = oneof.name if oneof is not None and not fdp.proto3_optional else None
    kind = label.split()[0] if label else ""
    if kind == "map":
        ok = is_map
    elif kind == "repeated":
        ok = fd.is_repeated and not is_map
    elif kind == "optional":
        ok = fdp.proto3_optional and not fd.is_repeated
    elif kind == "singular":
        ok = not fd.is_repeated and not fdp.proto3_optional and real_oneof is None
    elif kind == "oneof":
        ok = real_oneof == unticked(label.split(None, 1)[1]) and not fd.is_repeated
    else:
        return f"unknown label {label!r} in the spec"
    if ok:
        return None
    if is_map:
        actual = "map"
    elif fd.is_repeated:
        actual = "repeated"
    elif fdp.proto3_optional:
        actual = "optional"
    else:
        actual = f"oneof {real_oneof}" if real_oneof else "singular"
    return f"label: spec {label!r}, ours {actual!r}"


def test_spec_parses(spec: Spec) -> None:
    assert len(spec.messages) >= 60
    assert len(spec.enums) >= 18
    assert len(spec.methods) >= 30
    assert "CreateOrderSubscriptionResponse.Snapshot" in spec.messages
    assert "DownloadTradesResponse" in spec.messages  # "same shape" headings


def test_every_spec_message_and_enum_is_defined(spec: Spec, pool: DescriptorPool) -> None:
    missing = sorted(
        n for n in [*spec.messages, *spec.empty_messages] if _find_message(pool, n) is None
    )
    missing += sorted(n for n in spec.enums if _find_enum(pool, n) is None)
    assert not missing, f"in the spec but not in our protos: {missing}"


def test_message_fields_match_spec(spec: Spec, pool: DescriptorPool) -> None:
    problems: list[str] = []
    checked = 0
    for name, rows in sorted(spec.messages.items()):
        desc = _find_message(pool, name)
        if desc is None:
            continue
        checked += 1
        dp = descriptor_pb2.DescriptorProto()
        desc.CopyToProto(dp)
        fdps = {f.number: f for f in dp.field}
        spec_numbers = {r.number for r in rows}
        extra = sorted(set(desc.fields_by_number) - spec_numbers)
        if extra:
            problems.append(f"{name}: fields {extra} are not in the spec")
        for row in rows:
            where = f"{name}.{row.name} (#{row.number})"
            fd = desc.fields_by_number.get(row.number)
            if fd is None:
                problems.append(f"{where}: no field with this number")
                continue
            if fd.name != row.name:
                problems.append(f"{where}: our field {row.number} is named {fd.name!r}")
            if fd.json_name != row.json_name:
                problems.append(f"{where}: json_name {fd.json_name!r} != {row.json_name!r}")
            for problem in (
                _label_problem(fd, fdps[row.number], row.label),
                _type_problem(fd, row.type),
            ):
                if problem:
                    problems.append(f"{where}: {problem}")
    assert not problems, "\n".join(problems)
    assert checked >= 60, f"only {checked} spec messages were checked"


def test_empty_messages_are_empty(spec: Spec, pool: DescriptorPool) -> None:
    checked = [n for n in sorted(spec.empty_messages) if _find_message(pool, n) is not None]
    assert len(checked) >= 8
    non_empty = [n for n in checked if _find_message(pool, n).fields]  # type: ignore[union-attr]
    assert not non_empty, f"spec says no fields: {non_empty}"


def test_reserved_numbers_and_names_match_spec(spec: Spec, pool: DescriptorPool) -> None:
    problems: list[str] = []
    for name in sorted(spec.messages):
        desc = _find_message(pool, name)
        if desc is None or desc.full_name.startswith("google."):
            continue
        dp = descriptor_pb2.DescriptorProto()
        desc.CopyToProto(dp)
        ours_numbers = {n for r in dp.reserved_range for n in range(r.start, r.end)}
        ours_names = set(dp.reserved_name)
        rows = spec.messages[name]
        listed_numbers, listed_names = spec.reserved.get(name, (set(), set()))
        # numbers the bundle reserved but a later release re-published as fields stay fields
        want_numbers = listed_numbers - {r.number for r in rows}
        want_names = listed_names - {r.name for r in rows}
        if ours_numbers != want_numbers:
            problems.append(f"{name}: reserved {sorted(ours_numbers)} != {sorted(want_numbers)}")
        if ours_names != want_names:
            problems.append(f"{name}: reserved names {sorted(ours_names)} != {sorted(want_names)}")
    assert not problems, "\n".join(problems)
    assert len(spec.reserved) >= 8


def test_enums_match_spec(spec: Spec, pool: DescriptorPool) -> None:
    problems: list[str] = []
    checked = 0
    for name, values in sorted(spec.enums.items()):
        desc = _find_enum(pool, name)
        if desc is None:
            continue
        checked += 1
        ours = {v.name: v.number for v in desc.values}
        if ours != values:
            problems.append(f"{name}: ours {ours} != spec {values}")
    assert not problems, "\n".join(problems)
    assert checked >= 18


_KINDS = {
    "unary": (False, False),
    "server-streaming": (False, True),
    "client-streaming": (True, False),
    "bidirectional streaming": (True, True),
}


def test_services_match_spec_index(
    spec: Spec, pool: DescriptorPool, pb: dict[str, ModuleType]
) -> None:
    problems: list[str] = []
    services: dict[str, ServiceDescriptor] = {}
    for path, kind in sorted(spec.methods.items()):
        m = re.fullmatch(r"/([\w.]+)/(\w+)", path)
        assert m, f"bad gRPC path in the spec index: {path}"
        service_name, method_name = m.groups()
        try:
            service = services.setdefault(service_name, pool.FindServiceByName(service_name))
        except KeyError:
            problems.append(f"{path}: no service {service_name}")
            continue
        method = service.methods_by_name.get(method_name)
        if method is None:
            problems.append(f"{path}: no method {method_name}")
            continue
        want = _KINDS.get(kind)
        got = (method.client_streaming, method.server_streaming)
        if want != got:
            problems.append(f"{path}: kind {kind!r} but client/server streaming = {got}")
    for service_name, service in sorted(services.items()):
        extra = sorted(
            f"/{service_name}/{m.name}"
            for m in service.methods
            if f"/{service_name}/{m.name}" not in spec.methods
        )
        if extra:
            problems.append(f"{service_name}: methods not in the spec index: {extra}")
    ours = {
        s.full_name
        for name, mod in pb.items()
        if name.endswith("_pb2")
        for s in mod.DESCRIPTOR.services_by_name.values()
    }
    if ours != set(services):
        problems.append(f"services not in the spec index: {sorted(ours - set(services))}")
    assert not problems, "\n".join(problems)
    assert len(services) == 9


def test_grpc_stubs_exist(pb: dict[str, ModuleType]) -> None:
    expected = {
        "marketdatasubscription": "MarketDataSubscriptionAPI",
        "trading": "OrderEntryAPI",
        "positions": "PositionAPI",
        "refdata": "RefDataAPI",
        "orderbook": "OrderBookAPI",
        "health": "HealthAPI",
        "accounts": "AccountsAPI",
        "orders": "ReportAPI",
        "dropcopy": "DropCopyAPI",
    }
    for module, service in expected.items():
        grpc_mod = pb[f"{module}_pb2_grpc"]
        for suffix in ("Stub", "Servicer"):
            assert hasattr(grpc_mod, f"{service}{suffix}"), f"{module}_pb2_grpc.{service}{suffix}"
        assert hasattr(grpc_mod, f"add_{service}Servicer_to_server")


# ---------------------------------------------------------------------------------------
# round trips


def test_insert_order_round_trip(pb: dict[str, ModuleType]) -> None:
    trading = pb["trading_pb2"]
    enums = pb["enums_pb2"]
    req = trading.InsertOrderRequest(
        type=enums.ORDER_TYPE_LIMIT,
        side=enums.SIDE_BUY,
        order_qty=5,
        symbol="SBLIX-KC-YES",
        price=550,
        time_in_force=enums.TIME_IN_FORCE_GOOD_TILL_TIME,
        clord_id="c-1",
        account="firms/F/accounts/A",
        manual_order_indicator=enums.MANUAL_ORDER_INDICATOR_AUTOMATED,
    )
    req.good_till_time.FromSeconds(1_780_000_000)
    wire = req.SerializeToString()
    back = trading.InsertOrderRequest.FromString(wire)
    assert back == req

    as_json = json_format.MessageToDict(back)
    assert as_json == {
        "type": "ORDER_TYPE_LIMIT",
        "side": "SIDE_BUY",
        "orderQty": "5",
        "symbol": "SBLIX-KC-YES",
        "price": "550",
        "timeInForce": "TIME_IN_FORCE_GOOD_TILL_TIME",
        "clordId": "c-1",
        "account": "firms/F/accounts/A",
        "goodTillTime": "2026-05-28T20:26:40Z",
        "manualOrderIndicator": "MANUAL_ORDER_INDICATOR_AUTOMATED",
    }
    # requests may use proto names and JSON numbers for int64 (the official samples do)
    sample = {
        "type": "ORDER_TYPE_LIMIT",
        "side": "SIDE_BUY",
        "order_qty": 5,
        "symbol": "SBLIX-KC-YES",
        "price": 550,
        "time_in_force": "TIME_IN_FORCE_GOOD_TILL_TIME",
        "clord_id": "c-1",
        "account": "firms/F/accounts/A",
        "good_till_time": "2026-05-28T20:26:40Z",
        "manual_order_indicator": 2,
    }
    assert json_format.ParseDict(sample, trading.InsertOrderRequest()) == req


def test_stream_envelopes_and_plain_state(pb: dict[str, ModuleType]) -> None:
    trading = pb["trading_pb2"]
    md = pb["marketdatasubscription_pb2"]
    refdata = pb["refdata_pb2"]
    order = trading.Order(id="o1", order_qty=10, price=550)
    resp = trading.CreateOrderSubscriptionResponse(
        snapshot=trading.CreateOrderSubscriptionResponse.Snapshot(orders=[order]), session_id="s"
    )
    back = trading.CreateOrderSubscriptionResponse.FromString(resp.SerializeToString())
    assert back.WhichOneof("event") == "snapshot"
    assert json_format.MessageToDict(back)["snapshot"]["orders"][0] == {
        "id": "o1", "orderQty": "10", "price": "550"
    }
    for reserved in ("price_scale", "fractional_quantity_scale", "price_to_quantity_filled"):
        assert reserved not in trading.Order.DESCRIPTOR.fields_by_name

    # a plain enum, as published: no presence, so an unset state reads as CLOSED
    update = md.MarketDataUpdate(symbol="X")
    with pytest.raises(ValueError):
        update.HasField("state")
    assert update.state == refdata.INSTRUMENT_STATE_CLOSED
    update.state = refdata.INSTRUMENT_STATE_OPEN
    assert json_format.MessageToDict(update)["state"] == "INSTRUMENT_STATE_OPEN"
