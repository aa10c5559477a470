"""A market the desk cannot trade exactly, on screen: its row in the market list says it
cannot trade and why, the ticket's b / s lines give the whole reason, and the keys that
trade send nothing. Never traded approximately."""

from __future__ import annotations

from tests.conftest import eventually
from tests.desk_kit import settled
from tests.pilot_kit import fake_desk, ticket_parts, told
from tui.core.model import Book, Instrument
from tui.core.prices import Scales
from tui.ui.widgets.markets import MarketList

REASON = "This market cannot be traded exactly: its tick 3 does not divide its price scale 100."


async def test_an_untradable_market_is_listed_with_its_reason_and_never_traded() -> None:
    async with fake_desk(size=(160, 48)) as (app, pilot, venue):
        state = app.state
        state.set_instruments([*state.instruments.values(),
                               Instrument("ODD-TICK", "a 0.03 tick at scale 100",
                                          Scales(100, 3))])
        state.replace_book(Book("ODD-TICK", bids=[(3, 10)], offers=[(6, 10)]))
        markets = app.query_one(MarketList)
        await eventually(lambda: "ODD-TICK" in markets.symbols, what="the market listed")
        row = markets.row_text("ODD-TICK").plain
        assert "can't trade: tick 3" in row and "0.03" not in row, row
        app.show_market("ODD-TICK")
        await eventually(lambda: app.symbol == "ODD-TICK" and app.cursor_price is not None,
                         what="the market on the ladder")
        await eventually(lambda: told(app, REASON), what="the reason told")
        clause = "Cannot be traded exactly: its tick 3 does not divide its price scale 100."
        for side in ("buy", "sell"):  # the reason under each key, whole, in the panel's width
            await eventually(lambda s=side: clause in " ".join(  # type: ignore[misc]
                " ".join(ticket_parts(app)[s]).split()), what=f"the reason under {side}")
        for key in ("b", "s"):
            await pilot.press(key)
            await settled(app)
        await eventually(lambda: told(app, f"Not sent: {REASON}"), what="the refusal told")
        assert not venue.arrived.is_set()
