"""The global CLOB's signing rules (docs/spec/global-clob.md §2, §3): the L1 `ClobAuth`
message, the L2 HMAC, the V2 `Order` and its EIP-712 domain (and a deposit wallet's wrapped
signature of it), and the amounts an order's price and size become. Pure: the client signs
with it and the embedded exchange verifies with it, as both share the generated protos; tests
pin it to the spec's worked examples byte for byte.

The secp256k1 and keccak work is eth-account's (the official SDK's library), imported when
first needed: it takes half a second to import, and only a CLOB desk needs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eth_account.messages import SignableMessage

POLYGON = 137
CLOB_AUTH_MESSAGE = "This message attests that I control the given wallet"
EXCHANGE_V2 = "0xE111180000d2663C0091e4f400237545B87B996B"
NEG_RISK_EXCHANGE_V2 = "0xe2222d279d744050d28e00520010520000310F59"
EXCHANGE_NAME = "Polymarket CTF Exchange"
ORDER_VERSION = "2"
ZERO32 = "0x" + "00" * 32
UNITS = Decimal(1_000_000)  # pUSD and outcome tokens have 6 decimals

BUY, SELL = "BUY", "SELL"
SIDE_INDEX = {BUY: 0, SELL: 1}
# signature types (§2.4): who signs and whose funds the order moves; a deposit wallet
# (POLY_1271) is the order's maker and signer both, signed for by an EOA it authorises
EOA, POLY_PROXY, POLY_GNOSIS_SAFE, POLY_1271 = 0, 1, 2, 3

_DOMAIN_FIELDS = [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                  {"name": "chainId", "type": "uint256"}]
_CLOB_AUTH = [{"name": "address", "type": "address"}, {"name": "timestamp", "type": "string"},
              {"name": "nonce", "type": "uint256"}, {"name": "message", "type": "string"}]
_ORDER = [{"name": n, "type": t} for n, t in (
    ("salt", "uint256"), ("maker", "address"), ("signer", "address"), ("tokenId", "uint256"),
    ("makerAmount", "uint256"), ("takerAmount", "uint256"), ("side", "uint8"),
    ("signatureType", "uint8"), ("timestamp", "uint256"), ("metadata", "bytes32"),
    ("builder", "bytes32"))]
ORDER_TYPE = "Order(" + ",".join(f"{f['type']} {f['name']}" for f in _ORDER) + ")"  # 186 bytes
# §3.3, type 3: Solady's ERC-7739 nested typed data, the order as a TypedDataSign's contents
TYPED_DATA_SIGN = ("TypedDataSign(Order contents,string name,string version,uint256 chainId,"
                   "address verifyingContract,bytes32 salt)" + ORDER_TYPE)
DEPOSIT_WALLET, DEPOSIT_WALLET_VERSION = "DepositWallet", "1"
# the wrapper's tail after the domain separator and contents hash: the type, its length
_TYPE_TAIL = ORDER_TYPE.encode() + len(ORDER_TYPE.encode()).to_bytes(2, "big")
WRAPPED_LENGTH = 65 + 32 + 32 + len(_TYPE_TAIL)  # 317 bytes

# tick size -> (price, size, amount) decimal places (§3.5)
ROUNDING: dict[Decimal, tuple[int, int, int]] = {
    Decimal("0.1"): (1, 2, 3), Decimal("0.01"): (2, 2, 4), Decimal("0.005"): (3, 2, 5),
    Decimal("0.0025"): (4, 2, 6), Decimal("0.001"): (3, 2, 5), Decimal("0.0001"): (4, 2, 6),
}


class SigningError(ValueError):
    """An order that cannot be built as asked; the message is one sentence for the trader."""


# --- keys ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Wallet:
    """A secp256k1 private key and the address it signs for; the key never prints."""

    key: bytes = field(repr=False)
    address: str

    @classmethod
    def from_key(cls, key: str | bytes) -> Wallet:
        from eth_account import Account

        raw = bytes.fromhex(key.removeprefix("0x")) if isinstance(key, str) else key
        if len(raw) != 32:
            raise SigningError("a secp256k1 private key is 32 bytes (64 hex digits)")
        return cls(raw, Account.from_key(raw).address)

    def sign(self, message: SignableMessage) -> str:
        from eth_account import Account

        return "0x" + bytes(Account.sign_message(message, self.key).signature).hex()


def new_key() -> bytes:
    """A fresh private key from the operating system's randomness."""
    from eth_account import Account

    return bytes(Account.create().key)


def checksum(address: str) -> str:
    from eth_utils import to_checksum_address

    return str(to_checksum_address(address))


def recover(message: SignableMessage, signature: str) -> str:
    """The address that signed ``message``; raises ValueError for a malformed signature."""
    from eth_account import Account

    return str(Account.recover_message(message, signature=signature))


def digest(message: SignableMessage) -> str:
    """The EIP-712 digest a typed-data signature covers (an order's id, §3.4)."""
    from eth_utils import keccak

    return "0x" + keccak(b"\x19" + message.version + message.header + message.body).hex()


def _typed(primary: str, fields: list[dict[str, str]], domain: dict[str, Any],
           domain_fields: list[dict[str, str]], message: dict[str, Any]) -> SignableMessage:
    from eth_account.messages import encode_typed_data

    return encode_typed_data(full_message={
        "types": {"EIP712Domain": domain_fields, primary: fields},
        "primaryType": primary, "domain": domain, "message": message})


# --- L1 and L2 (§2) -----------------------------------------------------------------------
def clob_auth(address: str, timestamp: int, nonce: int = 0, chain: int = POLYGON
              ) -> SignableMessage:
    return _typed("ClobAuth", _CLOB_AUTH,
                  {"name": "ClobAuthDomain", "version": "1", "chainId": chain}, _DOMAIN_FIELDS,
                  {"address": address, "timestamp": str(timestamp), "nonce": nonce,
                   "message": CLOB_AUTH_MESSAGE})


def l1_headers(wallet: Wallet, timestamp: int, nonce: int = 0, chain: int = POLYGON
               ) -> dict[str, str]:
    signature = wallet.sign(clob_auth(wallet.address, timestamp, nonce, chain))
    return {"POLY_ADDRESS": wallet.address, "POLY_SIGNATURE": signature,
            "POLY_TIMESTAMP": str(timestamp), "POLY_NONCE": str(nonce)}


@dataclass(frozen=True)
class ApiCreds:
    """The L2 credentials L1 creates or derives; the secret and passphrase never print."""

    api_key: str
    secret: str = field(repr=False)
    passphrase: str = field(repr=False)


def hmac_signature(secret: str, timestamp: int | str, method: str, path: str,
                   body: str | None = None) -> str:
    """URL-safe base64 (padded) HMAC-SHA256 over timestamp + METHOD + path (no query) + body."""
    try:
        key = base64.urlsafe_b64decode(secret)
    except (ValueError, TypeError) as exc:
        raise SigningError("the API secret is not base64") from exc
    message = f"{timestamp}{method.upper()}{path}{body or ''}"
    mac = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()


def l2_headers(address: str, creds: ApiCreds, timestamp: int, method: str, path: str,
               body: str | None = None) -> dict[str, str]:
    return {"POLY_ADDRESS": address,
            "POLY_SIGNATURE": hmac_signature(creds.secret, timestamp, method, path, body),
            "POLY_TIMESTAMP": str(timestamp), "POLY_API_KEY": creds.api_key,
            "POLY_PASSPHRASE": creds.passphrase}


def compact(obj: object) -> str:
    """A JSON body as the SDK sends it (and as it is HMAC'd): no spaces, UTF-8 kept."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# --- amounts (§3.5) -----------------------------------------------------------------------
def rounding(tick: Decimal) -> tuple[int, int, int]:
    try:
        return ROUNDING[tick.normalize()]
    except KeyError:
        raise SigningError(f"tick size {tick} is not one the CLOB uses") from None


def _at(x: Decimal, places: int, how: str) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=how)


def _places(x: Decimal) -> int:
    exponent = x.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _amount(x: Decimal, places: int) -> Decimal:
    """The SDK's two-step rounding of a derived amount: up at places + 4 (its guard against
    float noise), then down at places if that still has too many decimals."""
    if _places(x) > places:
        x = _at(x, places + 4, ROUND_CEILING)
        if _places(x) > places:
            x = _at(x, places, ROUND_FLOOR)
    return x


def units(x: Decimal) -> int:
    """Human amount -> base units (6 decimals), rounded half to even as the SDK does."""
    return int(_at(x * UNITS, 0, ROUND_HALF_EVEN))


def _check_price(price: Decimal, tick: Decimal) -> None:
    if not tick <= price <= 1 - tick:
        raise SigningError(f"invalid price ({price}), min: {tick} - max: {1 - tick}")


def limit_amounts(side: str, price: Decimal, size: Decimal, tick: Decimal) -> tuple[int, int]:
    """(makerAmount, takerAmount) in base units of a GTC/GTD order of ``size`` shares."""
    price_places, size_places, amount_places = rounding(tick)
    _check_price(price, tick)
    p = _at(price, price_places, ROUND_HALF_EVEN)
    shares = _at(size, size_places, ROUND_FLOOR)
    money = _amount(shares * p, amount_places)
    return (units(money), units(shares)) if side == BUY else (units(shares), units(money))


def market_amounts(side: str, price: Decimal, amount: Decimal, tick: Decimal
                   ) -> tuple[int, int]:
    """(makerAmount, takerAmount) of a FOK/FAK order: a BUY spends ``amount`` dollars at worst
    ``price``, a SELL sells ``amount`` shares at worst ``price``."""
    price_places, size_places, amount_places = rounding(tick)
    _check_price(price, tick)
    p = _at(price, price_places, ROUND_FLOOR)
    given = _at(amount, size_places, ROUND_FLOOR)
    if side == BUY:
        return units(given), units(_amount(given / p, amount_places))
    return units(given), units(_amount(given * p, amount_places))


# --- the V2 order (§3) --------------------------------------------------------------------
def exchange_for(neg_risk: bool) -> str:
    return NEG_RISK_EXCHANGE_V2 if neg_risk else EXCHANGE_V2


@dataclass(frozen=True)
class OrderFields:
    """The eleven signed fields of a V2 order, plus the unsigned expiration."""

    salt: int
    maker: str
    signer: str
    token_id: int
    maker_amount: int
    taker_amount: int
    side: str  # BUY / SELL
    signature_type: int
    timestamp_ms: int
    expiration: int = 0
    metadata: str = ZERO32
    builder: str = ZERO32

    def typed(self, exchange: str, chain: int = POLYGON) -> SignableMessage:
        domain = {"name": EXCHANGE_NAME, "version": ORDER_VERSION, "chainId": chain,
                  "verifyingContract": exchange}
        fields = [*_DOMAIN_FIELDS, {"name": "verifyingContract", "type": "address"}]
        return _typed("Order", _ORDER, domain, fields, {
            "salt": self.salt, "maker": self.maker, "signer": self.signer,
            "tokenId": self.token_id, "makerAmount": self.maker_amount,
            "takerAmount": self.taker_amount, "side": SIDE_INDEX[self.side],
            "signatureType": self.signature_type, "timestamp": self.timestamp_ms,
            "metadata": bytes.fromhex(self.metadata.removeprefix("0x") or "00" * 32),
            "builder": bytes.fromhex(self.builder.removeprefix("0x") or "00" * 32)})

    def order_id(self, exchange: str, chain: int = POLYGON) -> str:
        # §3.4: the contract's hashOrder, the same for every signature type (a deposit
        # wallet's nested digest is only what its owner signs, never the order's id)
        return digest(self.typed(exchange, chain))

    def wallet_message(self, exchange: str, chain: int = POLYGON
                       ) -> tuple[SignableMessage, bytes, bytes]:
        """§3.3, type 3: (what the wallet's owner signs, the exchange's domain separator,
        the order's struct hash = contentsHash). The message is EIP-712's 0x1901 form over
        the exchange's domain and the TypedDataSign struct whose verifying contract is the
        wallet (the order's signer)."""
        from eth_abi import encode
        from eth_account.messages import SignableMessage
        from eth_utils import keccak

        order = self.typed(exchange, chain)
        struct = keccak(encode(
            ["bytes32", "bytes32", "bytes32", "bytes32", "uint256", "address", "bytes32"],
            [keccak(text=TYPED_DATA_SIGN), order.body, keccak(text=DEPOSIT_WALLET),
             keccak(text=DEPOSIT_WALLET_VERSION), chain, checksum(self.signer), bytes(32)]))
        return SignableMessage(b"\x01", order.header, struct), order.header, order.body

    def signature(self, wallet: Wallet, exchange: str, chain: int = POLYGON) -> str:
        """The order's `signature`: the EOA's EIP-712 signature, or for a deposit wallet the
        owner's signature wrapped with what the wallet needs to check it (§3.3, 317 bytes)."""
        if self.signature_type != POLY_1271:
            return wallet.sign(self.typed(exchange, chain))
        message, domain, contents = self.wallet_message(exchange, chain)
        return wallet.sign(message) + (domain + contents + _TYPE_TAIL).hex()

    def signed(self, wallet: Wallet, exchange: str, chain: int = POLYGON) -> dict[str, Any]:
        """The `order` object of a POST /order body, keys in the SDK's order (§3.6)."""
        return {
            "salt": self.salt, "maker": self.maker, "signer": self.signer,
            "tokenId": str(self.token_id), "makerAmount": str(self.maker_amount),
            "takerAmount": str(self.taker_amount), "side": self.side,
            "expiration": str(self.expiration), "signatureType": self.signature_type,
            "timestamp": str(self.timestamp_ms), "metadata": self.metadata,
            "builder": self.builder, "signature": self.signature(wallet, exchange, chain),
        }


def recover_1271(fields: OrderFields, signature: str, exchange: str, chain: int = POLYGON
                 ) -> str:
    """The EOA that signed a deposit wallet's wrapped signature (§3.3), once its wrapper is
    checked as the wallet would: its domain separator is ``exchange``'s, its contents hash the
    fields' own, its type string and length the Order's. Raises ValueError otherwise."""
    raw = bytes.fromhex(signature.removeprefix("0x"))
    if len(raw) != WRAPPED_LENGTH:
        raise ValueError(f"a wrapped signature is {WRAPPED_LENGTH} bytes, not {len(raw)}")
    message, domain, contents = fields.wallet_message(exchange, chain)
    if raw[65:97] != domain:
        raise ValueError("signed for another exchange contract")
    if raw[97:129] != contents:
        raise ValueError("its contents hash is not the order's")
    if raw[129:] != _TYPE_TAIL:
        raise ValueError("its type string is not the Order's")
    return recover(message, "0x" + raw[:65].hex())


def order_body(order: dict[str, Any], owner: str, order_type: str, post_only: bool = False,
               defer_exec: bool = False) -> dict[str, Any]:
    """One order of POST /order (or an element of POST /orders), keys in the SDK's order."""
    return {"order": order, "owner": owner, "orderType": order_type, "deferExec": defer_exec,
            "postOnly": post_only}


def fields_of(order: dict[str, Any]) -> OrderFields:
    """An order object off the wire, back to its fields (the exchange's side); raises
    ValueError or KeyError for a malformed one."""
    side = str(order["side"])
    if side not in SIDE_INDEX:
        raise ValueError(f"side {side!r}")
    return OrderFields(
        salt=int(order["salt"]), maker=checksum(str(order["maker"])),
        signer=checksum(str(order["signer"])), token_id=int(order["tokenId"]),
        maker_amount=int(order["makerAmount"]), taker_amount=int(order["takerAmount"]),
        side=side, signature_type=int(order["signatureType"]),
        timestamp_ms=int(order["timestamp"]), expiration=int(order.get("expiration") or 0),
        metadata=str(order.get("metadata") or ZERO32), builder=str(order.get("builder") or ZERO32))


def fee_per_share(r: Decimal, e: int, price: Decimal) -> Decimal:
    """§6.7: the taker's platform fee a share at this price, r × (p × (1 − p))^e, in pUSD to
    6 places (the same at p and 1 − p: either token's price gives it)."""
    return (r * (price * (1 - price)) ** e).quantize(Decimal("0.000001"),
                                                      rounding=ROUND_HALF_EVEN)
