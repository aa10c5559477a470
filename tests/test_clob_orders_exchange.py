"""Orders on the embedded exchange's global CLOB (docs/spec/global-clob.md §4.5, §6): placed,
matched on the shared book across tokens, refused in the venue's words, cancelled; each
checked against the engine's own state."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from tests.clob_kit import ClobKit, logged_in
from tests.clob_kit import wallet_account as kit_account
from tests.desk_kit import BOB, place
from tui.core.clob_sign import BUY, NEG_RISK_EXCHANGE_V2, SELL, Wallet
from tui.core.enums import Side
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"  # a cent tick, whole contracts
MARKET = ClobMarket.of(SYMBOL)
TICK = "0.01"


@pytest.fixture
async def kit(quiet_sim: SimServer) -> AsyncIterator[ClobKit]:
    async with logged_in(quiet_sim) as kit:
        yield kit


def wallet_account(kit: ClobKit) -> str:
    return kit_account(kit.sim)


async def balance(kit: ClobKit, token: str | None = None) -> Decimal:
    params = ({"asset_type": "CONDITIONAL", "token_id": token} if token
              else {"asset_type": "COLLATERAL"})
    answer = await kit.call("GET", "/balance-allowance", params=params)
    return Decimal(answer.json()["balance"]) / 1_000_000


async def test_buying_no_against_a_yes_bid_mints_no_tokens_and_spends_pusd(kit: ClobKit) -> None:
    place(kit.sim, BOB, SYMBOL, Side.BUY, 40, 10)  # a YES bid at 0.40: NO offered at 0.60
    cash = await balance(kit)
    answer = await kit.place(kit.order(MARKET, False, BUY, "0.60", "10", TICK))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["success"] and body["status"] == "matched" and len(body["tradeIDs"]) == 1
    assert (body["makingAmount"], body["takingAmount"]) == ("6", "10")
    assert await balance(kit, MARKET.no_token) == 10
    assert await balance(kit, MARKET.yes_token) == 0
    assert await balance(kit) == cash - Decimal("6.00")
    position = kit.sim.exchange.position(wallet_account(kit), SYMBOL)
    assert position.net_position == -10  # ten NO, in the engine's one YES book
    trades = (await kit.call("GET", "/data/trades")).json()["data"]
    assert [(t["side"], t["asset_id"], t["price"], t["size"]) for t in trades] == [
        ("BUY", MARKET.no_token, "0.6", "10")]
    assert trades[0]["maker_orders"][0]["side"] == "BUY"  # Bob's YES bid
    assert trades[0]["maker_orders"][0]["asset_id"] == MARKET.yes_token


async def test_a_resting_order_is_listed_reserved_and_cancelled(kit: ClobKit) -> None:
    cash = await balance(kit)
    body = kit.order(MARKET, True, BUY, "0.30", "100", TICK)
    placed = (await kit.place(body)).json()
    assert placed["status"] == "live"
    order_id = placed["orderID"]
    engine = kit.sim.exchange.order_by_clord(wallet_account(kit), order_id)
    assert engine is not None and engine.price == 30 and engine.side is Side.BUY
    listed = (await kit.call("GET", "/data/orders")).json()["data"]
    assert [(o["id"], o["price"], o["original_size"], o["status"]) for o in listed] == [
        (order_id, "0.3", "100", "LIVE")]
    again = await kit.place(body)
    assert again.json() == {"error": "INVALID_ORDER_DUPLICATED"}
    # $30 of the wallet's pUSD is reserved: an order for more than the rest is refused
    rest = int((cash - 30) / Decimal("0.5")) + 2
    too_big = await kit.place(kit.order(MARKET, True, BUY, "0.50", str(rest), TICK))
    assert too_big.status_code == 400
    assert too_big.json() == {"error": "not enough balance / allowance"}
    gone = (await kit.call("DELETE", "/order", {"orderID": order_id})).json()
    assert gone == {"canceled": [order_id], "not_canceled": {}}
    assert not engine.state.is_working or not kit.sim.exchange.open_orders(
        [wallet_account(kit)])
    twice = (await kit.call("DELETE", "/order", {"orderID": order_id})).json()
    assert twice["not_canceled"] == {order_id: "already canceled or matched"}


async def test_cancel_all_and_by_market_leave_nothing_working_at_the_exchange(
        kit: ClobKit) -> None:
    for price in ("0.20", "0.21", "0.22"):
        assert (await kit.place(kit.order(MARKET, True, BUY, price, "5", TICK))).status_code \
            == 200
    other = ClobMarket.of("AEC-CRY-ETH-5K-2026-12-31")
    await kit.place(kit.order(other, False, BUY, "0.30", "5", TICK))
    by_market = (await kit.call("DELETE", "/cancel-market-orders",
                                {"market": MARKET.condition_id})).json()
    assert len(by_market["canceled"]) == 3
    working = kit.sim.exchange.open_orders([wallet_account(kit)])
    assert [o.symbol for o in working] == [other.symbol]
    everything = (await kit.call("DELETE", "/cancel-all")).json()
    assert len(everything["canceled"]) == 1
    assert kit.sim.exchange.open_orders([wallet_account(kit)]) == []


async def test_forged_and_malformed_orders_are_refused_in_the_venues_words(
        kit: ClobKit) -> None:
    stranger = Wallet.from_key(hashlib.sha256(b"not the demo wallet").hexdigest())
    cases = {
        "invalid signature": kit.order(MARKET, True, BUY, "0.30", "5", TICK, signer=stranger),
        "invalid signature ": kit.order(MARKET, True, BUY, "0.30", "5", TICK,
                                        exchange=NEG_RISK_EXCHANGE_V2),  # wrong contract
        "INVALID_ORDER_MIN_TICK_SIZE": kit.order(MARKET, True, BUY, "0.305", "5", "0.001"),
        "INVALID_ORDER_EXPIRATION": kit.order(MARKET, True, BUY, "0.30", "5", TICK, "GTD",
                                              expiration=int(time.time()) + 30),
        "not enough balance / allowance": kit.order(MARKET, True, SELL, "0.30", "5", TICK),
        "INVALID_POST_ONLY_ORDER_TYPE": kit.order(MARKET, True, BUY, "0.30", "5", TICK, "FOK",
                                                  post_only=True),
    }
    wrong_owner = kit.order(MARKET, True, BUY, "0.30", "5", TICK)
    wrong_owner["owner"] = "someone-else"
    cases["the order owner has to be the owner of the API KEY"] = wrong_owner
    for error, body in cases.items():
        answer = await kit.place(body)
        assert answer.status_code == 400, error
        assert answer.json() == {"error": error.strip()}, error
    assert kit.sim.exchange.open_orders([wallet_account(kit)]) == []


async def test_post_only_fok_and_fak_follow_the_book(kit: ClobKit) -> None:
    place(kit.sim, BOB, SYMBOL, Side.SELL, 45, 4)  # YES offered at 0.45 x 4
    crossing = await kit.place(kit.order(MARKET, True, BUY, "0.45", "5", TICK, post_only=True))
    assert crossing.json() == {"error": "invalid post-only order: order crosses book"}
    fok = await kit.place(kit.order(MARKET, True, SELL, "0.40", "5", TICK, "FOK"))
    assert fok.json() == {"error": "not enough balance / allowance"}  # no YES to sell
    too_much = await kit.place(kit.order(MARKET, True, BUY, "0.45", "10", TICK, "FOK"))
    assert too_much.json() == {
        "error": "order couldn't be fully filled. FOK orders are fully filled or killed."}
    fak = (await kit.place(kit.order(MARKET, True, BUY, "0.45", "10", TICK, "FAK"))).json()
    assert fak["success"] and fak["status"] == "matched"
    assert fak["takingAmount"] == "4"  # $10 could buy 22; the book had 4
    assert await balance(kit, MARKET.yes_token) == 4


async def test_a_batch_answers_each_order(kit: ClobKit) -> None:
    good = kit.order(MARKET, True, BUY, "0.10", "5", TICK)
    bad = kit.order(MARKET, True, BUY, "0.105", "5", "0.001")
    answers = (await kit.call("POST", "/orders", [good, bad])).json()
    assert [a["success"] for a in answers] == [True, False]
    assert answers[1]["errorMsg"] == "INVALID_ORDER_MIN_TICK_SIZE"
    assert len(kit.sim.exchange.open_orders([wallet_account(kit)])) == 1


async def test_buying_no_while_holding_yes_holds_both_tokens(kit: ClobKit) -> None:
    place(kit.sim, BOB, SYMBOL, Side.SELL, 45, 5)  # YES offered at 0.45
    place(kit.sim, BOB, SYMBOL, Side.BUY, 40, 5)  # YES bid at 0.40: NO offered at 0.60
    cash = await balance(kit)
    await kit.place(kit.order(MARKET, True, BUY, "0.45", "5", TICK))
    await kit.place(kit.order(MARKET, False, BUY, "0.60", "5", TICK))
    assert await balance(kit, MARKET.yes_token) == 5
    assert await balance(kit, MARKET.no_token) == 5  # a pair, not merged away
    assert await balance(kit) == cash - Decimal("2.25") - Decimal("3.00")
    sell = await kit.place(kit.order(MARKET, False, SELL, "0.60", "6", TICK))
    assert sell.json() == {"error": "not enough balance / allowance"}  # five NO held, not six
