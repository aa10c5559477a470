"""ReportAPI's DownloadOrders, DownloadExecutions and DownloadTrades (spec §8) at the
embedded exchange: the caller's orders, executions or trades in a window, as CSV text sent
in ``filechunk`` pieces.

The spec gives the messages only. Chosen here: one header row, then one row per item in the
order SearchOrders / SearchExecutions / SearchTrades give them. The columns are the item
message's proto3 JSON field names in field-number order, a nested message's flattened with
dots (``order.id``, ``aggressor.lastPx``); the cells are its proto3 JSON values as the REST
side sends them (enum names, int64 as decimal text, RFC 3339 times), a map or list as compact
JSON, an unset message's cells empty. Rows end in CRLF (RFC 4180). A chunk holds whole
rows and is sent once it reaches 64 KiB of text; an empty download is one chunk, the header.
``accounts`` defaults to the caller's, another's is PERMISSION_DENIED; the window is half
open, on an order's insert_time and an execution's or trade's transact_time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.gateway_json import to_json
from tui.sim.reports import _accounts, _window
from tui.sim.trades_report import TradeReports

CHUNK_CHARS = 64 * 1024
# well-known types whose JSON is one string: a cell, not columns
_SCALAR_MESSAGES = {"google.protobuf.Timestamp", "google.protobuf.Duration"}
Request = rep_pb.DownloadOrdersRequest | rep_pb.DownloadExecutionsRequest \
    | rep_pb.DownloadTradesRequest


def columns(descriptor: Descriptor, prefix: str = "") -> list[str]:
    out: list[str] = []
    for field in sorted(descriptor.fields, key=lambda f: f.number):
        name = prefix + field.json_name
        nested = field.message_type
        if nested is not None and not field.is_repeated \
                and nested.full_name not in _SCALAR_MESSAGES:
            out.extend(columns(nested, name + "."))
        else:
            out.append(name)
    return out


def _cell(data: dict[str, Any], column: str) -> str:
    value: Any = data
    for part in column.split("."):
        if not isinstance(value, dict) or part not in value:
            return ""
        value = value[part]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)


def csv_chunks(descriptor: Descriptor, items: Iterable[Message]) -> Iterator[str]:
    """The CSV text of ``items`` in pieces of whole rows; the header starts the first."""
    cols = columns(descriptor)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(cols)
    for item in items:
        data = to_json(item)
        writer.writerow([_cell(data, c) for c in cols])
        if buf.tell() >= CHUNK_CHARS:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if buf.tell():  # the last rows; the header alone when there were none
        yield buf.getvalue()


class Downloads:
    def __init__(self, reports: TradeReports) -> None:
        self.reports = reports
        self.exchange = reports.exchange

    def orders(self, user: SimUser, req: rep_pb.DownloadOrdersRequest
               ) -> list[rep_pb.DownloadOrdersResponse]:
        accounts, in_window = self._scope(user, req)
        found = (wire.order_pb(o) for o in self.exchange.orders(accounts)
                 if in_window(o.insert_time))
        return [rep_pb.DownloadOrdersResponse(filechunk=c)
                for c in csv_chunks(tr_pb.Order.DESCRIPTOR, found)]

    def executions(self, user: SimUser, req: rep_pb.DownloadExecutionsRequest
                   ) -> list[rep_pb.DownloadExecutionsResponse]:
        accounts, in_window = self._scope(user, req)
        wanted = set(accounts)
        found = (wire.execution_pb(e) for e in self.exchange.journal()
                 if e.account in wanted and in_window(e.transact_time))
        return [rep_pb.DownloadExecutionsResponse(filechunk=c)
                for c in csv_chunks(tr_pb.Execution.DESCRIPTOR, found)]

    def trades(self, user: SimUser, req: rep_pb.DownloadTradesRequest
                   ) -> list[rep_pb.DownloadTradesResponse]:
        accounts, in_window = self._scope(user, req)
        found = (wire.trade_pb(t, fills) for t, fills in self.reports.visible(user, accounts)
                 if in_window(t.aggressor.transact_time))
        return [rep_pb.DownloadTradesResponse(filechunk=c)
                for c in csv_chunks(rep_pb.Trade.DESCRIPTOR, found)]

    @staticmethod
    def _scope(user: SimUser, req: Request) -> tuple[list[str], Callable[[float], bool]]:
        accounts = _accounts(user, req.accounts)
        in_window = _window(req.start_time if req.HasField("start_time") else None,
                            req.end_time if req.HasField("end_time") else None)
        return accounts, in_window
