"""The watchlist and the trade tape, driven in a small app with the real stylesheet.

Each test fills a DeskState by hand (instruments, book snapshots, link states) on a frozen
wall clock, then reads what the widgets draw: the plain text of the rendered lines and the
colour of the spans a trader would look at.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.widgets import Static

from tests.fake_clock import FakeClock
from tests.pilot_kit import drawn
from tui.core.model import Book, Instrument
from tui.core.prices import Scales
from tui.core.state import DeskState, LinkState
from tui.core.tape import BUCKET_SECONDS
from tui.ui.themes import PMDESK
from tui.ui.widgets.markets import MarketList
from tui.ui.widgets.trades import TradeTape, clock_text

CSS = (Path(__file__).resolve().parents[1] / "styles" / "app.tcss").read_text("utf-8")
CENTS = Scales.from_refdata(100, "0.01")
MILLS = Scales.from_refdata(1000, "0.001")
CHIEFS = "AEC-NFL-KC-BUF-2026-11-29"
BTC = "AEC-CRY-BTC-150K-2026-12-31"
GREEN, RED = "#00d75f", "#ff5f5f"
T0 = 1_749_999_990.0  # a wall-clock start, on a sparkline (15 s) bucket boundary
BARS = set("▁▂▃▄▅▆▇█")


def desk() -> tuple[DeskState, FakeClock]:
    state, clock = DeskState(), FakeClock(T0)  # DeskState's clock: wall seconds, called
    state.clock = clock
    state.set_instruments([Instrument(CHIEFS, "Chiefs beat the Bills", CENTS),
                           Instrument(BTC, "Bitcoin above 150k", MILLS)])
    state.set_link("prices", LinkState.LIVE)
    state.touch_stream("prices")
    return state, clock


def quote(state: DeskState, symbol: str, bid: int, offer: int, *, volume: int,
          last: int | None = None, last_qty: int | None = None,
          open_px: int | None = None) -> None:
    state.replace_book(Book(symbol, bids=[(bid, 10)], offers=[(offer, 10)], last_trade_px=last,
                            last_trade_qty=last_qty, volume=volume, open_px=open_px))


class Desk(App[None]):
    """The watchlist beside a stand-in ladder, a tape below; widths as the real panes."""

    CSS = CSS

    def __init__(self, state: DeskState, *, markets: int = 30, tape: int = 50,
                 symbol: str | None = None) -> None:
        super().__init__()
        self.register_theme(PMDESK)  # the stylesheet's colours are the theme's variables
        self.theme = PMDESK.name
        self.state, self.markets_w, self.tape_w, self.tape_symbol = state, markets, tape, symbol

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="left"):  # as on the desk: the watchlist over the notices
                yield MarketList(self.state, id="markets")
            yield Static("ladder", id="ladder-stand-in")
        with Horizontal(id="below"):
            yield Static("orders", id="orders-stand-in")
            yield TradeTape(self.state, symbol=self.tape_symbol, id="tape")

    def on_mount(self) -> None:
        self.query_one("#left").styles.width = self.markets_w
        self.query_one("#tape").styles.width = self.tape_w
        self.query_one("#below").styles.height = 10

    @property
    def watchlist(self) -> MarketList:
        return self.query_one(MarketList)

    @property
    def tape(self) -> TradeTape:
        return self.query_one(TradeTape)

    async def shown(self, pilot: object) -> None:
        """What the app's frame would do: list the markets, then the 1 Hz and trades calls."""
        self.watchlist.set_markets(list(self.state.instruments), CHIEFS)
        await self.refresh_all(pilot)

    async def refresh_all(self, pilot: object) -> None:
        now = time.monotonic()
        self.watchlist.update_quotes(self.state.instruments)
        self.watchlist.show_age(self.state, now)
        self.tape.refresh_from(self.state)
        self.tape.show_age(self.state, now)
        await pilot.pause()  # type: ignore[attr-defined]


def row(watchlist: MarketList, symbol: str) -> Text:
    """The row of a market as the list holds it (text and styles)."""
    prompt = watchlist.options.get_option(symbol).prompt
    assert isinstance(prompt, Text)
    return prompt


def colour_of(text: Text, needle: str) -> str | None:
    """The colour of the span that draws ``needle`` in ``text``."""
    start = text.plain.index(needle)
    colour = None
    for span in text.spans:
        if span.start <= start < span.end:
            style = span.style
            if not isinstance(style, str) and style.color is not None:
                colour = style.color.name
    return colour


def lines_of(tape: TradeTape) -> Iterator[str]:
    return (line.plain for line in tape.lines)


# --- the watchlist -----------------------------------------------------------------------
async def test_rows_show_bid_offer_last_and_the_change_since_the_open() -> None:
    state, clock = desk()
    quote(state, CHIEFS, 44, 46, volume=100, last=45, last_qty=5, open_px=40)
    clock.t += 1
    quote(state, CHIEFS, 45, 47, volume=110, last=46, last_qty=10)  # +0.06 on the day
    quote(state, BTC, 230, 232, volume=50, last=240, last_qty=1, open_px=251)
    app = Desk(state, markets=30)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        lines = drawn(app.watchlist.options)
        chiefs = lines.index(next(line for line in lines if "KC-BUF" in line))
        assert lines[chiefs].split()[-1] == "+0.06"  # on the symbol's line
        assert lines[chiefs + 1].split()[-3:] == ["0.45", "0.47", "0.46"]
        btc = next(line for line in lines if "BTC-150K" in line)
        assert btc.split()[-1] == "-0.011"
        assert colour_of(row(app.watchlist, CHIEFS), "+0.06") == GREEN
        assert colour_of(row(app.watchlist, BTC), "-0.011") == RED
        assert colour_of(row(app.watchlist, CHIEFS), "0.45") == GREEN  # the bid
        head = drawn(app.watchlist.heading)
        assert head[0].startswith("markets") and head[0].endswith("chg")
        assert head[1].split()[-3:] == ["bid", "offer", "last"]


async def test_columns_drop_as_the_panel_narrows_and_the_symbol_stays_readable() -> None:
    state, _ = desk()
    quote(state, CHIEFS, 44, 46, volume=100, last=45, last_qty=5, open_px=40)
    quote(state, BTC, 230, 232, volume=50, last=240, last_qty=1, open_px=251)
    for width, one_line, change, sparkline in ((20, False, False, False),
                                              (30, False, True, True),
                                              (46, False, True, True),
                                              (70, True, True, True)):
        app = Desk(state, markets=width)
        async with app.run_test(size=(140, 30)) as pilot:
            await app.shown(pilot)
            plan = app.watchlist.plan()
            lines = drawn(app.watchlist.options)
            text = row(app.watchlist, CHIEFS).plain
            assert ("\n" not in text) == one_line, width
            assert ("+0.05" in text) == change, width
            assert bool(BARS & set(text)) == sparkline, width
            assert all(len(line) <= plan.width for line in lines), width
            assert all(len(line) <= plan.width for line in text.split("\n")), width
            first = text.split("\n")[0]
            assert "KC-BUF-2026" in first, width  # the part that tells markets apart
            assert "0.44" in text and "0.46" in text, width


async def test_update_quotes_redraws_only_the_markets_it_is_given() -> None:
    state, _ = desk()
    quote(state, CHIEFS, 44, 46, volume=100)
    quote(state, BTC, 230, 232, volume=50)
    app = Desk(state)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        replaced: list[str] = []
        options = app.watchlist.options
        original = options.set_prompt

        def spy(option_id: str, prompt: Text) -> None:
            replaced.append(option_id)
            original(option_id, prompt)

        options.set_prompt = spy  # type: ignore[method-assign]
        quote(state, CHIEFS, 41, 43, volume=100)
        quote(state, BTC, 200, 202, volume=50)
        app.watchlist.update_quotes([CHIEFS])
        assert replaced == [CHIEFS]
        assert "0.41" in row(app.watchlist, CHIEFS).plain
        assert "0.230" in row(app.watchlist, BTC).plain  # not asked: not redrawn
        await pilot.pause()
        shown = "\n".join(drawn(options))  # on the glass too: its row repainted, not only held
        assert "0.41" in shown and "0.44" not in shown and "0.230" in shown
        app.watchlist.update_quotes([CHIEFS])  # nothing it shows moved
        assert replaced == [CHIEFS]


async def test_the_sparkline_moves_with_time_and_tick_redraws_only_rows_that_changed() -> None:
    state, clock = desk()
    quote(state, CHIEFS, 44, 46, volume=0, open_px=40)
    clock.t = T0 - 20 * BUCKET_SECONDS
    quote(state, BTC, 230, 232, volume=50, last=231, last_qty=1)  # one price long ago
    for step, px in enumerate((42, 48, 44, 50)):  # a trade every 15 s point
        clock.t = T0 + step * BUCKET_SECONDS
        quote(state, CHIEFS, 44, 46, volume=10 * (step + 1), last=px, last_qty=10)
    app = Desk(state, markets=30)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        watchlist = app.watchlist
        before = row(watchlist, CHIEFS).plain
        assert len(BARS & set(before)) >= 3  # four prices: several heights
        assert watchlist.tick() == 0  # nothing moved since the rows were drawn
        assert watchlist.tick() == 0  # same 15 s point: nothing to do
        clock.t += BUCKET_SECONDS
        assert watchlist.tick() == 1  # the chiefs line shifted; btc's flat line did not
        assert row(watchlist, CHIEFS).plain != before
        clock.t += 0.5
        assert watchlist.tick() == 0


async def test_the_sparkline_breaks_where_the_feed_was_down() -> None:
    state, clock = desk()
    quote(state, CHIEFS, 44, 46, volume=0)
    quote(state, CHIEFS, 44, 46, volume=10, last=45, last_qty=10)
    clock.t += 1
    state.set_link("prices", LinkState.DOWN)
    clock.t += 4 * BUCKET_SECONDS
    state.set_link("prices", LinkState.LIVE)
    quote(state, CHIEFS, 44, 46, volume=20, last=46, last_qty=1)  # a new baseline
    clock.t += BUCKET_SECONDS
    quote(state, CHIEFS, 44, 46, volume=30, last=47, last_qty=10)
    app = Desk(state, markets=30)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        width = app.watchlist.plan().spark_w
        assert width == 10
        sparkline = row(app.watchlist, CHIEFS).plain.split("\n")[1][1:1 + width]
        # nothing before the first price; 0.45, three points of outage (a break, not a flat
        # line); 0.46 as the feed came back (a price, though not a trade); 0.47
        assert sparkline == "    ▁   ▅█"


async def test_the_heading_shows_the_feed_age_stale_and_down() -> None:
    state, _ = desk()
    quote(state, CHIEFS, 44, 46, volume=0)
    app = Desk(state, markets=30)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        feed = state.streams["prices"]
        now = time.monotonic()
        feed.last_message_at = now - 0.4
        app.watchlist.show_age(state, now)
        await pilot.pause()
        head = drawn(app.watchlist.heading)[0]
        assert head.startswith("markets  0.4s") and "STALE" not in head
        assert colour_of(row(app.watchlist, CHIEFS), "0.44") == GREEN

        feed.last_message_at = now - 3.1
        app.watchlist.show_age(state, now)
        await pilot.pause()
        assert "STALE 3.1s" in drawn(app.watchlist.heading)[0]
        assert colour_of(row(app.watchlist, CHIEFS), "0.44") != GREEN  # never green if frozen
        strip = app.watchlist.heading.render_lines(Region(0, 0, 30, 1))[0]
        badge = next(seg for seg in strip if "STALE" in seg.text)
        assert badge.style is not None and badge.style.bgcolor is not None  # reverse video

        state.set_link("prices", LinkState.DOWN)
        app.watchlist.show_age(state, now)
        await pilot.pause()
        assert "DOWN" in drawn(app.watchlist.heading)[0]

        state.set_link("prices", LinkState.LIVE)
        feed.last_message_at = now
        app.watchlist.show_age(state, now)
        await pilot.pause()
        assert colour_of(row(app.watchlist, CHIEFS), "0.44") == GREEN


# --- the trade tape ----------------------------------------------------------------------
async def test_the_tape_shows_time_market_price_direction_and_size() -> None:
    state, clock = desk()
    quote(state, CHIEFS, 44, 46, volume=100)
    clock.t += 1
    quote(state, CHIEFS, 44, 47, volume=107, last=46, last_qty=7)  # lifted the offer
    clock.t += 1
    quote(state, CHIEFS, 43, 47, volume=110, last=44, last_qty=3)  # hit the bid
    app = Desk(state, tape=50)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        body = drawn(app.tape.body)
        assert body[0].startswith(clock_text(T0 + 2)) and "KC-BUF" in body[0]
        assert body[0].split()[-2:] == ["0.44▼", "3"]
        assert body[1].startswith(clock_text(T0 + 1)) and body[1].split()[-2:] == ["0.46▲", "7"]
        assert colour_of(app.tape.lines[1], "0.46▲") == GREEN
        assert colour_of(app.tape.lines[0], "0.44▼") == RED
        assert drawn(app.tape.heading)[0].startswith("trades")


async def test_merged_volume_is_shown_unpriced() -> None:
    state, clock = desk()
    quote(state, CHIEFS, 44, 46, volume=100)
    clock.t += 1
    quote(state, CHIEFS, 44, 46, volume=125, last=45, last_qty=4)  # 21 more with no price
    app = Desk(state, tape=70)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        assert drawn(app.tape.body)[0].endswith(" 0.45      4 +21 unpriced")
    app = Desk(state, tape=40)  # no room after the size: under it, the columns kept
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        first, second = drawn(app.tape.body)[:2]
        assert first.endswith(" 0.45      4") and second.strip() == "+21 unpriced"


async def test_a_feed_outage_is_a_break_line_between_the_trades() -> None:
    state, clock = desk()
    quote(state, CHIEFS, 44, 46, volume=100)
    clock.t += 1
    quote(state, CHIEFS, 44, 46, volume=105, last=46, last_qty=5)
    clock.t += 2
    down_at = clock.t
    state.set_link("prices", LinkState.DOWN)
    app = Desk(state, tape=50)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        body = drawn(app.tape.body)
        assert f"feed down since {clock_text(down_at)}" in body[0]
        assert "0.46▲" in body[1]
        assert "DOWN" in drawn(app.tape.heading)[0]

        clock.t += 6
        state.set_link("prices", LinkState.CONNECTING)
        state.set_link("prices", LinkState.LIVE)
        state.touch_stream("prices")
        quote(state, CHIEFS, 44, 46, volume=150)  # the baseline after the outage
        clock.t += 1
        quote(state, CHIEFS, 44, 46, volume=152, last=44, last_qty=2)
        await app.refresh_all(pilot)
        body = drawn(app.tape.body)
        assert "0.44▼" in body[0]
        assert f"feed down {clock_text(down_at)}–{clock_text(down_at + 6)}" in body[1]
        assert body[1].lstrip().startswith("─") and body[1].endswith("─")
        assert "0.46▲" in body[2]
        assert len(app.tape.lines) == 3  # the 45 traded while away is not a trade


async def test_a_tape_for_one_market_leaves_the_others_out() -> None:
    state, clock = desk()
    quote(state, CHIEFS, 44, 46, volume=100)
    quote(state, BTC, 230, 232, volume=50)
    clock.t += 1
    quote(state, CHIEFS, 44, 46, volume=101, last=46, last_qty=1)
    quote(state, BTC, 230, 232, volume=52, last=232, last_qty=2)
    app = Desk(state, tape=40, symbol=CHIEFS)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        assert [line.split()[1:] for line in lines_of(app.tape)] == [["0.46▲", "1"]]
        assert CHIEFS[:20] in drawn(app.tape.heading)[0]
        updates: list[object] = []
        body = app.tape.body
        original = body.update

        def spy(content: object = "", *, layout: bool = True) -> None:
            updates.append(content)
            original(content, layout=layout)  # type: ignore[arg-type]

        body.update = spy  # type: ignore[method-assign]
        clock.t += 1
        quote(state, BTC, 230, 232, volume=60, last=230, last_qty=8)
        app.tape.refresh_from(state)
        assert updates == []  # another market traded: nothing to redraw
        app.tape.symbol = None  # every market
        await pilot.pause()
        assert "0.230▼" in drawn(app.tape.body)[0]


async def test_the_tape_heading_turns_stale() -> None:
    state, _ = desk()
    app = Desk(state, tape=40)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        now = time.monotonic()
        state.streams["prices"].last_message_at = now - 5
        app.tape.show_age(state, now)
        await pilot.pause()
        assert "STALE 5.0s" in drawn(app.tape.heading)[0]
        state.streams["prices"].last_message_at = now - 0.2
        app.tape.show_age(state, now)
        await pilot.pause()
        head = drawn(app.tape.heading)[0]
        assert "0.2s" in head and "STALE" not in head


async def test_fractional_sizes_fit_on_one_line_in_a_narrow_tape() -> None:
    state, clock = desk()
    eagles = "AEC-NFL-PHI-DAL-2026-11-26"
    state.set_instruments([*state.instruments.values(),
                           Instrument(eagles, "Eagles beat the Cowboys", Scales(100, 1, 100))])
    quote(state, eagles, 66, 68, volume=0)
    volume = 0
    for qty in (40874, 125, 8874):
        clock.t += 1
        volume += qty
        quote(state, eagles, 66, 68, volume=volume, last=68, last_qty=qty)
    app = Desk(state, tape=34)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.shown(pilot)
        body = [line for line in drawn(app.tape.body) if line]
        assert len(body) == 3  # no line wrapped onto a second
        assert [line.split()[-1] for line in body] == ["88.74", "1.25", "408.74"]
        assert all("PHI-DAL" in line and "0.68▲" in line for line in body)
