"""The audit journal, kept as a trader trades: keys pressed in the real app on the embedded
exchange, then `pmdesk export journal` run as the CLI lists each key, question, answer,
command and the exchange's answer for that account, in order, with no secret in it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.conftest import eventually, live, make_venue, venue_via
from tests.desk_kit import ALICE, DEMO, cent_symbols, expire_tokens, mine, quote, settled
from tests.pilot_kit import cursor_to, pilot_desk, told
from tui.cli.main import main
from tui.core.config import DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limit, Limits
from tui.desk.controller import DeskController
from tui.sim.retail.api import DEMO_RETAIL_SECRET, slug_of
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.venues.gateway.venue import GatewayVenue

PROFILE = "audited"
# soft: 10 contracts asks first; hard: an order 20 ticks from the mid is refused
LIMITS = Limits(max_qty=Limit(Decimal(5), hard=False),
                max_ticks_from_mid=Limit(Decimal(20), hard=True))


def exported(capsys: pytest.CaptureFixture[str], account: str) -> tuple[str, list[dict[str, Any]]]:
    """`pmdesk export journal` for the account, as JSON: its text and its entries."""
    capsys.readouterr()
    assert main(["export", "journal", "--profile", PROFILE, "--account", account,
                 "--format", "json"]) == 0
    text = capsys.readouterr().out
    return text, json.loads(text)


def in_order(entries: list[dict[str, Any]], expected: list[tuple[str, str]]) -> list[str]:
    """What of `expected` (kind, words in the summary) is not found, in this order, among
    the entries; [] when all of it is."""
    at = 0
    for n, (kind, words) in enumerate(expected):
        while at < len(entries) and not (entries[at]["kind"] == kind
                                         and words in entries[at]["summary"]):
            at += 1
        if at == len(entries):
            return [f"{k}: {w}" for k, w in expected[n:]]
        at += 1
    return []


async def _ask(app: PmdeskApp, pilot: Pilot[None], key: str, answer: str) -> None:
    await pilot.press(key)
    await eventually(lambda: isinstance(app.screen, ConfirmScreen) and app.screen.armed,
                     what="an armed confirmation")
    await pilot.press(answer)
    await settled(app)


async def test_keys_questions_answers_and_commands_are_journalled_in_order(
        quiet_sim: SimServer, via: str, capsys: pytest.CaptureFixture[str]) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)  # 0.40 / 0.45
    shown = slug_of(symbol) if via == "retail" else symbol
    venue = venue_via(quiet_sim, via, profile=PROFILE)
    config = DeskConfig(limits=LIMITS, confirm_delay=0.2)
    async with pilot_desk(venue, config) as (app, pilot):
        app.show_market(shown)
        await eventually(lambda: app.symbol == shown and app.cursor_price is not None
                         and getattr(app.state.books.get(shown), "best_bid", None) == 40,
                         what="the market on the ladder, with the exchange's bid")
        await cursor_to(app, pilot, 38)
        await _ask(app, pilot, "b", "n")  # asked, and declined: nothing sent
        await _ask(app, pilot, "b", "enter")  # asked, and sent
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 38, 10)], what="my bid")
        await pilot.press("x")
        await eventually(lambda: mine(quiet_sim) == [], what="my bid cancelled")
        # a trader reads the desk's word before the next key; so does the journal's order
        await eventually(lambda: told(app, "Cancelled 1 order at 0.38"), what="the cancel said")
        await _ask(app, pilot, "b", "y")
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 38, 10)], what="my bid")
        await pilot.press("K")
        await eventually(lambda: mine(quiet_sim) == [], what="the kill switch's sweep")
        await eventually(lambda: told(app, "Kill switch: nothing working"),
                         what="the kill switch's word")
        await cursor_to(app, pilot, 10)
        await pilot.press("b")  # 32 ticks from the mid: refused, never asked
        await settled(app)
        tokens = ([venue.rest.tokens.access, venue.rest.tokens.refresh]
                  if isinstance(venue, GatewayVenue) else [DEMO_RETAIL_SECRET])
        account = venue.account
    assert all(tokens)

    text, entries = exported(capsys, account)
    at = f"in {shown} at 0.38"
    assert not in_order(entries, [
        ("key", f"b (buy) {at}: BUY YES 10 @ 0.38"),
        ("question", "Send this order?"), ("answer", "Send this order? no"),
        ("key", f"b (buy) {at}: BUY YES 10 @ 0.38"),
        ("question", "Send this order?"), ("answer", "Send this order? yes, send"),
        ("command", "Insert"), ("said", "Sent BUY YES 10 @ 0.38"),
        ("key", f"x (cancel here) {at}: cancel 1 order at 0.38"),
        ("command", "Cancel"), ("said", "Cancelled 1 order at 0.38; none working."),
        ("key", "b (buy)"), ("answer", "yes, send"), ("command", "Insert"),
        ("key", "K (kill switch): cancel every order in every market"), ("command", "Cancel"),
        ("said", "Kill switch: nothing working in any market (1 cancelled)."),
        ("key", f"b (buy) in {shown} at 0.10: nothing sent"),
        ("refusal", "Not sent:"),
    ]), "\n".join(f"{e['kind']}: {e['summary']}" for e in entries)
    # each command with the exchange's answer, in words and in detail
    sent = [e for e in entries if e["kind"] == "command"]
    assert len(sent) >= 4 and all("accepted (200)" in e["summary"] for e in sent)
    assert all(e["response"]["status"] == 200 for e in sent)
    assert {e["account"] for e in entries} == {account}
    assert [e["time"] for e in entries] == sorted(e["time"] for e in entries)
    for secret in tokens:
        assert secret not in text
    assert '"demo"' not in text  # the demo user's password, in no field


async def test_two_accounts_keep_their_own_journals(
        quiet_sim: SimServer, capsys: pytest.CaptureFixture[str]) -> None:
    """Two desks in one profile, each trading its own account: each account's journal
    holds its own keys and commands, never the other's."""
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)
    placed: dict[str, str] = {}
    for user, price in (("demo", 38), ("alice", 37)):
        async with live(make_venue(quiet_sim, user, profile=PROFILE)) as venue:
            desk = DeskController(venue)
            desk.aim(symbol, price)
            plan = desk.order(True)
            assert plan is not None and plan.question is None
            await desk.answer(plan, True)
            ours = await eventually(lambda p=price: [o for o in venue.state.orders.values()
                                                     if o.price == p and o.order_id],
                                    what=f"{user}'s order acknowledged")
            placed[venue.account] = ours[0].clord_id  # type: ignore[index]
    assert set(placed) == {DEMO[0], ALICE[0]} and all(placed.values())
    for account, clord_id in placed.items():
        text, entries = exported(capsys, account)
        assert {e["account"] for e in entries} == {account}
        keys = [e["summary"] for e in entries if e["kind"] == "key"]
        price = "0.38" if account == DEMO[0] else "0.37"
        assert keys == [f"buy in {symbol} at {price}: BUY YES 10 @ {price} GTC in {symbol}"]
        assert clord_id in text
        other = next(c for a, c in placed.items() if a != account)
        assert other not in text


async def test_no_token_reaches_the_journal_across_a_token_refresh(
        quiet_sim: SimServer, capsys: pytest.CaptureFixture[str]) -> None:
    """The exchange turns the access token down mid-session; the desk renews it and sends
    the order: neither the old tokens nor the new ones are anywhere in the journal."""
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)
    async with live(make_venue(quiet_sim, profile=PROFILE)) as venue:
        tokens = venue.rest.tokens
        old = (tokens.access, tokens.refresh)
        expire_tokens(quiet_sim)
        desk = DeskController(venue)
        desk.aim(symbol, 38)
        plan = desk.order(True)
        assert plan is not None
        await desk.answer(plan, True)
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 38, 10)], what="my bid")
        assert tokens.access != old[0]  # renewed on the way
        secrets = (*old, tokens.access, tokens.refresh)
    text, entries = exported(capsys, venue.account)
    assert any(e["kind"] == "command" and "accepted (200)" in e["summary"] for e in entries)
    for secret in secrets:
        assert secret and secret not in text
