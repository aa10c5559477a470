"""`pmdesk db size` and `pmdesk db prune --before DATE`: old market data goes, and nothing
that was traded or said ever does; a date that does not parse, or a database a pmdesk has
open, is refused in one sentence."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.core.enums import OrderState, Side
from tui.core.model import Balance, Instrument, Order, Position
from tui.core.prices import Intent, Scales
from tui.core.tape import Trade
from tui.store import DATA_DIR_ENV, Store, StoreError, db_path, inuse

DAY1 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC).timestamp()
DAY2 = datetime(2026, 11, 22, 15, 0, tzinfo=UTC).timestamp()
MILLS = Instrument("M", "A market", Scales(1000, 1, 100))
KEPT = ("orders", "order_events", "executions", "positions", "balances", "journal",
        "stream_events", "instruments")
BOOKS_A_DAY = 2000  # enough depth that pruning a day shows in the file's size


def record_traded(store: Store, n: int, day: float) -> None:
    """What a day traded and said, which no prune may touch: an order, its fill, a journal
    entry, a stream event, a position and a balance."""
    order = Order(f"O{n}", f"c{n}", "M", Side.BUY, 450, 250, 0, cum_qty=250,
                  avg_px=450, state=OrderState.FILLED, intent=Intent.BUY_YES)
    store.order_event(order, day)
    store.execution(f"E{n}", f"O{n}", f"c{n}", "M", Side.BUY, 450, 250,
                    Intent.BUY_YES, "fill", day)
    store.journal("key", {"key": "b", "n": n}, "sent", day, account="acct-1",
                  summary=f"b (buy) {n}")
    store.stream_event("prices", "live", "", day)
    store.position(Position.from_net("M", 250 * (n + 1), scales=MILLS.scales), day)
    store.balance(Balance(Decimal(1000 - n), Decimal(900)), day)


@pytest.fixture
def two_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Orders, fills, journal, positions and market data on each of two days."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    path = db_path("p", "acct-1")
    with Store.open(path) as store:
        store.instruments([MILLS])
        for n, day in enumerate((DAY1, DAY2)):
            record_traded(store, n, day)
            for k in range(BOOKS_A_DAY):
                at = day + k / 4
                levels = [(400 + i, 100 + k) for i in range(10)]
                store.book("M", levels, [(600 + i, 100) for i in range(10)], at)
                store.top_of_book("M", 409, 600, 450, k, at)
                store.trade(Trade("M", 450, 10, Side.BUY, at))
    return path


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        found = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in (*KEPT, "books", "top_of_book", "trades")}
        found["old market data"] = sum(
            conn.execute(f"SELECT count(*) FROM {t} WHERE at < ?", (DAY2,)).fetchone()[0]
            for t in ("books", "top_of_book", "trades"))
    conn.close()
    return found


def test_prune_takes_old_market_data_and_leaves_every_order_fill_and_entry(
        two_days: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = counts(two_days)
    assert before["old market data"] == 2 * BOOKS_A_DAY + 500  # tob: one row a second
    assert main(["db", "size", "--profile", "p"]) == 0
    said = capsys.readouterr().out
    assert re.fullmatch(rf"{re.escape(str(two_days))}: \d+\.\d (KB|MB)", said.splitlines()[0])
    assert f"{2 * BOOKS_A_DAY:,} depth snapshots" in said and "2 fills" in said
    assert "2026-11-21 15:00:00 UTC to 2026-11-22 15:08:19 UTC" in said

    assert main(["db", "prune", "--before", "2026-11-22", "--profile", "p"]) == 0
    said = capsys.readouterr().out
    after = counts(two_days)
    assert after["old market data"] == 0
    for table in ("books", "top_of_book", "trades"):  # the second day's is all there
        assert after[table] == before[table] // 2
    assert {t: after[t] for t in KEPT} == {t: before[t] for t in KEPT}
    removed = before["old market data"]
    assert (f"removed {removed:,} rows of market data recorded before 2026-11-22 00:00:00 "
            f"UTC ({BOOKS_A_DAY:,} depth snapshots, 500 top-of-book rows, "
            f"{BOOKS_A_DAY:,} tape trades)") in said
    size_line = said.splitlines()[-1]
    assert re.fullmatch(r"  size: \d+\.\d (KB|MB) before, \d+\.\d (KB|MB) after", size_line)

    with Store.open(two_days) as store:  # what the desk and the exports read is whole
        assert [f.exec_id for f in store.fills(limit=None)] == ["E1", "E0"]
        assert [o.order_id for o in store.orders(limit=None)] == ["O1", "O0"]
        assert [e.summary for e in store.journal_entries()] == ["b (buy) 0", "b (buy) 1"]
        assert next(b.at for b in store.books()) == DAY2
    assert sorted(p.name for p in two_days.parent.iterdir()) == [two_days.name]


def test_prune_shrinks_the_file(two_days: Path) -> None:
    from tui.store.prune import file_size, prune

    size = file_size(two_days)
    done = prune(two_days, DAY2 + 86400)  # every book of both days
    assert done.vacuumed and done.size_before == size
    assert done.size_after < size / 2
    assert done.size_after == file_size(two_days)


def test_a_date_that_does_not_parse_is_refused_and_nothing_goes(
        two_days: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = counts(two_days)
    for bad in ("last tuesday", "2026-13-01", ""):
        assert main(["db", "prune", "--before", bad, "--profile", "p"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("pmdesk db prune: --before") and "Traceback" not in err
    assert counts(two_days) == before


def test_a_database_a_pmdesk_has_open_is_refused(
        two_days: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = counts(two_days)
    with Store.open(two_days):  # a desk, a replay or an export
        assert main(["db", "prune", "--before", "today", "--profile", "p"]) == 2
        err = capsys.readouterr().err
        assert err == (f"pmdesk db prune: The pmdesk database {two_days} is open in a running "
                       "pmdesk (a desk, a replay or an export); quit it and prune again.\n")
        assert counts(two_days) == before
        with Store.open(two_days):  # readers share it (one desk at most: test_one_desk.py)
            pass
        assert inuse.exclusive(two_days) is None  # the other desk still holds it
    assert main(["db", "prune", "--before", "today", "--profile", "p"]) == 0


def test_a_desk_is_refused_while_a_prune_runs(two_days: Path) -> None:
    hold = inuse.exclusive(two_days)
    assert hold is not None
    try:
        with pytest.raises(StoreError, match="is being pruned"):
            Store.open(two_days)
    finally:
        hold.release()
    Store.open(two_days).close()
    assert not inuse.lock_path(two_days).exists()
