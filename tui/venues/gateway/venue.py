"""The Exchange Trading Gateway as a Venue: REST commands, gRPC streams, one DeskState."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import grpc

from tui.core.cancels import STILL_LISTED, CancelReport, MaybeWorking
from tui.core.model import Order
from tui.core.ratelimit import GatewayLimiter
from tui.core.state import DeskState
from tui.core.venue import LocalDatabase, VenueError
from tui.proto.polymarket.v1 import dropcopy_pb2_grpc as dc_grpc
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import positions_pb2_grpc as pos_grpc
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.proto.polymarket.v1 import trading_pb2_grpc as tr_grpc
from tui.venues.base import ORDER_STREAM, STOP_WAIT, VenueBase
from tui.venues.gateway import convert
from tui.venues.gateway.accounts import AccountSwitch
from tui.venues.gateway.backfill import TradeBackfill
from tui.venues.gateway.book_poll import BookPoller
from tui.venues.gateway.commands import Commands
from tui.venues.gateway.connection import Connection
from tui.venues.gateway.recovery import DROP_COPY, Recovery
from tui.venues.gateway.reports import Reports
from tui.venues.gateway.rest import GatewayRest, Tokens
from tui.venues.gateway.streams import Metadata, StreamWorker, open_channel

if TYPE_CHECKING:
    from tui.venues.gateway.auth0 import Auth0Client

log = logging.getLogger(__name__)

# where an exchange that is still starting will listen: (REST URL, gRPC target)
Where = Callable[[], Awaitable[tuple[str, str]]]

BOOK_DEPTH = 25
OTHERS_EVERY = 30.0  # seconds between reads of the other accounts' balances (a firm's)
REFRESH_MARGIN = 30.0  # renew the access token this long before it expires (spec §2.1)


class GatewayVenue(Commands, Reports, Recovery, TradeBackfill, VenueBase):
    def __init__(self, *, rest_url: str, grpc_target: str, username: str, password: str,
                 state: DeskState | None = None, silence_timeout: float = 180.0,
                 venue_name: str = "gateway", store: LocalDatabase | None = None,
                 open_store: Callable[[str], LocalDatabase] | None = None,
                 auth0: Auth0Client | None = None, tokens: Tokens | None = None,
                 connection: Connection | None = None, tier: int = 1,
                 where: Where | None = None) -> None:
        super().__init__(state=state, venue_name=venue_name, store=store,
                         open_store=open_store)
        # CA file and PrivateLink names for both REST and gRPC (None: system roots, direct)
        self.connection = connection or Connection()
        self.rest = GatewayRest(rest_url, connection=self.connection)
        self.rest.limiter = GatewayLimiter(tier)  # paced by the firm's tier (§11.7)
        self._auth0 = auth0  # the private-key JWT login; None: the legacy user/password one
        if tokens is not None:  # logged in before the screen opened (a one-time code asked)
            self.rest.tokens = tokens
        self._logged_in = tokens is not None
        self._drop_copy_token = b""
        self.grpc_target = grpc_target
        # the exchange's addresses, known only once it listens (the demo's own, started
        # with the desk): asked first thing in start(), so the screen opens meanwhile
        self._where = where
        self._username = username
        self._password = password  # kept only in memory, to log in again if refresh fails
        self.silence_timeout = silence_timeout
        self._channel: grpc.aio.Channel | None = None
        self._workers: list[StreamWorker] = []
        self._balance_due = asyncio.Event()
        self._auth_lock = asyncio.Lock()
        self.switching = AccountSwitch(self)  # a login with several accounts
        # the books on screen over REST while the price stream is down (book_poll.py)
        self.book_poller = BookPoller(self.state, self.rest, self._on_book_update)
        self.rest.on_unauthorized = self._reauth_now
        self.rest.holds = self._held  # the kill switch's latch, asked as each request leaves
        # a 429 is told to the trader (the client paces itself, so it should be rare)
        self.rest.on_throttled = lambda words: self.state.notify(words, "warning")

    # --- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        if self._where is not None:
            rest_url, self.grpc_target = await self._where()
            self.rest.base_url, self._where = rest_url.rstrip("/"), None
        # the gRPC link connects while REST logs in: the streams then start on a ready one
        self._channel = open_channel(self.grpc_target, connection=self.connection)
        self._channel.get_state(try_to_connect=True)
        await self._log_in()
        # the reference data needs no account: asked while the account's steps run
        listing = asyncio.ensure_future(self.rest.instruments())
        try:
            if self.market_only:  # the streams' metadata names the participant, no more
                self.rest.participant_id = (await self.rest.whoami()).user
            else:
                await self._open_account()
            listed = await listing
        finally:
            if not listing.done():
                listing.cancel()
            elif not listing.cancelled():
                listing.exception()  # seen: an account error is the one told
        instruments, skipped = convert.instruments(listed)
        self.state.set_instruments(instruments)
        if skipped:
            self.state.notify(f"{len(skipped)} markets left out: their reference data has no "
                              f"usable price scale or tick ({', '.join(skipped[:3])}).",
                              "warning")
        if not self.market_only:
            self.tasks.spawn(self._first_balance(), "first balance")  # the books need none

        md = md_grpc.MarketDataSubscriptionAPIStub(self._channel)
        symbols = list(self.state.instruments)
        prices = self._worker("prices", lambda m: md.CreateMarketDataSubscription(
            md_pb.CreateMarketDataSubscriptionRequest(symbols=symbols, depth=BOOK_DEPTH),
            metadata=m), self._on_market)
        prices.start()
        self._workers = [prices]
        self.tasks.spawn(self.book_poller.run(), "book poll")
        self.tasks.spawn(self._keep_token_fresh(), "token")
        if self.market_only:
            return
        self.start_account_workers()
        # the day's fills a new or lost database lacks (the database is attached by now)
        self.tasks.spawn(self._backfill_fills(), "fill backfill")
        self.tasks.spawn(self._keep_balance_fresh(), "balance")

    @property
    def account_workers(self) -> list[StreamWorker]:
        return list(self._workers[1:])

    def start_account_workers(self) -> None:
        """The streams of the account traded: its orders, positions and drop copy."""
        assert self._channel is not None
        orders = tr_grpc.OrderEntryAPIStub(self._channel)
        positions = pos_grpc.PositionAPIStub(self._channel)
        drop_copy = dc_grpc.DropCopyAPIStub(self._channel)
        account = self.account
        workers = [
            self._worker(ORDER_STREAM, lambda m: orders.CreateOrderSubscription(
                tr_pb.CreateOrderSubscriptionRequest(accounts=[account]), metadata=m),
                self._on_orders),
            self._worker("positions", lambda m: positions.CreatePositionSubscription(
                pos_pb.CreatePositionSubscriptionRequest(
                    accounts=list(self.position_accounts)), metadata=m),
                self._on_positions),
            self._worker(DROP_COPY, lambda m: drop_copy.CreateDropCopySubscription(
                self._drop_copy_request(), metadata=m), self._on_drop_copy),
        ]
        workers[-1].on_refused = self._forget_drop_copy_token
        for worker in workers:
            worker.start()
        self._workers = [self._workers[0], *workers]

    async def kill_switch(self, why: str = "the kill switch was pressed", *,
                          account: str | None = None) -> CancelReport:
        """Every account the login trades (or the one named): the one traded swept as every
        venue sweeps (its inserts on their way included), the others' orders as the exchange
        lists them."""
        if account is not None and account != self.account:  # another one, alone
            self.state.set_latch(why)
            sent, listed = await self.switching.kill_others(only=account)
            return CancelReport(cancelled=sent, confirmed=not listed, accounts=(account,),
                                left=tuple(MaybeWorking(o, STILL_LISTED) for o in listed))
        report = await super().kill_switch(why)
        if not self.state.tradable or account is not None:
            return replace(report, accounts=(account,) if account else ())
        sent, listed = await self.switching.kill_others()
        left = report.left + tuple(MaybeWorking(o, STILL_LISTED) for o in listed)
        return replace(report, cancelled=report.cancelled + sent, left=left,
                       accounts=self.state.tradable)

    async def switch_account(self, account: str) -> None:
        """Trade and show another of the login's accounts (tui/venues/gateway/accounts.py)."""
        await self.switching.switch(account)

    async def stop(self) -> None:
        await super().stop()
        await self.switching.close()

    async def _open_account(self) -> None:
        """Who we are, our trading account, and its local database."""
        who = await self.rest.whoami()
        self.rest.participant_id = who.user
        accounts = await self.rest.accounts(who.user)
        if not accounts.accounts:
            raise VenueError(f"User {who.user} has no trading account.")
        self.account = accounts.accounts[0]
        # a firm's or an ISV's login may trade several: the first is traded first
        self.state.tradable = tuple(accounts.accounts) if len(accounts.accounts) > 1 else ()
        if self.state.tradable:
            await self.switching.name_holders()
        self.state.user = who.user_display_name or who.user
        self.state.open_account(self.account)
        await self._open_local_database()

    async def _first_balance(self) -> None:
        if self.state.tradable:
            self._balance_due.set()  # the other accounts' too, for the firm's total
        try:
            self.state.set_balance(convert.balance(await self.rest.balance(self.account)))
        except VenueError as exc:  # the desk can trade without it; say so and carry on
            self.state.notify(f"Balance unavailable: {exc}", "warning")

    async def _close_wire(self) -> None:
        await super()._close_wire()  # REST, then the gRPC channel
        with contextlib.suppress(TimeoutError):
            if self._channel is not None:
                await asyncio.wait_for(self._channel.close(grace=None), STOP_WAIT)
        if self._auth0 is not None:
            await self._auth0.close()

    def _remember(self, past: list[Order]) -> None:
        """Past orders' intents for reports of them; the drop copy resumes where it was."""
        super()._remember(past)
        if self.store is not None:
            self._drop_copy_token = self.store.resume_token(DROP_COPY) or b""

    def _worker(self, name: str, open_stream: Any, handle: Any) -> StreamWorker:
        return StreamWorker(name, self.state, open_stream, handle, self._metadata,
                            self._reauth_now, silence_timeout=self.silence_timeout)

    # --- auth -----------------------------------------------------------------------
    async def _metadata(self) -> Metadata:
        if self.rest.tokens.access_expires - time.time() < REFRESH_MARGIN:
            await self._reauth()
        return [("authorization", f"Bearer {self.rest.tokens.access}"),
                ("x-participant-id", self.rest.participant_id)]

    async def _reauth(self, *, refused: str | None = None) -> None:
        """Renew the access token: when near expiry, or at once when the venue refused one."""
        async with self._auth_lock:
            if refused is not None and refused != self.rest.tokens.access:
                return  # the refused token was already replaced by another caller
            if refused is None and self.rest.tokens.access_expires - time.time() > (
                    REFRESH_MARGIN):
                return  # another caller already renewed it
            if self._auth0 is not None:  # a new signed assertion; streams keep their token
                await self._auth0.renew(self.rest.tokens)
                return
            try:
                await self.rest.refresh()
            except VenueError:
                await self.rest.login(self._username, self._password)

    async def _log_in(self) -> None:
        if self._logged_in:
            self._logged_in = False  # once: a later login is a real one
            return
        if self._auth0 is not None:
            await self._auth0.renew(self.rest.tokens)
        else:
            await self.rest.login(self._username, self._password)

    async def _reauth_now(self, refused: str) -> None:
        await self._reauth(refused=refused)

    async def _keep_token_fresh(self) -> None:
        while True:
            wait = self.rest.tokens.access_expires - time.time() - REFRESH_MARGIN
            await asyncio.sleep(max(wait, 1.0))
            try:
                await self._reauth()
            except Exception as exc:  # noqa: BLE001 - this loop must outlive any one failure
                self.state.notify(f"Could not renew the session: {exc}", "error")
                await asyncio.sleep(5.0)

    async def _keep_balance_fresh(self) -> None:
        others_due = 0.0  # the firm's other accounts: read at once, then every OTHERS_EVERY
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._balance_due.wait(), timeout=10.0)
            self._balance_due.clear()
            with contextlib.suppress(VenueError):
                self.state.set_balance(convert.balance(await self.rest.balance(self.account)))
            if self.state.tradable and time.monotonic() >= others_due:
                # the firm's total sums every account's; this desk's fills move only its own
                others_due = time.monotonic() + OTHERS_EVERY
                for account in self.state.tradable:
                    if account != self.account:
                        with contextlib.suppress(VenueError):
                            self.state.set_balance(convert.balance(
                                await self.rest.balance(account)), account=account)
            await asyncio.sleep(0.5)  # the account traded: at most two reads a second

