"""Gateway request handling shared by the REST and gRPC front ends of the embedded exchange.

Each method takes the caller (already authenticated) and a protobuf request, and returns a
protobuf response or raises ServiceError with a gRPC status code. As on the real gateway,
an insert's 200 means "received": rejects arrive on the order stream.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from tui.core.enums import OrderType, Side, TimeInForce
from tui.proto.polymarket.v1 import accounts_pb2 as acc_pb
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.model import SimOrder

# gRPC status numbers (spec §3.3)
INVALID_ARGUMENT = 3
NOT_FOUND = 5
PERMISSION_DENIED = 7
UNAUTHENTICATED = 16

MAX_LIST = 20  # operations in one list request (spec §6, §11.4)


class ServiceError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GatewayService:
    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange

    # --- identity -----------------------------------------------------------------
    @staticmethod
    def require_participant(user: SimUser, participant_id: str | None) -> None:
        """Account-scoped calls must name the caller's participant id (spec §2.2)."""
        if not participant_id:
            raise ServiceError(PERMISSION_DENIED, "missing x-participant-id")
        if participant_id != user.participant_id:
            raise ServiceError(PERMISSION_DENIED, "x-participant-id does not match the caller")

    @staticmethod
    def _account(user: SimUser, account: str) -> str:
        if not account:
            return user.accounts[0]
        if account not in user.accounts:
            raise ServiceError(PERMISSION_DENIED, f"no access to account {account}")
        return account

    def whoami(self, user: SimUser) -> acc_pb.GetWhoAmIResponse:
        return acc_pb.GetWhoAmIResponse(
            user=user.participant_id, user_display_name=user.display_name, firm=user.firm,
            firm_display_name=f"{user.firm} (simulated)", audience="pmdesk-sim",
            firm_type=1,
        )

    def list_accounts(self, user: SimUser, for_user: str = "") -> acc_pb.ListAccountsResponse:
        """The accounts ``for_user`` (a participant id) holds that the caller may trade: the
        caller's own by default; an ISV or firm login may name one of its end users."""
        accounts = list(user.accounts)
        if for_user and for_user != user.participant_id:
            if for_user.rsplit("/", 1)[-1] not in user.clients or \
                    not for_user.startswith(f"firms/{user.firm}/users/"):
                raise ServiceError(PERMISSION_DENIED, f"no access to user {for_user}")
            accounts = [a for a in accounts if self.exchange.accounts.get(a) == for_user]
        return acc_pb.ListAccountsResponse(
            accounts=accounts, display_names=[a.rsplit("/", 1)[-1] for a in accounts])

    # --- reference data -----------------------------------------------------------
    def list_instruments(self, req: ref_pb.ListInstrumentsRequest
                         ) -> ref_pb.ListInstrumentsResponse:
        wanted = set(req.symbols)
        items = [i for s, i in sorted(self.exchange.instruments.items())
                 if not wanted or s in wanted]
        size = req.page_size if 0 < req.page_size <= 1000 else 50
        start = int(req.page_token) if req.page_token.isdigit() else 0
        page = items[start:start + size]
        end = start + len(page)
        more = end < len(items)
        return ref_pb.ListInstrumentsResponse(
            instruments=[wire.instrument_pb(i) for i in page],
            next_page_token=str(end) if more else "", eof=not more,
        )

    # --- orders -------------------------------------------------------------------
    def _order_args(self, user: SimUser, req: tr_pb.InsertOrderRequest) -> dict[str, Any]:
        """An InsertOrderRequest as the exchange's insert arguments; missing fields refused."""
        if not req.symbol:
            raise ServiceError(INVALID_ARGUMENT, "symbol is required")
        if req.side not in (Side.BUY, Side.SELL):
            raise ServiceError(INVALID_ARGUMENT, "side is required")
        good_till = None
        if req.HasField("good_till_time"):
            good_till = req.good_till_time.ToNanoseconds() / 1e9
        return dict(
            account=self._account(user, req.account), participant=user.participant_id,
            symbol=req.symbol, side=Side(req.side), price=req.price, order_qty=req.order_qty,
            order_type=OrderType(req.type) if req.type in OrderType._value2member_map_
            else OrderType.UNDEFINED,
            tif=TimeInForce(req.time_in_force)
            if req.time_in_force in TimeInForce._value2member_map_ else TimeInForce.DAY,
            clord_id=req.clord_id, participate_dont_initiate=req.participate_dont_initiate,
            good_till_time=good_till, cash_order_qty=req.cash_order_qty,
        )

    def insert_order(self, user: SimUser, req: tr_pb.InsertOrderRequest
                     ) -> tr_pb.InsertOrderResponse:
        order_id = self.exchange.insert_order(**self._order_args(user, req))
        return tr_pb.InsertOrderResponse(order_id=order_id)

    def preview_order(self, user: SimUser, req: tr_pb.PreviewOrderRequest
                      ) -> tr_pb.PreviewOrderResponse:
        """The order as the exchange would leave it if inserted now; nothing is inserted.

        The spec does not say how a preview reports an order that would be rejected, and
        Order has no text field to carry the reason. We refuse the call instead:
        INVALID_ARGUMENT (HTTP 400) whose message is the reject reason in words, exactly the
        text the insert's REJECTED execution would carry. A preview that succeeds is never
        REJECTED; it is NEW, PARTIALLY_FILLED, FILLED, or EXPIRED (an IOC/FOK's unfilled rest).
        """
        est = self.exchange.preview(**self._order_args(user, req.request))
        if est.rejected:
            raise ServiceError(INVALID_ARGUMENT, est.text)
        return tr_pb.PreviewOrderResponse(preview_order=wire.order_pb(est.order))

    def cancel_order(self, user: SimUser, req: tr_pb.CancelOrderRequest
                     ) -> tr_pb.CancelOrderResponse:
        if not req.order_id and not req.clord_id:
            raise ServiceError(INVALID_ARGUMENT, "order_id or clord_id is required")
        target = self._target(user, req.order_id, req.clord_id)
        if target is None:
            # not one of the caller's orders: the exchange refuses it to the caller's account
            self.exchange.cancel_order(order_id=req.order_id, clord_id=req.clord_id,
                                       account=self._account(user, ""))
        else:
            self.exchange.cancel_order(order_id=target.order_id, clord_id=req.clord_id,
                                       account=target.account)
        return tr_pb.CancelOrderResponse()

    def cancel_order_list(self, user: SimUser, req: tr_pb.CancelOrderListRequest
                          ) -> tr_pb.CancelOrderListResponse:
        """Up to 20 cancels, each as ``cancel_order``; all are checked before any is sent."""
        if len(req.requests) > MAX_LIST:
            raise ServiceError(INVALID_ARGUMENT, f"at most {MAX_LIST} cancels per request")
        for i, one in enumerate(req.requests):
            if not one.order_id and not one.clord_id:
                raise ServiceError(INVALID_ARGUMENT,
                                   f"cancel {i + 1}: order_id or clord_id is required")
        return tr_pb.CancelOrderListResponse(
            responses=[self.cancel_order(user, one) for one in req.requests])

    def cancel_replace(self, user: SimUser, req: tr_pb.CancelReplaceOrderRequest
                       ) -> tr_pb.CancelReplaceOrderResponse:
        if not req.order_id:
            raise ServiceError(INVALID_ARGUMENT, "order_id is required")
        target = self._target(user, req.order_id, "")
        # a time in force set is a change of terms: with it, post-only and the expiry as sent
        # (proto3 bools cannot say "unchanged")
        terms = req.time_in_force != 0
        self.exchange.replace_order(
            order_id=req.order_id, clord_id=req.clord_id, price=req.price or None,
            order_qty=req.order_qty or None,
            account=target.account if target else self._account(user, ""),
            tif=TimeInForce(req.time_in_force) if terms else None,
            participate_dont_initiate=req.participate_dont_initiate if terms else None,
            good_till_time=(req.good_till_time.ToNanoseconds() / 1e9
                            if terms and req.HasField("good_till_time") else None),
        )
        return tr_pb.CancelReplaceOrderResponse()

    def _target(self, user: SimUser, order_id: str, clord_id: str) -> SimOrder | None:
        """The order addressed, if it belongs to one of the caller's accounts."""
        if order_id:
            order = self.exchange.order(order_id)
            return order if order is not None and order.account in user.accounts else None
        found = [o for a in user.accounts if (o := self.exchange.order_by_clord(a, clord_id))]
        # a clord_id may be reused across the caller's accounts: prefer the working one
        return next((o for o in found if not o.state.is_terminal), found[0] if found else None)

    def open_orders(self, user: SimUser, req: tr_pb.GetOpenOrdersRequest
                    ) -> tr_pb.GetOpenOrdersResponse:
        accounts = [self._account(user, a) for a in req.accounts] or list(user.accounts)
        orders = self.exchange.open_orders(accounts=accounts, symbols=list(req.symbols) or None)
        return tr_pb.GetOpenOrdersResponse(orders=[wire.order_pb(o) for o in orders])

    # --- positions and balances ---------------------------------------------------
    def balance(self, user: SimUser, req: pos_pb.GetAccountBalanceRequest
                ) -> pos_pb.GetAccountBalanceResponse:
        account = self._account(user, req.name)
        if req.currency and req.currency != "USD":
            raise ServiceError(NOT_FOUND, f"no {req.currency} balance")
        cent = Decimal("0.01")
        cash = self.exchange.balance(account).cash
        power = self.exchange.buying_power(account)  # cash less working orders' reserve
        spendable = str(power.quantize(cent, rounding=ROUND_DOWN))  # never overstated
        resp = pos_pb.GetAccountBalanceResponse(
            balance=str(cash.quantize(cent)), buying_power=spendable, excess_capital=spendable,
            capital_requirement="0.00", open_orders=str((cash - power).quantize(cent)),
            unsettled_funds="0.00",
        )
        resp.update_time.CopyFrom(wire.timestamp(self.exchange.clock()))
        return resp
