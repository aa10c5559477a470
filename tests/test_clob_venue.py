"""The desk's CLOB venue (tui/venues/clob/) headless on the embedded exchange: books from the
market channel, orders signed and sent, fills and positions per token from the user channel,
cancels and the kill switch, each asserted at the exchange."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from tests.clob_kit import live_venue, wallet_account
from tests.conftest import eventually
from tests.desk_kit import BOB, place
from tui.core.clob_sign import Wallet
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.prices import Intent
from tui.core.state import LinkState
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer
from tui.venues.clob.convert import QTY_SCALE as LOT
from tui.venues.clob.venue import ClobVenue

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"
SLUG = SYMBOL.lower()  # the CLOB names a market by its slug
MARKET = ClobMarket.of(SYMBOL)


@pytest.fixture
async def venue(quiet_sim: SimServer) -> AsyncIterator[ClobVenue]:
    async with live_venue(quiet_sim) as venue:
        yield venue


async def test_the_ladder_follows_the_market_channel(quiet_sim: SimServer,
                                                     venue: ClobVenue) -> None:
    assert SLUG in venue.state.instruments
    place(quiet_sim, BOB, SYMBOL, Side.BUY, 41, 12)
    place(quiet_sim, BOB, SYMBOL, Side.SELL, 44, 3)
    await eventually(lambda: (book := venue.state.books.get(SLUG)) is not None
                     and book.bids[:1] == [(4100, 12 * LOT)]
                     and book.offers[:1] == [(4400, 3 * LOT)],
                     what="Bob's bid and offer on the ladder")


async def test_buying_no_moves_the_no_position_and_the_pusd_balance(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    inst = venue.state.instruments[SLUG]
    place(quiet_sim, BOB, SYMBOL, Side.BUY, 40, 10)  # YES bid 0.40: NO offered at 0.60
    assert venue.state.balance is not None
    cash = venue.state.balance.balance
    request = build_order(inst, Intent.BUY_NO, 6000, 10 * LOT)  # 10 NO at 0.60
    await venue.submit(request)
    await eventually(lambda: (p := venue.state.positions.get(SLUG)) is not None
                     and p.no.qty == 10 * LOT and p.yes.qty == 0, what="ten NO held")
    await eventually(lambda: venue.state.balance is not None
                     and venue.state.balance.balance == cash - 6, what="$6 of pUSD spent")
    account = wallet_account(quiet_sim)
    assert quiet_sim.clob.tokens.held(account, MARKET.no_token) == 10
    assert quiet_sim.clob.tokens.held(account, MARKET.yes_token) == 0
    fills = list(venue.state.fills)
    assert [(f.intent, f.qty, f.price) for f in fills] == [(Intent.BUY_NO, 10 * LOT, 4000)]


async def test_an_order_rests_then_cancel_and_kill_leave_nothing_working(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    inst = venue.state.instruments[SLUG]
    await venue.submit(build_order(inst, Intent.BUY_YES, 3000, 5 * LOT))
    await venue.submit(build_order(inst, Intent.BUY_NO, 5500, 5 * LOT))  # YES 0.45 offered
    account = wallet_account(quiet_sim)
    await eventually(lambda: len(venue.state.working_orders(SLUG)) == 2
                     and all(o.state is OrderState.NEW for o in venue.state.working_orders()),
                     what="two orders working")
    engine = quiet_sim.exchange.open_orders([account])
    assert sorted((o.side, o.price) for o in engine) == [(Side.BUY, 30), (Side.SELL, 45)]
    first = venue.state.working_orders(SLUG)[0]
    await venue.cancel(first)
    await eventually(lambda: len(quiet_sim.exchange.open_orders([account])) == 1,
                     what="one cancelled at the exchange")
    report = await venue.kill_switch()
    assert report.confirmed
    assert quiet_sim.exchange.open_orders([account]) == []
    with pytest.raises(VenueError, match="kill switch"):
        await venue.submit(build_order(inst, Intent.BUY_YES, 3000, 5 * LOT))


async def test_selling_tokens_not_held_is_refused_with_the_equivalent_buy(
        venue: ClobVenue) -> None:
    inst = venue.state.instruments[SLUG]
    with pytest.raises(VenueError, match=r"BUY NO 5 @ 0\.55"):
        await venue.submit(build_order(inst, Intent.SELL_YES, 4500, 5 * LOT))
    assert not venue.state.working_orders()


async def test_a_neg_risk_market_is_marked_and_its_orders_signed_for_its_own_exchange(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    slug = "aec-pol-sen-ga-2026"  # the demo's neg-risk market: a half-cent tick
    inst = venue.state.instruments[slug]
    assert inst.description.endswith("(neg-risk market)")
    await venue.submit(build_order(inst, Intent.BUY_YES, 3000, 5 * LOT))  # 5 YES at 0.300
    account = wallet_account(quiet_sim)
    await eventually(lambda: [(o.symbol, o.price) for o in quiet_sim.exchange.open_orders(
        [account])] == [("AEC-POL-SEN-GA-2026", 300)],
        what="the order resting at the exchange, its signature checked against the "
             "neg-risk exchange")


async def test_a_gtd_order_works_until_the_time_the_trader_chose(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    """The CLOB ends a GTD order a minute before its expiration (§6.8): the desk asks for a
    minute more, so the engine's expiry is the ticket's."""
    inst = venue.state.instruments[SLUG]
    until = time.time() + 600
    await venue.submit(build_order(inst, Intent.BUY_YES, 3000, 5 * LOT,
                                   tif=TimeInForce.GOOD_TILL_TIME, expire_at=until))
    account = wallet_account(quiet_sim)
    await eventually(lambda: quiet_sim.exchange.open_orders([account]) != [],
                     what="the GTD order working")
    [order] = quiet_sim.exchange.open_orders([account])
    assert order.good_till_time == int(until)


async def test_a_post_only_order_that_would_cross_is_refused_in_words(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    place(quiet_sim, BOB, SYMBOL, Side.SELL, 45, 3)
    await eventually(lambda: (b := venue.state.books.get(SLUG)) is not None and b.offers,
                     what="Bob's offer on the ladder")
    inst = venue.state.instruments[SLUG]
    with pytest.raises(VenueError, match="post-only would have crossed"):
        await venue.submit(build_order(inst, Intent.BUY_YES, 4500, 5 * LOT, post_only=True))
    assert quiet_sim.exchange.open_orders([wallet_account(quiet_sim)]) == []


async def test_a_proxy_wallet_trades_with_its_owners_signature(quiet_sim: SimServer) -> None:
    owner = Wallet.from_key(hashlib.sha256(b"the proxy's owner").hexdigest())
    proxy = "0x" + "ab" * 20
    account = quiet_sim.add_clob_wallet(proxy, Decimal(500), signature_type=1,
                                        owners=(owner.address,))
    venue = ClobVenue(rest_url=quiet_sim.rest_url, private_key=owner.key,
                      signature_type=1, funder=proxy)
    await venue.start()
    try:
        await eventually(lambda: venue.state.balance is not None
                         and venue.state.balance.balance == 500, what="the proxy's $500")
        await eventually(lambda: venue.state.streams.get("orders") is not None
                         and venue.state.streams["orders"].state is LinkState.LIVE,
                         what="the user channel")
        await venue.submit(build_order(venue.state.instruments[SLUG], Intent.BUY_YES, 3000,
                                       5 * LOT))
        await eventually(lambda: [(o.side, o.price) for o in quiet_sim.exchange.open_orders(
            [account])] == [(Side.BUY, 30)], what="the order on the proxy's account")
    finally:
        await venue.stop()


async def test_the_takers_fee_is_in_the_estimate_the_fill_the_position_and_the_wallet(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    """The demo's crypto market charges §6.7's taker fee: r 0.25, e 2. Ten YES at 0.230
    cost $2.30 and 10 × 0.25 × (0.23 × 0.77)² = $0.07841 of fee."""
    symbol, slug = "AEC-CRY-BTC-150K-2026-12-31", "aec-cry-btc-150k-2026-12-31"
    place(quiet_sim, BOB, symbol, Side.SELL, 230, 10)
    await eventually(lambda: (b := venue.state.books.get(slug)) is not None and b.offers,
                     what="Bob's offer on the ladder")
    inst = venue.state.instruments[slug]
    request = build_order(inst, Intent.BUY_YES, 2300, 10 * LOT)
    estimate = await venue.preview(request)
    assert (estimate.fill_qty, estimate.fee) == (10 * LOT, Decimal("0.07841"))
    assert venue.state.balance is not None
    cash = venue.state.balance.balance
    await venue.submit(request)
    await eventually(lambda: [f.fee for f in venue.state.fills] == [Decimal("0.07841")],
                     what="the fill with its fee")
    account = wallet_account(quiet_sim)
    assert quiet_sim.clob.tokens.cash(account) == cash - Decimal("2.30") - Decimal("0.07841")
    await eventually(lambda: (p := venue.state.positions.get(slug)) is not None
                     and p.yes.qty == 10 * LOT, what="ten YES held")
    position = venue.state.positions[slug]
    sc = inst.scales  # the fee is part of what the YES cost
    assert position.yes.cost == 2300 * 10 * LOT + round(Decimal("0.07841") * sc.price_scale
                                                   * sc.qty_scale)


async def test_the_confirmation_shows_the_very_order_that_is_sent(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    inst = venue.state.instruments[SLUG]
    request = build_order(inst, Intent.BUY_YES, 3000, 5 * LOT)
    shown = venue.wire_text(request)
    await venue.submit(request)
    await eventually(lambda: any(o.order_id for o in venue.state.working_orders(SLUG)),
                     what="the order acknowledged")
    [order] = venue.state.working_orders(SLUG)
    assert order.order_id[:10] in shown  # the id the confirmation named is the one sent
    body = [r for r in quiet_sim.clob.received if r[1] == "/order"][-1][2].decode()
    assert body in shown  # byte for byte


async def test_the_api_secret_and_passphrase_never_reach_a_log(quiet_sim: SimServer) -> None:
    """Learnt at login, not given on the command line: masked from then on."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep()
    logging.getLogger().addHandler(handler)
    try:
        async with live_venue(quiet_sim) as venue:
            creds = venue.rest.creds
            assert creds is not None
            logging.getLogger("tui.test").warning("subscribing with %s and %s",
                                                  creds.secret, creds.passphrase)
        assert lines and creds.secret not in lines[-1] and creds.passphrase not in lines[-1]
    finally:
        logging.getLogger().removeHandler(handler)
