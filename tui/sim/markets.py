"""The embedded exchange's demo universe: binary event markets in the Polymarket US style.

Only YES instruments exist (a NO order is a YES order at 1 − price). The scales are mixed
on purpose, as on the real venue: cent and tenth-of-a-cent ticks, a half-cent tick on a
1000 scale, and a partial-contract market that trades hundredths of a contract.
"""

from __future__ import annotations

from decimal import Decimal

from tui.sim.model import SimInstrument


def demo_instruments() -> list[SimInstrument]:
    return [
        SimInstrument.make(
            "AEC-NFL-KC-BUF-2026-11-29",
            "Will the Kansas City Chiefs beat the Buffalo Bills on Nov 29, 2026?",
            price_scale=100, tick_size="0.01", start_fair=Decimal("0.46"),
            metadata=_sports("NFL", "KC-BUF-20261129")),
        SimInstrument.make(
            "AEC-NFL-PHI-DAL-2026-11-26",
            "Will the Philadelphia Eagles beat the Dallas Cowboys on Nov 26, 2026?",
            price_scale=100, tick_size="0.01", qty_scale=100, min_qty=1,
            start_fair=Decimal("0.68"), metadata=_sports("NFL", "PHI-DAL-20261126")),
        SimInstrument.make(
            "AEC-NBA-BOS-LAL-2026-12-02",
            "Will the Boston Celtics beat the Los Angeles Lakers on Dec 2, 2026?",
            price_scale=1000, tick_size="0.001", start_fair=Decimal("0.615"),
            metadata=_sports("NBA", "BOS-LAL-20261202")),
        SimInstrument.make(
            "AEC-POL-SEN-GA-2026",
            "Will the Democratic candidate win the 2026 Georgia Senate race?",
            price_scale=1000, tick_size="0.005", start_fair=Decimal("0.55"),
            metadata={"event_category": "POL", "event_series": "US-SENATE-2026"}),
        SimInstrument.make(
            "AEC-CRY-BTC-150K-2026-12-31",
            "Will Bitcoin trade above $150,000 at 5 pm ET on Dec 31, 2026?",
            price_scale=1000, tick_size="0.001", start_fair=Decimal("0.23"),
            metadata={"event_category": "CRY", "event_series": "BTC-YEAR-END",
                      "crypto_market_type": "THRESHOLD"}),
        SimInstrument.make(
            "AEC-CRY-ETH-5K-2026-12-31",
            "Will Ethereum trade above $5,000 at 5 pm ET on Dec 31, 2026?",
            price_scale=100, tick_size="0.01", start_fair=Decimal("0.38"),
            metadata={"event_category": "CRY", "event_series": "ETH-YEAR-END",
                      "crypto_market_type": "THRESHOLD"}),
        SimInstrument.make(
            "AEC-CUL-OSCARS-STREAMER-2027",
            "Will a film released by a streaming service win Best Picture at the 2027 Oscars?",
            price_scale=1000, tick_size="0.001", start_fair=Decimal("0.31"),
            metadata={"event_category": "CUL", "event_series": "OSCARS-2027"}),
    ]


def _sports(league: str, game: str) -> dict[str, str]:
    return {"event_category": "SPR", "event_series": f"{league}-2026",
            "sports_game_league": league, "game_id": game, "market_sport_type": "MONEYLINE"}
