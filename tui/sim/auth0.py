"""The embedded exchange's Auth0 token endpoint: private-key JWT client credentials (spec §2.1).

A client registers an RSA public key and is bound to one SimUser. It signs a client assertion
(RS256; iss = sub = client id, aud = this token URL, iat, exp <= iat + 300, a fresh jti) and
POSTs it to `/oauth/token`, form-encoded or JSON. The answer is an access token (a JWT signed
by the exchange, carrying `scope` and `firm_id`) that the exchange's TokenIssuer also accepts,
so every REST route and gRPC stream takes it like a legacy login's token.
"""

from __future__ import annotations

import json
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.sim.auth import SimUser, TokenIssuer

TOKEN_PATH = "/oauth/token"
GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME = 300  # exp at most 5 minutes after iat
LEEWAY = 5  # seconds of clock skew forgiven on exp and iat
FORM = "application/x-www-form-urlencoded"
# the trader scopes of spec §2.4 (the older-page-only ones are not granted)
DEFAULT_SCOPES = (
    "read:marketdata", "read:l2marketdata", "read:instruments", "read:orders",
    "write:orders", "read:reports", "read:positions", "read:dropcopy", "read:accounts",
    "read:funding", "write:funding",
)


class TokenEndpointError(Exception):
    """An OAuth error answer: `{"error": code, "error_description": description}`."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.status = status
        self.code = code
        self.description = description


@dataclass(frozen=True, slots=True)
class RegisteredClient:
    client_id: str
    public_key: RSAPublicKey
    user: SimUser
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeenTokenRequest:
    """A token request as the exchange received it (kept for tests and diagnostics)."""

    content_type: str
    fields: dict[str, str]
    outcome: str  # "ok" or the error code
    detail: str = ""  # the error_description sent back


@dataclass
class Auth0Server:
    """Registered clients, the jti values already used, and the token route."""

    issuer: TokenIssuer
    clients: dict[str, RegisteredClient] = field(default_factory=dict)
    seen: deque[SeenTokenRequest] = field(default_factory=lambda: deque(maxlen=100))
    _jtis: dict[tuple[str, str], float] = field(default_factory=dict)  # -> its exp
    _signing_key: rsa.RSAPrivateKey | None = None

    def register_client(self, client_id: str, public_pem: bytes | str, user: SimUser,
                        scopes: tuple[str, ...] = DEFAULT_SCOPES) -> None:
        """Bind `client_id` to an RSA public key (PEM) and a user; replaces an earlier key."""
        pem = public_pem.encode() if isinstance(public_pem, str) else public_pem
        key = load_pem_public_key(pem)
        if not isinstance(key, RSAPublicKey):
            raise ValueError("the client's public key must be an RSA key")
        self.clients[client_id] = RegisteredClient(client_id, key, user, tuple(scopes))

    def routes(self) -> list[Route]:
        return [Route(TOKEN_PATH, self.endpoint, methods=["POST"])]

    async def endpoint(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        fields: dict[str, str] = {}
        try:
            fields = await _fields(request, content_type)
            base = f"{request.url.scheme}://{request.url.netloc}"
            body = self.token(fields, token_url=base + TOKEN_PATH, api_audience=base)
        except TokenEndpointError as exc:
            self.seen.append(SeenTokenRequest(content_type, fields, exc.code,
                                              exc.description))
            return JSONResponse({"error": exc.code, "error_description": exc.description},
                                status_code=exc.status)
        self.seen.append(SeenTokenRequest(content_type, fields, "ok"))
        return JSONResponse(body, headers={"cache-control": "no-store"})

    def token(self, fields: dict[str, str], *, token_url: str,
              api_audience: str) -> dict[str, Any]:
        """Check one token request; the token response body, or TokenEndpointError."""
        if fields.get("grant_type") != GRANT_TYPE:
            raise TokenEndpointError(400, "unsupported_grant_type",
                                     f"grant_type must be {GRANT_TYPE}")
        if fields.get("client_assertion_type") != ASSERTION_TYPE:
            raise TokenEndpointError(400, "invalid_request",
                                     f"client_assertion_type must be {ASSERTION_TYPE}")
        assertion = fields.get("client_assertion", "")
        if not assertion:
            raise TokenEndpointError(400, "invalid_request", "client_assertion is missing")
        client_id = fields.get("client_id") or _unverified_iss(assertion)
        client = self.clients.get(client_id)
        if client is None:
            raise TokenEndpointError(401, "invalid_client",
                                     f"unknown client {client_id!r}: no key is registered")
        claims = self._verify(client, assertion, token_url)
        audience = fields.get("audience", "")
        if audience != api_audience:
            raise TokenEndpointError(403, "access_denied",
                                     f"Service not found: {audience!r} (want {api_audience})")
        return self._issue(client, audience, token_url, claims)

    def _verify(self, client: RegisteredClient, assertion: str,
                token_url: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion, client.public_key, algorithms=["RS256"],
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                         "verify_aud": False, "verify_iss": False, "verify_sub": False,
                         "verify_jti": False})
        except jwt.InvalidSignatureError as exc:
            raise TokenEndpointError(
                401, "invalid_client",
                "the signature does not verify against the registered public key") from exc
        except jwt.InvalidAlgorithmError as exc:
            raise TokenEndpointError(401, "invalid_client",
                                     "the client assertion must be signed with RS256") from exc
        except jwt.PyJWTError as exc:
            raise TokenEndpointError(401, "invalid_client",
                                     f"the client assertion is not a JWT ({exc})") from exc
        now = self.issuer.clock()
        cid = client.client_id

        def bad(claim: str, words: str) -> TokenEndpointError:
            return TokenEndpointError(401, "invalid_client_assertion", f"claim {claim}: {words}")

        for claim in ("iss", "sub"):
            if claims.get(claim) != cid:
                raise bad(claim, f"must be the client id {cid!r}, got {claims.get(claim)!r}")
        aud = claims.get("aud")
        if aud != token_url and not (isinstance(aud, list) and token_url in aud):
            raise bad("aud", f"must be the token endpoint {token_url}, got {aud!r}")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int | float) or isinstance(iat, bool):
            raise bad("iat", "missing or not a number of seconds")
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            raise bad("exp", "missing or not a number of seconds")
        if iat > now + LEEWAY:
            raise bad("iat", "is in the future")
        if exp <= now - LEEWAY:
            raise bad("exp", "the client assertion has expired")
        if exp - iat > MAX_ASSERTION_LIFETIME:
            raise bad("exp", f"at most {MAX_ASSERTION_LIFETIME} s after iat")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise bad("jti", "missing")
        self._jtis = {k: e for k, e in self._jtis.items() if e > now - LEEWAY}
        if (cid, jti) in self._jtis:
            raise bad("jti", "already used: each client assertion needs a fresh jti")
        self._jtis[(cid, jti)] = float(exp)
        return claims

    def _issue(self, client: RegisteredClient, audience: str, token_url: str,
               assertion: dict[str, Any]) -> dict[str, Any]:
        now = self.issuer.clock()
        ttl = int(self.issuer.access_ttl)
        if self._signing_key is None:
            self._signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        claims = {
            "iss": token_url.removesuffix("oauth/token"),
            "sub": f"{client.client_id}@clients",
            "aud": audience,
            "iat": int(now),
            "exp": int(now) + ttl,
            "azp": client.client_id,
            "gty": "client-credentials",
            "scope": " ".join(client.scopes),
            "firm_id": client.user.firm,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self._signing_key, algorithm="RS256",
                           headers={"kid": "sim-" + _kid(self._signing_key)})
        self.issuer.accept(token, client.user, now + ttl, frozenset(client.scopes))
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl,
                "scope": claims["scope"]}


async def _fields(request: Request, content_type: str) -> dict[str, str]:
    if content_type == FORM:
        # the standard library's parser (Starlette's form() needs python-multipart)
        try:
            pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True,
                              strict_parsing=True, errors="strict")
        except (ValueError, UnicodeDecodeError) as exc:
            raise TokenEndpointError(400, "invalid_request", "body is not a valid form") from exc
        fields = dict(pairs)
        if len(fields) != len(pairs):
            raise TokenEndpointError(400, "invalid_request", "a form field is repeated")
        return fields
    if content_type == "application/json":
        try:
            data = json.loads(await request.body())
        except ValueError as exc:
            raise TokenEndpointError(400, "invalid_request", "body is not valid JSON") from exc
        if not isinstance(data, dict):
            raise TokenEndpointError(400, "invalid_request", "body must be a JSON object")
        return {str(k): str(v) for k, v in data.items() if isinstance(v, str | int)}
    raise TokenEndpointError(400, "invalid_request",
                             f"Content-Type must be {FORM} or application/json")


def _unverified_iss(assertion: str) -> str:
    try:
        iss = jwt.decode(assertion, options={"verify_signature": False}).get("iss", "")
    except jwt.PyJWTError:
        return ""
    return iss if isinstance(iss, str) else ""


def _kid(key: rsa.RSAPrivateKey) -> str:
    return format(key.public_key().public_numbers().n % (1 << 32), "08x")
