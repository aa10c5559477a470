"""A paper desk as the trader sees it (issue 17): PAPER in sight on the status bar, the
ticket and a confirmation; a key that buys at the offer fills from the live book, and
nothing reaches the exchange."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.conftest import _opener, eventually, make_venue
from tests.desk_kit import my_commands, quote, settled
from tests.pilot_kit import cursor_to, screen_lines, show
from tests.test_privacy import screen_text, svg_text
from tui.core.config import DeskConfig
from tui.core.limits import Limit, Limits
from tui.core.state import LinkState
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.venues.paper.venue import PaperVenue

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"


async def test_a_paper_desk_says_paper_and_a_buy_key_fills_from_the_live_offer(
        quiet_sim: SimServer, tmp_path: Path) -> None:
    quote(quiet_sim, SYMBOL, bid=40, offer=45, qty=100)
    venue = PaperVenue(make_venue(quiet_sim), open_store=_opener("paper-pilot"))
    # a soft size limit, so the buy asks first: the question must say PAPER too
    app = PmdeskApp(venue, config=DeskConfig(limits=Limits(max_qty=Limit(Decimal(5), hard=False))),
                    repeat_guard=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await eventually(lambda: app.instrument is not None and all(
            s.state is LinkState.LIVE for s in venue.state.streams.values())
            and len(venue.state.streams) == 2, what="prices and paper orders live")
        await show(app, pilot, quiet_sim, SYMBOL)
        status = screen_lines(app)[-2]
        assert status.lstrip().startswith("PAPER"), status
        assert "PAPER: matched here, never sent" in screen_text(app)

        await cursor_to(app, pilot, 45)  # the offer
        await pilot.press("b")
        await eventually(lambda: any("PAPER: Send" in line or "PAPER: Buy" in line
                                     for line in screen_lines(app)), what="the question")
        assert "nothing is sent to the venue" in screen_text(app)  # what it would send
        assert "BUY YES 10 @ 0.45 GTC" in screen_text(app)  # in words, as live is
        await pilot.pause(app.config.confirm_delay + 0.1)
        await pilot.press("enter")
        await eventually(lambda: venue.state.fills, what="a paper fill")
        fill = venue.state.fills[0]
        assert fill.price == 45 and fill.qty == app.desk.ticket.qty  # shown there, 100 of it
        await settled(app)
        await eventually(lambda: f"{fill.qty} YES" in screen_text(app), what="the position")
        assert my_commands(quiet_sim) == []  # the exchange heard nothing
        svg = svg_text(app, tmp_path, "paper.svg")
        assert "PAPER" in svg
