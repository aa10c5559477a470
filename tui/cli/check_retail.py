"""`pmdesk check` for a retail profile: key, public REST, a signed request, both sockets.

Each step says what it found or what failed and what to try; nothing is traded and no
secret is printed.
"""

from __future__ import annotations

import asyncio
import json
import ssl

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus, WebSocketException

from tui.cli.check import STEP_TIMEOUT, CheckError, Step, _reason, run_steps
from tui.cli.retail import retail_credentials, retail_ssl
from tui.core.profiles import Profile
from tui.core.venue import VenueError
from tui.venues.retail import convert
from tui.venues.retail.rest import RetailRest
from tui.venues.retail.venue import ws_base


class RetailChecker:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.rest: RetailRest | None = None
        self.slug = ""
        self.ssl: ssl.SSLContext | None = None

    async def run(self) -> list[Step]:
        try:
            return await run_steps([
                ("credentials", self._credentials), ("public REST", self._public),
                ("signed request", self._signed), ("private socket", self._private),
                ("markets socket", self._markets)])
        finally:
            if self.rest is not None:
                await self.rest.close()

    async def _credentials(self) -> str:
        try:
            key_id, secret = retail_credentials(self.profile)
            self.ssl = retail_ssl(self.profile)
            self.rest = RetailRest(self.profile.rest, key_id, secret,
                                   public_url=self.profile.public or self.profile.rest,
                                   timeout=STEP_TIMEOUT, max_retries=0,
                                   verify=self.ssl if self.ssl is not None else True)
        except ValueError as exc:
            raise CheckError(str(exc)) from None
        where = self.profile.key_file or f"${self.profile.secret_env}"
        return f"key {key_id[:8]}… from ${self.profile.key_id_env}, secret from {where}"

    async def _public(self) -> str:
        assert self.rest is not None
        try:
            markets = await self.rest.markets(limit=5)
        except VenueError as exc:
            raise CheckError(f"{self.profile.public or self.profile.rest}: {exc}") from None
        except httpx.HTTPError as exc:
            raise CheckError(f"{self.profile.public} did not answer ({_reason(exc)}).") from None
        if not markets:
            raise CheckError("the public API lists no open markets.")
        self.slug = str(markets[0].get("slug", ""))
        return f"{len(markets)}+ markets listed, e.g. {self.slug}"

    async def _signed(self) -> str:
        assert self.rest is not None
        try:
            balances = await self.rest.balances()
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        skew = self.rest.clock_skew
        clock = f"; clock {abs(skew):.1f} s off the exchange's" if skew is not None else ""
        try:
            cash = f"balance ${convert.balance(balances).balance:,.2f}"
        except ValueError:
            cash = "no USD balance"
        return f"signature accepted, {cash}{clock}"

    async def _open(self, path: str, subscribe: dict[str, object], wanted: str) -> str:
        assert self.rest is not None
        try:
            url = ws_base(self.profile.rest) + path
            tls = {"ssl": self.ssl} if self.ssl is not None and url.startswith("wss") else {}
            async with connect(url, additional_headers=self.rest.signed_headers_get(path),
                               open_timeout=STEP_TIMEOUT, **tls) as ws:
                await ws.send(json.dumps({"subscribe": subscribe}))
                while True:
                    frame = json.loads(await ws.recv())
                    if frame.get("error"):
                        raise CheckError(f"the exchange answered: {frame['error']}")
                    if wanted in frame:
                        return wanted
        except InvalidStatus as exc:
            status = exc.response.status_code
            body = (exc.response.body or b"").decode("utf-8", "replace")
            words = self.rest.refusal_words(body) if status == 401 else f"HTTP {status}"
            raise CheckError(f"{path} refused: {words}") from None
        except (OSError, WebSocketException, asyncio.IncompleteReadError) as exc:
            raise CheckError(f"{path} could not be opened ({_reason(exc)}).") from None

    async def _private(self) -> str:
        await self._open("/v1/ws/private", {
            "requestId": "check-orders", "subscriptionType": "SUBSCRIPTION_TYPE_ORDER_SNAPSHOT"},
            "orderSubscriptionSnapshot")
        return "open-order snapshot received"

    async def _markets(self) -> str:
        await self._open("/v1/ws/markets", {
            "requestId": "check-md", "subscriptionType": "SUBSCRIPTION_TYPE_MARKET_DATA",
            "marketSlugs": [self.slug]}, "marketData")
        return f"a book for {self.slug} received"
