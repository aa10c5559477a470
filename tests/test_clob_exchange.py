"""The embedded exchange's global CLOB (docs/spec/global-clob.md): its public books and markets,
and its L1 / L2 authentication, checked over loopback HTTP as a CLOB client reaches them."""

from __future__ import annotations

import hashlib
import time
from decimal import Decimal

import httpx
import pytest

from tests.desk_kit import BOB, place
from tui.core.clob_sign import ApiCreds, Wallet, compact, l1_headers, l2_headers
from tui.core.enums import Side
from tui.sim.clob.api import DEMO_CLOB_ADDRESS, DEMO_CLOB_KEY
from tui.sim.clob.markets import ClobMarket
from tui.sim.clob.wire import book_hash
from tui.sim.server import SimServer

SPEC_BOOK = {
    "market": "0x<condition_id>", "asset_id": "<token_id>", "timestamp": "1700000000000",
    "hash": "c88dc65040a9205d64fdc72e642650db171ecf7c",
    "bids": [{"price": "0.48", "size": "30"}, {"price": "0.49", "size": "20"},
             {"price": "0.5", "size": "15"}],
    "asks": [{"price": "0.54", "size": "10"}, {"price": "0.53", "size": "60"},
             {"price": "0.52", "size": "25"}],
    "min_order_size": "5", "tick_size": "0.01", "neg_risk": False, "last_trade_price": "0.51",
}
SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"  # a cent tick, whole contracts


def test_a_book_hashes_by_the_spec_rule() -> None:
    """§4.4: SHA-1 of the compact JSON, keys in the venue's order, hash blank. (The spec's
    test vector, c88dc650…, is not reproduced by its own rule over the book it prints, in any
    key order; the rule is what this follows.)"""
    text = ('{"market":"0x<condition_id>","asset_id":"<token_id>","timestamp":"1700000000000",'
            '"hash":"","bids":[{"price":"0.48","size":"30"},{"price":"0.49","size":"20"},'
            '{"price":"0.5","size":"15"}],"asks":[{"price":"0.54","size":"10"},{"price":"0.53",'
            '"size":"60"},{"price":"0.52","size":"25"}],"min_order_size":"5","tick_size":"0.01",'
            '"neg_risk":false,"last_trade_price":"0.51"}')
    assert book_hash(SPEC_BOOK) == hashlib.sha1(text.encode()).hexdigest()


def test_the_demo_wallet_address_is_its_keys() -> None:
    assert Wallet.from_key(DEMO_CLOB_KEY).address == DEMO_CLOB_ADDRESS


async def test_the_no_book_mirrors_the_yes_book_best_last(quiet_sim: SimServer) -> None:
    place(quiet_sim, BOB, SYMBOL, Side.BUY, 40, 7)  # YES bid 0.40 x 7
    place(quiet_sim, BOB, SYMBOL, Side.SELL, 45, 3)  # YES offer 0.45 x 3
    place(quiet_sim, BOB, SYMBOL, Side.SELL, 47, 2)
    market = ClobMarket.of(SYMBOL)
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        yes = (await http.get("/book", params={"token_id": market.yes_token})).json()
        no = (await http.get("/book", params={"token_id": market.no_token})).json()
        assert yes["bids"] == [{"price": "0.4", "size": "7"}]
        assert yes["asks"] == [{"price": "0.47", "size": "2"}, {"price": "0.45", "size": "3"}]
        # buying NO at 0.55 is selling YES at 0.45: the NO bids are the YES offers mirrored
        assert no["bids"] == [{"price": "0.53", "size": "2"}, {"price": "0.55", "size": "3"}]
        assert no["asks"] == [{"price": "0.6", "size": "7"}]
        assert no["market"] == yes["market"] == market.condition_id
        assert yes["hash"] == book_hash(yes) and no["hash"] != yes["hash"]
        price = await http.get("/price", params={"token_id": market.no_token, "side": "BUY"})
        assert price.json() == {"price": "0.55"}  # BUY names the bid side
        unknown = await http.get("/book", params={"token_id": "123"})
        assert unknown.status_code == 404
        assert unknown.json() == {"error": "No orderbook exists for the requested token id"}
        details = (await http.get(f"/clob-markets/{market.condition_id}")).json()
        assert [t["t"] for t in details["t"]] == [market.yes_token, market.no_token]
        assert Decimal(str(details["mts"])) == Decimal("0.01")


async def test_l1_creates_and_derives_one_key_and_refuses_a_forged_or_stale_request(
        quiet_sim: SimServer) -> None:
    wallet = Wallet.from_key(DEMO_CLOB_KEY)
    now = int(time.time())
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        created = await http.post("/auth/api-key", headers=l1_headers(wallet, now))
        derived = await http.get("/auth/derive-api-key", headers=l1_headers(wallet, now))
        assert created.status_code == 200 and created.json() == derived.json()
        other = Wallet.from_key(hashlib.sha256(b"someone else").hexdigest())
        forged = l1_headers(other, now) | {"POLY_ADDRESS": wallet.address}
        stale = l1_headers(wallet, now - 3600)
        for headers in (forged, stale, {}):
            answer = await http.post("/auth/api-key", headers=headers)
            assert answer.status_code == 401
            assert answer.json() == {"error": "Invalid L1 Request headers"}


async def test_l2_signed_requests_work_and_a_tampered_or_stale_one_is_refused(
        quiet_sim: SimServer) -> None:
    wallet = Wallet.from_key(DEMO_CLOB_KEY)
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        made = (await http.post("/auth/api-key",
                                headers=l1_headers(wallet, int(time.time())))).json()
        creds = ApiCreds(made["apiKey"], made["secret"], made["passphrase"])

        def signed(path: str, stamp: int | None = None, **changes: str) -> dict[str, str]:
            at = stamp if stamp is not None else int(time.time())
            return l2_headers(wallet.address, creds, at, "GET", path) | changes

        path = "/balance-allowance"
        ok = await http.get(path, params={"asset_type": "COLLATERAL", "signature_type": 0},
                            headers=signed(path))
        assert ok.status_code == 200
        assert ok.json()["balance"] == str(100_000 * 1_000_000)  # the demo wallet's $100,000
        good = signed(path)["POLY_SIGNATURE"]
        tampered = ("A" if good[0] != "A" else "B") + good[1:]  # never the signature itself
        for headers in (signed(path, POLY_SIGNATURE=tampered),
                        signed(path, POLY_PASSPHRASE="guess"),
                        signed(path, int(time.time()) - 3600),
                        signed("/balance-allowance/update")):  # signed for another path
            refused = await http.get(path, headers=headers)
            assert refused.status_code == 401
            assert refused.json() == {"error": "Unauthorized/Invalid api key"}
        gone = await http.delete("/auth/api-key", headers=l2_headers(
            wallet.address, creds, int(time.time()), "DELETE", "/auth/api-key"))
        assert gone.status_code == 200
        after = await http.get(path, headers=signed(path))
        assert after.status_code == 401, "a deleted key stops working"
        assert compact({"a": 1}) == '{"a":1}'


@pytest.mark.parametrize("route", ["/ok", "/time", "/version"])
async def test_service_routes_answer(quiet_sim: SimServer, route: str) -> None:
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        answer = await http.get(route)
    assert answer.status_code == 200
    if route == "/version":
        assert answer.json() == {"version": 2}
    if route == "/time":
        assert abs(answer.json() - time.time()) < 5
