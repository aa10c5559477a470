"""The global CLOB's signing rules against the spec's worked examples (docs/spec/global-clob.md
§2.5, §3.5, §3.7), byte for byte: what a real CLOB would accept from the desk."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.clob_sign import (
    BUY,
    EXCHANGE_V2,
    NEG_RISK_EXCHANGE_V2,
    SELL,
    ApiCreds,
    OrderFields,
    SigningError,
    Wallet,
    clob_auth,
    compact,
    digest,
    fields_of,
    l1_headers,
    l2_headers,
    limit_amounts,
    market_amounts,
    order_body,
    recover,
)

KEY = "0x" + "00" * 31 + "01"
ADDRESS = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
CREDS = ApiCreds("00000000-0000-4000-8000-000000000001",
                 "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eg==", "passphrase-0001")
TOKEN = 71321045679252212594626385532706912750332728571942532289631379312455583992563
EXAMPLE_B = (
    '{"order":{"salt":1234567890,"maker":"0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",'
    '"signer":"0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf","tokenId":"713210456792522125946263'
    '85532706912750332728571942532289631379312455583992563","makerAmount":"52000000",'
    '"takerAmount":"100000000","side":"BUY","expiration":"0","signatureType":0,'
    '"timestamp":"1700000000000","metadata":"0x0000000000000000000000000000000000000000000000'
    '000000000000000000","builder":"0x000000000000000000000000000000000000000000000000000000000'
    '0000000","signature":"0xf7d78aa138eec050d383fe42528c1b7d0e2dfa62f4346dda7618d6e2958cd52f6c'
    '17b8db3898bd6c3d83f6021c5c295c12f066bb27529874255d981c0ee256321b"},"owner":"00000000-0000-'
    '4000-8000-000000000001","orderType":"GTC","deferExec":false,"postOnly":false}')


def example_order() -> OrderFields:
    return OrderFields(salt=1234567890, maker=ADDRESS, signer=ADDRESS, token_id=TOKEN,
                       maker_amount=52_000_000, taker_amount=100_000_000, side=BUY,
                       signature_type=0, timestamp_ms=1_700_000_000_000)


def test_l1_headers_equal_worked_example_a() -> None:
    wallet = Wallet.from_key(KEY)
    assert wallet.address == ADDRESS
    message = clob_auth(ADDRESS, 1_700_000_000)
    assert "0x" + message.header.hex() == (
        "0xcfc66be2a3b30464cb3b588324101f660c9a205fa76e8e5f83ee16a528e1c4cb")
    assert "0x" + message.body.hex() == (
        "0x24e7648658c0da5f718ceb894dbce7621de43daa3bba853edb96edcc4c7fdb1b")
    assert digest(message) == "0x29cc0fe956d73b8f2962f2e3939a1248a4b094e07b914f8ef1ece85c7ee7e59a"
    assert l1_headers(wallet, 1_700_000_000) == {
        "POLY_ADDRESS": ADDRESS,
        "POLY_SIGNATURE": "0xb091cdd346fe092636d3c3241854a5a32fc4017671a2fdf4b4636180659cbfa8"
                          "69016396be0366867109d74a036d12068c1bd12b53243f7e56f4879da762d3cf1c",
        "POLY_TIMESTAMP": "1700000000", "POLY_NONCE": "0"}
    assert "key" not in repr(wallet).replace("Wallet(", "")  # the key never prints


@pytest.mark.parametrize(("method", "path", "body", "signature"), [
    ("GET", "/data/orders", None, "yZzFZFEDRvrzmyAjOoYhyyHrAMPsiO1RGJXfAL32IGs="),
    ("DELETE", "/cancel-all", None, "RSidLMdUq979XLiUtiNxQTDrzmJ_8LUxKXoht0TKZjQ="),
    ("DELETE", "/order", compact({"orderID": "0x" + "0" * 61 + "abc"}),
     "Qw1hEUMZDh_FrPvG7UqCRWHeN99SR5ghe1p4RYncINg="),
    ("POST", "/v1/heartbeats", compact({"heartbeat_id": ""}),
     "M6qIqGXyWV5pLsupzTQ2ITFQyp2RWTWdJ1OQwIWhfnQ="),
    ("POST", "/order", EXAMPLE_B, "rnb4YNJ2W9eEvvRkN0BbClFv1RI6aICOzGKoVwYqZVg="),
])
def test_l2_headers_equal_worked_example_a(method: str, path: str, body: str | None,
                                           signature: str) -> None:
    headers = l2_headers(ADDRESS, CREDS, 1_700_000_000, method, path, body)
    assert headers == {"POLY_ADDRESS": ADDRESS, "POLY_SIGNATURE": signature,
                       "POLY_TIMESTAMP": "1700000000", "POLY_API_KEY": CREDS.api_key,
                       "POLY_PASSPHRASE": "passphrase-0001"}
    assert "secret" not in repr(CREDS) and "passphrase-0001" not in repr(CREDS)


def test_a_signed_v2_order_equals_worked_example_b_byte_for_byte() -> None:
    wallet = Wallet.from_key(KEY)
    order = example_order()
    typed = order.typed(EXCHANGE_V2)
    assert "0x" + typed.header.hex() == (
        "0x3264e159346253e26a64e00b69032db0e7d32f94628de3e6eecb50304d7af3d2")
    assert "0x" + typed.body.hex() == (
        "0x6e3a40ea8c3ca943435698ae7722b8371fa12b77454d68c44c4a6f19182812b2")
    assert order.order_id(EXCHANGE_V2) == (
        "0x24061f17b25d348751aa0b3b1b8b6a6935c6a61d71b42bdd8c6fbd33615dc431")
    body = order_body(order.signed(wallet, EXCHANGE_V2), CREDS.api_key, "GTC")
    assert compact(body) == EXAMPLE_B


def test_an_order_read_back_off_the_wire_recovers_its_signer_only_on_its_own_exchange() -> None:
    wallet = Wallet.from_key(KEY)
    wire = example_order().signed(wallet, EXCHANGE_V2)
    fields = fields_of(wire)
    assert fields == example_order()
    assert recover(fields.typed(EXCHANGE_V2), wire["signature"]) == ADDRESS
    assert recover(fields.typed(NEG_RISK_EXCHANGE_V2), wire["signature"]) != ADDRESS
    assert neg_domain_separator() == (
        "0x9b858f53327b0bd13af8ec14cfb35234fb9eb7b0504d1a4e61f433840d30e81a")


def neg_domain_separator() -> str:
    return "0x" + example_order().typed(NEG_RISK_EXCHANGE_V2).header.hex()


@pytest.mark.parametrize(("tick", "side", "price", "size", "maker", "taker"), [
    ("0.1", BUY, "0.5", "10", 5000000, 10000000),
    ("0.1", SELL, "0.5", "10", 10000000, 5000000),
    ("0.01", BUY, "0.52", "100", 52000000, 100000000),
    ("0.01", SELL, "0.52", "100", 100000000, 52000000),
    ("0.01", BUY, "0.57", "33.333", 18998100, 33330000),
    ("0.01", BUY, "0.07", "21.37", 1495900, 21370000),
    ("0.001", BUY, "0.523", "15.5", 8106500, 15500000),
    ("0.001", SELL, "0.999", "7.77", 7770000, 7762230),
    ("0.0001", BUY, "0.0123", "1000", 12300000, 1000000000),
    ("0.0001", BUY, "0.5555", "12.34", 6854870, 12340000),
    ("0.005", BUY, "0.615", "10", 6150000, 10000000),
    ("0.0025", BUY, "0.4975", "9.99", 4970025, 9990000),
])
def test_limit_order_amounts_equal_the_spec_table(tick: str, side: str, price: str, size: str,
                                                  maker: int, taker: int) -> None:
    assert limit_amounts(side, Decimal(price), Decimal(size), Decimal(tick)) == (maker, taker)


@pytest.mark.parametrize(("tick", "side", "price", "amount", "maker", "taker"), [
    ("0.01", BUY, "0.52", "25", 25000000, 48076900),
    ("0.01", BUY, "0.53", "10", 10000000, 18867900),
    ("0.01", BUY, "0.33", "10", 10000000, 30303000),
    ("0.01", SELL, "0.48", "100", 100000000, 48000000),
    ("0.001", BUY, "0.567", "33", 33000000, 58201050),
    ("0.0001", BUY, "0.1234", "5.55", 5550000, 44975688),
])
def test_market_order_amounts_equal_the_spec_table(tick: str, side: str, price: str,
                                                   amount: str, maker: int, taker: int) -> None:
    assert market_amounts(side, Decimal(price), Decimal(amount), Decimal(tick)) == (maker, taker)


def test_a_price_outside_the_range_or_an_unknown_tick_is_refused_in_words() -> None:
    with pytest.raises(SigningError, match=r"invalid price \(0.995\), min: 0.01 - max: 0.99"):
        limit_amounts(BUY, Decimal("0.995"), Decimal(10), Decimal("0.01"))
    with pytest.raises(SigningError, match=r"tick size 0\.02"):
        limit_amounts(BUY, Decimal("0.5"), Decimal(10), Decimal("0.02"))
    with pytest.raises(SigningError, match="32 bytes"):
        Wallet.from_key("0x1234")
