"""A minimal CLOB client for tests of the embedded exchange's CLOB side: signs orders and
requests as the spec says (tui/core/clob_sign.py) and sends them over loopback HTTP."""

from __future__ import annotations

import itertools
import time
from decimal import Decimal
from typing import Any

import httpx

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
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer

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
