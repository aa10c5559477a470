"""The audit journal in the local database: schema 3 (from a version 2 file, its rows kept),
entries with their account and words, secrets never kept, and `pmdesk export journal`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.core.audit import ANSWER, COMMAND, KEY, QUESTION, AuditEntry
from tui.core.enums import OrderState, Side
from tui.core.model import Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.store import DATA_DIR_ENV, SCHEMA_VERSION, Store, db_path, schema

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC).timestamp()
ACCOUNT = "firms/DEMO/accounts/demo-1"
PASSWORD, TOKEN, JWT, SIGNATURE, KEY_TEXT = (
    "hunter2-pass", "tok-8f3a9c", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXNrIn0.c2ln",
    "c2lnbmF0dXJlLWJ5dGVz", "k3y-material")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    return tmp_path / "data"


def raw_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_a_version_2_file_opens_and_keeps_its_rows() -> None:
    """The commands a version 2 file journalled (kind: the path) become command and lookup
    entries of the audit journal; its orders and fills are untouched."""
    path = db_path("p", ACCOUNT)
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=2)
    conn.execute("INSERT INTO journal (kind, request, response, at) VALUES "
                 "('/v1/trading/orders', '{\"clord_id\":\"c1\"}', '{\"status\":200}', ?)",
                 (T0,))
    conn.execute("INSERT INTO journal (kind, request, response, at) VALUES "
                 "('/v1/report/orders/search', '{}', '{\"status\":200}', ?)", (T0 + 1,))
    conn.execute("INSERT INTO executions (exec_id, order_id, clord_id, symbol, side, price, "
                 "qty, intent, kind, at) VALUES ('x1', 'o1', 'c1', 'M', 1, 40, 5, "
                 "'BUY_YES', 'fill', ?)", (T0,))
    conn.close()
    with Store.open(path) as store:
        assert store._query("PRAGMA user_version") == [(SCHEMA_VERSION,)] == [(5,)]
        # an execution from before fees were kept paid none the desk knew of
        assert [(f.exec_id, f.qty, f.fee) for f in store.fills()] == [("x1", 5, 0)]
        old = store.journal_entries()
        assert [(e.kind, e.request, e.response, e.at) for e in old] == [
            ("command", '{"clord_id":"c1"}', '{"status":200}', T0),
            ("lookup", "{}", '{"status":200}', T0 + 1)]
        assert "/v1/trading/orders" in old[0].summary
        store.journal(KEY, {"key": "b"}, None, T0 + 2, account=ACCOUNT, summary="b (buy)")
        assert store.flush()
        assert [(e.kind, e.account, e.summary) for e in store.journal_entries(since=T0 + 2)] \
            == [(KEY, ACCOUNT, "b (buy)")]


def test_the_database_keeps_what_the_desk_journals_with_its_account() -> None:
    """Entries reach the database through the desk's state (the store listens), each with
    the venue's own account."""
    path = db_path("p", ACCOUNT)
    state = DeskState()
    state.open_account(ACCOUNT)
    with Store.open(path) as store:
        store.attach(state)
        state.audit(AuditEntry(KEY, "b (buy) in M at 0.40: BUY YES 10 @ 0.40 in M", at=T0))
        state.audit(AuditEntry(QUESTION, "Send this order?", at=T0 + 1))
        state.notify("M BUY YES 10 @ 0.40 rejected: no money.", "error")
        assert store.flush()
        rows = store.journal_entries()
    assert [(r.kind, r.account) for r in rows] == [(KEY, ACCOUNT), (QUESTION, ACCOUNT),
                                                    ("said", ACCOUNT)]
    assert rows[2].summary == "M BUY YES 10 @ 0.40 rejected: no money."


def test_no_secret_reaches_the_audit_journal_or_its_export(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Passwords, tokens, signatures and keys are masked in the detail, and a bearer token or
    a JWT in the words is scrubbed: on disk, in its WAL, and in the export."""
    path = db_path("p", ACCOUNT)
    store = Store.open(path, interval=60.0)  # nothing checkpoints: rows stay in the WAL
    store.journal(COMMAND, {"path": "/v1/orders", "headers": {
        "X-PM-Access-Key": KEY_TEXT, "X-PM-Signature": SIGNATURE,
        "Authorization": f"Bearer {TOKEN}"}, "body": {"password": PASSWORD, "qty": 10}},
        {"status": 401, "body": f"bad token {JWT}"}, T0, account=ACCOUNT,
        summary=f"Insert: refused (401): Bearer {TOKEN} expired, was {JWT}")
    store.journal(ANSWER, {"refresh_token": TOKEN, "signature": SIGNATURE}, None, T0 + 1,
                  account=ACCOUNT, summary="Send this order? yes, send")
    assert store.flush()
    on_disk = raw_bytes(path)
    store.close()
    assert main(["export", "journal", "--profile", "p", "--format", "json"]) == 0
    out = capsys.readouterr().out
    for secret in (PASSWORD, TOKEN, JWT, SIGNATURE, KEY_TEXT):
        assert secret.encode() not in on_disk, secret
        assert secret not in out, secret
    entries = json.loads(out)
    assert entries[0]["request"]["body"] == {"password": "***", "qty": 10}  # the rest kept
    assert entries[0]["summary"] == "Insert: refused (401): Bearer *** expired, was ***"


@pytest.fixture
def journalled() -> Path:
    path = db_path("p", ACCOUNT)
    with Store.open(path) as store:
        store.journal(KEY, {"key": "b"}, None, T0 + 86_400, account=ACCOUNT,
                      summary="b (buy) in M at 0.40: BUY YES 10 @ 0.40 in M")
        store.journal(QUESTION, {"text": "BUY YES 10 @ 0.40\n\n{\n  \"qty\": 10\n}"}, None,
                      T0 + 86_400.000001, account=ACCOUNT,
                      summary="Send this order?\nOver the size limit, 5.")
        store.journal(COMMAND, {"path": "/v1/trading/orders"}, {"status": 200}, T0,
                      account=ACCOUNT, summary="Insert (desk id c1): accepted (200)")
        order = Order("o1", "c1", "M", Side.BUY, 40, 10, 10, state=OrderState.NEW,
                      intent=Intent.BUY_YES)
        store.order_event(order, T0)
    return path


def test_export_journal_in_time_order_one_line_an_entry(
        journalled: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["export", "journal", "--profile", "p"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "time,account,kind,summary,request,response,mode"
    assert all(line.endswith(",live") for line in lines[1:])  # a live desk's journal
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["2026-11-20T15:00:00.000000+00:00", ACCOUNT, "command"],
        ["2026-11-21T15:00:00.000000+00:00", ACCOUNT, "key"],
        ["2026-11-21T15:00:00.000001+00:00", ACCOUNT, "question"]]  # to the microsecond
    assert "Send this order? | Over the size limit, 5." in lines[3]

    out = tmp_path / "journal.json"
    assert main(["export", "journal", "--profile", "p", "--account", ACCOUNT, "--since",
                 "2026-11-21", "--format", "json", "--out", str(out)]) == 0
    text = out.read_text()
    assert len(text.splitlines()) == 2 + 2  # '[', one line an entry, ']'
    entries = json.loads(text)
    assert [e["kind"] for e in entries] == ["key", "question"]
    assert entries[1]["request"]["text"].startswith("BUY YES 10 @ 0.40\n")


def test_export_help_says_what_the_journal_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "journal" in text and "audit journal" in text and "confirmation" in text
