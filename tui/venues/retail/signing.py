"""Retail API request signing (retail-api.md §2) and exact JSON for request bodies (§3).

message = X-PM-Timestamp + METHOD + PATH (no query, no body), Ed25519 over its UTF-8
bytes, sent as standard base64. Every attempt is signed afresh (§2.2). The server's Date
header tells how far this machine's clock is off, so a 401 caused by the 30 s window is
reported as a clock problem with its size and fix, not as a bad key.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from nacl.signing import SigningKey

WINDOW_S = 30.0


def _user_agent() -> str:
    # the SDK's style, "<client>/<version>", with its fallback when the version is unknown
    try:
        return f"pmdesk/{version('pmdesk')}"
    except PackageNotFoundError:
        return "pmdesk/unknown"


USER_AGENT = _user_agent()


class KeyHalvesError(ValueError):
    """64 bytes whose public half is not the seed's: a copy went wrong."""


def load_seed(secret: str | bytes) -> bytes:
    """The 32-byte Ed25519 seed from base64 text (a pasted key may be wrapped) or raw bytes
    (32, or 64 = seed ‖ public); ValueError in words."""
    raw = secret
    if isinstance(secret, str):
        try:
            raw = base64.b64decode("".join(secret.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the retail secret key is not base64") from None
    if len(raw) not in (32, 64):
        raise ValueError("the retail secret key must decode to 32 or 64 bytes")
    seed = bytes(raw[:32])  # §2.3: the first 32 bytes are the seed
    if len(raw) == 64 and bytes(SigningKey(seed).verify_key) != raw[32:]:
        # signing would "work" and every request be refused as a bad signature
        raise KeyHalvesError("the retail secret key's 64 bytes have a public half that does "
                             "not match the seed; copy it again from where it was issued")
    return seed


def message(timestamp: str, method: str, path: str) -> bytes:
    """§2.2: plain concatenation, no separators; the path carries no query string."""
    return (timestamp + method.upper() + path.split("?", 1)[0]).encode("utf-8")


def sign(seed: bytes | str, method: str, path: str, now_ms: int, *, key_id: str,
         correlation_id: str | None = None) -> dict[str, str]:
    """Every header of one signed request (§2.1, §2.5)."""
    stamp = str(int(now_ms))
    signature = SigningKey(load_seed(seed)).sign(message(stamp, method, path)).signature
    return {
        "X-PM-Access-Key": key_id,
        "X-PM-Timestamp": stamp,
        "X-PM-Signature": base64.b64encode(signature).decode("ascii"),
        "Content-Type": "application/json",  # the SDK sends it on GETs too
        "User-Agent": USER_AGENT,
        "poly-correlation-id": correlation_id or str(uuid.uuid4()),
    }


def json_text(value: Any) -> str:
    """Compact JSON where a Decimal is written as its exact number text (§3: quantities
    are JSON numbers), so no price or size ever passes through a float."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        text = f"{value.normalize():f}"
        return text if text not in ("-0",) else "0"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{json_text(v)}"
                              for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(json_text(v) for v in value) + "]"
    return json.dumps(value)


def clock_advice(skew: float) -> str:
    """The trader-facing text for a clock outside the window (skew = server − local)."""
    way = "behind" if skew > 0 else "ahead of"
    return (f"This machine's clock is {abs(skew):.0f} s {way} the exchange's, outside the "
            f"{WINDOW_S:.0f} s window signed requests must fall in. Sync it with NTP "
            "(e.g. `sudo timedatectl set-ntp true`, or `sudo chronyc makestep`) and retry.")
