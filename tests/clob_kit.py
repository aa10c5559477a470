"""A minimal CLOB client for tests of the embedded exchange's CLOB side: signs orders and
requests as the spec says (tui/core/clob_sign.py) and sends them over loopback HTTP."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx

from tests.conftest import eventually
from tui.core.clob_sign import (
    ApiCreds,
    OrderFields,
    Wallet,
    compact,
    exchange_for,
    l1_headers,
    l2_headers,
    limit_amounts,
    market_amounts,
    order_body,
)
from tui.core.enums import Side
from tui.core.state import LinkState
from tui.sim.clob.api import DEMO_CLOB_ADDRESS, DEMO_CLOB_KEY
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer
from tui.venues.clob.venue import ClobVenue

_salts = itertools.count(1000)


class ClobKit:
    def __init__(self, sim: SimServer, http: httpx.AsyncClient, wallet: Wallet) -> None:
        self.sim, self.http, self.wallet = sim, http, wallet
        self.creds: ApiCreds | None = None

    async def login(self) -> ApiCreds:
        made = (await self.http.post("/auth/api-key",
                                     headers=l1_headers(self.wallet, int(time.time())))).json()
        self.creds = ApiCreds(made["apiKey"], made["secret"], made["passphrase"])
        return self.creds

    def headers(self, method: str, path: str, body: str | None = None) -> dict[str, str]:
        assert self.creds is not None
        return l2_headers(self.wallet.address, self.creds, int(time.time()), method, path, body)

    async def call(self, method: str, path: str, body: Any = None,
                   params: dict[str, str] | None = None) -> httpx.Response:
        text = compact(body) if body is not None else None
        return await self.http.request(method, path, content=text, params=params,
                                       headers=self.headers(method, path, text))

    def order(self, market: ClobMarket, yes: bool, side: str, price: str, size: str,
              tick: str, order_type: str = "GTC", *, post_only: bool = False,
              expiration: int = 0, exchange: str | None = None,
              signer: Wallet | None = None) -> dict[str, Any]:
        """One signed order body; a FOK/FAK BUY's size is dollars."""
        assert self.creds is not None
        amounts = (market_amounts if order_type in ("FOK", "FAK") else limit_amounts)(
            side, Decimal(price), Decimal(size), Decimal(tick))
        fields = OrderFields(next(_salts), self.wallet.address, self.wallet.address,
                             int(market.yes_token if yes else market.no_token), *amounts,
                             side=side, signature_type=0,
                             timestamp_ms=int(time.time() * 1000), expiration=expiration)
        wire = fields.signed(signer or self.wallet, exchange or exchange_for(market.neg_risk))
        return order_body(wire, self.creds.api_key, order_type, post_only)

    async def place(self, body: dict[str, Any]) -> httpx.Response:
        return await self.call("POST", "/order", body)


def wallet_account(sim: SimServer) -> str:
    """The exchange account of the demo wallet."""
    wallet = sim.clob.auth.wallet(DEMO_CLOB_ADDRESS)
    assert wallet is not None
    return wallet.account


def working(sim: SimServer) -> list[tuple[Side, int, int]]:
    """The demo wallet's working orders at the exchange: (YES side, YES price, leaves)."""
    return sorted((o.side, o.price, o.leaves_qty)
                  for o in sim.exchange.open_orders(accounts=[wallet_account(sim)]))


@asynccontextmanager
async def logged_in(sim: SimServer) -> AsyncIterator[ClobKit]:
    """A CLOB client with the demo wallet's credentials, over loopback HTTP."""
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        kit = ClobKit(sim, http, Wallet.from_key(DEMO_CLOB_KEY))
        await kit.login()
        yield kit


@asynccontextmanager
async def live_venue(sim: SimServer, venue: ClobVenue | None = None
                     ) -> AsyncIterator[ClobVenue]:
    """The desk's CLOB venue (on the demo wallet unless given), its three streams live."""
    venue = venue or ClobVenue(rest_url=sim.rest_url, private_key=DEMO_CLOB_KEY)
    await venue.start()
    try:
        await eventually(lambda: len(venue.state.streams) == 3 and all(
            s.state is LinkState.LIVE for s in venue.state.streams.values()),
            what="prices, orders, heartbeat")
        yield venue
    finally:
        await venue.stop()
