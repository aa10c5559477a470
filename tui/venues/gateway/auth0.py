"""Gateway login with an Auth0 private-key JWT (spec §2.1): an RS256 client assertion signed
with the firm's RSA key, traded at the token host's `/oauth/token` for a 180 s access token.

The private key never leaves this process and is never logged; neither is any token.
"""

from __future__ import annotations

import os
import re
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from tui.core.venue import VenueError

if TYPE_CHECKING:
    from tui.venues.gateway.rest import Tokens

GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 300  # exp = iat + 300: the spec's most
TOKEN_TIMEOUT = 15.0
FORM = "application/x-www-form-urlencoded"

# what each assertion claim must be, in the trader's words (for invalid_client_assertion)
_CLAIM_WORDS = {
    "aud": "must be the token endpoint URL itself ({token_url}), not the API audience",
    "exp": "has expired or is more than 5 minutes after iat; check this machine's clock",
    "iat": "is in the future; check this machine's clock",
    "jti": "was already used; every client assertion needs a fresh jti",
    "iss": "must be the client id",
    "sub": "must be the client id",
}
# words an exchange may use instead of the claim's name
_CLAIM_HINTS = (("aud", "audience"), ("exp", "expired"), ("jti", "replay"), ("jti", "reuse"),
                ("jti", "unique"), ("iat", "issued"), ("iss", "issuer"), ("sub", "subject"))


def load_private_key_file(path: str | Path) -> RSAPrivateKey:
    """Read a key file (refused when others can read it), as pmdesk's key files are read."""
    from tui.venues.keys import KeyFileError, load_rsa_private_key

    try:
        return load_rsa_private_key(Path(path).expanduser())
    except KeyFileError as exc:
        raise VenueError(str(exc)) from None


def client_assertion(client_id: str, private_key: RSAPrivateKey, token_url: str, *,
                     now: float | None = None, lifetime: int = ASSERTION_LIFETIME,
                     jti: str | None = None) -> str:
    """The spec's client assertion: RS256, typ JWT; iss = sub = client id, aud = token URL,
    iat = now, exp = iat + 300, a fresh random UUID jti."""
    iat = int(time.time() if now is None else now)
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": iat,
        "exp": iat + lifetime,
        "jti": jti or str(uuid.uuid4()),
    }
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"typ": "JWT"})


@dataclass(frozen=True, slots=True)
class AccessToken:
    access_token: str
    expires_at: float  # local wall-clock epoch seconds
    token_type: str = "Bearer"
    scope: str = ""

    @property
    def authorization(self) -> str:
        """The `authorization` value for REST headers and gRPC metadata."""
        return f"Bearer {self.access_token}"

    def __repr__(self) -> str:  # keep the token out of any repr that reaches a log
        return f"AccessToken(expires_at={self.expires_at:.0f}, scope={self.scope!r})"


class Auth0Client:
    """Fetches access tokens for one client id; call fetch() again to renew (each call signs a
    new assertion with a new jti)."""

    def __init__(self, *, token_url: str, client_id: str, private_key: RSAPrivateKey,
                 audience: str, timeout: float = TOKEN_TIMEOUT,
                 clock: Callable[[], float] = time.time,
                 http: httpx.AsyncClient | None = None) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.audience = audience
        self.timeout = timeout
        self._key = private_key
        self._clock = clock
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"Auth0Client(client_id={self.client_id!r}, token_url={self.token_url!r})"

    async def close(self) -> None:
        if self._own_http:
            await self._http.aclose()

    def form(self, now: float | None = None) -> dict[str, str]:
        """The token request's fields (spec §2.1 step 2), with a freshly signed assertion."""
        return {
            "grant_type": GRANT_TYPE,
            "client_id": self.client_id,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(
                self.client_id, self._key, self.token_url,
                now=self._clock() if now is None else now),
            "audience": self.audience,
        }

    async def fetch(self) -> AccessToken:
        """POST the token request (form-encoded); the access token, or a VenueError in plain
        words."""
        sent = self._clock()
        try:
            resp = await self._http.post(self.token_url, data=self.form(sent),
                                         headers={"content-type": FORM,
                                                  "accept": "application/json"},
                                         timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise VenueError(f"The token server {self.token_url} did not answer within "
                             f"{self.timeout:g} s.") from exc
        except httpx.HTTPError as exc:
            raise VenueError(f"Cannot reach the token server at {self.token_url}.") from exc
        body = _json(resp)
        if resp.status_code != 200:
            raise VenueError(self._words(resp.status_code, body))
        token, expires_in = body.get("access_token"), body.get("expires_in")
        token_type = str(body.get("token_type", "Bearer"))
        if (not isinstance(token, str) or not token or not isinstance(expires_in, int)
                or isinstance(expires_in, bool) or expires_in <= 0):
            raise VenueError(f"The token server {self.token_url} sent an answer without a "
                             "usable access_token and expires_in.")
        if token_type.lower() != "bearer":
            raise VenueError(f"The token server sent a {token_type!r} token, not a Bearer one.")
        # the lifetime counts from before we asked, so we never hold a token longer than
        # the server thinks it lives
        return AccessToken(token, sent + expires_in, "Bearer", str(body.get("scope", "")))

    async def renew(self, tokens: Tokens) -> AccessToken:
        """fetch(), then install the token in the REST client's Tokens (no refresh token:
        the next renewal signs a new assertion)."""
        got = await self.fetch()
        tokens.access = got.access_token
        tokens.access_expires = got.expires_at
        tokens.refresh = ""
        return got

    def _words(self, status: int, body: dict[str, Any]) -> str:
        code = str(body.get("error", ""))
        said = str(body.get("error_description", "") or body.get("message", ""))
        tail = f" (the token server said: {said})" if said else ""
        if code == "invalid_client":
            return (f"Login refused: the exchange does not know this key, or the signature "
                    f"does not verify. Check that client id {self.client_id!r} is registered "
                    f"with the public key of the private key in use{tail}.")
        if code == "invalid_client_assertion":
            claim = _claim_named(said)
            if claim is None:
                return f"Login refused: the exchange rejected the client assertion{tail}."
            what = _CLAIM_WORDS[claim].format(token_url=self.token_url)
            return f"Login refused: the client assertion's {claim} claim {what}{tail}."
        if code == "access_denied":
            return (f"Login refused: the token server does not grant access to the API "
                    f"audience {self.audience!r}{tail}.")
        if code:
            return f"Login refused by the token server: {code}{tail}."
        return f"The token server answered HTTP {status}{tail}."


def _claim_named(description: str) -> str | None:
    """The claim an invalid_client_assertion description names ("claim exp: ...", "the aud
    claim ...", or a word such as "expired")."""
    named = re.search(r"\bclaim[s]?\W+(\w+)|\b(\w+)\W+claim\b", description.lower())
    if named and (named.group(1) or named.group(2)) in _CLAIM_WORDS:
        return named.group(1) or named.group(2)
    words = re.findall(r"\w+", description.lower())
    for claim in _CLAIM_WORDS:
        if claim in words:
            return claim
    for claim, hint in _CLAIM_HINTS:
        if hint in description.lower():
            return claim
    return None


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def client_for(*, token_url: str, audience: str, client_id_env: str,
               key_file: str, verify: ssl.SSLContext | bool = True) -> Auth0Client:
    """The Auth0 client a profile describes; a missing id or an unsafe key file in words."""
    client_id = os.environ.get(client_id_env, "").strip() if client_id_env else ""
    if not client_id:
        raise VenueError(f"Set {client_id_env or 'client_id_env'} to your Auth0 client id.")
    key = load_private_key_file(key_file)
    return Auth0Client(token_url=token_url, client_id=client_id, private_key=key,
                       audience=audience,
                       http=httpx.AsyncClient(timeout=TOKEN_TIMEOUT, verify=verify))
