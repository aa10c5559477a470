"""Signature type 3, POLY_1271: a deposit wallet (an EIP-1271 contract) is the order's maker and
signer, and an EOA it authorises signs the nested typed data of docs/spec/global-clob.md §3.3.
The wrapper byte for byte; the embedded exchange accepting an owner's order over loopback and
refusing the rest in the venue's words; the desk's profile, venue and `pmdesk check` on one."""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

from tests.clob_kit import ClobKit
from tests.conftest import eventually
from tests.desk_kit import BOB, place
from tui.cli.check_clob import ClobChecker
from tui.core.clob_sign import (
    BUY,
    EXCHANGE_V2,
    NEG_RISK_EXCHANGE_V2,
    ORDER_TYPE,
    POLY_1271,
    POLY_PROXY,
    WRAPPED_LENGTH,
    OrderFields,
    Wallet,
    checksum,
    digest,
    exchange_for,
    fields_of,
    limit_amounts,
    order_body,
    recover_1271,
)
from tui.core.enums import Side
from tui.core.prices import Intent
from tui.core.profiles import ENV_VAR, ProfileError, load_profiles
from tui.core.state import LinkState
from tui.core.ticket import build_order
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer
from tui.venues.clob.convert import QTY_SCALE as LOT
from tui.venues.clob.venue import ClobVenue

KEY = "0x" + "00" * 31 + "01"
ADDRESS = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"  # KEY's (§2.5)
DEPOSIT = checksum("0x" + "de" * 20)
SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"  # a cent tick, whole contracts
SLUG = SYMBOL.lower()
MARKET = ClobMarket.of(SYMBOL)
TICK = "0.01"
SPEC_DOMAIN = "3264e159346253e26a64e00b69032db0e7d32f94628de3e6eecb50304d7af3d2"  # §3.1
SPEC_ORDER_TYPEHASH = "bb86318a2138f5fa8ae32fbe8e659f8fcf13cc6ae4014a707893055433818589"
_salts = itertools.count(5000)


def deposit_fields(wallet: str = DEPOSIT, signer: str | None = None, side: str = BUY,
                   price: str = "0.40", size: str = "10", yes: bool = True) -> OrderFields:
    amounts = limit_amounts(side, Decimal(price), Decimal(size), Decimal(TICK))
    return OrderFields(next(_salts), wallet, signer or wallet,
                       int(MARKET.yes_token if yes else MARKET.no_token), *amounts, side=side,
                       signature_type=POLY_1271, timestamp_ms=int(time.time() * 1000))


# --- the wrapper (§3.3) -------------------------------------------------------------------
def test_the_wrapped_signature_is_317_bytes_of_the_spec_parts_and_recovers_the_owner() -> None:
    fields = deposit_fields()
    wire = fields.signed(Wallet.from_key(KEY), EXCHANGE_V2)
    raw = bytes.fromhex(wire["signature"].removeprefix("0x"))
    assert len(raw) == WRAPPED_LENGTH == 317
    assert raw[65:97].hex() == SPEC_DOMAIN  # the exchange's domain separator
    assert raw[97:129] == fields.typed(EXCHANGE_V2).body  # contentsHash: the order's struct
    assert raw[129:315] == ORDER_TYPE.encode() and keccak(raw[129:315]).hex() == (
        SPEC_ORDER_TYPEHASH)
    assert raw[-2:] == b"\x00\xba" and raw[64] in (27, 28)
    assert recover_1271(fields_of(wire), wire["signature"], EXCHANGE_V2) == ADDRESS
    # the id stays the order's own EIP-712 hash (§3.4), whatever the signature type
    assert fields.order_id(EXCHANGE_V2) == digest(fields.typed(EXCHANGE_V2))


def test_the_owner_signs_the_nested_typed_data_eth_account_builds_itself() -> None:
    """Steps 2-4 cross-checked: eth-account's own encoder over a TypedDataSign struct with the
    Order as its contents and the exchange's domain gives the digest the owner signed."""
    fields = deposit_fields()
    raw = bytes.fromhex(fields.signature(Wallet.from_key(KEY), EXCHANGE_V2)[2:])
    order = fields.typed(EXCHANGE_V2)
    message = encode_typed_data(full_message={
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"},
                             {"name": "version", "type": "string"},
                             {"name": "chainId", "type": "uint256"},
                             {"name": "verifyingContract", "type": "address"}],
            "TypedDataSign": [{"name": "contents", "type": "Order"},
                              {"name": "name", "type": "string"},
                              {"name": "version", "type": "string"},
                              {"name": "chainId", "type": "uint256"},
                              {"name": "verifyingContract", "type": "address"},
                              {"name": "salt", "type": "bytes32"}],
            "Order": [{"name": n, "type": t} for n, t in (
                part.split(" ")[::-1] for part in ORDER_TYPE[6:-1].split(","))]},
        "primaryType": "TypedDataSign",
        "domain": {"name": "Polymarket CTF Exchange", "version": "2", "chainId": 137,
                   "verifyingContract": EXCHANGE_V2},
        "message": {"contents": {
            "salt": fields.salt, "maker": DEPOSIT, "signer": DEPOSIT,
            "tokenId": fields.token_id, "makerAmount": fields.maker_amount,
            "takerAmount": fields.taker_amount, "side": 0, "signatureType": 3,
            "timestamp": fields.timestamp_ms, "metadata": bytes(32), "builder": bytes(32)},
            "name": "DepositWallet", "version": "1", "chainId": 137,
            "verifyingContract": DEPOSIT, "salt": bytes(32)}})
    assert message.header == order.header
    assert Account.recover_message(message, signature=raw[:65]) == ADDRESS


def test_a_wrapper_for_another_contract_tampered_or_cut_short_does_not_verify() -> None:
    fields = deposit_fields()
    good = fields.signature(Wallet.from_key(KEY), EXCHANGE_V2)
    raw = bytearray(bytes.fromhex(good[2:]))
    raw[100] ^= 1  # inside the contents hash
    for signature, words in [
            (fields.signature(Wallet.from_key(KEY), NEG_RISK_EXCHANGE_V2), "another exchange"),
            ("0x" + raw.hex(), "contents hash"), (good[:-4], "317 bytes"),
            (good[:-4] + "00bb", "type string")]:
        with pytest.raises(ValueError, match=words):
            recover_1271(fields, signature, EXCHANGE_V2)


# --- the embedded exchange, over loopback ---------------------------------------------------
@dataclass
class Deposit:
    sim: SimServer
    owner: ClobKit  # the owner EOA, logged in with its own API key
    account: str  # the deposit wallet's account at the exchange


def person(name: str) -> Wallet:
    return Wallet.from_key(hashlib.sha256(name.encode()).hexdigest())


@pytest.fixture
async def deposit(quiet_sim: SimServer) -> AsyncIterator[Deposit]:
    owner = person("the deposit wallet's owner")
    account = quiet_sim.add_clob_wallet(DEPOSIT, Decimal(500), signature_type=POLY_1271,
                                        owners=(owner.address,))
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        kit = ClobKit(quiet_sim, http, owner)
        await kit.login()
        yield Deposit(quiet_sim, kit, account)


def body(kit: ClobKit, fields: OrderFields, signer: Wallet | None = None,
         exchange: str = EXCHANGE_V2, **wire: Any) -> dict[str, Any]:
    assert kit.creds is not None and not MARKET.neg_risk
    signed = fields.signed(signer or kit.wallet, exchange) | wire
    return order_body(signed, kit.creds.api_key, "GTC")


async def balance(kit: ClobKit, token: str | None = None) -> Decimal:
    params = ({"asset_type": "CONDITIONAL", "token_id": token} if token
              else {"asset_type": "COLLATERAL"}) | {"signature_type": str(POLY_1271)}
    answer = await kit.call("GET", "/balance-allowance", params=params)
    assert answer.status_code == 200, answer.text
    return Decimal(answer.json()["balance"]) / 1_000_000


async def test_an_owners_order_for_the_deposit_wallet_fills_on_its_funds(
        deposit: Deposit) -> None:
    place(deposit.sim, BOB, SYMBOL, Side.SELL, 40, 10)  # Bob offers YES at 0.40
    fields = deposit_fields()
    answer = await deposit.owner.place(body(deposit.owner, fields))
    assert answer.status_code == 200, answer.text
    placed = answer.json()
    assert placed["success"] and placed["status"] == "matched"
    assert placed["orderID"] == fields.order_id(exchange_for(False))
    assert await balance(deposit.owner) == Decimal(496)  # $500 less 10 × 0.40
    assert await balance(deposit.owner, MARKET.yes_token) == 10
    assert deposit.sim.exchange.position(deposit.account, SYMBOL).net_position == 10


async def test_the_exchange_refuses_what_the_deposit_wallet_would_not_sign_for(
        deposit: Deposit) -> None:
    stranger, kit = person("not an owner"), deposit.owner
    proxy = checksum("0x" + "ab" * 20)  # a proxy the owner owns: no deposit wallet
    deposit.sim.add_clob_wallet(proxy, Decimal(500), signature_type=POLY_PROXY,
                                owners=(kit.wallet.address,))
    tampered = body(kit, deposit_fields())
    sig = tampered["order"]["signature"]
    tampered["order"]["signature"] = sig[:2 + 2 * 100] + "ff" + sig[2 + 2 * 101:]
    truncated = body(kit, deposit_fields())
    truncated["order"]["signature"] = truncated["order"]["signature"][:-2]  # 316 bytes
    as_eoa = replace(deposit_fields(signer=kit.wallet.address), signature_type=0)
    refusals = {
        "a non-owner's signature": body(kit, deposit_fields(), signer=stranger),
        "the other exchange's domain": body(kit, deposit_fields(),
                                            exchange=NEG_RISK_EXCHANGE_V2),
        "a tampered contents hash": tampered,
        "a truncated signature": truncated,
        "a signer other than the wallet": body(kit, deposit_fields(signer=kit.wallet.address)),
        "a wallet of another kind": body(kit, deposit_fields(wallet=proxy)),
        "a deposit wallet's order signed as an EOA's": body(kit, as_eoa),
    }
    for case, order in refusals.items():
        answer = await kit.place(order)
        assert answer.status_code == 400, case
        assert answer.json() == {"error": "invalid signature"}, case
    # the stranger, logged in with its own key, cannot sign for the wallet either
    async with httpx.AsyncClient(base_url=deposit.sim.rest_url) as http:
        other = ClobKit(deposit.sim, http, stranger)
        await other.login()
        answer = await other.place(body(other, deposit_fields()))
        assert answer.json() == {"error": "invalid signature"}
    assert deposit.sim.exchange.open_orders([deposit.account]) == []
    assert await balance(kit) == 500


# --- the desk ------------------------------------------------------------------------------
def _profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text("[profiles.w]\nvenue = \"clob\"\nkey_env = \"PM_TEST_KEY\"\n" + body,
                    encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))


def test_a_profile_takes_type_3_with_the_deposit_wallet_as_funder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _profile(tmp_path, monkeypatch, f'signature_type = 3\nfunder = "{DEPOSIT}"\n')
    profile = load_profiles()["w"]
    assert (profile.signature_type, profile.funder) == (3, DEPOSIT)
    _profile(tmp_path, monkeypatch, "signature_type = 3\n")
    with pytest.raises(ProfileError, match="deposit wallet: set funder"):
        load_profiles()
    _profile(tmp_path, monkeypatch, 'signature_type = 3\nfunder = "0xdeposit"\n')
    with pytest.raises(ProfileError, match="expected an address"):
        load_profiles()


async def test_the_desk_trades_and_checks_a_deposit_wallet(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = person("the desk's deposit owner")
    account = quiet_sim.add_clob_wallet(DEPOSIT, Decimal(500), signature_type=POLY_1271,
                                        owners=(owner.address,))
    monkeypatch.setenv("PM_TEST_KEY", owner.key.hex())
    _profile(tmp_path, monkeypatch, f'environment = "custom"\nrest = "{quiet_sim.rest_url}"\n'
                                    f'signature_type = 3\nfunder = "{DEPOSIT}"\n')
    steps = await ClobChecker(load_profiles()["w"]).run()
    assert all(s.ok for s in steps), [(s.name, s.words) for s in steps]
    assert "$500.00" in steps[4].words
    venue = ClobVenue(rest_url=quiet_sim.rest_url, private_key=owner.key,
                      signature_type=POLY_1271, funder=DEPOSIT)
    await venue.start()
    try:
        await eventually(lambda: venue.state.balance is not None
                         and venue.state.balance.balance == 500, what="the wallet's $500")
        await eventually(lambda: venue.state.streams.get("orders") is not None
                         and venue.state.streams["orders"].state is LinkState.LIVE,
                         what="the user channel")
        inst = venue.state.instruments[SLUG]
        cents = inst.scales.price_scale // 100  # the desk's price units a cent
        await venue.submit(build_order(inst, Intent.BUY_YES, 30 * cents, 5 * LOT))
        await eventually(lambda: [(o.side, o.price) for o in quiet_sim.exchange.open_orders(
            [account])] == [(Side.BUY, 30)], what="the order on the deposit wallet's account")
    finally:
        await venue.stop()
