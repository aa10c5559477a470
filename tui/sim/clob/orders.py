"""The global CLOB's order routes at the embedded exchange (docs/spec/global-clob.md §4.5,
§4.6, §6): place one or a batch, cancel one, many, a market or all, and the order and trade
lookups. Orders match on the engine's one YES book (a NO order is a YES order at 1 − price:
BUY NO meets BUY YES as a mint, SELL NO meets SELL YES as a merge, §6.3).

Balance and reservation (§6.6): a BUY needs the wallet's free pUSD (its cash less what its
live BUYs would spend), a SELL the tokens it holds less what its live SELLs would sell; the
wallet's pUSD and tokens are tui/sim/clob/tokens.py's.
"""

from __future__ import annotations

import base64
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from tui.core.clob_sign import BUY, POLY_1271, exchange_for
from tui.core.enums import OrderState, Side, TimeInForce
from tui.sim.clob.auth import ClobKey, ClobWallet
from tui.sim.clob.intake import BAD_SIGNATURE, GTD_THRESHOLD, ClobAsk, parse, refused
from tui.sim.clob.records import ClobOrder, ClobRecords
from tui.sim.clob.wire import ALL_LEVELS, ClobError, num, shares
from tui.sim.model import SimInstrument
from tui.sim.rules import POST_ONLY_CROSS

if TYPE_CHECKING:
    from tui.sim.clob.api import ClobApi

NO_BALANCE = "not enough balance / allowance"
FOK_KILLED = "order couldn't be fully filled. FOK orders are fully filled or killed."
# the imitation's words (the spec has none): a FAK that found nothing to match
FAK_KILLED = "no orders found to match with FAK order. FAK orders are partially filled or " \
             "killed if no match is found."
CROSSES = "invalid post-only order: order crosses book"
TIF = {"GTC": TimeInForce.GOOD_TILL_CANCEL, "GTD": TimeInForce.GOOD_TILL_TIME,
       "FOK": TimeInForce.FILL_OR_KILL, "FAK": TimeInForce.IMMEDIATE_OR_CANCEL}


class ClobOrders:
    def __init__(self, api: ClobApi) -> None:
        self.api = api
        self.exchange = api.exchange
        self.records = ClobRecords(api.markets, api.clock, api.tokens)
        self.exchange.add_listener(self.records.on_event)

    def routes(self) -> list[BaseRoute]:
        signed = self.api.signed
        return [
            Route("/order", signed(self._post_one), methods=["POST"]),
            Route("/orders", signed(self._post_many), methods=["POST"]),
            Route("/order", signed(self._cancel_one), methods=["DELETE"]),
            Route("/orders", signed(self._cancel_many), methods=["DELETE"]),
            Route("/cancel-all", signed(self._cancel_all), methods=["DELETE"]),
            Route("/cancel-market-orders", signed(self._cancel_market), methods=["DELETE"]),
            Route("/data/order/{order_id}", signed(self._one_order), methods=["GET"]),
            Route("/data/orders", signed(self._open_orders), methods=["GET"]),
            Route("/data/trades", signed(self._trades), methods=["GET"]),
        ]

    # --- placing ---------------------------------------------------------------------------
    def _post_one(self, _request: Request, key: ClobKey, body: Any) -> dict[str, Any]:
        return self.place(key, body)

    def _post_many(self, _request: Request, key: ClobKey, body: Any) -> list[dict[str, Any]]:
        if not isinstance(body, list) or not body:
            raise refused("Invalid payload")
        if len(body) > 15:  # §3.6: the old documented batch limit
            raise refused("Payload exceeds the limit")
        answers = []
        for entry in body:
            try:
                answers.append(self.place(key, entry))
            except ClobError as exc:  # a batch answers each order, refused ones in words
                answers.append({"success": False, "errorMsg": exc.message, "orderID": "",
                                "status": "", "makingAmount": "", "takingAmount": "",
                                "tradeIDs": [], "transactionsHashes": []})
        return answers

    def place(self, key: ClobKey, entry: Any) -> dict[str, Any]:
        now = self.api.clock()
        ask, inst = parse(entry, key.creds.api_key, key.address, self._market_of, now,
                          self.api.chain, self.api.ticks.tick, owners_of=self._owners_1271)
        wallet = self.api.wallet_of(key, ask.fields.maker)
        if (wallet.signature_type == POLY_1271) != (ask.fields.signature_type == POLY_1271):
            raise refused(BAD_SIGNATURE)  # a deposit wallet checks only its own kind
        if ask.order_id in self.records.orders:
            raise refused("INVALID_ORDER_DUPLICATED")
        self._check_funds(ask, wallet, inst)
        side, price = self._engine_terms(ask, inst)
        qty = self._engine_qty(ask, inst, side, price)
        order = ClobOrder(ask.order_id, wallet.account, key.creds.api_key, wallet.address,
                          ask.market, ask.token, ask.fields.side, ask.price,
                          ask.dollars or ask.shares, ask.order_type, now,
                          ask.fields.expiration)
        self.records.add(order)
        engine_id = self.exchange.insert_order(
            account=wallet.account, participant=self.exchange.accounts[wallet.account],
            symbol=ask.market.symbol, side=side, price=price, order_qty=qty,
            tif=TIF[ask.order_type], clord_id=ask.order_id,
            participate_dont_initiate=ask.post_only,
            good_till_time=(ask.fields.expiration - GTD_THRESHOLD
                            if ask.order_type == "GTD" else None))
        return self._answer(ask, order, engine_id)

    def _owners_1271(self, address: str) -> set[str]:
        """The EOAs that may sign for a deposit wallet (type 3); none for another wallet."""
        wallet = self.api.auth.wallet(address)
        return wallet.owners if wallet and wallet.signature_type == POLY_1271 else set()

    def _market_of(self, token: str) -> tuple[Any, SimInstrument] | None:
        market = self.api.markets.token(token)
        return (market, self.api.instrument(market)) if market is not None else None

    def _check_funds(self, ask: ClobAsk, wallet: ClobWallet, inst: SimInstrument) -> None:
        live = [o for o in self.records.orders.values()
                if o.maker == wallet.address and o.status == "LIVE"
                and o.order_type in ("GTC", "GTD")]
        tokens = self.api.tokens
        if ask.fields.side == BUY:
            held = tokens.cash(wallet.account)
            allowed = tokens.allowance(wallet.account, exchange_for(ask.market.neg_risk))
            if allowed is not None:  # §6.6: balance and allowance, the smaller binds
                held = min(held, allowed)
            reserved = sum(((o.original - o.matched) * o.price for o in live
                            if o.side == BUY), Decimal(0))
            # what it could spend, and the taker's fee on it (§6.6: fees add to a BUY)
            needed = ask.dollars or ask.shares * ask.price
            needed += (needed / ask.price) * ask.market.fee_per_share(ask.price)
        else:
            held = tokens.held(wallet.account, ask.token)
            reserved = sum((o.original - o.matched for o in live
                            if o.side != BUY and o.token == ask.token), Decimal(0))
            needed = ask.shares
        if needed > held - reserved:
            raise refused(NO_BALANCE)

    @staticmethod
    def _engine_terms(ask: ClobAsk, inst: SimInstrument) -> tuple[Side, int]:
        """The YES book's side and raw price of this token order."""
        raw = inst.scales.to_raw(ask.price)
        buys_yes = (ask.fields.side == BUY) == ask.yes
        return (Side.BUY if buys_yes else Side.SELL,
                raw if ask.yes else inst.scales.price_scale - raw)

    def _engine_qty(self, ask: ClobAsk, inst: SimInstrument, side: Side, price: int) -> int:
        """Raw lots: a limit order's size; a market BUY's dollars walked down the book."""
        lots = inst.scales.qty_scale
        if not ask.dollars:
            return int(ask.shares * lots)
        bids, offers = self.exchange.book(ask.market.symbol, ALL_LEVELS)
        levels = offers if side is Side.BUY else bids
        left, qty = ask.dollars, 0
        for px, size in levels:
            if (px > price) if side is Side.BUY else (px < price):
                break
            cost = Decimal(px if side is Side.BUY else inst.scales.price_scale - px) / (
                inst.scales.price_scale * lots)  # dollars a lot
            take = min(size, int((left / cost).to_integral_value(rounding=ROUND_FLOOR)))
            qty, left = qty + take, left - take * cost
            if take < size:
                break
        # a FOK spends all its dollars, give or take less than a lot at its limit (§6.4)
        short = left >= ask.price / lots
        if not qty or (short and ask.order_type == "FOK"):
            raise refused(FOK_KILLED if ask.order_type == "FOK" else FAK_KILLED)
        return qty

    def _answer(self, ask: ClobAsk, order: ClobOrder, engine_id: str) -> dict[str, Any]:
        engine = self.exchange.order(engine_id)
        if engine is None:
            raise ClobError(500, "INVALID_ORDER_ERROR")
        inst = self.api.instrument(ask.market)
        filled = shares(engine.cum_qty, inst)
        killed = FOK_KILLED if ask.order_type == "FOK" else FAK_KILLED
        if engine.state is OrderState.REJECTED or (ask.is_market and not filled):
            del self.records.orders[order.order_id]  # never placed: the hash may come again
            text = order.reason
            raise refused(CROSSES if text == POST_ONLY_CROSS else
                          NO_BALANCE if "buying power" in text else
                          killed if ask.is_market and not filled else
                          text or "INVALID_ORDER_ERROR")
        money = sum((self.records.trades[t].size * self.records.trades[t].price
                     for t in order.trades), Decimal(0))
        making, taking = (money, filled) if ask.fields.side == BUY else (filled, money)
        status = "live" if engine.state.is_working else "matched" if filled else "unmatched"
        return {"success": True, "errorMsg": "", "orderID": order.order_id, "status": status,
                "makingAmount": num(making) if filled else "",
                "takingAmount": num(taking) if filled else "",
                "tradeIDs": list(order.trades), "transactionsHashes": []}

    # --- cancelling ------------------------------------------------------------------------
    def cancel(self, key: ClobKey, ids: list[str]) -> dict[str, Any]:
        canceled: list[str] = []
        not_canceled: dict[str, str] = {}
        for order_id in ids:
            order = self.records.orders.get(order_id)
            if order is None or order.owner != key.creds.api_key:
                not_canceled[order_id] = "order not found"
            elif order.status != "LIVE":
                not_canceled[order_id] = "already canceled or matched"
            else:
                engine = self.exchange.order_by_clord(order.account, order_id)
                if engine is not None:
                    self.exchange.cancel_order(account=order.account, order_id=engine.order_id)
                order.status = "CANCELED"
                canceled.append(order_id)
        return {"canceled": canceled, "not_canceled": not_canceled}

    def _cancel_one(self, _request: Request, key: ClobKey, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise refused("Invalid payload")
        order_id = body.get("orderID") or body.get("orderId")  # §4.5: accept both spellings
        if not isinstance(order_id, str):
            raise refused("Invalid payload")
        return self.cancel(key, [order_id])

    def _cancel_many(self, _request: Request, key: ClobKey, body: Any) -> dict[str, Any]:
        if not isinstance(body, list) or not all(isinstance(i, str) for i in body):
            raise refused("Invalid payload")
        return self.cancel(key, body)

    def _live(self, key: ClobKey) -> list[ClobOrder]:
        return [o for o in self.records.orders.values()
                if o.owner == key.creds.api_key and o.status == "LIVE"]

    def _cancel_all(self, _request: Request, key: ClobKey, _body: Any) -> dict[str, Any]:
        return self.cancel(key, [o.order_id for o in self._live(key)])

    def _cancel_market(self, _request: Request, key: ClobKey, body: Any) -> dict[str, Any]:
        wanted = body if isinstance(body, dict) else {}
        market, token = wanted.get("market"), wanted.get("asset_id")
        return self.cancel(key, [o.order_id for o in self._live(key)
                                 if (not market or o.market.condition_id == market)
                                 and (not token or o.token == token)])

    # --- lookups ---------------------------------------------------------------------------
    def _one_order(self, request: Request, key: ClobKey, _body: Any) -> dict[str, Any]:
        order = self.records.orders.get(request.path_params["order_id"])
        if order is None or order.owner != key.creds.api_key:
            raise ClobError(404, "order not found")
        return order.json()

    def _open_orders(self, request: Request, key: ClobKey, _body: Any) -> dict[str, Any]:
        q = request.query_params
        rows = [o.json() for o in self._live(key)
                if (not q.get("id") or o.order_id == q["id"])
                and (not q.get("market") or o.market.condition_id == q["market"])
                and (not q.get("asset_id") or o.token == q["asset_id"])]
        return page(rows, q.get("next_cursor"))

    def _trades(self, request: Request, key: ClobKey, _body: Any) -> dict[str, Any]:
        q = request.query_params
        mine = set(self.records.orders_of(key.creds.api_key))
        rows = []
        for trade in self.records.trades.values():
            taker = trade.taker["order_id"] in mine
            if not taker and trade.maker["order_id"] not in mine:
                continue
            if (q.get("id") and trade.trade_id != q["id"]) or (
                    q.get("market") and trade.market.condition_id != q["market"]) or (
                    q.get("asset_id") and q["asset_id"] not in (
                        trade.taker["token"], trade.maker["token"])) or (
                    q.get("after") and trade.match_time <= float(q["after"])) or (
                    q.get("before") and trade.match_time >= float(q["before"])):
                continue
            rows.append(trade.json(for_maker=not taker))
        return page(rows, q.get("next_cursor"))


def page(rows: list[dict[str, Any]], cursor: str | None, size: int = 100) -> dict[str, Any]:
    """§4.1: base64 of the offset; "LTE=" once there are no more."""
    try:
        start = int(base64.b64decode(cursor or "MA==").decode())
    except ValueError:
        raise refused("invalid next_cursor") from None
    chunk = rows[max(start, 0):max(start, 0) + size]
    end = start + size
    nxt = base64.b64encode(str(end).encode()).decode() if end < len(rows) else "LTE="
    return {"limit": size, "count": len(chunk), "next_cursor": nxt, "data": chunk}
