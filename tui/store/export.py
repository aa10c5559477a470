"""`pmdesk export fills|orders|journal`: the local database's fills, orders or audit journal
as CSV or JSON, for accounting and audit. Prices and quantities are decimal strings in
dollars and contracts (never float); times are UTC, ISO 8601 (the journal's to the
microsecond). A fill's kind is "fill", "aggregate" for one the venue reported only as a
total (an order's cumulative quantity and average price, no trade ids), or "undone" for the
reversal of a fill whose trade failed to settle on chain (its qty, notional and fee
negative, so a market's rows sum to what was really traded). Every row's mode is "paper"
when the database is a paper desk's (its orders never reached a venue), else "live"."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tui.core.model import Instrument
from tui.core.prices import Outcome
from tui.core.state import PAPER_ACCOUNT
from tui.store import FillRow, OrderRow, Store, StoreError, db_path, profile_dir
from tui.store.rows import JournalRow

FILL_FIELDS = ("time", "market", "intent", "qty", "price", "yes_price", "notional",
               "exec_id", "order_id", "clord_id", "kind", "fee", "mode")
JOURNAL_FIELDS = ("time", "account", "kind", "summary", "request", "response", "mode")
ORDER_FIELDS = ("time", "first_seen", "market", "intent", "price", "yes_price", "qty",
                "filled", "state", "reject_text", "order_id", "clord_id", "mode")


class ExportError(Exception):
    """One sentence for the trader."""


def parse_since(text: str | None, flag: str = "--since") -> float | None:
    """today, yesterday, YYYY-MM-DD (each from midnight UTC) or a full ISO 8601 time;
    None: everything."""
    if not text:
        return None
    days_back = {"today": 0, "yesterday": 1}.get(text.strip().lower())
    if days_back is not None:
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return (midnight - timedelta(days=days_back)).timestamp()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ExportError(f"{flag} {text!r} is not a date; expected today, yesterday, "
                          "YYYY-MM-DD or an ISO time such as 2026-11-23T09:30:00+00:00.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def find_database(profile: str, account: str | None) -> Path:
    """The account's database in the profile; with no account, the profile's only one (a
    paper desk's is left out unless it is the only one: paper never makes live ambiguous)."""
    if account:
        path = db_path(profile, account)
        if not path.exists():
            raise ExportError(f"No pmdesk database for account {account} in profile "
                              f"{profile} (looked for {path}).")
        return path
    folder = profile_dir(profile)
    found = sorted(folder.glob("*.sqlite3")) if folder.is_dir() else []
    if not found:
        raise ExportError(f"No pmdesk database in profile {profile} ({folder}); trade in it "
                          "first, or name another with --profile.")
    live = [p for p in found if p != db_path(profile, PAPER_ACCOUNT)]
    found = live or found
    if len(found) > 1:
        names = ", ".join(p.stem for p in found)
        raise ExportError(f"Profile {profile} holds several accounts ({names}); name one "
                          "with --account.")
    return found[0]


def _time(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")


def _money(value: Decimal) -> str:
    return f"{value:f}"


def fill_record(row: FillRow, inst: Instrument | None) -> dict[str, str]:
    intent = row.intent.label if row.intent else ("BUY YES" if row.side == 1 else "SELL YES")
    if inst is None:  # a market this database never saw listed: raw units, said so
        return {"time": _time(row.at), "market": row.symbol, "intent": intent,
                "qty": f"raw:{row.qty}", "price": f"raw:{row.price}",
                "yes_price": f"raw:{row.price}", "notional": "", "exec_id": row.exec_id,
                "order_id": row.order_id, "clord_id": row.clord_id, "kind": row.kind,
                "fee": _money(row.fee)}
    s = inst.scales
    yes = s.to_decimal(row.price)
    price = Decimal(1) - yes if row.intent and row.intent.outcome is Outcome.NO else yes
    qty = s.qty_to_decimal(row.qty)
    return {"time": _time(row.at), "market": row.symbol, "intent": intent,
            "qty": _money(qty), "price": _money(price), "yes_price": _money(yes),
            "notional": _money(price * qty), "exec_id": row.exec_id,
            "order_id": row.order_id, "clord_id": row.clord_id, "kind": row.kind,
            "fee": _money(row.fee)}


def order_record(row: OrderRow, inst: Instrument | None) -> dict[str, str]:
    order = row.to_order()
    intent = order.shown_intent.label
    record = {"time": _time(row.at), "first_seen": _time(row.first_at), "market": row.symbol,
              "intent": intent, "state": row.state.name.lower(),
              "reject_text": row.reject_text, "order_id": row.order_id,
              "clord_id": row.clord_id}
    if inst is None:
        return {**record, "price": f"raw:{row.price}", "yes_price": f"raw:{row.price}",
                "qty": f"raw:{row.order_qty}", "filled": f"raw:{row.cum_qty}"}
    s = inst.scales
    return {**record, "price": _money(s.to_decimal(order.shown_price(s))),
            "yes_price": _money(s.to_decimal(row.price)),
            "qty": _money(s.qty_to_decimal(row.order_qty)),
            "filled": _money(s.qty_to_decimal(row.cum_qty))}


def journal_record(row: JournalRow) -> dict[str, str]:
    """One entry on one line: the summary's line breaks (a question's text) become ' | '."""
    return {"time": datetime.fromtimestamp(row.at, UTC).isoformat(timespec="microseconds"),
            "account": row.account, "kind": row.kind,
            "summary": " | ".join(line for line in row.summary.splitlines() if line.strip()),
            "request": row.request, "response": row.response}


def render_journal(rows: Iterable[JournalRow], fmt: str, mode: str = "live") -> str:
    """CSV, or a JSON array with one entry a line (its request and response as JSON)."""
    records = [journal_record(r) | {"mode": mode} for r in rows]
    if fmt != "json":
        return render(records, JOURNAL_FIELDS, fmt)
    lines = [json.dumps({**r, "request": json.loads(r["request"]),
                         "response": json.loads(r["response"])}, ensure_ascii=False)
             for r in records]
    return "[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n"


def render(records: Iterable[dict[str, str]], fields: tuple[str, ...], fmt: str) -> str:
    rows = list(records)
    if fmt == "json":
        return json.dumps([{f: r.get(f, "") for f in fields} for r in rows], indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def export(what: str, *, profile: str, account: str | None, since: str | None,
           fmt: str) -> str:
    """The export's text (oldest first); raises ExportError or StoreError with a sentence."""
    start = parse_since(since)  # bad input first, before any file is opened
    store = Store.open(find_database(profile, account))
    try:
        mode = store.mode()  # every row says whether it was paper or live
        if what == "journal":
            return render_journal(store.journal_entries(since=start), fmt, mode)
        instruments = {i.symbol: i for i in store.load_instruments()}
        if what == "fills":
            fills = list(reversed(store.fills(since=start, limit=None)))
            return render((fill_record(r, instruments.get(r.symbol)) | {"mode": mode}
                           for r in fills), FILL_FIELDS, fmt)
        orders = list(reversed(store.orders(since=start, limit=None)))
        return render((order_record(r, instruments.get(r.symbol)) | {"mode": mode}
                       for r in orders), ORDER_FIELDS, fmt)
    finally:
        store.close()


__all__ = ["ExportError", "StoreError", "export"]
