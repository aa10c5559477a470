"""The embedded exchange's markets as the global CLOB names them (docs/spec/global-clob.md §6.1):
each binary instrument is a condition with two outcome tokens, YES and NO, whose books mirror
the one YES book the engine keeps (§6.2: a NO bid at x is a YES offer at 1 − x).

Ids are derived from the symbol, so they are the same on every start: a condition id is
0x + 32 bytes, a token id a uint256 in decimal, as on the real venue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tui.core.clob_sign import fee_per_share
from tui.sim.model import SimInstrument

# the demo's neg-risk market (§6.11): orders for it are signed for the neg-risk exchange
NEG_RISK = frozenset({"AEC-POL-SEN-GA-2026"})
MIN_ORDER_SHARES = Decimal(1)  # the imitation's minimum order size in shares (§6.12)
# §6.7 platform fees, charged to the taker: (r, e) per market; the others charge none. The
# demo's crypto market charges what short-term crypto markets were reported to (r 0.25, e 2)
FEES: dict[str, tuple[Decimal, int]] = {"AEC-CRY-BTC-150K-2026-12-31": (Decimal("0.25"), 2)}


def _id(kind: str, symbol: str) -> bytes:
    return hashlib.sha256(f"pmdesk-clob:{kind}:{symbol}".encode()).digest()


@dataclass(frozen=True, slots=True)
class ClobMarket:
    symbol: str
    condition_id: str
    yes_token: str
    no_token: str
    neg_risk: bool

    @classmethod
    def of(cls, symbol: str) -> ClobMarket:
        return cls(symbol, "0x" + _id("condition", symbol).hex(),
                   str(int.from_bytes(_id("yes", symbol))),
                   str(int.from_bytes(_id("no", symbol))), symbol in NEG_RISK)

    def fee_per_share(self, price: Decimal) -> Decimal:
        """The taker's fee a share at this price (§6.7), in pUSD."""
        r, e = FEES.get(self.symbol, (Decimal(0), 1))
        return fee_per_share(r, e, price)

    def is_yes(self, token: str) -> bool:
        return token == self.yes_token

    def outcome(self, token: str) -> str:
        return "Yes" if token == self.yes_token else "No"


class ClobMarkets:
    """Every instrument's CLOB names, by symbol, condition id and token id."""

    def __init__(self, instruments: Mapping[str, SimInstrument]) -> None:
        self._instruments = instruments
        self.by_symbol = {s: ClobMarket.of(s) for s in instruments}
        self.by_condition = {m.condition_id: m for m in self.by_symbol.values()}
        self.by_token = {t: m for m in self.by_symbol.values()
                         for t in (m.yes_token, m.no_token)}

    def instrument(self, market: ClobMarket) -> SimInstrument:
        return self._instruments[market.symbol]

    def token(self, token_id: object) -> ClobMarket | None:
        return self.by_token.get(str(token_id)) if token_id else None
