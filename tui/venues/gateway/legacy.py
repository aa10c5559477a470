"""The legacy `/auth/v1beta1` account calls (spec §2.3) beyond login/refresh: one-time
registration, TOTP multi-factor enrollment and confirmation, and a login that carries the
one-time code when the account needs one.

Every call goes through GatewayRest's own sender (its timeouts, its plain-words errors) with
no bearer token, and none is journalled: their bodies hold passwords.
"""

from __future__ import annotations

import re
from typing import Any

from tui.core import totp
from tui.core.venue import VenueError
from tui.venues.gateway.rest import GatewayRest

BASE = "/auth/v1beta1"
# how a gateway says "this account needs its one-time code": the words vary, so look for any
_NEEDS_CODE = re.compile(r"\b(otp|one[- ]time|mfa|two[- ]factor|2fa|verification code)\b",
                         re.IGNORECASE)
_REFUSED = re.compile(r"\b(wrong|invalid|incorrect|expired|used)\b", re.IGNORECASE)


class OtpRequiredError(VenueError):
    """The password was right but the account has MFA on: ask for the code and log in again."""


class WrongOtpError(VenueError):
    """The one-time code was refused (wrong, stale, or already used)."""


async def _post(rest: GatewayRest, name: str, body: dict[str, Any]) -> dict[str, Any]:
    return await rest._send("POST", f"{BASE}/{name}", body, auth=False)


async def login(rest: GatewayRest, username: str, password: str,
                otp: str | None = None) -> None:
    """Log in, with the one-time code if given; the tokens land in `rest.tokens`.

    Raises OtpRequiredError when the account wants a code and none was sent, WrongOtpError
    when the code sent was refused, VenueError for anything else."""
    body: dict[str, Any] = {"username": username, "password": password}
    if otp:
        body["otp"] = "".join(otp.split())
    try:
        answer = await _post(rest, "login", body)
    except VenueError as exc:
        if exc.uncertain or not _NEEDS_CODE.search(str(exc)):
            raise
        if otp:
            raise WrongOtpError(str(exc)) from None
        raise OtpRequiredError(str(exc)) from None
    rest.tokens.update(answer)


async def register(rest: GatewayRest, token: str, password: str) -> None:
    """Choose a password with the one-time registration token the exchange sent."""
    await _post(rest, "register", {"token": token.strip(), "password": password})


async def enroll_mfa(rest: GatewayRest, username: str, password: str) -> str:
    """Start MFA enrollment: the `otpauth://totp/...` URI to load into an authenticator app
    (show it as a QR code, see qr_text), then prove it with confirm_mfa. The URI is checked
    to be one `totp.parse_uri` can read."""
    answer = await _post(rest, "enroll_mfa", {"username": username, "password": password})
    url = answer.get("enrollmentUrl", answer.get("enrollment_url"))
    if not isinstance(url, str) or not url:
        raise VenueError("The exchange answered enroll_mfa without an enrollment URL.")
    try:
        totp.parse_uri(url)
    except totp.TotpError as exc:
        raise VenueError(f"The exchange sent an enrollment URL this desk cannot use "
                         f"({exc}).") from None
    return url


async def confirm_mfa(rest: GatewayRest, username: str, password: str, otp: str) -> None:
    """Turn MFA on with a code from the enrolled secret; WrongOtpError if refused as such."""
    body = {"username": username, "password": password, "otp": "".join(otp.split())}
    try:
        await _post(rest, "confirm_mfa", body)
    except VenueError as exc:
        if not exc.uncertain and _NEEDS_CODE.search(str(exc)) \
                and _REFUSED.search(str(exc)):
            raise WrongOtpError(str(exc)) from None
        raise
