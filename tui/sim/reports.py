"""ReportAPI's searches over the embedded exchange's history (spec §8): SearchOrders and
SearchExecutions, shared by the gRPC and REST front ends.

A caller sees only their own accounts. Orders include finished ones (filled, canceled,
replaced, rejected, expired); executions come from the exchange's execution journal, the
same one drop copy replays. Pages are cursors, not offsets: a page token names the last
item returned, so executions or orders that arrive between two pages never shift a page.

Conventions the spec leaves open, chosen here:

* time windows are half open, ``start_time <= t < end_time``; an order's t is its
  insert_time (a replacement's is when it replaced), an execution's its transact_time;
* ``page_size`` 0 means 100; more than 1000 (or negative) is INVALID_ARGUMENT;
* ``next_page_token`` is set only when more results follow (SearchExecutions says so with
  ``eof`` too); a page token this exchange did not issue is INVALID_ARGUMENT;
* ``last_executions[i]`` is the latest execution of ``order[i]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from google.protobuf.timestamp_pb2 import Timestamp

from tui.core.enums import OrderState
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.model import ExecReport, SimOrder
from tui.sim.service import INVALID_ARGUMENT, PERMISSION_DENIED, ServiceError

DEFAULT_PAGE = 100
MAX_PAGE = 1000
_ORDER_PAGE = "orders-after:"  # + the last order id returned
_EXEC_PAGE = "executions-past:"  # + the journal seq of the last execution returned

# OrderStateFilter number → the order states it selects (OPEN/CLOSED: by terminality)
_OPEN, _CLOSED = 1, 2
_BY_STATE = {3: OrderState.NEW, 4: OrderState.PARTIALLY_FILLED, 5: OrderState.FILLED,
             6: OrderState.CANCELED, 7: OrderState.REPLACED, 8: OrderState.REJECTED,
             9: OrderState.EXPIRED, 10: OrderState.PENDING_RISK}

T = TypeVar("T")


class Reports:
    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange

    def search_orders(self, user: SimUser, req: rep_pb.SearchOrdersRequest
                      ) -> rep_pb.SearchOrdersResponse:
        accounts = _accounts(user, req.accounts)
        size = _page_size(req.page_size)
        after = _cursor(req.page_token, _ORDER_PAGE)
        matches = _order_filter(req)
        # order ids are zero-padded issue numbers: their string order is issue order
        found = (o for o in self.exchange.orders(accounts)
                 if (after is None or o.order_id > after) and matches(o))
        page, more = _take(found, size)
        resp = rep_pb.SearchOrdersResponse(
            order=[wire.order_pb(o) for o in page],
            next_page_token=_ORDER_PAGE + page[-1].order_id if more else "")
        if req.with_last_execution:
            last = self._last_executions({o.order_id for o in page})
            # every kept order has an execution (NEW or REJECTED at least); an empty one
            # keeps the two lists aligned should that ever fail
            resp.last_executions.extend(
                wire.execution_pb(last[o.order_id]) if o.order_id in last
                else tr_pb.Execution() for o in page)
        return resp

    def search_executions(self, user: SimUser, req: rep_pb.SearchExecutionsRequest
                          ) -> rep_pb.SearchExecutionsResponse:
        accounts = set(_accounts(user, req.accounts))
        size = _page_size(req.page_size)
        past = _cursor(req.page_token, _EXEC_PAGE)
        if past is not None and not past.isdigit():
            raise ServiceError(INVALID_ARGUMENT, "page_token is not one this exchange issued")
        seq = int(past) if past is not None else None
        journal = self.exchange.journal()
        if req.newest_first:
            # seq n sits at index n - 1, so the entries before seq n are journal[:n - 1]
            scan: Iterable[ExecReport] = reversed(journal if seq is None else journal[:seq - 1])
        else:
            scan = journal[seq or 0:]
        matches = _execution_filter(req, accounts)
        page, more = _take((e for e in scan if matches(e)), size)
        return rep_pb.SearchExecutionsResponse(
            executions=[wire.execution_pb(e) for e in page],
            next_page_token=f"{_EXEC_PAGE}{page[-1].seq}" if more else "", eof=not more)

    def _last_executions(self, order_ids: set[str]) -> dict[str, ExecReport]:
        last: dict[str, ExecReport] = {}
        for report in reversed(self.exchange.journal()):
            if len(last) == len(order_ids):
                break
            oid = report.order.order_id
            if oid in order_ids and oid not in last:
                last[oid] = report
        return last


def _accounts(user: SimUser, asked: Iterable[str]) -> list[str]:
    accounts = list(asked)
    for account in accounts:
        if account not in user.accounts:
            raise ServiceError(PERMISSION_DENIED, f"no access to account {account}")
    return accounts or list(user.accounts)


def _page_size(size: int) -> int:
    if size < 0 or size > MAX_PAGE:
        raise ServiceError(INVALID_ARGUMENT, f"page_size must be 0 to {MAX_PAGE}")
    return size or DEFAULT_PAGE


def _cursor(token: str, prefix: str) -> str | None:
    """What a page token points past; None for the first page."""
    if not token:
        return None
    if not token.startswith(prefix) or len(token) == len(prefix):
        raise ServiceError(INVALID_ARGUMENT, "page_token is not one this exchange issued")
    return token[len(prefix):]


def _take(items: Iterable[T], size: int) -> tuple[list[T], bool]:
    """Up to ``size`` items, and whether another one follows."""
    page: list[T] = []
    for item in items:
        if len(page) == size:
            return page, True
        page.append(item)
    return page, False


def _window(start: Timestamp | None, end: Timestamp | None) -> Callable[[float], bool]:
    lo = start.ToNanoseconds() if start is not None else None
    hi = end.ToNanoseconds() if end is not None else None
    return lambda t: (lo is None or wire.ns(t) >= lo) and (hi is None or wire.ns(t) < hi)


def _order_filter(req: rep_pb.SearchOrdersRequest) -> Callable[[SimOrder], bool]:
    state_filter = req.order_state_filter
    if state_filter and state_filter not in (_OPEN, _CLOSED) and state_filter not in _BY_STATE:
        raise ServiceError(INVALID_ARGUMENT, f"unknown order_state_filter {state_filter}")
    in_window = _window(req.start_time if req.HasField("start_time") else None,
                        req.end_time if req.HasField("end_time") else None)

    def state_ok(state: OrderState) -> bool:
        if state_filter == _OPEN:
            return not state.is_terminal
        if state_filter == _CLOSED:
            return state.is_terminal
        return not state_filter or state is _BY_STATE[state_filter]

    return lambda o: (
        (not req.order_id or o.order_id == req.order_id)
        and (not req.clord_id or o.clord_id == req.clord_id)
        and (not req.symbol or o.symbol == req.symbol)
        and (not req.side or o.side == req.side)
        and (not req.type or o.type == req.type)
        and (not req.parent_order_id or o.parent_order_id == req.parent_order_id)
        and state_ok(o.state) and in_window(o.insert_time))


def _execution_filter(req: rep_pb.SearchExecutionsRequest, accounts: set[str]
                      ) -> Callable[[ExecReport], bool]:
    types = set(req.types)
    exec_ids = set(req.exec_ids)
    in_window = _window(req.start_time if req.HasField("start_time") else None,
                        req.end_time if req.HasField("end_time") else None)
    return lambda e: (
        e.order.account in accounts
        and (not req.order_id or e.order.order_id == req.order_id)
        and (not req.clord_id or e.order.clord_id == req.clord_id)
        and (not req.symbol or e.order.symbol == req.symbol)
        and (not types or int(e.type) in types)
        and (not exec_ids or e.exec_id in exec_ids)
        and (not req.parent_order_id or e.order.parent_order_id == req.parent_order_id)
        and in_window(e.transact_time))
