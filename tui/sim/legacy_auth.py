"""The embedded exchange's legacy `/auth/v1beta1` account routes (spec §2.3): one-time
registration with a registration JWT, and TOTP multi-factor enrollment checked at login.

- `register {token, password}`: the token is an HS256 JWT the exchange issued for a new
  username (`SimServer.registration_token`); it works once, until it expires, and the user
  it names gets a funded account.
- `enroll_mfa {username, password}` -> `{enrollmentUrl: "otpauth://totp/..."}`: a fresh
  secret, pending until confirmed. Enrolling again before confirming replaces it.
- `confirm_mfa {username, password, otp}`: a code from the pending secret turns MFA on.
- login (TokenIssuer.second_factor): a user with MFA on must send a valid `otp`; a code
  already used for a login is refused until its step has passed (RFC 6238 §5.2).
"""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.core import totp
from tui.sim.auth import AuthError, SimUser, TokenIssuer

ISSUER = "pmdesk-sim"
REGISTRATION_TTL = 24 * 3600.0
MIN_PASSWORD = 8
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")
# grpc status codes and the HTTP status grpc-gateway maps them to (spec §3.3)
INVALID_ARGUMENT, ALREADY_EXISTS, FAILED_PRECONDITION, UNAUTHENTICATED = 3, 6, 9, 16
_HTTP = {INVALID_ARGUMENT: 400, ALREADY_EXISTS: 409, FAILED_PRECONDITION: 400,
         UNAUTHENTICATED: 401}
OTP_REQUIRED = ("one-time code required: this account has MFA enabled; "
                "send the 6-digit code from your authenticator app as otp")
OTP_WRONG = "one-time code is wrong or expired"
OTP_REUSED = "one-time code was already used; wait for the next one"


class LegacyAuthError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class _Mfa:
    secret: str
    confirmed: bool = False
    last_counter: int = -1  # the newest time step a login used


@dataclass
class LegacyAuth:
    """Registration tokens and MFA state for the users of one TokenIssuer."""

    issuer: TokenIssuer
    on_register: Callable[[SimUser], None] = lambda user: None
    firm: str = "DEMO"
    clock: Callable[[], float] = time.time
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _used: set[str] = field(default_factory=set)
    _mfa: dict[str, _Mfa] = field(default_factory=dict)

    # --- registration ----------------------------------------------------------------
    def registration_token(self, username: str, ttl: float = REGISTRATION_TTL) -> str:
        """A one-time token with which `username` (not yet a user) chooses a password."""
        if not USERNAME.match(username):
            raise ValueError(f"unusable username {username!r}")
        if username in self.issuer.users:
            raise ValueError(f"{username!r} is already a user")
        now = self.clock()
        claims = {"iss": ISSUER, "sub": username, "typ": "registration",
                  "jti": uuid.uuid4().hex, "iat": int(now), "exp": int(now + ttl)}
        return jwt.encode(claims, self._key, algorithm="HS256")

    def register(self, token: str, password: str) -> SimUser:
        try:
            # exp is checked against our own clock below, so tests can move time
            claims = jwt.decode(token, self._key, algorithms=["HS256"], issuer=ISSUER,
                                options={"verify_exp": False,
                                         "require": ["sub", "jti", "exp", "iss"]})
        except jwt.InvalidTokenError as exc:
            raise LegacyAuthError(UNAUTHENTICATED, "registration token is not valid") from exc
        if claims.get("typ") != "registration":
            raise LegacyAuthError(UNAUTHENTICATED, "registration token is not valid")
        if float(claims["exp"]) <= self.clock():
            raise LegacyAuthError(UNAUTHENTICATED, "registration token has expired")
        if claims["jti"] in self._used:
            raise LegacyAuthError(FAILED_PRECONDITION, "registration token was already used")
        username = str(claims["sub"])
        if username in self.issuer.users:
            raise LegacyAuthError(ALREADY_EXISTS, f"user {username} is already registered")
        if len(password) < MIN_PASSWORD:
            raise LegacyAuthError(INVALID_ARGUMENT,
                                  f"password must be at least {MIN_PASSWORD} characters")
        self._used.add(str(claims["jti"]))
        user = SimUser(username=username, password=password, firm=self.firm,
                       display_name=username,
                       accounts=(f"firms/{self.firm}/accounts/{username}-1",))
        self.issuer.users[username] = user
        self.on_register(user)
        return user

    # --- MFA -------------------------------------------------------------------------
    def enroll(self, username: str, password: str) -> str:
        user = self._password(username, password)
        state = self._mfa.get(username)
        if state is not None and state.confirmed:
            raise LegacyAuthError(FAILED_PRECONDITION, "MFA is already enabled for this user")
        secret = totp.new_secret()
        self._mfa[username] = _Mfa(secret)
        return totp.build_uri(totp.OtpAuth(secret=secret, account=user.username,
                                           issuer="pmdesk-sim"))

    def confirm(self, username: str, password: str, otp: str) -> None:
        self._password(username, password)
        state = self._mfa.get(username)
        if state is None or state.confirmed:
            raise LegacyAuthError(FAILED_PRECONDITION,
                                  "no MFA enrollment is waiting; call enroll_mfa first")
        if not otp:
            raise LegacyAuthError(INVALID_ARGUMENT, "otp is required")
        if totp.match_counter(state.secret, otp, self.clock()) is None:
            raise LegacyAuthError(UNAUTHENTICATED, OTP_WRONG)
        state.confirmed = True

    def mfa_enabled(self, username: str) -> bool:
        state = self._mfa.get(username)
        return state is not None and state.confirmed

    def check_login_otp(self, user: SimUser, otp: str | None) -> None:
        """TokenIssuer.second_factor: runs after the password matched, before any token."""
        state = self._mfa.get(user.username)
        if state is None or not state.confirmed:
            return
        if not otp:
            raise AuthError(OTP_REQUIRED)
        counter = totp.match_counter(state.secret, otp, self.clock())
        if counter is None:
            raise AuthError(OTP_WRONG)
        if counter <= state.last_counter:
            raise AuthError(OTP_REUSED)
        state.last_counter = counter

    def _password(self, username: str, password: str) -> SimUser:
        try:
            return self.issuer.password_user(username, password)
        except AuthError as exc:
            raise LegacyAuthError(UNAUTHENTICATED, str(exc)) from exc

    # --- routes ----------------------------------------------------------------------
    def routes(self) -> list[Route]:
        def register(d: dict[str, Any]) -> dict[str, Any]:
            self.register(_str(d, "token"), _str(d, "password"))
            return {}

        def enroll(d: dict[str, Any]) -> dict[str, Any]:
            return {"enrollmentUrl": self.enroll(_str(d, "username"), _str(d, "password"))}

        def confirm(d: dict[str, Any]) -> dict[str, Any]:
            self.confirm(_str(d, "username"), _str(d, "password"), _str(d, "otp"))
            return {}

        return [Route(f"/auth/v1beta1/{name}", _endpoint(handle), methods=["POST"])
                for name, handle in (("register", register), ("enroll_mfa", enroll),
                                     ("confirm_mfa", confirm))]


def _str(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _status(code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "details": []},
                        status_code=_HTTP.get(code, 500))


def _endpoint(handle: Callable[[dict[str, Any]], dict[str, Any]]
              ) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await _answer(request, handle)
    return endpoint


async def _answer(request: Request,
                  handle: Callable[[dict[str, Any]], dict[str, Any]]) -> Response:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        return _status(INVALID_ARGUMENT, "request body is not valid JSON")
    if not isinstance(data, dict):
        return _status(INVALID_ARGUMENT, "request body must be a JSON object")
    try:
        return JSONResponse(handle(data))
    except LegacyAuthError as exc:
        return _status(exc.code, exc.message)
