"""The market picker finds a market by its event, series and league, not only by its symbol
and question (issue 16): the gateway's reference-data metadata and the retail API's events
give each market its words."""

from __future__ import annotations

from tests.conftest import live, make_retail_venue, make_venue
from tui.core.search import rank
from tui.core.state import DeskState
from tui.sim.server import SimServer


def items(state: DeskState) -> list[tuple[str, str]]:
    """As the picker lists them (tui/ui/screens/desk.py)."""
    return [(s, " · ".join((i.description, *i.tags))) for s, i in state.instruments.items()]


async def test_the_gateway_desk_finds_a_market_by_its_category(quiet_sim: SimServer) -> None:
    async with live(make_venue(quiet_sim)) as venue:
        found = rank("spr", items(venue.state))  # the sports category, in no name or question
    assert set(found[:3]) == {"AEC-NFL-KC-BUF-2026-11-29", "AEC-NFL-PHI-DAL-2026-11-26",
                              "AEC-NBA-BOS-LAL-2026-12-02"}


async def test_the_retail_desk_finds_a_market_by_its_event(quiet_sim: SimServer) -> None:
    async with live(make_retail_venue(quiet_sim)) as venue:
        state = venue.state
        events = await venue.rest.events()
        game = next(e for e in events if any("kc-buf" in s for s in e.market_slugs))
        slug = next(s for s in game.market_slugs if "kc-buf" in s)
        assert game.title in state.instruments[slug].tags
        assert game.series is not None and game.series.title in state.instruments[slug].tags
        found = rank(game.series.title, items(state))
    assert slug in found and len(found) < len(state.instruments)
