"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) and `otpauth://` URIs.

The defaults are what authenticator apps assume: a base32 secret, 30-second steps, 6 digits,
HMAC-SHA1. Verification accepts the code of the current step and of one step either side
(clock drift between the phone and the server), and reports which step matched so a caller
can refuse the same code twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

STEP = 30
DIGITS = 6
ALGORITHM = "SHA1"
_DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


class TotpError(ValueError):
    """A secret, code or URI that cannot be used; the message names what is wrong."""


def new_secret(nbytes: int = 20) -> str:
    """A fresh random secret, base32 without padding (160 bits, as RFC 4226 recommends)."""
    return base64.b32encode(secrets.token_bytes(nbytes)).decode().rstrip("=")


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base32 secret; case, spaces and missing padding are forgiven."""
    text = "".join(secret.split()).upper().rstrip("=")
    if not text:
        raise TotpError("the TOTP secret is empty")
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except binascii.Error as exc:
        raise TotpError("the TOTP secret is not valid base32") from exc


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = ALGORITHM) -> str:
    """RFC 4226: HMAC the 8-byte big-endian counter, truncate dynamically, keep `digits`."""
    digest = _DIGESTS.get(algorithm.upper())
    if digest is None:
        raise TotpError(f"unsupported TOTP algorithm {algorithm!r}")
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def counter_at(at: float, step: int = STEP) -> int:
    """The RFC 6238 time-step number T = floor(unix time / step)."""
    return int(at // step)


def totp(secret: str, at: float | None = None, *, step: int = STEP, digits: int = DIGITS,
         algorithm: str = ALGORITHM) -> str:
    """The code for `secret` (base32) at unix time `at` (now if None)."""
    now = time.time() if at is None else at
    return hotp(decode_secret(secret), counter_at(now, step), digits=digits,
                algorithm=algorithm)


def match_counter(secret: str, code: str, at: float | None = None, *, window: int = 1,
                  step: int = STEP, digits: int = DIGITS,
                  algorithm: str = ALGORITHM) -> int | None:
    """The time step whose code equals `code`, searching `window` steps either side of `at`;
    None if none does. Compared in constant time."""
    code = "".join(code.split())
    if len(code) != digits or not code.isdigit():
        return None
    key = decode_secret(secret)
    now = counter_at(time.time() if at is None else at, step)
    found: int | None = None
    for counter in range(now - window, now + window + 1):
        expected = hotp(key, counter, digits=digits, algorithm=algorithm)
        if hmac.compare_digest(expected.encode(), code.encode()) and found is None:
            found = counter
    return found


@dataclass(frozen=True, slots=True)
class OtpAuth:
    """What an `otpauth://totp/...` enrollment URI carries."""

    secret: str
    account: str
    issuer: str = ""
    digits: int = DIGITS
    period: int = STEP
    algorithm: str = ALGORITHM

    def code(self, at: float | None = None) -> str:
        return totp(self.secret, at, step=self.period, digits=self.digits,
                    algorithm=self.algorithm)


def build_uri(auth: OtpAuth) -> str:
    """The Key Uri Format authenticator apps read: otpauth://totp/Issuer:account?secret=..."""
    label = f"{auth.issuer}:{auth.account}" if auth.issuer else auth.account
    params = {"secret": auth.secret}
    if auth.issuer:
        params["issuer"] = auth.issuer
    params |= {"algorithm": auth.algorithm, "digits": str(auth.digits),
               "period": str(auth.period)}
    return f"otpauth://totp/{quote(label, safe=':@')}?{urlencode(params, quote_via=quote)}"


def parse_uri(uri: str) -> OtpAuth:
    """Read an `otpauth://totp/...` URI; TotpError if it is not one this module can use."""
    parts = urlsplit(uri.strip())
    if parts.scheme.lower() != "otpauth":
        raise TotpError("not an otpauth:// URI")
    if parts.netloc.lower() != "totp":
        raise TotpError(f"only TOTP enrollment is supported, not {parts.netloc!r}")
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if v}
    secret = query.get("secret", "")
    decode_secret(secret)  # raises with plain words if missing or malformed
    label = unquote(parts.path.lstrip("/"))
    issuer, _, account = label.rpartition(":")
    algorithm = query.get("algorithm", ALGORITHM).upper()
    if algorithm not in _DIGESTS:
        raise TotpError(f"unsupported TOTP algorithm {algorithm!r}")
    try:
        digits = int(query.get("digits", DIGITS))
        period = int(query.get("period", STEP))
    except ValueError as exc:
        raise TotpError("the otpauth URI has a non-numeric digits or period") from exc
    if not 6 <= digits <= 10 or period <= 0:
        raise TotpError("the otpauth URI has an unusable digits or period")
    return OtpAuth(secret=secret, account=account.strip(),
                   issuer=query.get("issuer", issuer.strip()), digits=digits,
                   period=period, algorithm=algorithm)
