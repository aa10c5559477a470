"""`[store] keep_market_data_days`: read from the config with plain errors, and applied as a
desk opens its database: old market data goes, every order, fill and journal entry stays,
and nothing at all happens while another pmdesk has the file open or nothing is old."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.test_db_prune import record_traded
from tui.cli.common import store_opener
from tui.core.config import ConfigError, DeskConfig, load_config, parse_config
from tui.core.enums import Side
from tui.core.model import Instrument
from tui.core.prices import Scales
from tui.core.tape import Trade
from tui.store import Store, db_path, retention
from tui.store.prune import MARKET_TABLES, contents, oldest

DAY = 86_400.0
NOW = time.time()
OLD, RECENT = NOW - 40 * DAY, NOW - 1 * DAY  # either side of a 30-day retention
MILLS = Instrument("M", "A market", Scales(1000, 1, 100))
KEPT = ("orders", "order_events", "executions", "positions", "balances", "journal",
        "stream_events", "instruments")
ROWS = 200  # market rows a day per table


# --- the config ---------------------------------------------------------------------------

def test_the_retention_is_read_in_whole_days_and_is_off_unless_set(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert parse_config("", path).keep_market_data_days == 0  # absent: keep everything
    assert DeskConfig().keep_market_data_days == 0
    assert parse_config("[store]\nkeep_market_data_days = 0\n", path) == DeskConfig()
    path.write_text("[screen]\nprivate = true\n\n[store]\nkeep_market_data_days = 30\n")
    assert load_config(path).keep_market_data_days == 30


@pytest.mark.parametrize(("value", "shown"), [
    ("-3", "is -3, a negative number of days"),
    ("2.5", "is 2.5"),
    ('"30"', 'is "30"'),
    ("true", "is true"),
    ("[30]", "is a list"),
    ("100000", "is 100000"),
])
def test_a_retention_that_is_not_a_whole_number_of_days_is_refused_in_one_sentence(
        tmp_path: Path, value: str, shown: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[ladder]\nrecentre_ticks = 5\n\n[store]\nkeep_market_data_days = {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"Config file {path}, line 5: store.keep_market_data_days {shown}; expected a whole "
        "number of days from 0 (keep everything) to 36500.")
    assert (caught.value.line, caught.value.key) == (5, "store.keep_market_data_days")


def test_an_unknown_key_of_the_store_section_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 2: store\.keep_days is not a setting pmdesk "
                                          r"knows; expected one of keep_market_data_days\."):
        parse_config("[store]\nkeep_days = 30\n", tmp_path / "config.toml")


# --- the desk opening its database ----------------------------------------------------------

def record(path: Path, days: tuple[float, ...] = (OLD, RECENT)) -> None:
    """Orders, fills, journal, positions and market data on each day."""
    with Store.open(path) as store:
        store.instruments([MILLS])
        for n, day in enumerate(days):
            record_traded(store, n, day)
            for k in range(ROWS):
                at = day + k
                for symbol in ("M", "N"):
                    store.book(symbol, [(400, 100 + k)], [(600, 100)], at)
                    store.top_of_book(symbol, 400, 600, 450, k, at)
                    store.trade(Trade(symbol, 450, 10, Side.BUY, at))


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in (*KEPT, *MARKET_TABLES)}


def oldest_market_row(path: Path) -> float:
    with sqlite3.connect(path) as conn:
        return min(conn.execute(f"SELECT min(at) FROM {t}").fetchone()[0]
                   for t in MARKET_TABLES)


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PMDESK_DATA_DIR", str(tmp_path))
    path = db_path("p", "acct-1")
    record(path)
    return path


def test_a_desk_opening_with_a_retention_prunes_old_market_data_and_keeps_every_order(
        recorded: Path) -> None:
    before = counts(recorded)
    opener = store_opener("p", DeskConfig(keep_market_data_days=30))  # as the CLI does
    with opener("acct-1") as store:
        assert store.fills(limit=None) and len(store.fills(limit=None)) == 2
    after = counts(recorded)
    assert {t: after[t] for t in KEPT} == {t: before[t] for t in KEPT}  # every order, fill...
    for table in MARKET_TABLES:  # ...and only the recent day's market data
        assert after[table] == before[table] // 2, table
    assert oldest_market_row(recorded) >= RECENT


def test_without_a_retention_a_desk_keeps_everything(recorded: Path) -> None:
    before = counts(recorded)
    with store_opener("p", DeskConfig())("acct-1"):
        pass
    assert counts(recorded) == before


def test_the_retention_is_skipped_while_another_pmdesk_has_the_database_open(
        recorded: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = counts(recorded)
    with Store.open(recorded):  # a replay or an export reading it
        caplog.set_level("INFO", logger="tui.store.retention")
        with Store.open(recorded, desk=True, keep_days=30) as desk:  # opens all the same
            assert len(desk.fills(limit=None)) == 2
        assert counts(recorded) == before
        assert "is open in another pmdesk" in caplog.text
    with Store.open(recorded, desk=True, keep_days=30):  # alone now: the next open prunes
        pass
    assert oldest_market_row(recorded) >= RECENT


def test_nothing_old_costs_no_delete_and_no_vacuum(recorded: Path) -> None:
    assert retention.prune_old(recorded, 30) is not None  # the first open takes the old day
    stamp = recorded.stat().st_mtime_ns, recorded.stat().st_size
    assert retention.prune_old(recorded, 30) is None  # the next one finds nothing to do
    assert (recorded.stat().st_mtime_ns, recorded.stat().st_size) == stamp


def test_the_file_is_compacted_at_open_only_when_most_of_it_is_free(
        tmp_path: Path) -> None:
    mostly_old = tmp_path / "old.sqlite3"
    record(mostly_old, (*(OLD - d * DAY for d in range(6)), RECENT))  # the setting is new
    done = retention.prune_old(mostly_old, 30)
    assert done is not None and done.vacuumed and done.size_after < done.size_before
    one_old_day = tmp_path / "daily.sqlite3"
    record(one_old_day, (NOW - 31 * DAY, *(NOW - d * DAY for d in range(1, 6))))
    done = retention.prune_old(one_old_day, 30)
    assert done is not None and done.total > 0 and not done.vacuumed  # freed pages reused


def test_the_oldest_and_newest_rows_are_found_in_every_market_table(tmp_path: Path) -> None:
    for table in MARKET_TABLES:  # each one's index, as MARKET_TABLES declares it
        path = tmp_path / f"{table}.sqlite3"
        record(path, (RECENT,))
        with sqlite3.connect(path) as conn:  # the second symbol's first row: found too
            conn.execute(f"UPDATE {table} SET at = ? WHERE symbol = 'N' AND at = "
                         f"(SELECT min(at) FROM {table} WHERE symbol = 'N')", (OLD,))
            conn.execute(f"UPDATE {table} SET at = ? WHERE symbol = 'M' AND at = "
                         f"(SELECT max(at) FROM {table} WHERE symbol = 'M')", (NOW,))
        with sqlite3.connect(path) as conn:
            assert oldest(conn) == OLD, table
        held = contents(path)  # pmdesk db size: the span, by the same seeks
        assert (held.first, held.last) == (OLD, NOW), table
