"""The local database: round trips, dedupe, ordering, redaction, refusing bad files, threads."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tui.core.enums import InstrumentState, OrderState, Side
from tui.core.model import Balance, Holding, Instrument, Order, Position
from tui.core.prices import Intent, Scales
from tui.core.tape import Trade
from tui.store import DATA_DIR_ENV, SCHEMA_VERSION, Store, StoreError, db_path, schema
from tui.store.redact import redact

T0 = 1_780_000_000.0  # a fixed wall-clock second: rows sort the same on every run
SECRETS = ("hunter2-pass", "tok-8f3a9c", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXNrIn0.c2ln",
           "sess-cookie-77", "k3y-material")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(base))
    return base


@pytest.fixture
def path() -> Path:
    return db_path("demo", "firms/DEMO/accounts/demo-1")


def order(state: OrderState = OrderState.NEW, order_id: str = "o1", clord_id: str = "c1",
          cum: int = 0) -> Order:
    return Order(order_id, clord_id, "AEC-NFL-KC", Side.BUY, 550, 10, 10 - cum, cum,
                 550 if cum else 0, state, Intent.BUY_YES)


def fill(store: Store, n: int, at: float, exec_id: str | None = None) -> None:
    store.execution(exec_id or f"x{n}", f"o{n}", f"c{n}", "AEC-NFL-KC", Side.SELL, 450 + n, 5,
                    Intent.BUY_NO, "fill", at)


def raw_bytes(path: Path) -> bytes:
    """The database and its WAL as they are on disk: what anyone with the file could read."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_sentence(message: str, path: Path) -> None:
    words = message.replace(str(path), "FILE")
    assert "FILE" in words, message
    assert words.endswith(".") and ". " not in words[:-1], message
    assert "Traceback" not in message and "\n" not in message


def test_db_path_is_per_profile_and_account_and_safe(data_dir: Path) -> None:
    a = db_path("prod", "firms/ACME/accounts/a-1")
    assert a.parent == data_dir / "prod" and a.suffix == ".sqlite3"
    assert "/" not in a.name and a.name.startswith("firms_ACME_accounts_a-1-")
    assert db_path("prod", "firms_ACME_accounts_a-1") != a  # no two accounts share a file
    assert db_path("prod", "plain-1").name == "plain-1.sqlite3"
    assert db_path("prod", "../../etc").parent == data_dir / "prod"
    assert db_path("demo", "x") != db_path("prod", "x")


def test_every_kind_round_trips(path: Path) -> None:
    with Store.open(path) as store:
        store.instruments([Instrument("AEC-NFL-KC", "Chiefs win", Scales(1000, 10, 1, 1),
                                      InstrumentState.OPEN, "sports")])
        store.order_event(order(), T0)
        fill(store, 1, T0 + 1)
        short = Position.from_net("AEC-NFL-KC", -5, 0, 5, -2250, 0, scales=Scales(1000, 10))
        assert short.no == Holding(5, 2750)  # 5 NO at 0.55: short 5 YES at 0.45
        store.position(short, T0 + 1)
        store.balance(Balance(Decimal("1000.10"), Decimal("0.30")), T0 + 1)
        store.trade(Trade("AEC-NFL-KC", 550, 7, Side.BUY, T0 + 2, merged=3, exact=False))
        store.book("AEC-NFL-KC", [(540, 10), (530, 4)], [(560, 2)], T0 + 2)
        store.stream_event("orders", "connected", "gateway", T0)
        store.set_resume_token("orders", b"\x00\xffresume")
        assert store.flush()
        assert store.error is None
        [inst] = store.load_instruments()
        assert inst.scales == Scales(1000, 10, 1, 1) and inst.category == "sports"
        [f] = store.fills()
        assert (f.exec_id, f.side, f.price, f.qty, f.intent, f.at) == (
            "x1", Side.SELL, 451, 5, Intent.BUY_NO, T0 + 1)
        [o] = store.orders()
        expected = order()
        expected.updated_at = T0  # the time of the event that set this state
        assert o.to_order() == expected and o.intent is Intent.BUY_YES
        assert store.load_positions() == [short]
        [bal] = store.load_balances()
        assert bal.balance == Decimal("1000.10") and isinstance(bal.balance, Decimal)
        [b] = store.books("AEC-NFL-KC")
        assert (b.bids, b.offers, b.at) == (((540, 10), (530, 4)), ((560, 2),), T0 + 2)
        assert [(s.name, s.state) for s in store.sessions()] == [("orders", "connected")]
        assert store.resume_token("orders") == b"\x00\xffresume"
        assert store.resume_token("market") is None
        trade = store._query("SELECT symbol, px, qty, aggressor, merged, exact FROM trades")
        assert trade == [("AEC-NFL-KC", 550, 7, int(Side.BUY), 3, 0)]
        money = store._query("SELECT typeof(balance), typeof(buying_power) FROM balances")
        assert money == [("text", "text")]  # never REAL


def test_an_execution_is_kept_once_even_across_sessions(path: Path) -> None:
    with Store.open(path) as store:
        for _ in range(3):
            fill(store, 1, T0)
        fill(store, 2, T0 + 1)
    with Store.open(path) as store:
        fill(store, 1, T0 + 5)  # a resumed stream replays it
        assert store.flush()
        assert [f.exec_id for f in store.fills()] == ["x2", "x1"]
        assert store.fills()[1].at == T0  # the first copy stands


def test_each_order_event_is_a_history_row_and_the_latest_state_one_row(path: Path) -> None:
    with Store.open(path) as store:
        store.order_event(order(OrderState.PENDING_NEW, order_id=""), T0)  # sent, no id yet
        store.order_event(order(OrderState.NEW), T0 + 1)
        store.order_event(order(OrderState.PARTIALLY_FILLED, cum=4), T0 + 2)
        store.order_event(order(OrderState.FILLED, cum=10), T0 + 3)
        store.order_event(order(OrderState.NEW, order_id="o2", clord_id="c2"), T0 + 4)
        assert store.flush()
        history = store.order_history(clord_id="c1")
        assert [h.state for h in history] == [OrderState.PENDING_NEW, OrderState.NEW,
                                              OrderState.PARTIALLY_FILLED, OrderState.FILLED]
        assert [h.order_id for h in history] == ["", "o1", "o1", "o1"]
        latest = store.orders()
        assert [(o.order_id, o.state) for o in latest] == [("o2", OrderState.NEW),
                                                           ("o1", OrderState.FILLED)]
        assert latest[1].first_at == T0 and latest[1].at == T0 + 3  # the pending row, rekeyed
        assert latest[1].cum_qty == 10 and latest[1].leaves_qty == 0
        assert [o.order_id for o in store.orders(since=T0 + 3.5)] == ["o2"]


def test_ended_orders_short_of_fills_are_found_however_many_came_after(path: Path) -> None:
    """What a restart looks up in the trade history: every order that ended since a time
    with fewer recorded executions than its filled quantity, not only among the newest."""
    with Store.open(path) as store:
        store.order_event(order(OrderState.FILLED, order_id="o1", cum=10), T0)  # fill 1: 5
        fill(store, 1, T0)
        store.order_event(order(OrderState.CANCELED, order_id="o2", cum=5), T0 + 1)  # 5 of 5
        fill(store, 2, T0 + 1)
        store.order_event(order(OrderState.NEW, order_id="o3", cum=5), T0 + 2)  # working
        store.order_event(order(OrderState.FILLED, order_id="o4", cum=10), T0 - 100)  # old
        for n in range(5, 1205):  # many newer orders, ended whole
            store.order_event(order(OrderState.FILLED, order_id=f"o{n}", cum=5), T0 + n)
            fill(store, n, T0 + n)
        assert store.flush()
        assert [o.order_id for o in store.short_of_fills(T0 - 10)] == ["o1"]
        assert [o.order_id for o in store.short_of_fills(T0 - 1000)] == ["o1", "o4"]
        assert store.short_of_fills(T0 - 10)[0].cum_qty == 10


def test_an_order_is_copied_when_queued(path: Path) -> None:
    with Store.open(path) as store:
        o = order()
        store.order_event(o, T0)
        o.state, o.cum_qty = OrderState.FILLED, 10  # the core mutates its orders in place
        assert store.flush()
        assert store.order_history(order_id="o1")[0].state is OrderState.NEW


def test_a_resume_token_is_never_committed_before_the_executions_queued_before_it(
        path: Path) -> None:
    # tiny batches: a commit boundary falls between a token and its executions
    with Store.open(path, batch=7, interval=0.001) as store:
        seen: list[tuple[bytes, int]] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                token = store.resume_token("orders")  # read the token, then the fills
                if token is not None:
                    seen.append((token, len(store.fills(limit=None))))

        watcher = threading.Thread(target=watch)
        watcher.start()
        for batch in range(60):
            for n in range(5):
                fill(store, batch * 5 + n, T0 + batch)
            store.set_resume_token("orders", str(batch).encode())
        assert store.flush()
        stop.set()
        watcher.join()
        assert seen, "the watcher never saw a token"
        for token, count in seen:
            assert count >= (int(token) + 1) * 5, (token, count)
        assert store.resume_token("orders") == b"59"


def test_secrets_never_reach_the_file_or_its_wal(path: Path) -> None:
    password, token, jwt, cookie, key = SECRETS
    store = Store.open(path, interval=60.0)  # nothing checkpoints: the rows stay in the WAL
    store.journal("login", {"username": "desk", "password": password,
                            "auth": {"access_token": token, "refresh_token": token}},
                  {"accessToken": jwt, "expires_in": 3600}, T0)
    store.journal("insert", {"headers": [("Authorization", f"Bearer {token}"),
                                         ("Cookie", cookie)],
                             "body": f'{{"price": "0.55", "privateKey": "{key}"}}'},
                  {"order_id": "o1", "note": f"echo Bearer {token} and {jwt}"}, T0)
    store.journal("raw", b'{"client_secret": "' + key.encode() + b'"}', "ok", T0)
    store.stream_event("orders", "disconnected", f"401 for Authorization: Bearer {jwt}", T0)
    assert store.flush()
    assert Path(f"{path}-wal").stat().st_size > 0  # the WAL is there to be searched
    [(request, response)] = store._query(
        "SELECT request, response FROM journal WHERE kind = 'login'")
    assert '"username":"desk"' in request and '"expires_in":3600' in response  # kept
    on_disk = raw_bytes(path)
    store.close()
    on_disk += raw_bytes(path)
    for secret in SECRETS:
        assert secret.encode() not in on_disk, secret
    assert b"***" in on_disk


def test_redaction_rules() -> None:
    assert redact({"keys": ["a", "b"], "apiKey": "x", "Key": "y", "nested": [{"Token": 1}]}) \
        == {"keys": ["a", "b"], "apiKey": "***", "Key": "***", "nested": [{"Token": "***"}]}
    assert redact("Authorization: Basic dXNlcjpwYXNz") == "Authorization: Basic ***"
    assert redact(Decimal("0.55")) == "0.55" and redact(Side.BUY) == "BUY"


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "overwritten page"])
def test_a_damaged_file_is_refused_with_a_sentence_and_left_unchanged(
        path: Path, damage: str) -> None:
    with Store.open(path) as store:
        for n in range(3000):
            fill(store, n, T0 + n)
            store.journal("insert", {"n": n, "text": "x" * 50}, "ok", T0 + n)
    good = path.read_bytes()
    assert len(good) > 40_000
    if damage == "random bytes":
        path.write_bytes(os.urandom(len(good)))
    elif damage == "truncated":
        path.write_bytes(good[:len(good) // 2])
    else:
        path.write_bytes(good[:8192] + os.urandom(4096) + good[12288:])
    before = digest(path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    message = str(caught.value)
    one_sentence(message, path)
    assert "move it aside" in message and ("damaged" in message or "not an SQLite" in message)
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no -wal/-shm litter


def test_a_newer_schema_is_refused_and_left_unchanged(path: Path) -> None:
    with Store.open(path) as store:
        fill(store, 1, T0)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    message = str(caught.value)
    one_sentence(message, path)
    assert "newer pmdesk" in message and "upgrade" in message and "move" in message
    assert digest(path) == before


def test_another_programs_database_is_refused(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="another program"):
        Store.open(path)
    assert digest(path) == before


def test_a_directory_in_the_way_gets_a_sentence(path: Path) -> None:
    path.mkdir(parents=True)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    one_sentence(str(caught.value), path)


def test_a_new_version_is_added_by_appending_a_migration(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(path) as store:
        fill(store, 1, T0)
    later = SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "MIGRATIONS", [
        *schema.MIGRATIONS, (later, ("ALTER TABLE executions ADD COLUMN note TEXT",))])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", later)
    with Store.open(path) as store:
        assert store._query("PRAGMA user_version") == [(later,)]
        assert store._query("SELECT exec_id, note FROM executions") == [("x1", None)]
    monkeypatch.setattr(schema, "SCHEMA_VERSION", later - 1)  # an older pmdesk meets it
    with pytest.raises(StoreError, match="newer pmdesk"):
        Store.open(path)
    assert SCHEMA_VERSION == 5


def test_a_version_1_file_keeps_its_positions_per_outcome(path: Path) -> None:
    """Version 1 kept one net YES figure; version 2 holds YES and NO, the NO cost exact."""
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=1)
    conn.execute("INSERT INTO instruments VALUES ('KC', 'Chiefs', 1000, 10, 100, 1, 1, '', 0)")
    conn.executemany("INSERT INTO positions VALUES (?,?,?,?,?,?,?)", [
        ("KC", -250, 0, 250, -250 * 450 - 1, 77, T0),  # 2.5 short at 0.450 (and a unit)
        ("LONG", 3, 3, 0, 1230, -5, T0),  # long YES: no scale needed
        ("FLAT", 0, 4, 4, 0, 12, T0),
        ("GONE", -2, 0, 2, -80, 0, T0),  # short in a market never listed: cannot convert
    ])
    conn.close()
    with Store.open(path) as store:
        assert store._query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
        assert store.load_positions() == [
            Position("FLAT", realized=12, qty_bought=4, qty_sold=4),
            Position("KC", no=Holding(250, 250 * 550 - 1), realized=77, qty_sold=250),
            Position("LONG", yes=Holding(3, 1230), realized=-5, qty_bought=3),
        ]
        kc = Scales(1000, 10, 100)
        [_, short, _] = store.load_positions()
        assert (short.net, short.net_cost(kc)) == (-250, -250 * 450 - 1)  # as it was


def test_the_file_is_0600_and_new_directories_0700(path: Path, data_dir: Path) -> None:
    old = os.umask(0o022)
    try:
        with Store.open(path) as store:
            fill(store, 1, T0)
            assert store.flush()
            wal = Path(f"{path}-wal")
            assert wal.exists() and wal.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert data_dir.stat().st_mode & 0o777 == 0o700
    path.chmod(0o644)  # loosened by hand, or copied in
    Store.open(path).close()
    assert path.stat().st_mode & 0o777 == 0o600


def test_close_commits_what_was_queued(path: Path) -> None:
    store = Store.open(path, interval=60.0)  # the writer would not wake on its own
    for n in range(50):
        fill(store, n, T0 + n)
    store.order_event(order(), T0)
    store.close()
    store.close()  # idempotent
    with Store.open(path) as again:
        assert len(again.fills(limit=None)) == 50 and len(again.orders()) == 1


def test_a_reopened_store_shows_past_sessions_newest_first(path: Path) -> None:
    with Store.open(path) as yesterday:
        fill(yesterday, 1, T0)
        yesterday.order_event(order(order_id="o1", clord_id="c1"), T0)
    with Store.open(path) as today:
        fill(today, 2, T0 + 86_400)
        today.order_event(order(order_id="o2", clord_id="c2"), T0 + 86_400)
        assert today.flush()
        assert [f.exec_id for f in today.fills()] == ["x2", "x1"]
        assert [o.order_id for o in today.orders()] == ["o2", "o1"]
        assert [f.exec_id for f in today.fills(since=T0 + 1)] == ["x2"]
        assert [f.exec_id for f in today.fills(limit=1)] == ["x2"]


def test_writes_from_another_thread_while_reading(path: Path) -> None:
    with Store.open(path, interval=0.005) as store:
        done = threading.Event()

        def produce() -> None:
            for n in range(3000):
                fill(store, n, T0 + n)
                store.book("AEC-NFL-KC", [(500, n)], [(510, 1)], T0 + n)
            done.set()

        producer = threading.Thread(target=produce)
        producer.start()
        counts = []
        while not done.is_set() or len(counts) < 3:
            counts.append(len(store.fills(limit=None)))
            list(store.books(since=T0))
        producer.join()
        assert store.flush() and store.error is None
        assert counts == sorted(counts)  # reads never saw rows go away
        assert len(store.fills(limit=None)) == 3000
        assert len(list(store.books("AEC-NFL-KC"))) == 3000


def test_top_of_book_keeps_the_latest_row_of_each_second(path: Path) -> None:
    with Store.open(path) as store:
        for n in range(50):  # 5 seconds of 10 updates each, two symbols
            store.top_of_book("A", 500, 510, 505, n, T0 + n / 10)
            store.top_of_book("B", 600, 610, None, None, T0 + n / 10)
        assert store.flush()
        rows = store._query("SELECT sec, volume FROM top_of_book WHERE symbol = 'A' ORDER BY sec")
        assert rows == [(int(T0) + s, s * 10 + 9) for s in range(5)]
        assert store._query("SELECT count(*) FROM top_of_book WHERE symbol = 'B'") == [(5,)]


def test_depth_is_kept_at_most_four_times_a_second_and_replays_oldest_first(
        path: Path) -> None:
    with Store.open(path) as store:
        for n in range(100):  # 2 s at 50 updates/s
            store.book("A", [(500, n)], [(510, 1)], T0 + n / 50)
            store.book("B", [(400, n)], [(410, 1)], T0 + n / 50)
        for n in range(8):  # a quiet book that does not change is not stored again
            store.book("C", [(300, 1)], [(310, 1)], T0 + n / 4)
        assert store.flush()
        a = list(store.books("A"))
        assert len(a) == 8 and [r.bids[0][1] for r in a] == [12, 24, 37, 49, 62, 74, 87, 99]
        both = list(store.books(None, since=T0, until=T0 + 0.99))
        # a row's time is that of the latest update in its quarter second
        assert [(r.symbol, r.at - T0) for r in both][:3] == [
            ("C", 0.0), ("A", pytest.approx(0.24)), ("B", pytest.approx(0.24))]
        assert len(both) == 9
        assert [r.at for r in both] == sorted(r.at for r in both)
        assert len(list(store.books("C"))) == 1


def test_a_full_disk_keeps_the_rows_and_says_so(path: Path) -> None:
    with Store.open(path, interval=0.01) as store:
        store.journal("hello", {}, {}, T0)
        assert store.flush()
        pages = store._query("PRAGMA page_count")[0][0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        for n in range(500):
            fill(store, n, T0 + n)
            store.journal("insert", {"n": n, "pad": "x" * 200}, "ok", T0 + n)
        deadline = time.monotonic() + 10  # the writer thread meets the full disk when it can
        while store.error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert store.error is not None and "full" in store.error
        assert not store.flush(timeout=0.5)  # nothing can commit while the disk is full
        assert len(store.fills(limit=None)) < 500
        store._conn.execute("PRAGMA max_page_count = 1000000")  # space freed
        assert store.flush(timeout=10)
        assert store.error is None
        assert len(store.fills(limit=None)) == 500


def test_a_full_queue_drops_market_data_never_executions(path: Path) -> None:
    with Store.open(path, interval=0.01, capacity=20, block=0.05) as store:
        store.journal("hello", {}, {}, T0)
        assert store.flush()
        store._conn.execute("PRAGMA max_page_count = 1")  # the writer is stuck
        for n in range(200):
            store.trade(Trade("A", 500, 1, Side.BUY, T0 + n))
            fill(store, n, T0 + n)
        assert store.dropped > 100
        store._conn.execute("PRAGMA max_page_count = 1000000")
        assert store.flush(timeout=10)
        assert len(store.fills(limit=None)) == 200


def test_a_row_sqlite_cannot_take_is_skipped_and_the_rest_commit(path: Path) -> None:
    with Store.open(path) as store:
        fill(store, 1, T0)
        store.execution("big", "o", "c", "A", Side.BUY, 2**70, 1, None, "fill", T0)
        fill(store, 2, T0 + 1)
        assert store.flush()
        assert [f.exec_id for f in store.fills()] == ["x2", "x1"]


def test_close_gives_up_on_a_disk_that_stays_full(path: Path) -> None:
    store = Store.open(path, interval=0.01)
    store.journal("hello", {}, {}, T0)
    assert store.flush()
    store._conn.execute("PRAGMA max_page_count = 1")
    for n in range(300):
        store.journal("insert", {"n": n, "pad": "x" * 200}, "ok", T0 + n)
    started = time.monotonic()
    store.close()  # must not hang the app's exit
    assert time.monotonic() - started < 9
    assert store.error is not None
