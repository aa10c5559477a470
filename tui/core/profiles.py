"""Connection profiles: where a desk connects and how it proves who it is.

A TOML file (profiles.toml beside config.toml, or $PMDESK_PROFILES), written with comments
on first use. Credentials are named, never held: an environment variable or a key file.
Environments resolve to the hosts of spec §1.1; PrivateLink to the names of spec §1.3.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

ENV_VAR = "PMDESK_PROFILES"
VENUES = ("sim", "gateway", "retail", "clob")
AUTHS = ("legacy", "auth0")

# spec §1.1: REST base, gRPC target, Auth0 token URL, audience
ENVIRONMENTS: dict[str, tuple[str, str, str, str]] = {
    "preprod": ("https://api.preprod.polymarketexchange.com",
                "grpc-api.preprod.polymarketexchange.com:443",
                "https://pmx-preprod.us.auth0.com/oauth/token",
                "https://api.preprod.polymarketexchange.com"),
    "prod": ("https://api.prod.polymarketexchange.com",
             "grpc-api.prod.polymarketexchange.com:443",
             "https://pmx-prod.us.auth0.com/oauth/token",
             "https://api.prod.polymarketexchange.com"),
}
# retail-api.md §1: the signed API host and the public market-data host
RETAIL_PROD = ("https://api.polymarket.us", "https://gateway.polymarket.us")
# global-clob.md §1.1: the CLOB's REST host and its WebSockets' host
CLOB_PROD = ("https://clob.polymarket.com", "wss://ws-subscriptions-clob.polymarket.com")
# spec §1.3: the name to connect to, the REST Host header, the gRPC :authority
PRIVATELINK: dict[str, tuple[str, str, str]] = {
    "preprod": ("traderapi.us-east-1.privatelink.preprod.polymarketexchange.com",
                "rest.preprod.polymarketexchange.com", "traderapi.preprod.polymarketexchange.com"),
    "prod": ("traderapi.us-east-1.privatelink.prod.polymarketexchange.com",
             "rest.prod.polymarketexchange.com", "traderapi.prod.polymarketexchange.com"),
}

EXAMPLE_PROFILES = """\
# pmdesk connection profiles: `pmdesk --profile NAME`, `pmdesk profiles`, `pmdesk check`.
# Secrets never go in this file: name the environment variable or the key file that holds
# them (key files must be readable by you alone: chmod 600).

[profiles.local]
venue = "sim"                    # sim (a `pmdesk sim` you run) | gateway | retail
rest = "http://127.0.0.1:8700"
grpc = "127.0.0.1:8701"
user = "demo"
password_env = "PMDESK_PASSWORD" # the variable holding the password ("demo" for the sim)

[profiles.preprod]
venue = "gateway"
environment = "preprod"          # preprod | prod | custom (then set rest and grpc)
auth = "auth0"                   # auth0 (private-key JWT) | legacy (user and password)
client_id_env = "PM_CLIENT_ID"   # the variable holding your Auth0 client id
key_file = "~/.config/pmdesk/keys/preprod-rsa.pem"  # from `pmdesk keys new --kind rsa`
account = ""                     # empty: the first account the user may trade
participant_id = ""              # empty: the one the exchange names for the user
privatelink = false              # connect through AWS PrivateLink (spec §1.3)
ca_file = ""                     # empty: the system's trusted roots
tier = 1                         # your firm's rate-limit tier (1-4); requests are paced by it

[profiles.retail]
venue = "retail"                 # the Polymarket US retail API (api.polymarket.us)
environment = "prod"             # prod | custom (then set rest, e.g. a `pmdesk sim`)
key_id_env = "PM_KEY_ID"         # the variable holding your API key id
key_file = "~/.config/pmdesk/keys/retail-ed25519.key"  # the base64 secret key, chmod 600

[profiles.clob]
venue = "clob"                   # the global Polymarket order book (clob.polymarket.com)
environment = "prod"             # prod | custom (then set rest, and ws if not the same host)
key_file = "~/.config/pmdesk/keys/clob-secp256k1.key"  # `pmdesk keys new --kind secp256k1`
# key_env = "PM_PRIVATE_KEY"     # or the variable holding the private key (hex)
signature_type = 0               # 0 EOA | 1 Polymarket proxy | 2 Gnosis Safe | 3 deposit wallet
funder = ""                      # the proxy, Safe or deposit wallet holding the funds (1-3)
"""


class ProfileError(Exception):
    """One sentence naming the file, the profile and what to do."""


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    venue: str
    rest: str
    grpc: str
    environment: str = "custom"
    auth: str = "legacy"
    user: str = ""
    password_env: str = ""
    client_id_env: str = ""
    key_file: str = ""
    token_url: str = ""
    audience: str = ""
    account: str = ""
    participant_id: str = ""
    privatelink: bool = False
    rest_host: str = ""  # a Host header to send (PrivateLink)
    grpc_authority: str = ""  # a :authority to send (PrivateLink)
    ca_file: str = ""
    tier: int = 1  # gateway: the firm's rate-limit tier (spec §11.7), 1 to 4
    public: str = ""  # retail: the public market-data host (§1); empty = rest
    key_id_env: str = ""  # retail: the variable holding the API key id
    secret_env: str = ""  # retail: the variable holding the secret key (else key_file)
    key_env: str = ""  # clob: the variable holding the wallet's private key (else key_file)
    signature_type: int = 0  # clob: 0 EOA, 1 proxy, 2 Safe, 3 deposit wallet (§2.4)
    funder: str = ""  # clob: the address holding the funds; empty: the key's own
    ws: str = ""  # clob: the WebSockets' base; empty: rest's host

    def summary(self) -> str:
        """One line naming the profile: its venue, where, how it logs in and as whom."""
        where = self.environment if self.environment != "custom" else self.rest
        via = " via PrivateLink" if self.privatelink else ""
        if self.venue == "retail":
            key = f"key from ${self.key_id_env}" if self.key_id_env else "no key id set"
            return f"{self.name}: retail, {where}, {key}"
        if self.venue == "clob":
            key = f"key from ${self.key_env}" if self.key_env else f"key file {self.key_file}"
            return f"{self.name}: clob, {where}, {key}, signature type {self.signature_type}"
        who = self.user or (f"client from ${self.client_id_env}" if self.client_id_env else "")
        return f"{self.name}: {self.venue}, {where}{via}, {self.auth} auth" + (
            f", {who}" if who else "")


def profiles_path() -> Path:
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir("pmdesk", appauthor=False)) / "profiles.toml"


def load_profiles(path: Path | None = None, *, write_example: bool = True) -> dict[str, Profile]:
    """Every profile in the file; a missing file is written first, with comments."""
    path = profiles_path() if path is None else path
    if not path.exists() and write_example:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(EXAMPLE_PROFILES, encoding="utf-8")
        except OSError as exc:
            raise ProfileError(f"Cannot write the example profiles file {path} "
                               f"({exc.strerror or exc}); set {ENV_VAR} to another path."
                               ) from None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"Profiles file {path} cannot be read: {exc}.") from None
    table = doc.get("profiles", {})
    if not isinstance(table, dict):
        raise ProfileError(f"Profiles file {path}: [profiles] must be a table of profiles.")
    return {name: _profile(name, body, path) for name, body in table.items()}


SETTINGS: dict[str, type] = {  # every setting a profile may hold, and its TOML type
    **dict.fromkeys(("venue", "environment", "auth", "rest", "grpc", "public", "user",
                     "password_env", "client_id_env", "key_file", "key_id_env", "secret_env",
                     "token_url", "audience", "account", "participant_id", "ca_file",
                     "key_env", "funder", "ws"), str),
    "privatelink": bool, "tier": int, "signature_type": int}


def _profile(name: str, body: Any, path: Path) -> Profile:
    where = f"Profiles file {path}, profile {name}"
    if not isinstance(body, dict):
        raise ProfileError(f"{where}: expected a table of settings.")
    for secret in ("password", "secret", "token", "private_key", "api_secret"):
        if secret in body:  # never inline: a file anyone can cat is not where secrets live
            raise ProfileError(f"{where}: {secret} must not be written here; name an "
                               "environment variable (password_env) or a key file instead.")
    for key, value in body.items():  # a typo or a quoted flag must not quietly do nothing
        if key not in SETTINGS:
            raise ProfileError(f"{where}: {key} is not a setting; expected one of "
                               f"{', '.join(sorted(SETTINGS))}.")
        kind = SETTINGS[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            wanted = {str: "a quoted string", bool: "true or false", int: "a number"}[kind]
            raise ProfileError(f"{where}: {key} is {value!r}; expected {wanted}.")
    text: dict[str, str] = {k: v for k, v in body.items() if isinstance(v, str)}
    for key in ("rest", "public"):
        if text.get(key) and not text[key].startswith(("http://", "https://")):
            raise ProfileError(f"{where}: {key} is {text[key]!r}; expected a URL starting "
                               "with https:// (or http:// for a local sim).")
    venue = text.get("venue", "gateway")
    if venue not in VENUES:
        raise ProfileError(f"{where}: venue is {venue!r}; expected one of {', '.join(VENUES)}.")
    auth = text.get("auth", "legacy")
    if auth not in AUTHS:
        raise ProfileError(f"{where}: auth is {auth!r}; expected one of {', '.join(AUTHS)}.")
    # a retail profile with no environment means the one retail API there is
    environment = text.get("environment", "prod" if venue == "retail" else "custom")
    privatelink = body.get("privatelink", False) is True
    rest, grpc = text.get("rest", ""), text.get("grpc", "")
    token_url = audience = rest_host = authority = ""
    public = text.get("public", "")
    if venue == "clob":
        return _clob(name, text, body.get("signature_type", 0), where)
    if venue == "retail":
        if environment == "prod":
            rest, public = RETAIL_PROD
        elif environment != "custom":
            raise ProfileError(f"{where}: a retail environment is prod or custom.")
        if not rest:
            raise ProfileError(f"{where}: a custom retail environment needs rest.")
        if not text.get("key_id_env") or not (text.get("key_file") or text.get("secret_env")):
            raise ProfileError(f"{where}: a retail profile needs key_id_env and key_file "
                               "(or secret_env).")
        return Profile(name=name, venue=venue, rest=rest, grpc="", environment=environment,
                       auth="ed25519", public=public or rest,
                       key_id_env=text.get("key_id_env", ""), key_file=text.get("key_file", ""),
                       secret_env=text.get("secret_env", ""), ca_file=text.get("ca_file", ""))
    if environment in ENVIRONMENTS:
        rest, grpc, token_url, audience = ENVIRONMENTS[environment]
        if privatelink:
            connect, rest_host, authority = PRIVATELINK[environment]
            rest, grpc = f"https://{connect}", f"{connect}:443"
    elif environment != "custom":
        raise ProfileError(f"{where}: environment is {environment!r}; expected preprod, "
                           "prod or custom.")
    if not rest or not grpc:
        raise ProfileError(f"{where}: a custom environment needs rest and grpc.")
    if environment == "custom" and auth == "auth0":  # e.g. `pmdesk sim`: its own token URL
        token_url, audience = f"{rest.rstrip('/')}/oauth/token", rest.rstrip("/")
    tier = body.get("tier", 1)
    if not isinstance(tier, int) or isinstance(tier, bool) or not 1 <= tier <= 4:
        raise ProfileError(f"{where}: tier is {tier!r}; expected 1, 2, 3 or 4 (your firm's "
                           "rate-limit tier; 1 if unsure).")
    return Profile(name=name, venue=venue, rest=rest, grpc=grpc, environment=environment,
                   auth=auth, tier=tier, user=text.get("user", ""),
                   password_env=text.get("password_env", ""),
                   client_id_env=text.get("client_id_env", ""),
                   key_file=text.get("key_file", ""),
                   token_url=text.get("token_url", token_url),
                   audience=text.get("audience", audience), account=text.get("account", ""),
                   participant_id=text.get("participant_id", ""), privatelink=privatelink,
                   rest_host=rest_host, grpc_authority=authority,
                   ca_file=text.get("ca_file", ""))


def _clob(name: str, text: dict[str, str], signature_type: object, where: str) -> Profile:
    environment = text.get("environment", "prod")
    rest, ws = text.get("rest", ""), text.get("ws", "")
    if environment == "prod":
        rest, ws = CLOB_PROD
    elif environment != "custom":
        raise ProfileError(f"{where}: a clob environment is prod or custom.")
    if not rest:
        raise ProfileError(f"{where}: a custom clob environment needs rest.")
    if ws and not ws.startswith(("ws://", "wss://")):
        raise ProfileError(f"{where}: ws is {ws!r}; expected a URL starting with wss://.")
    if not (text.get("key_file") or text.get("key_env")):
        raise ProfileError(f"{where}: a clob profile needs key_file (or key_env) naming the "
                           "wallet's private key.")
    if signature_type not in (0, 1, 2, 3):
        raise ProfileError(f"{where}: signature_type is {signature_type!r}; expected 0 (EOA), "
                           "1 (Polymarket proxy), 2 (Gnosis Safe) or 3 (deposit wallet).")
    funder = text.get("funder", "")
    if signature_type and not funder:
        raise ProfileError(f"{where}: signature_type {signature_type} trades a proxy, Safe or "
                           "deposit wallet: set funder to its address.")
    if funder and not re.fullmatch(r"0x[0-9a-fA-F]{40}", funder):
        # a deposit wallet's address is signed into every order (as its signer): catch a
        # typo here, not at the first order
        raise ProfileError(f"{where}: funder is {funder!r}; expected an address (0x and 40 "
                           "hex digits).")
    return Profile(name=name, venue="clob", rest=rest, grpc="", environment=environment,
                   auth="eip712", key_file=text.get("key_file", ""),
                   key_env=text.get("key_env", ""), signature_type=int(signature_type),
                   funder=funder, ws=ws, ca_file=text.get("ca_file", ""))
