"""How the desk reaches the gateway: which CA to trust, and PrivateLink's names (spec §1.2-1.3).

One small value threaded through GatewayRest, open_channel, GatewayVenue and `pmdesk check`,
so REST and gRPC always agree on TLS and on the name they present.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import httpx

from tui.core.venue import VenueError

if TYPE_CHECKING:
    from tui.core.profiles import Profile

# spec §11.8 keepalive; receive size as the samples (not a server rule)
GRPC_OPTIONS: list[tuple[str, Any]] = [
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
]
LOOPBACK = ("127.", "localhost", "[::1]", "::1")
_PEM_CERT = b"-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True, slots=True)
class Connection:
    """ca_file: a PEM bundle to trust instead of the system roots ("" = system roots).
    rest_host: the REST Host header and TLS name (PrivateLink's rest.<env>...).
    grpc_authority: the gRPC :authority and TLS name (PrivateLink's traderapi.<env>...)."""

    ca_file: str = ""
    rest_host: str = ""
    grpc_authority: str = ""

    @classmethod
    def from_profile(cls, profile: Profile) -> Connection:
        return cls(ca_file=profile.ca_file, rest_host=profile.rest_host,
                   grpc_authority=profile.grpc_authority)

    def ca_pem(self) -> bytes | None:
        """The CA file's bytes (None: system roots); one plain sentence if it is unusable."""
        if not self.ca_file:
            return None
        path = Path(self.ca_file).expanduser()
        try:
            pem = path.read_bytes()
        except FileNotFoundError:
            raise VenueError(f"The CA file {path} does not exist; fix ca_file in the "
                             "profile.") from None
        except OSError as exc:
            raise VenueError(f"The CA file {path} cannot be read "
                             f"({exc.strerror or exc}).") from None
        if _PEM_CERT not in pem:
            raise VenueError(f"The CA file {path} holds no PEM certificate "
                             "(expected -----BEGIN CERTIFICATE-----).")
        return pem

    def ssl_context(self) -> ssl.SSLContext:
        pem = self.ca_pem()
        if pem is None:
            return ssl.create_default_context()
        try:
            return ssl.create_default_context(cadata=pem.decode("ascii", "replace"))
        except ssl.SSLError as exc:
            raise VenueError(f"The CA file {Path(self.ca_file).expanduser()} is not a "
                             f"usable PEM certificate ({exc.reason or exc}).") from None

    def httpx_kwargs(self, tls: bool = True) -> dict[str, Any]:
        """verify / headers / event_hooks for an httpx.AsyncClient (raises VenueError).
        tls=False: a plain http:// client, which has no certificate to verify, so the trust
        store (some 70 ms to load, on the event loop) is not loaded."""
        kwargs: dict[str, Any] = {"verify": self.ssl_context() if tls else False}
        if self.rest_host:
            kwargs["headers"] = {"Host": self.rest_host}
            kwargs["event_hooks"] = {"request": [self._sni]}
        return kwargs

    async def _sni(self, request: httpx.Request) -> None:
        # PrivateLink: we connect to the endpoint's name, but TLS must present and verify
        # rest_host, as the Host header does
        if request.url.scheme == "https":
            request.extensions["sni_hostname"] = self.rest_host

    def tls_for(self, target: str) -> bool:
        """TLS unless this is a plain loopback target with no CA of its own (the sim)."""
        return bool(self.ca_file) or not target.startswith(LOOPBACK)

    def channel(self, target: str, *, tls: bool | None = None) -> grpc.aio.Channel:
        """A gRPC channel with the spec's keepalive, this CA and this authority."""
        options = list(GRPC_OPTIONS)
        if self.grpc_authority:
            options.append(("grpc.default_authority", self.grpc_authority))
        if tls is None:
            tls = self.tls_for(target)
        if not tls:
            return grpc.aio.insecure_channel(target, options=options)
        if self.grpc_authority:  # the certificate names the authority, not the endpoint
            options.append(("grpc.ssl_target_name_override", self.grpc_authority))
        pem = self.ca_pem()
        creds = (grpc.ssl_channel_credentials(root_certificates=pem) if pem is not None
                 else grpc.ssl_channel_credentials())
        return grpc.aio.secure_channel(target, creds, options=options)


DIRECT = Connection()  # today's behaviour: system roots, no name overrides
