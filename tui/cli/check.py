"""`pmdesk check`: connectivity and login, step by step, in plain words.

Each step runs only if the one before it worked, and says what it found or what failed
and what to try. Nothing is traded; no secret is ever printed.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import grpc
import httpx

from tui.cli.credentials import gateway_credentials
from tui.core.profiles import Profile
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.venues.gateway.auth0 import Auth0Client
from tui.venues.gateway.connection import Connection
from tui.venues.gateway.rest import GatewayRest
from tui.venues.gateway.streams import open_channel

STEP_TIMEOUT = 8.0  # seconds any one step may take


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    ok: bool | None  # None: skipped, because a step before it failed
    words: str


class Checker:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        # the profile's CA file and PrivateLink names, for REST and gRPC alike
        self.connection = Connection.from_profile(profile)
        self.rest = GatewayRest(profile.rest, timeout=STEP_TIMEOUT, connection=self.connection)
        self.password = ""
        self.symbol = ""
        self.auth0: Auth0Client | None = None

    async def run(self) -> list[Step]:
        steps: list[tuple[str, Callable[[], Awaitable[str]]]] = [
            ("credentials", self._credentials), ("REST reachable", self._health),
            ("log in", self._login), ("account", self._account),
            ("gRPC market data", self._stream)]
        try:
            return await run_steps(steps)
        finally:
            await self.rest.close()

    async def _credentials(self) -> str:
        p = self.profile
        try:
            self.password, self.auth0 = gateway_credentials(p)
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        if self.auth0 is not None:
            return f"client from ${p.client_id_env}, key {p.key_file} (private)"
        return f"user {p.user}, password from ${p.password_env}"

    async def _health(self) -> str:
        try:
            settings = self.connection.httpx_kwargs()  # Host header, SNI, the CA to trust
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        try:
            async with httpx.AsyncClient(timeout=STEP_TIMEOUT, **settings) as http:
                resp = await http.get(f"{self.profile.rest}/v1/health")
        except httpx.ConnectError as exc:
            raise CheckError(f"cannot reach {self.profile.rest} ({_reason(exc)}).") from None
        except httpx.HTTPError as exc:
            raise CheckError(f"{self.profile.rest} did not answer ({_reason(exc)}).") from None
        if resp.status_code == 464:
            raise CheckError("HTTP 464: the Host header is wrong (PrivateLink needs "
                              "privatelink = true).")
        if resp.status_code != 200:
            raise CheckError(f"{self.profile.rest}/v1/health answered HTTP "
                              f"{resp.status_code}.")
        return f"{self.profile.rest} answers"

    async def _login(self) -> str:
        try:
            if self.auth0 is not None:
                await self.auth0.renew(self.rest.tokens)
                await self.auth0.close()
                return f"access token from {self.profile.token_url}"
            await self.rest.login(self.profile.user, self.password)
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        return "logged in"

    async def _account(self) -> str:
        try:
            who = await self.rest.whoami()
            self.rest.participant_id = self.profile.participant_id or who.user
            accounts = await self.rest.accounts(who.user)
            instruments = await self.rest.instruments()
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        if not accounts.accounts:
            raise CheckError(f"user {who.user} has no trading account.")
        if self.profile.account and self.profile.account not in accounts.accounts:
            raise CheckError(f"account {self.profile.account} is not one of this user's: "
                              f"{', '.join(accounts.accounts)}.")
        self.symbol = instruments[0].symbol if instruments else ""
        return (f"{who.user}; accounts {', '.join(accounts.accounts)}; "
                f"{len(instruments)} markets")

    async def _stream(self) -> str:
        try:
            channel = open_channel(self.profile.grpc, connection=self.connection)
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        metadata = [("authorization", f"Bearer {self.rest.tokens.access}"),
                    ("x-participant-id", self.rest.participant_id)]
        try:
            stub = md_grpc.MarketDataSubscriptionAPIStub(channel)
            call = stub.CreateMarketDataSubscription(md_pb.CreateMarketDataSubscriptionRequest(
                symbols=[self.symbol] if self.symbol else [], depth=1, snapshot_only=True),
                metadata=metadata)
            first = await call.read()
            call.cancel()
        except grpc.aio.AioRpcError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in (exc.details() or ""):
                raise CheckError(f"{self.profile.grpc}: {_UNTRUSTED}.") from None
            raise CheckError(f"{self.profile.grpc}: {exc.code().name.lower()} "
                              f"({exc.details() or 'no detail'}).") from None
        finally:
            await channel.close(grace=None)
        if first is grpc.aio.EOF:
            raise CheckError(f"{self.profile.grpc} ended the stream without data.")
        return f"{self.profile.grpc} streams ({self.symbol or 'all markets'})"


_UNTRUSTED = ("its TLS certificate is not trusted (set ca_file to the CA that issued it, "
              "or check the host name)")


class CheckError(Exception):
    """What failed, in words."""


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "All connection attempts failed" in text:
        return "nothing is listening there"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "the name does not resolve"
    if "CERTIFICATE" in text.upper():
        return _UNTRUSTED
    return text


async def run_steps(steps: list[tuple[str, Callable[[], Awaitable[str]]]]) -> list[Step]:
    """Each step in turn, each bounded in time; after a failure the rest are skipped."""
    done: list[Step] = []
    failed = False
    for name, step in steps:
        if failed:
            done.append(Step(name, None, "skipped"))
            continue
        try:
            words = await asyncio.wait_for(step(), STEP_TIMEOUT)
            done.append(Step(name, True, words))
        except TimeoutError:
            failed = True
            done.append(Step(name, False, f"no answer within {STEP_TIMEOUT:g} s"))
        except CheckError as exc:
            failed = True
            done.append(Step(name, False, str(exc)))
    return done


def report(steps: list[Step]) -> str:
    marks = {True: "✓", False: "✗", None: "·"}
    return "\n".join(f"{marks[s.ok]} {s.name}: {s.words}" for s in steps)


def cmd_check(args: argparse.Namespace) -> int:
    import asyncio

    from tui.cli.common import load_profile

    profile = load_profile(args.profile)
    if profile is None:
        return 2
    print(f"checking {profile.summary()}")
    if profile.venue == "retail":
        from tui.cli.check_retail import RetailChecker

        steps = asyncio.run(RetailChecker(profile).run())
    elif profile.venue == "clob":
        from tui.cli.check_clob import ClobChecker

        steps = asyncio.run(ClobChecker(profile).run())
    else:
        steps = asyncio.run(Checker(profile).run())
    print(report(steps))
    return 0 if all(s.ok for s in steps) else 1
