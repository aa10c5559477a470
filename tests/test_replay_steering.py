"""`pmdesk replay` steered from the keys (tui/ui/bindings.py REPLAY_BINDINGS): space pauses,
} and { double and halve the speed, → and ← jump a minute, home and end go to either end.
The replay's clock runs on a clock moved by hand, so "paused holds still" and "×2 goes twice
as far" are exact: the book on screen is the one recorded at the replay clock's time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import eventually
from tests.pilot_kit import fake_desk, footer
from tui.core.config import DeskConfig
from tui.core.limits import Limits
from tui.core.model import Instrument
from tui.core.prices import Scales
from tui.core.state import LinkState
from tui.store import Store
from tui.ui.app import PmdeskApp
from tui.ui.keys_doc import keys_markdown
from tui.ui.replay_keys import replay_rows
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.status import StatusBar
from tui.venues.replay import FEED, ReplayVenue

T0 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC).timestamp()
SECONDS = 300  # one book a second: the bid at T0 + k is 200 + k
MILLS = Instrument("M", "A market", Scales(1000, 1, 100))
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


class HandClock:
    """Real time stands still until the test moves it; a wait ends when the replay is
    steered or the time moves (the replay then looks at its clock again)."""

    def __init__(self) -> None:
        self.t = 0.0
        self._moved: list[asyncio.Event] = []

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds
        for moved in self._moved:
            moved.set()

    async def wait(self, event: asyncio.Event, seconds: float | None) -> None:
        moved = asyncio.Event()
        self._moved.append(moved)
        waits = [asyncio.ensure_future(event.wait()), asyncio.ensure_future(moved.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
            self._moved.remove(moved)


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "acct.sqlite3"
    with Store.open(path) as store:
        store.instruments([MILLS])
        for k in range(SECONDS):
            store.book("M", [(200 + k, 100)], [(700 + k, 100)], T0 + k)
    return path


def bid(venue: ReplayVenue) -> int | None:
    book = venue.state.books.get("M")
    return None if book is None else book.best_bid


async def settle(times: int = 10) -> None:
    """Let the replay's task run what is ready (a paused one must not move)."""
    for _ in range(times):
        await asyncio.sleep(0)


async def test_the_keys_pause_speed_and_jump_the_replay(recording: Path) -> None:
    clock = HandClock()
    venue = ReplayVenue(Store.open(recording), now=clock.now, wait=clock.wait)
    app = PmdeskApp(venue, config=DeskConfig(limits=Limits()), repeat_guard=0)
    async with app.run_test(size=(120, 36)) as pilot:
        bar = app.query_one(StatusBar)

        async def at(k: int, what: str) -> None:
            """The replay clock at T0 + k and the book recorded then on the desk."""
            await eventually(lambda: bid(venue) == 200 + k, what=what)
            assert venue.clock.time() == pytest.approx(T0 + k)

        await at(0, "the first recorded book")
        clock.advance(10)
        await at(10, "ten seconds played at ×1")

        await pilot.press("space")
        assert venue.paused
        clock.advance(30)  # paused: half a minute passes, the replay holds still
        await settle()
        await at(10, "the same book, paused")
        await eventually(lambda: "❚❚ paused ×1 11-22 15:00:10 UTC" in str(bar.render()),
                         what="the pause on the status bar")
        # held, not stale: the price feed is not said to be down or quiet
        assert venue.state.streams[FEED].state is LinkState.LIVE

        await pilot.press("space", "right_curly_bracket")  # play on, twice as fast
        assert venue.speed == 2
        clock.advance(5)
        await at(20, "five seconds at ×2: ten recorded")
        await eventually(lambda: "▶ ×2 11-22 15:00:20 UTC" in str(bar.render()),
                         what="×2 on the status bar")

        await pilot.press("left_curly_bracket", "left_curly_bracket")  # ×0.5
        assert venue.speed == 0.5
        clock.advance(4)
        await at(22, "four seconds at ×0.5: two recorded")

        await pilot.press("right")
        await at(82, "a minute on")
        await pilot.press("left", "left")  # from where the first lands: two minutes back
        await at(0, "clamped at the recording's start")
        await pilot.press("end")
        await eventually(venue.done.is_set, what="the end of the recording")
        assert bid(venue) == 200 + SECONDS - 1
        assert venue.state.streams[FEED].detail == "end of the recording"
        await eventually(lambda: "■ end" in str(bar.render()), what="the end on the bar")

        await pilot.press("left")  # back from the end: playing again, at ×0.5
        await at(SECONDS - 1 - 60, "a minute before the end")
        assert not venue.done.is_set() and venue.state.streams[FEED].state is LinkState.LIVE
        clock.advance(2)
        await at(SECONDS - 60, "playing on after a jump back")
        await pilot.press("home")
        await at(0, "the recording's start")

        assert any(entry.endswith("Pause/Play") for entry in footer(app))
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert ("}", "Replay: twice as fast (up to ×16)") in help_screen.rows
        clock.advance(2)  # keys do nothing under the help screen; time still plays
        await pilot.press("space")
        await at(1, "half of two seconds: still playing")


async def test_a_live_desk_has_no_replay_keys() -> None:
    async with fake_desk() as (app, pilot, _venue):
        assert not any("Pause" in entry for entry in footer(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert not any(words.startswith("Replay:") for _, words in app.screen.rows)


def test_the_readme_lists_the_replay_keys() -> None:
    table = README.split("<!-- replay-keys:start", 1)[1].split("-->", 1)[1]
    assert table.split("<!-- replay-keys:end")[0].strip() == keys_markdown(replay_rows())


def test_a_desk_key_moved_onto_a_replay_key_is_refused_in_words(tmp_path: Path) -> None:
    from dataclasses import replace

    from tui.ui.replay_keys import replay_clash

    where = tmp_path / "config.toml"
    config = replace(DeskConfig(), keymap={"buy": "space"}, path=where)
    assert replay_clash(config) == (f'Config file {where}: the key "space" is a replay key '
                                    "(replay_pause); choose another key for keys.buy.")
    assert replay_clash(replace(config, keymap={"buy": "B"})) is None
