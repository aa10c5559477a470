"""The global CLOB's authentication at the embedded exchange (docs/spec/global-clob.md §2): L1
(a `ClobAuth` EIP-712 signature) creates or derives API credentials; L2 (an HMAC with those
credentials) signs every trading request. Both are verified for real.

Credentials are derived from a server secret, the address and the nonce, so create and derive
give the same key (§2.2: the SDK falls back from one to the other). A deleted key stops
working until it is created again. Wallets: the addresses whose funds orders may move, each
with its account at the exchange and the signers (EOAs) allowed to sign for it (§2.4: a proxy,
Safe or deposit wallet is signed for by its owner, whose key the API credentials are).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tui.core.clob_sign import ApiCreds, clob_auth, hmac_signature, recover
from tui.sim.clob.wire import ClobError

WINDOW_S = 300  # §2.1: the venue's window is not published; ±300 s is the imitation's choice
L1_REFUSED = "Invalid L1 Request headers"
L2_REFUSED = "Unauthorized/Invalid api key"


@dataclass(slots=True)
class ClobWallet:
    """A funds holder (the order's `maker`) and the EOAs that may sign for it."""

    address: str  # lower case, as every address here is kept (compared, never shown)
    account: str  # the exchange account its funds and positions live in
    signature_type: int  # 0 EOA (signs for itself), 1 proxy, 2 Safe, 3 deposit wallet
    owners: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class ClobKey:
    creds: ApiCreds
    address: str  # the EOA that created it (L2's POLY_ADDRESS), lower case
    nonce: int


class ClobAuth:
    """API keys and wallets; verifies L1 and L2 headers."""

    def __init__(self, clock: Callable[[], float], chain: int) -> None:
        self.clock = clock
        self.chain = chain
        self._secret = secrets.token_bytes(32)
        self._keys: dict[str, ClobKey] = {}  # api key -> key (live ones)
        self.wallets: dict[str, ClobWallet] = {}  # address (lower case) -> wallet

    # --- wallets -----------------------------------------------------------------------
    def add_wallet(self, address: str, account: str, signature_type: int = 0,
                   owners: tuple[str, ...] = ()) -> ClobWallet:
        address = address.lower()
        wallet = ClobWallet(address, account, signature_type,
                            {o.lower() for o in owners} or {address})
        self.wallets[address] = wallet
        return wallet

    def wallet(self, address: str) -> ClobWallet | None:
        return self.wallets.get(address.lower())

    def wallet_for(self, key: ClobKey) -> ClobWallet | None:
        """The signer's own wallet (an EOA trades its own funds by default)."""
        return self.wallets.get(key.address)

    # --- credentials -------------------------------------------------------------------
    def credentials(self, address: str, nonce: int) -> ClobKey:
        """The one key of (address, nonce), made live (create and derive alike)."""
        seed = hmac.new(self._secret, f"{address}|{nonce}".encode(), hashlib.sha256).digest()
        creds = ApiCreds(str(uuid.UUID(bytes=seed[:16], version=4)),
                         base64.urlsafe_b64encode(seed).decode(),
                         hashlib.sha256(seed).hexdigest()[:32])
        key = ClobKey(creds, address, nonce)
        self._keys[creds.api_key] = key
        return key

    def delete(self, key: ClobKey) -> None:
        self._keys.pop(key.creds.api_key, None)

    def keys_of(self, address: str) -> list[ClobKey]:
        return [k for k in self._keys.values() if k.address == address]

    def key(self, api_key: str) -> ClobKey | None:
        return self._keys.get(api_key)

    # --- verification ------------------------------------------------------------------
    def _fresh(self, stamp: str | None, refusal: str) -> int:
        if not stamp or not stamp.isdigit():
            raise ClobError(401, refusal)
        if abs(int(stamp) - self.clock()) > WINDOW_S:
            raise ClobError(401, refusal)
        return int(stamp)

    def verify_l1(self, headers: Mapping[str, str]) -> tuple[str, int]:
        """(address, nonce) of a request signed by the address's key; 401 otherwise."""
        stamp = self._fresh(headers.get("POLY_TIMESTAMP"), L1_REFUSED)
        nonce_text = headers.get("POLY_NONCE") or "0"
        if not nonce_text.isdigit():
            raise ClobError(401, L1_REFUSED)
        address = headers.get("POLY_ADDRESS") or ""
        try:
            signer = recover(clob_auth(address, stamp, int(nonce_text), self.chain),
                             headers.get("POLY_SIGNATURE") or "")
        except (ValueError, TypeError):  # a malformed address or signature
            raise ClobError(401, L1_REFUSED) from None
        if signer.lower() != address.lower():
            raise ClobError(401, L1_REFUSED)
        return address.lower(), int(nonce_text)

    def verify_l2(self, headers: Mapping[str, str], method: str, path: str, body: bytes
                  ) -> ClobKey:
        """The key that signed this request; 401 in the venue's words otherwise."""
        key = self._keys.get(headers.get("POLY_API_KEY") or "")
        if key is None or headers.get("POLY_PASSPHRASE") != key.creds.passphrase:
            raise ClobError(401, L2_REFUSED)
        if (headers.get("POLY_ADDRESS") or "").lower() != key.address:
            raise ClobError(401, L2_REFUSED)
        stamp = headers.get("POLY_TIMESTAMP") or ""
        self._fresh(stamp, L2_REFUSED)
        text = body.decode("utf-8", errors="replace")
        given = headers.get("POLY_SIGNATURE") or ""
        # §2.3: the Python SDK hashes the body with ' replaced by "; accept that form too
        for variant in dict.fromkeys((text, text.replace("'", '"'))):
            wanted = hmac_signature(key.creds.secret, stamp, method, path, variant or None)
            if hmac.compare_digest(wanted, given):
                return key
        raise ClobError(401, L2_REFUSED)
