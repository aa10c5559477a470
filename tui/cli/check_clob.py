"""`pmdesk check` for a global CLOB profile, step by step (docs/spec/global-clob.md §8): the
server's time and this machine's clock skew, L1 (the wallet's signature gets API
credentials), L2 (an HMAC-signed request), balance and allowance, the market channel, the
user channel. Nothing is traded and no secret is printed.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from decimal import Decimal
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from tui.cli.check import STEP_TIMEOUT, CheckError, Step, _reason, run_steps
from tui.cli.clob import clob_key
from tui.cli.retail import retail_ssl
from tui.core.clob_sign import EXCHANGE_V2, NEG_RISK_EXCHANGE_V2, Wallet
from tui.core.profiles import Profile
from tui.core.venue import VenueError
from tui.venues.clob import convert
from tui.venues.clob.rest import ClobRest
from tui.venues.clob.venue import ws_base

SKEW_WARN = 30.0  # seconds: the venue's window for a signature is not published


class ClobChecker:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.rest: ClobRest | None = None
        self.ssl: ssl.SSLContext | None = None
        self.yes_token = ""
        self.market = ""

    async def run(self) -> list[Step]:
        try:
            return await run_steps([
                ("wallet", self._wallet), ("server time", self._time),
                ("L1 credentials", self._l1), ("L2 signed request", self._l2),
                ("balance and allowance", self._balance), ("market channel", self._markets),
                ("user channel", self._user)])
        finally:
            if self.rest is not None:
                await self.rest.close()

    def _ws(self) -> str:
        return (self.profile.ws or ws_base(self.profile.rest)).rstrip("/")

    async def _wallet(self) -> str:
        try:
            key = clob_key(self.profile)
            self.ssl = retail_ssl(self.profile)
        except ValueError as exc:
            raise CheckError(str(exc)) from None
        wallet = Wallet.from_key(key)
        self.rest = ClobRest(self.profile.rest, wallet, timeout=STEP_TIMEOUT, max_retries=0,
                             verify=self.ssl if self.ssl is not None else True)
        funder = f", funds at {self.profile.funder}" if self.profile.funder else ""
        return (f"address {wallet.address}, signature type {self.profile.signature_type}"
                f"{funder}")

    async def _time(self) -> str:
        assert self.rest is not None
        try:
            await self.rest.server_time()
        except (VenueError, ValueError, KeyError, TypeError) as exc:
            raise CheckError(f"{self.profile.rest} did not tell its time ({exc}).") from None
        skew = self.rest.clock_skew or 0.0
        if abs(skew) > SKEW_WARN:
            raise CheckError(f"this machine's clock is {abs(skew):.0f} s "
                             f"{'behind' if skew > 0 else 'ahead of'} the exchange's: signed "
                             "requests will be refused; set the clock (NTP).")
        return f"clock {abs(skew):.1f} s off the exchange's"

    async def _l1(self) -> str:
        assert self.rest is not None
        try:
            creds = await self.rest.login()
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        return f"API key {creds.api_key[:8]}… created or derived"

    async def _l2(self) -> str:
        assert self.rest is not None
        try:
            orders = await self.rest.open_orders()
            markets = await self.rest.markets()
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        for data in markets:
            try:
                inst, names = convert.market(data)
            except (ValueError, KeyError, TypeError):
                continue
            self.yes_token, self.market = names.yes_token, inst.symbol
            break
        if not self.yes_token:
            raise CheckError("the CLOB lists no market this desk can read.")
        return f"HMAC accepted; {len(orders)} open orders; {len(markets)} markets listed"

    async def _balance(self) -> str:
        assert self.rest is not None
        try:
            cash, allowances = await self.rest.balance_allowance(
                "COLLATERAL", signature_type=self.profile.signature_type)
        except VenueError as exc:
            raise CheckError(str(exc)) from None
        said = f"pUSD ${cash:,.2f}" + (" (nothing to trade with)" if cash == Decimal(0) else "")
        # §6.6: a BUY needs the exchange's allowance too; the smaller of the two exchanges'
        limits = [a for k, a in allowances.items()
                  if k in (EXCHANGE_V2.lower(), NEG_RISK_EXCHANGE_V2.lower(), "*")
                  and a is not None]
        if not limits:
            return said + ", allowance unlimited"
        allowed = min(limits)
        if allowed <= 0 < cash:
            raise CheckError(f"{said}, but the exchange may spend none of it (allowance $0): "
                             "approve pUSD to the CTF exchanges on chain before buying")
        return said + f", allowance ${allowed:,.2f}" + (
            " (buys beyond it are refused)" if allowed < cash else "")

    async def _listen(self, path: str, subscribe: dict[str, Any], done: Any) -> None:
        try:
            url = self._ws() + path
            tls = {"ssl": self.ssl} if self.ssl is not None and url.startswith("wss") else {}
            async with connect(url, open_timeout=STEP_TIMEOUT, **tls) as ws:
                await ws.send(json.dumps(subscribe))
                await ws.send("PING")
                while True:
                    raw = await ws.recv()
                    events = [] if raw == "PONG" else json.loads(raw)
                    for event in events if isinstance(events, list) else [events]:
                        if isinstance(event, dict) and event.get("error"):
                            raise CheckError(f"{path}: the exchange answered "
                                             f"{event['error']}")
                    if done(raw, events):
                        return
        except (OSError, WebSocketException, asyncio.IncompleteReadError) as exc:
            raise CheckError(f"{path} could not be opened ({_reason(exc)}).") from None

    async def _markets(self) -> str:
        await self._listen("/ws/market", {"type": "market", "assets_ids": [self.yes_token],
                                          "initial_dump": True},
                           lambda _raw, events: any(isinstance(e, dict) and
                                                    e.get("event_type") == "book"
                                                    for e in (events if isinstance(events, list)
                                                              else [events])))
        return f"a book for {self.market} received"

    async def _user(self) -> str:
        assert self.rest is not None and self.rest.creds is not None
        creds = self.rest.creds
        await self._listen("/ws/user", {"type": "user", "markets": [], "auth": {
            "apiKey": creds.api_key, "secret": creds.secret, "passphrase": creds.passphrase}},
            lambda raw, _events: raw == "PONG")
        return "subscribed with the API credentials; PING answered"
