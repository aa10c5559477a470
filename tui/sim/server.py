"""The embedded exchange as a running server: engine, synthetic flow, REST and gRPC on loopback."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import socket
import tempfile
from collections import deque
from decimal import Decimal
from pathlib import Path

import grpc
import uvicorn
from nacl.signing import SigningKey

from tui.sim.auth import SimUser, TokenIssuer, demo_users
from tui.sim.auth0 import Auth0Server
from tui.sim.clob.api import DEMO_CLOB_ADDRESS, ClobApi
from tui.sim.clob.tokens import SHADOW_CASH
from tui.sim.clob.ws import ClobSockets
from tui.sim.exchange import Exchange
from tui.sim.firehose import Firehose
from tui.sim.flow import SyntheticFlow
from tui.sim.grpc_server import Received, build_grpc_server
from tui.sim.hub import MD_INTERVAL, Hub
from tui.sim.legacy_auth import LegacyAuth
from tui.sim.markets import demo_instruments
from tui.sim.rest import RestReceived, build_rest_app
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET, RetailApi, RetailKeys
from tui.sim.retail.ws import RetailSockets
from tui.sim.service import GatewayService
from tui.sim.throttle import Throttle, ThrottleMiddleware
from tui.sim.trades_report import TradeReports

DEMO_CASH = Decimal("100000")
log = logging.getLogger(__name__)


class SimServer:
    """One exchange shared by every client that connects to its two ports."""

    def __init__(self, *, host: str = "127.0.0.1", rest_port: int = 0, grpc_port: int = 0,
                 seed: int = 7, flow: bool = True, access_ttl: float = 180.0,
                 heartbeat: float = 1.0, throttle: bool = False,
                 tls: tuple[bytes, bytes] | None = None, firehose: int = 0,
                 firehose_markets: int = 1, md_interval: float = MD_INTERVAL) -> None:
        self.host = host
        self.tls = tls  # (certificate chain PEM, private key PEM): serve both ports over TLS
        self._tls_dir: tempfile.TemporaryDirectory[str] | None = None
        # the last calls as they arrived, before parsing: what a client really sent
        self.grpc_received: deque[Received] = deque(maxlen=256)
        self.rest_received: deque[RestReceived] = deque(maxlen=256)
        self._rest_port = rest_port
        self._grpc_port = grpc_port
        self.seed = seed
        self.exchange = Exchange(demo_instruments())
        self.auth = TokenIssuer(demo_users(), access_ttl=access_ttl)
        self.auth0 = Auth0Server(self.auth)  # POST /oauth/token: private-key JWT clients
        # legacy register / enroll_mfa / confirm_mfa, and the one-time code at login
        self.legacy = LegacyAuth(self.auth, on_register=self._open_accounts)
        self.auth.second_factor = self.legacy.check_login_otp
        for user in self.auth.users.values():
            self._open_accounts(user)
        self.service = GatewayService(self.exchange)
        # retail API keys (Ed25519); the demo user's key has a public seed, like its password
        self.retail = RetailApi(self.exchange, self.auth.users, RetailKeys())
        self.register_retail_key(DEMO_RETAIL_KEY_ID, bytes(SigningKey(
            base64.b64decode(DEMO_RETAIL_SECRET)).verify_key), "demo")
        # the global CLOB's routes (global-clob.md) on the REST port, its demo wallet funded
        self.clob = ClobApi(self.exchange)
        self.add_clob_wallet(DEMO_CLOB_ADDRESS, DEMO_CASH)
        self.hub = Hub(self.exchange, md_interval)
        # SearchTrades, GetTradeStats and downloads, for gRPC and REST alike: one trade index
        # (the Hub's trade journal) and one tape, both listening before anything trades
        self.trade_reports = TradeReports(self.exchange, self.hub.journals.trades)
        self.clob_ws = ClobSockets(self.clob, self.hub)  # /ws/market, /ws/user
        self.heartbeat = heartbeat
        # the retail WebSockets (§8) on the REST port, fanned out by the same Hub as gRPC
        self.retail_ws = RetailSockets(self.retail, self.hub, lambda: self.heartbeat)
        # the spec's per-firm, per-method order-entry limits (Tier 1), answered with 429
        self.throttle = Throttle(self.auth) if throttle else None
        self.flow = SyntheticFlow(self.exchange, seed,
                                  grid=self.clob.ticks.raw_tick) if flow else None
        # book changes a second over the first markets as ListInstruments serves them (by
        # symbol): the desk opens on the first
        self.firehose = Firehose(self.exchange, firehose,
                                 sorted(self.exchange.instruments)[:firehose_markets],
                                 seed) if firehose > 0 else None
        self._grpc: grpc.aio.Server | None = None
        self._uvicorn: _Uvicorn | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()
        self.rest_port = 0
        self.grpc_port = 0

    @property
    def rest_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.rest_port}"

    @property
    def grpc_target(self) -> str:
        return f"{self.host}:{self.grpc_port}"

    async def start(self) -> None:
        """Listen on both ports; if either is taken, release the other and raise OSError."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        self._grpc = build_grpc_server(self.auth, self.service, self.hub, self.heartbeat,
                                       trade_reports=self.trade_reports,
                                       recorder=self.grpc_received)
        try:
            if self.tls is not None:
                creds = grpc.ssl_server_credentials([(self.tls[1], self.tls[0])])
                self.grpc_port = self._grpc.add_secure_port(
                    f"{self.host}:{self._grpc_port}", creds)
            else:
                self.grpc_port = self._grpc.add_insecure_port(f"{self.host}:{self._grpc_port}")
        except RuntimeError as exc:  # grpcio raises instead of returning 0 on a taken port
            raise OSError(f"gRPC port {self._grpc_port} is taken") from exc
        if self.grpc_port == 0:
            raise OSError(f"cannot listen for gRPC on {self.host}:{self._grpc_port}")
        await self._grpc.start()

        # bind the REST socket ourselves so port 0 gives a known free port before serving
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit it: uvicorn on a socket of ours never sets it, and a
        # response written in two parts then waited on the client's delayed ACK, 40 ms a
        # request on a kept-alive connection (every REST answer after the first)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self._rest_port))
        self.rest_port = sock.getsockname()[1]
        app = build_rest_app(self.auth, self.service, self.trade_reports,
                             recorder=self.rest_received)
        app.router.routes.extend(self.retail.routes())  # /v1/orders, /v1/order/..., ...
        app.router.routes.extend(self.retail_ws.routes())  # /v1/ws/private, /v1/ws/markets
        app.router.routes.extend(self.auth0.routes())
        app.router.routes.extend(self.clob.routes())  # /book, /order, /auth/api-key, ...
        app.router.routes.extend(self.clob_ws.routes())
        app.router.routes.extend(self.legacy.routes())
        if self.throttle is not None:
            app.add_middleware(ThrottleMiddleware, throttle=self.throttle)
        config = uvicorn.Config(app, log_level="warning",
                                access_log=False, lifespan="off", **self._ssl_files())
        self._uvicorn = _Uvicorn(config)
        self._uvicorn.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        serving = asyncio.create_task(self._uvicorn.serve(sockets=[sock]))
        self._tasks.append(serving)
        listening = asyncio.create_task(self._uvicorn.listening.wait())
        await asyncio.wait({listening, serving}, return_when=asyncio.FIRST_COMPLETED)
        listening.cancel()
        if not self._uvicorn.started:
            raise OSError(f"the REST server did not start on {self.host}:{self.rest_port}")

        if self.flow is not None:
            self._tasks.append(asyncio.create_task(self.flow.run(self._stop)))
        if self.firehose is not None:
            self._tasks.append(asyncio.create_task(self.firehose.run(self._stop)))
        self._tasks.append(asyncio.create_task(self._expiry_loop()))
        self._tasks.append(asyncio.create_task(self.clob.run(self._stop)))

    def _ssl_files(self) -> dict[str, str]:
        """uvicorn reads certificates from files only: a private temp dir for this run."""
        if self.tls is None:
            return {}
        self._tls_dir = tempfile.TemporaryDirectory(prefix="pmdesk-sim-tls-")
        cert, key = Path(self._tls_dir.name, "cert.pem"), Path(self._tls_dir.name, "key.pem")
        cert.write_bytes(self.tls[0])
        key.touch(mode=0o600)
        key.write_bytes(self.tls[1])
        return {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}

    async def _expiry_loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=0.25)
            self.exchange.expire_due(self.exchange.clock())

    def register_client(self, client_id: str, public_pem: bytes | str, username: str,
                        scopes: tuple[str, ...] | None = None) -> None:
        """Register an Auth0 client: its RSA public key (PEM), acting as the named user,
        granted `scopes` (default: every trader scope of spec §2.4)."""
        extra = {} if scopes is None else {"scopes": scopes}
        self.auth0.register_client(client_id, public_pem, self.auth.users[username], **extra)

    def registration_token(self, username: str, ttl: float = 24 * 3600.0) -> str:
        """A one-time `/auth/v1beta1/register` token with which a new user picks a password."""
        return self.legacy.registration_token(username, ttl)

    def _open_accounts(self, user: SimUser) -> None:
        for account in user.accounts:
            if account not in self.exchange.accounts:  # an ISV's clients' are theirs
                self.exchange.add_account(account, user.participant_id, DEMO_CASH)

    def add_clob_wallet(self, address: str, cash: Decimal, signature_type: int = 0,
                        owners: tuple[str, ...] = ()) -> str:
        """A CLOB wallet with its own account holding ``cash`` pUSD; ``owners`` are the EOAs
        that sign for a proxy, Safe or deposit wallet (an EOA signs for itself). Returns the
        account."""
        account = f"firms/CLOB/accounts/{address.lower()}"
        # the engine's cash for it is a shadow: the wallet's own pUSD is the token ledger's
        self.exchange.add_account(account, f"firms/CLOB/users/{address.lower()}", SHADOW_CASH)
        self.clob.tokens.fund(account, cash)
        self.clob.auth.add_wallet(address, account, signature_type, owners)
        return account

    def register_retail_key(self, key_id: str, public_key: bytes, username: str) -> None:
        """Register a retail API key: its Ed25519 public key, acting as the named user."""
        if username not in self.auth.users:
            raise KeyError(f"no user {username!r}")
        self.retail.keys.register(key_id, public_key, username)

    def settle_market(self, market: str, price: Decimal) -> None:
        """Operator hook: settle a market (symbol or retail slug) at ``price`` dollars a YES
        contract (1 or 0; anything between on the market's price scale): trading ends, its
        resting orders are canceled and every position in it is paid out."""
        symbol = next((s for s in self.exchange.instruments if s.lower() == market.lower()),
                      None)
        if symbol is None:
            raise KeyError(f"no market {market!r}")
        raw = price * self.exchange.instruments[symbol].scales.price_scale
        if raw != raw.to_integral_value():
            raise ValueError(f"{price} is finer than {symbol}'s price scale")
        self.exchange.settle_market(symbol, int(raw))

    def drop_streams(self) -> int:
        """Break every open stream and retail socket, as a network fault would; how many."""
        # first: they take their subscribers off the Hub
        sockets = self.retail_ws.drop_all() + self.clob_ws.drop_all()
        return sockets + self.hub.drop_all()

    async def stop(self) -> None:
        self._stop.set()
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._grpc is not None:
            await self._grpc.stop(grace=0.2)
        # bounded: a task that ignores its stop is cancelled and left behind, never awaited
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=2.0)
            for task in late:
                task.cancel()
        self._tasks.clear()
        if self._tls_dir is not None:
            self._tls_dir.cleanup()
            self._tls_dir = None


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, saying when its startup is over (uvicorn offers only a flag, which
    a start would have to poll): ``started`` then tells whether it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.listening.set()
