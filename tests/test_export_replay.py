"""`pmdesk export` and `pmdesk replay` read what the local database recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import eventually
from tui.cli.main import main
from tui.core.enums import OrderState
from tui.core.model import Instrument, Order
from tui.core.prices import Intent, Scales
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.store import DATA_DIR_ENV, Store, db_path
from tui.venues.replay import ReplayVenue

DAY1 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC).timestamp()
DAY2 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC).timestamp()
MILLS = Instrument("M", "A market", Scales(1000, 1, 100))  # 0.001 tick, 0.01 contract


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    path = db_path("p", "acct-1")
    store = Store.open(path)
    store.instruments([MILLS])
    for n, (at, intent, px) in enumerate(((DAY1, Intent.BUY_NO, 450), (DAY2, Intent.BUY_YES,
                                                                        520))):
        order = Order(f"O{n}", f"c{n}", "M", intent.yes_side, px, 250, 0, cum_qty=250,
                      avg_px=px, state=OrderState.FILLED, intent=intent)
        store.order_event(order, at)
        store.execution(f"E{n}", f"O{n}", f"c{n}", "M", intent.yes_side, px, 250, intent,
                        "fill", at)
    for k in range(3):
        store.book("M", [(500 + k, 100)], [(510 + k, 200)], DAY2 + k)
    store.close()
    return path


def test_export_fills_as_csv_in_dollars_and_contracts(
        recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "fills", "--profile", "p"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("time,market,intent,qty,price,yes_price,notional")
    assert lines[1].split(",")[1:7] == ["M", "BUY NO", "2.5", "0.55", "0.45", "1.375"]
    assert lines[2].split(",")[1:7] == ["M", "BUY YES", "2.5", "0.52", "0.52", "1.300"]


def test_export_orders_since_a_date_as_json(
        recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "orders", "--profile", "p", "--since", "2026-11-21",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["order_id"], r["state"], r["filled"], r["price"]) for r in rows] == [
        ("O1", "filled", "2.5", "0.52")]


def test_export_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert main(["export", "fills", "--profile", "nowhere"]) == 2
    assert "No pmdesk database in profile nowhere" in capsys.readouterr().err
    assert main(["export", "fills", "--since", "last tuesday"]) == 2
    assert "is not a date" in capsys.readouterr().err


def test_the_profile_before_the_command_picks_the_database(
        recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`pmdesk --profile p export fills` reads profile p's database, never the demo's."""
    assert main(["--profile", "p", "export", "fills"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3  # the header and two fills
    assert main(["--profile", "p", "demo"]) == 2
    assert "does not go with demo" in capsys.readouterr().err


def test_a_profile_name_with_spaces_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    store = Store.open(db_path("my desk", "acct-1"))
    store.instruments([MILLS])
    store.close()
    assert main(["export", "orders", "--profile", "my desk"]) == 0
    assert capsys.readouterr().out.startswith("time,")


def test_an_export_file_that_cannot_be_written_is_one_sentence(
        recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for out in (tmp_path / "no-such-folder" / "fills.csv", tmp_path):
        assert main(["export", "fills", "--profile", "p", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"pmdesk export: cannot write {out} (") and "Traceback" not in err


async def test_replay_plays_the_recorded_books_and_sends_nothing(recorded: Path) -> None:
    venue = ReplayVenue(Store.open(recorded), speed=50.0)
    await venue.start()
    try:
        await eventually(venue.done.is_set, what="the end of the recording")
        assert venue.played == 3
        book = venue.state.books["M"]
        assert (book.best_bid, book.best_offer) == (502, 512)
        with pytest.raises(VenueError, match="nothing is sent"):
            await venue.submit(build_order(MILLS, Intent.BUY_YES, 500, 100))
        assert venue.state.streams["replay prices"].detail == "end of the recording"
    finally:
        await venue.stop()


def test_since_today_and_yesterday_start_at_midnight_utc() -> None:
    """TRADER.md: `pmdesk export fills --since yesterday` feeds accounting."""
    import time

    from tui.store.export import parse_since

    today = parse_since("today")
    assert today is not None and today % 86400 == 0 and 0 <= time.time() - today < 86400 + 5
    assert parse_since("yesterday") in (today - 86400, today)  # today's, if midnight passed
