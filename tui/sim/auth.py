"""The embedded exchange's legacy `/auth/v1beta1` login: users, expiring bearer tokens."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class SimUser:
    username: str
    password: str
    firm: str
    display_name: str
    accounts: tuple[str, ...]  # every account this login may trade
    # an ISV or firm login: the firm's end users it trades for (their usernames)
    clients: tuple[str, ...] = ()

    @property
    def participant_id(self) -> str:
        return f"firms/{self.firm}/users/{self.username}"


@dataclass(slots=True)
class _Grant:
    user: SimUser
    expires: float
    scopes: frozenset[str] | None = None  # None: every trader scope (a password login)


class AuthError(Exception):
    """Refused credentials or token; the message is safe to send back (no secrets)."""


@dataclass
class TokenIssuer:
    """Issues opaque access tokens that expire, and refresh tokens that mint new ones."""

    users: dict[str, SimUser]
    access_ttl: float = 180.0
    refresh_ttl: float = 24 * 3600.0
    clock: Callable[[], float] = time.time
    _access: dict[str, _Grant] = field(default_factory=dict)
    _refresh: dict[str, _Grant] = field(default_factory=dict)
    # a check after the password matched and before any token (legacy MFA: the otp)
    second_factor: Callable[[SimUser, str | None], None] | None = None

    def password_user(self, username: str, password: str) -> SimUser:
        """The user whose password this is; AuthError otherwise."""
        user = self.users.get(username)
        # compare in constant time; say the same thing for a wrong user and a wrong password
        if user is None or not secrets.compare_digest(user.password.encode(), password.encode()):
            raise AuthError("invalid username or password")
        return user

    def login(self, username: str, password: str, otp: str | None = None) -> dict[str, str]:
        user = self.password_user(username, password)
        if self.second_factor is not None:
            self.second_factor(user, otp)
        now = self.clock()
        refresh = "r_" + secrets.token_urlsafe(24)
        self._refresh[refresh] = _Grant(user, now + self.refresh_ttl)
        body = self._mint(user, now)
        body |= {
            "refreshToken": refresh,
            "refreshIssueTime": _rfc3339(now),
            "refreshExpirationTime": _rfc3339(now + self.refresh_ttl),
        }
        return body

    def refresh(self, refresh_token: str) -> dict[str, str]:
        grant = self._refresh.get(refresh_token)
        now = self.clock()
        if grant is None or grant.expires <= now:
            raise AuthError("refresh token is invalid or expired")
        return self._mint(grant.user, now)

    def check(self, authorization: str | None) -> SimUser:
        """The user behind an `authorization` value (`Bearer <token>`, or a raw token)."""
        if not authorization:
            raise AuthError("missing bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        grant = self._access.get(token)
        if grant is None:
            raise AuthError("invalid bearer token")
        if grant.expires <= self.clock():
            raise AuthError("access token expired")
        return grant.user

    def accept(self, token: str, user: SimUser, expires: float,
               scopes: frozenset[str] | None = None) -> None:
        """Take `token`, minted elsewhere (the Auth0 token endpoint), as `user`'s until
        `expires`, granting `scopes`."""
        self._purge(self.clock())
        self._access[token] = _Grant(user, expires, scopes)

    def scopes_of(self, authorization: str | None) -> frozenset[str] | None:
        """The scopes a valid token grants; None when the token is unknown or expired (its
        caller is told UNAUTHENTICATED, not PERMISSION_DENIED) or grants everything."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        grant = self._access.get(token)
        if grant is None or grant.expires <= self.clock():
            return None
        return grant.scopes

    def _mint(self, user: SimUser, now: float) -> dict[str, str]:
        self._purge(now)
        token = "a_" + secrets.token_urlsafe(24)
        self._access[token] = _Grant(user, now + self.access_ttl)
        return {
            "accessToken": token,
            "accessIssueTime": _rfc3339(now),
            "accessExpirationTime": _rfc3339(now + self.access_ttl),
        }

    def _purge(self, now: float) -> None:
        # keep the token table bounded on a long-running exchange
        if len(self._access) > 1000:
            self._access = {k: g for k, g in self._access.items() if g.expires > now}


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


DEMO_PASSWORD = "demo"


ISV_FIRM = "ISV"
# the demo ISV's end users: (username, display name, how many accounts each holds)
ISV_CLIENTS = (("ann", "Ann Lee", 1), ("ben", "Ben Ortiz", 2))


def demo_users() -> dict[str, SimUser]:
    """Demo traders of a demo firm; each has one funded account. The password is public.
    And an ISV partner (`isv`) that trades for its end users' accounts and its own house
    account, as the gateway's quickstart has a firm do: its users trade only their own."""
    users = {}
    for name, display in (("demo", "Demo Trader"), ("alice", "Alice"), ("bob", "Bob")):
        users[name] = SimUser(
            username=name, password=DEMO_PASSWORD, firm="DEMO", display_name=display,
            accounts=(f"firms/DEMO/accounts/{name}-1",),
        )
    every: list[str] = [f"firms/{ISV_FIRM}/accounts/house"]
    for name, display, count in ISV_CLIENTS:
        own = tuple(f"firms/{ISV_FIRM}/accounts/{name}-{n}" for n in range(1, count + 1))
        users[name] = SimUser(username=name, password=DEMO_PASSWORD, firm=ISV_FIRM,
                              display_name=display, accounts=own)
        every += own
    users["isv"] = SimUser(username="isv", password=DEMO_PASSWORD, firm=ISV_FIRM,
                           display_name="Demo ISV desk", accounts=tuple(every),
                           clients=tuple(name for name, _, _ in ISV_CLIENTS))
    return users
