"""Retail API signing and the embedded exchange's retail REST routes, over loopback.

The client signs (retail-api.md §2), the exchange verifies against registered keys and
drives the same engine the gateway does; the bodies are captured at the exchange and
checked against the spec's field names (§5.1, §5.4).
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from decimal import Decimal

import httpx
import pytest
from nacl.signing import SigningKey, VerifyKey

from tests.conftest import DEMO_ACCOUNT
from tui.core.enums import OrderState, Side
from tui.core.venue import VenueError
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.venues.retail import RetailRest, load_seed, message, sign

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"  # cent ticks, whole contracts
SLUG = SYMBOL.lower()
PARTIAL = "AEC-NFL-PHI-DAL-2026-11-26"  # hundredths of a contract

# §5.1 CreateOrderRequest and §5.4 cancel: every field name the spec gives
CREATE_FIELDS = {"marketSlug", "intent", "outcomeSide", "action", "type", "price", "quantity",
                 "tif", "participateDontInitiate", "goodTillTime", "cashOrderQty",
                 "manualOrderIndicator", "synchronousExecution", "maxBlockTime",
                 "slippageTolerance"}


def _client(sim: SimServer, **kw: object) -> RetailRest:
    return RetailRest(sim.rest_url, DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET, **kw)  # type: ignore[arg-type]


def _order(slug: str, intent: str, qty: int, price: Decimal | str) -> dict[str, object]:
    """A CreateOrderRequest as the SDK's README example spells it (§5.1)."""
    return {"marketSlug": slug, "type": "ORDER_TYPE_LIMIT",
            "price": {"value": f"{Decimal(price):f}", "currency": "USD"},
            "quantity": Decimal(qty), "tif": "TIME_IN_FORCE_GOOD_TILL_CANCEL",
            "intent": intent, "manualOrderIndicator": "MANUAL_ORDER_INDICATOR_MANUAL",
            "participateDontInitiate": False}


def _mine(sim: SimServer) -> list:
    return sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])


async def _raw(sim: SimServer, method: str, path: str, headers: dict[str, str],
               **kw: object) -> httpx.Response:
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        return await http.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]


def _now_ms() -> int:
    return int(time.time() * 1000)


# --- §2.2 message and headers ------------------------------------------------------------

def test_worked_example_gives_the_exact_message_bytes() -> None:
    assert message("1735689600123", "POST", "/v1/orders") == b"1735689600123POST/v1/orders"
    # the query string is never signed
    assert message("1", "GET", "/v1/orders/open?slugs=a&slugs=b") == b"1GET/v1/orders/open"
    seed = load_seed(DEMO_RETAIL_SECRET)
    headers = sign(seed, "POST", "/v1/orders", 1735689600123, key_id="K",
                   correlation_id="c-1")
    assert set(headers) == {"X-PM-Access-Key", "X-PM-Timestamp", "X-PM-Signature",
                            "Content-Type", "User-Agent", "poly-correlation-id"}
    assert headers["X-PM-Access-Key"] == "K"
    assert headers["X-PM-Timestamp"] == "1735689600123"
    assert headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"pmdesk/\S+", headers["User-Agent"])
    assert headers["poly-correlation-id"] == "c-1"
    signature = base64.b64decode(headers["X-PM-Signature"], validate=True)
    assert len(signature) == 64
    SigningKey(seed).verify_key.verify(b"1735689600123POST/v1/orders", signature)
    # a 64-byte secret (seed ‖ public) signs with its first 32 bytes (§2.3)
    long_secret = base64.b64encode(seed + bytes(SigningKey(seed).verify_key)).decode()
    assert sign(long_secret, "POST", "/v1/orders", 1735689600123, key_id="K",
                correlation_id="c-1") == headers
    # a fresh correlation id per call when none is given
    assert uuid.UUID(sign(seed, "GET", "/x", 1, key_id="K")["poly-correlation-id"])


# --- orders on the engine ----------------------------------------------------------------

@pytest.mark.parametrize(("intent", "price", "side", "raw"), [
    ("ORDER_INTENT_BUY_LONG", "0.40", Side.BUY, 40),
    ("ORDER_INTENT_SELL_LONG", "0.70", Side.SELL, 70),
    ("ORDER_INTENT_BUY_SHORT", "0.65", Side.SELL, 65),  # buy NO at 0.35 = sell YES at 0.65
    ("ORDER_INTENT_SELL_SHORT", "0.30", Side.BUY, 30),  # sell NO at 0.70 = buy YES at 0.30
])
async def test_signed_create_order_rests_on_the_engine(quiet_sim: SimServer, intent: str,
                                                       price: str, side: Side,
                                                       raw: int) -> None:
    async with _client(quiet_sim) as rest:
        order_id = await rest.create_order(_order(SLUG, intent, 3, Decimal(price)))
        listed = await rest.open_orders()
    [order] = _mine(quiet_sim)
    assert (order.order_id, order.symbol, order.side, order.price, order.order_qty) == (
        order_id, SYMBOL, side, raw, 3)
    [seen] = listed
    assert seen["id"] == order_id and seen["intent"] == intent
    assert seen["price"] == {"value": price, "currency": "USD"}  # YES price, as sent (§10)
    assert seen["side"] == ("ORDER_SIDE_BUY" if side is Side.BUY else "ORDER_SIDE_SELL")
    assert seen["state"] == "ORDER_STATE_NEW" and seen["leavesQuantity"] == 3


async def test_body_captured_at_the_exchange_uses_the_spec_field_names(
        quiet_sim: SimServer) -> None:
    async with _client(quiet_sim) as rest:
        order_id = await rest.create_order(_order(SLUG, "ORDER_INTENT_BUY_LONG", 2, "0.41"))
        await rest.cancel(order_id, SLUG)
        await rest.balances()
    create, cancel, balances = list(quiet_sim.retail.received)
    assert (create.method, create.path) == ("POST", "/v1/orders")
    body = json.loads(create.body)
    assert set(body) <= CREATE_FIELDS
    assert body == {"marketSlug": SLUG, "type": "ORDER_TYPE_LIMIT",
                    "price": {"value": "0.41", "currency": "USD"}, "quantity": 2,
                    "tif": "TIME_IN_FORCE_GOOD_TILL_CANCEL",
                    "intent": "ORDER_INTENT_BUY_LONG",
                    "manualOrderIndicator": "MANUAL_ORDER_INDICATOR_MANUAL",
                    "participateDontInitiate": False}
    assert isinstance(body["quantity"], int)  # a JSON number, not a string (§3)
    assert (cancel.method, cancel.path) == ("POST", f"/v1/order/{order_id}/cancel")
    assert json.loads(cancel.body) == {"marketSlug": SLUG}
    assert (balances.method, balances.path, balances.body) == (
        "GET", "/v1/account/balances", b"")


async def test_fractional_quantity_and_outcome_side_action(quiet_sim: SimServer) -> None:
    """outcomeSide + action wins over intent (§5.1); 0.5 contract on a hundredths market."""
    headers = sign(DEMO_RETAIL_SECRET, "POST", "/v1/orders", _now_ms(),
                   key_id=DEMO_RETAIL_KEY_ID)
    body = {"marketSlug": PARTIAL.lower(), "type": "ORDER_TYPE_LIMIT",
            "price": {"value": "0.515", "currency": "USD"}, "quantity": 0.5,
            "intent": "ORDER_INTENT_BUY_LONG", "outcomeSide": "OUTCOME_SIDE_NO",
            "action": "ORDER_ACTION_BUY"}
    reply = await _raw(quiet_sim, "POST", "/v1/orders", headers, json=body)
    assert reply.status_code == 200, reply.text
    [order] = _mine(quiet_sim)
    # buy NO = sell YES; extra precision normalised down, "0.515" → 0.51 (§10)
    assert (order.order_id, order.side, order.price, order.order_qty) == (
        reply.json()["id"], Side.SELL, 51, 50)


async def test_cancel_reaches_the_engine(quiet_sim: SimServer) -> None:
    async with _client(quiet_sim) as rest:
        order_id = await rest.create_order(_order(SLUG, "ORDER_INTENT_BUY_LONG", 1, "0.20"))
        assert len(_mine(quiet_sim)) == 1
        await rest.cancel(order_id, SLUG)
        assert _mine(quiet_sim) == [] and await rest.open_orders() == []
        engine_order = quiet_sim.exchange.order(order_id)
        assert engine_order is not None and engine_order.state is OrderState.CANCELED
        with pytest.raises(VenueError, match="Not found"):
            await rest.cancel("no-such-order", SLUG)


async def test_balances_return_the_account_cash(quiet_sim: SimServer) -> None:
    async with _client(quiet_sim) as rest:
        [before] = await rest.balances()
        await rest.create_order(_order(SLUG, "ORDER_INTENT_BUY_LONG", 10, "0.50"))
        [after] = await rest.balances()
    assert before["currency"] == "USD"
    assert before["currentBalance"] == before["buyingPower"] == 100000
    assert after["currentBalance"] == 100000
    assert after["buyingPower"] == 99995 and after["openOrders"] == 5  # 10 × $0.50 held


# --- refusals ----------------------------------------------------------------------------

async def test_bad_signature_is_refused(quiet_sim: SimServer) -> None:
    wrong = base64.b64encode(bytes(SigningKey.generate())).decode()
    reply = await _raw(quiet_sim, "GET", "/v1/account/balances",
                       sign(wrong, "GET", "/v1/account/balances", _now_ms(),
                            key_id=DEMO_RETAIL_KEY_ID))
    assert reply.status_code == 401
    assert reply.json() == {"status": 401, "message": "invalid signature"}
    async with RetailRest(quiet_sim.rest_url, DEMO_RETAIL_KEY_ID, wrong) as rest:
        with pytest.raises(VenueError, match="refused the API key or signature"):
            await rest.balances()
    # a signature over another path (here: path plus query) is not valid for this one
    headers = sign(DEMO_RETAIL_SECRET, "GET", "/v1/orders/open", _now_ms(),
                   key_id=DEMO_RETAIL_KEY_ID)
    headers["X-PM-Signature"] = base64.b64encode(SigningKey(
        load_seed(DEMO_RETAIL_SECRET)).sign(
        f"{headers['X-PM-Timestamp']}GET/v1/orders/open?slugs=x".encode()).signature).decode()
    reply = await _raw(quiet_sim, "GET", "/v1/orders/open?slugs=x", headers)
    assert reply.status_code == 401


async def test_query_string_is_not_signed(quiet_sim: SimServer) -> None:
    headers = sign(DEMO_RETAIL_SECRET, "GET", "/v1/orders/open", _now_ms(),
                   key_id=DEMO_RETAIL_KEY_ID)
    reply = await _raw(quiet_sim, "GET", "/v1/orders/open?slugs=a&slugs=b", headers)
    assert reply.status_code == 200 and reply.json() == {"orders": []}


async def test_timestamp_outside_the_window(quiet_sim: SimServer) -> None:
    old = sign(DEMO_RETAIL_SECRET, "GET", "/v1/account/balances", _now_ms() - 31_000,
               key_id=DEMO_RETAIL_KEY_ID)
    reply = await _raw(quiet_sim, "GET", "/v1/account/balances", old)
    assert reply.status_code == 401
    assert reply.json()["status"] == 401 and "30 s" in reply.json()["message"]
    # just inside the window is accepted: the limit is 30 s, not less
    fresh = sign(DEMO_RETAIL_SECRET, "GET", "/v1/account/balances", _now_ms() - 28_000,
                 key_id=DEMO_RETAIL_KEY_ID)
    assert (await _raw(quiet_sim, "GET", "/v1/account/balances", fresh)).status_code == 200


@pytest.mark.parametrize(("offset", "way"), [(-31.0, "behind"), (45.0, "ahead of")])
async def test_client_names_the_clock_skew(quiet_sim: SimServer, offset: float,
                                           way: str) -> None:
    async with _client(quiet_sim, clock=lambda: time.time() + offset, max_retries=0) as rest:
        with pytest.raises(VenueError) as caught:
            await rest.balances()
    text = str(caught.value)
    size = re.search(r"clock is (\d+) s (behind|ahead of) the exchange's", text)
    assert size is not None, text
    assert abs(int(size.group(1)) - abs(offset)) <= 1 and size.group(2) == way
    assert "NTP" in text and "30 s" in text
    assert rest.clock_skew is not None and abs(rest.clock_skew + offset) < 1.5


async def test_unknown_key_is_refused(quiet_sim: SimServer) -> None:
    stranger = str(uuid.uuid4())
    reply = await _raw(quiet_sim, "POST", "/v1/orders",
                       sign(DEMO_RETAIL_SECRET, "POST", "/v1/orders", _now_ms(),
                            key_id=stranger), json={"marketSlug": SLUG})
    assert reply.status_code == 401
    assert reply.json() == {"status": 401, "message": "unknown API key"}
    assert _mine(quiet_sim) == []
    # the same key once registered is accepted
    seed = load_seed(DEMO_RETAIL_SECRET)
    quiet_sim.register_retail_key(stranger, bytes(SigningKey(seed).verify_key), "demo")
    async with RetailRest(quiet_sim.rest_url, stranger, seed) as rest:
        assert len(await rest.balances()) == 1


@pytest.mark.parametrize("missing", ["X-PM-Access-Key", "X-PM-Timestamp", "X-PM-Signature"])
async def test_missing_header_is_refused(quiet_sim: SimServer, missing: str) -> None:
    headers = sign(DEMO_RETAIL_SECRET, "GET", "/v1/orders/open", _now_ms(),
                   key_id=DEMO_RETAIL_KEY_ID)
    del headers[missing]
    reply = await _raw(quiet_sim, "GET", "/v1/orders/open", headers)
    assert reply.status_code == 401
    assert reply.json() == {"status": 401, "message": f"missing {missing} header"}


async def test_every_response_has_one_date_header(quiet_sim: SimServer) -> None:
    good = sign(DEMO_RETAIL_SECRET, "GET", "/v1/orders/open", _now_ms(),
                key_id=DEMO_RETAIL_KEY_ID, correlation_id="corr-7")
    for headers in (good, {}):
        reply = await _raw(quiet_sim, "GET", "/v1/orders/open", headers)
        assert len(reply.headers.get_list("date")) == 1
    assert reply.status_code == 401
    ok = await _raw(quiet_sim, "GET", "/v1/orders/open", good)
    assert ok.headers["poly-correlation-id"] == "corr-7"


async def test_bad_body_is_a_400_in_plain_words(quiet_sim: SimServer) -> None:
    async with _client(quiet_sim) as rest:
        with pytest.raises(VenueError, match=r"HTTP 400\): intent"):
            await rest.create_order(_order(SLUG, "ORDER_INTENT_BUY_SIDEWAYS", 1, "0.40"))
    assert _mine(quiet_sim) == []


def test_public_key_of_the_demo_seed_is_what_the_exchange_holds() -> None:
    sim = SimServer(flow=False)
    key = sim.retail.keys.get(DEMO_RETAIL_KEY_ID)
    assert key is not None and key.username == "demo"
    assert bytes(key.verify_key) == bytes(VerifyKey(bytes(
        SigningKey(load_seed(DEMO_RETAIL_SECRET)).verify_key)))


def test_a_64_byte_secret_whose_halves_disagree_is_refused_up_front() -> None:
    """Else every signed request is refused later as a bad signature, which misleads."""
    key = SigningKey.generate()
    good = base64.b64encode(bytes(key) + bytes(key.verify_key)).decode()
    assert load_seed(good) == bytes(key)
    broken = base64.b64encode(bytes(key) + bytes(SigningKey.generate().verify_key)).decode()
    with pytest.raises(ValueError, match="public half that does not match the seed"):
        load_seed(broken)


async def test_a_rest_address_with_no_such_route_says_to_check_the_address(
        quiet_sim: SimServer) -> None:
    async with RetailRest(f"{quiet_sim.rest_url}/wrong-prefix", DEMO_RETAIL_KEY_ID,
                          DEMO_RETAIL_SECRET) as rest:
        with pytest.raises(VenueError) as refused:
            await rest.balances()
    assert str(refused.value) == ("The exchange has no GET /wrong-prefix/v1/account/balances: "
                                  "check the profile's rest address.")
