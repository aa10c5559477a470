"""Position P&L: average price, mark, realized and unrealized, for longs, shorts and flats."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from tui.core.model import Balance, Book, Holding, Instrument, Position
from tui.core.money import dollars, gain, raw_dollars
from tui.core.pnl import (
    close_pnl,
    desk_pnl,
    entry_tick,
    in_outcome,
    mark_price,
    position_pnl,
)
from tui.core.prices import Outcome, Scales
from tui.core.state import DeskState
from tui.sim.model import SimPosition
from tui.ui.widgets.account import AccountPanel
from tui.ui.widgets.tables import PositionsTable

CENTS = Scales(price_scale=100, tick=1)  # $1 = 100 raw; whole contracts
MILLS = Scales(price_scale=1000, tick=10, qty_scale=100)  # hundredths of a contract

D = Decimal


def from_net(symbol: str, net: int, *, scales: Scales = CENTS, cost: int = 0,
             realized: int = 0, qty_bought: int = 0, qty_sold: int = 0) -> Position:
    """A venue's net YES report, as the desk holds it."""
    return Position.from_net(symbol, net, qty_bought, qty_sold, cost, realized, scales=scales)


def two_sided(bid: int, offer: int, symbol: str = "M") -> Book:
    return Book(symbol=symbol, bids=[(bid, 5)], offers=[(offer, 5)])


def test_long_yes() -> None:
    # bought 10 YES at 0.40; the market is 0.48 / 0.52
    position = from_net("M", 10, qty_bought=10, cost=10 * 40)
    pnl = position_pnl(position, CENTS, two_sided(48, 52))
    assert pnl.avg_price == D("0.40")
    assert pnl.mark == D("0.50")
    assert pnl.realized == 0
    assert pnl.unrealized == D("1.00")
    assert pnl.outcome is Outcome.YES


def test_short_yes_is_long_no_and_gains_when_yes_falls() -> None:
    # sold 10 YES at 0.60 (= bought 10 NO at 0.40); cost is -6.00
    position = from_net("M", -10, qty_sold=10, cost=-10 * 60)
    pnl = position_pnl(position, CENTS, two_sided(49, 51))
    assert pnl.avg_price == D("0.60")  # still a YES price
    assert in_outcome(pnl.avg_price, Outcome.NO) == D("0.40")  # the NO average
    assert pnl.mark == D("0.50")
    assert in_outcome(pnl.mark, Outcome.NO) == D("0.50")
    assert pnl.unrealized == D("1.00")
    assert pnl.outcome is Outcome.NO


def test_short_loses_when_yes_rises() -> None:
    position = from_net("M", -10, cost=-10 * 60)
    assert position_pnl(position, CENTS, two_sided(69, 71)).unrealized == D("-1.00")


def test_flat_keeps_its_realized_and_has_nothing_open() -> None:
    position = from_net("M", 0, qty_bought=10, qty_sold=10, cost=0, realized=250)
    pnl = position_pnl(position, CENTS, two_sided(48, 52))
    assert pnl.avg_price is None
    assert pnl.realized == D("2.50")
    assert pnl.unrealized == 0
    assert pnl.outcome is None
    # no market at all: still nothing open
    assert position_pnl(position, CENTS, None).unrealized == 0


def test_realized_losses_are_negative() -> None:
    pnl = position_pnl(from_net("M", 5, cost=5 * 30, realized=-125), CENTS, None)
    assert pnl.realized == D("-1.25")


def test_one_sided_book_marks_at_the_last_trade() -> None:
    position = from_net("M", 10, cost=10 * 40)
    bids_only = Book(symbol="M", bids=[(44, 3)], last_trade_px=45)
    pnl = position_pnl(position, CENTS, bids_only)
    assert pnl.mark == D("0.45")
    assert pnl.unrealized == D("0.50")
    offers_only = Book(symbol="M", offers=[(47, 3)], last_trade_px=42)
    assert position_pnl(position, CENTS, offers_only).mark == D("0.42")


def test_no_mark_without_two_sides_or_a_last_trade() -> None:
    position = from_net("M", 10, cost=10 * 40)
    for book in (None, Book(symbol="M"), Book(symbol="M", bids=[(44, 3)]),
                 Book(symbol="M", offers=[(47, 3)])):
        pnl = position_pnl(position, CENTS, book)
        assert pnl.mark is None
        assert pnl.unrealized is None
        assert pnl.avg_price == D("0.40")  # the average does not need a market


def test_mid_may_fall_between_ticks() -> None:
    assert mark_price(CENTS, two_sided(48, 49)) == D("0.485")


def test_partial_contracts_at_qty_scale_100() -> None:
    # 2.5 contracts bought at 0.420 at price scale 1000: raw qty 250, cost 105000 = $1.05
    position = from_net("M", 250, qty_bought=250, cost=250 * 420, realized=12345,
                        scales=MILLS)
    pnl = position_pnl(position, MILLS, two_sided(430, 440))
    assert pnl.avg_price == D("0.42")
    assert pnl.mark == D("0.435")
    assert pnl.realized == D("0.12345")
    assert pnl.unrealized == D("0.0375")  # 2.5 × 0.435 − 1.05
    assert close_pnl(position, MILLS, 500) == D("0.20")  # 2.5 × 0.50 − 1.05


def test_partial_contract_short() -> None:
    # 0.75 contracts short at 0.600 (long 0.75 NO at 0.40)
    position = from_net("M", -75, cost=-75 * 600, scales=MILLS)
    pnl = position_pnl(position, MILLS, Book(symbol="M", last_trade_px=520))
    assert pnl.avg_price == D("0.6")
    assert pnl.unrealized == D("0.06")  # 0.75 × (0.60 − 0.52)


def test_close_pnl_long_short_and_flat() -> None:
    assert close_pnl(from_net("M", 10, cost=400), CENTS, 55) == D("1.50")
    assert close_pnl(from_net("M", 10, cost=400), CENTS, 30) == D("-1.00")
    assert close_pnl(from_net("M", -10, cost=-600), CENTS, 50) == D("1.00")
    assert close_pnl(from_net("M", 0, cost=0, realized=99), CENTS, 50) == 0


def test_the_average_entry_on_the_nearest_tick() -> None:
    half = Scales(price_scale=1000, tick=5)
    # 402.3 -> 400; 402.5 -> 403 -> 405
    assert entry_tick(from_net("M", 3, cost=3 * 402 + 1, scales=half), half) == 400
    assert entry_tick(from_net("M", 2, cost=805, scales=half), half) == 405
    assert entry_tick(from_net("M", -10, cost=-400), CENTS) == 40  # long NO: a YES price
    assert entry_tick(from_net("M", 0, cost=0), CENTS) is None


def test_one_money_formatter_for_every_amount() -> None:
    assert dollars(D("1234.5")) == "$1,234.50"
    assert dollars(D("-3.1")) == "-$3.10"
    assert dollars(D("1.25"), signed=True) == "+$1.25"
    assert dollars(D("-0.004"), signed=True) == "$0.00"  # a loss under half a cent is none
    assert dollars(D("0.125")) == "$0.13"  # cents round half away from zero
    assert dollars(D("-0.125")) == "-$0.13"
    assert dollars(D("0.125"), exact=True) == "$0.125"  # a limit or a cash size: exact
    assert dollars(D("5000"), exact=True) == "$5,000.00"
    assert dollars(D("1234.56"), signed=True, symbol=False) == "+1,234.56"
    assert raw_dollars(2500, CENTS) == "$25.00"
    assert [gain(D(x)) for x in ("0.01", "0.004", "-0.005", "0")] == [1, 0, -1, 0]


def test_desk_totals_skip_unknown_markets_and_count_unmarked() -> None:
    instruments = {s: Instrument(s, s, CENTS) for s in ("A", "B", "C")}
    positions = [
        from_net("A", 10, cost=400, realized=100),  # marked at 0.50: +1.00
        from_net("B", -10, cost=-600, realized=-50),  # no book: unmarked
        from_net("C", 0, realized=25),  # flat
        from_net("Z", 5, cost=100, realized=1000),  # unknown market: skipped
    ]
    books = {"A": two_sided(49, 51, "A")}
    total = desk_pnl(positions, instruments, books)
    assert total.realized == D("0.75")
    assert total.unrealized == D("1.00")
    assert total.unmarked == 1


fills = st.lists(
    st.tuples(st.integers(-500, 500).filter(bool), st.integers(1, 99)), min_size=1, max_size=8)


def net_model_pnl(sim: SimPosition, scales: Scales, mark: int) -> Decimal:
    """What the old net YES model gave, realized + unrealized at a raw YES mark: the ledger's
    realized plus ``net × mark − cost``, from the exchange's own figures."""
    raw = sim.realized + sim.net_position * mark - sim.cost
    return D(raw) / D(scales.price_scale * scales.qty_scale)


@given(fills=fills, close_px=st.integers(1, 99), qty_scale=st.sampled_from([1, 100]))
def test_close_pnl_is_what_the_exchange_realises(fills: list[tuple[int, int]], close_px: int,
                                                  qty_scale: int) -> None:
    """A net report becomes one holding whose P&L is the net model's, and closing the whole
    position at a price realises exactly close_pnl (the sim's ledger), through either."""
    scales = Scales(price_scale=100, tick=1, qty_scale=qty_scale)
    sim = SimPosition(account="a", symbol="M")
    for qty, px in fills:
        sim.apply(qty, px, 0.0)
    position = from_net("M", sim.net_position, cost=sim.cost, realized=sim.realized,
                        scales=scales)
    pnl = position_pnl(position, scales, Book("M", last_trade_px=close_px))
    assert pnl.unrealized is not None
    assert pnl.realized + pnl.unrealized == net_model_pnl(sim, scales, close_px)
    expected = close_pnl(position, scales, close_px)
    before = sim.realized
    if sim.net_position:
        sim.apply(-sim.net_position, close_px, 0.0)
    realised = D(sim.realized - before) / D(scales.price_scale * scales.qty_scale)
    assert realised == expected
    assert sim.net_position == 0 and sim.cost == 0
    # the desk's own ledger, selling the outcome held, realises the same to the raw unit
    for outcome, price in ((Outcome.YES, close_px), (Outcome.NO, 100 - close_px)):
        if position.holding(outcome).qty:
            position.trade(outcome, -position.holding(outcome).qty, price)
    assert position.realized == sim.realized and not position.held


# a token bought (+) or sold (-) at that outcome's price, as on the global CLOB
token_trades = st.lists(st.tuples(st.sampled_from(Outcome), st.integers(-500, 500).filter(bool),
                                  st.integers(1, 99)), min_size=1, max_size=10)


@given(trades=token_trades, mark=st.integers(1, 99), qty_scale=st.sampled_from([1, 100]))
def test_both_outcomes_held_are_worth_what_the_net_model_says(
        trades: list[tuple[Outcome, int, int]], mark: int, qty_scale: int) -> None:
    """YES and NO held per outcome (both at once) against the exchange's net ledger fed the
    same trades on the YES book (buying NO at n is selling YES at 1 − n): the same net, the
    same realized + unrealized at any mark, and closing realises exactly close_pnl."""
    scales = Scales(price_scale=100, tick=1, qty_scale=qty_scale)
    position, sim = Position("M"), SimPosition(account="a", symbol="M")
    for outcome, qty, px in trades:
        qty = max(qty, -position.holding(outcome).qty)  # only a token held is sold
        if qty:
            position.trade(outcome, qty, px)
            yes_qty, yes_px = (qty, px) if outcome is Outcome.YES else (-qty, 100 - px)
            sim.apply(yes_qty, yes_px, 0.0)
    assert position.net == sim.net_position
    pnl = position_pnl(position, scales, Book("M", last_trade_px=mark))
    assert pnl.unrealized is not None
    assert pnl.realized + pnl.unrealized == net_model_pnl(sim, scales, mark)
    expected, before = close_pnl(position, scales, mark), position.realized
    position.trade(Outcome.YES, -position.yes.qty, mark)
    position.trade(Outcome.NO, -position.no.qty, 100 - mark)
    assert D(position.realized - before) / D(100 * qty_scale) == expected
    assert position.yes == position.no == Holding()
    if sim.net_position:  # the exchange closing its net position ends where the desk did
        sim.apply(-sim.net_position, mark, 0.0)
    assert position.realized == sim.realized


# --- the P&L on screen -------------------------------------------------------------------


class _Desk(App[None]):
    def compose(self) -> ComposeResult:
        yield PositionsTable(id="positions")
        yield AccountPanel(id="account")


def _desk() -> DeskState:
    state = DeskState()
    state.set_instruments([Instrument(s, s, CENTS) for s in ("LONG", "SHORT", "DARK")])
    state.replace_book(two_sided(48, 52, "LONG"))
    state.replace_book(two_sided(49, 51, "SHORT"))
    state.set_positions([
        from_net("LONG", 10, cost=400, realized=125),
        from_net("SHORT", -10, cost=-600),
        from_net("DARK", 3, cost=3 * 55, realized=-30),  # no book: no mark
    ], snapshot=True)
    state.set_balance(Balance(D("1234.5"), D("1000")))
    state.take_dirty_books()
    return state


def _row(table: PositionsTable, symbol: str) -> list[str]:
    return [str(cell) for cell in table.get_row(symbol)]


async def test_positions_table_shows_each_position_in_its_outcome() -> None:
    state = _desk()
    app = _Desk()
    async with app.run_test() as pilot:
        table = app.query_one(PositionsTable)
        table.refresh_from(state)
        await pilot.pause()
        assert _row(table, "LONG") == ["LONG", "10 YES", "0.400", "0.500", "+$1.25", "+$1.00"]
        # short YES is long NO: NO average 0.40, NO mark 0.50
        assert _row(table, "SHORT") == ["SHORT", "10 NO", "0.400", "0.500", "$0.00", "+$1.00"]
        # no mark: mark and unrealized are blank, never a made-up number
        assert _row(table, "DARK") == ["DARK", "3 YES", "0.550", "", "-$0.30", ""]


async def test_only_dirty_books_refresh_their_marks() -> None:
    state = _desk()
    app = _Desk()
    async with app.run_test() as pilot:
        table = app.query_one(PositionsTable)
        table.refresh_from(state)
        state.replace_book(two_sided(58, 62, "LONG"))
        state.replace_book(two_sided(39, 41, "SHORT"))
        table.refresh_marks(state, {"LONG"})  # SHORT's book moved but was not passed
        await pilot.pause()
        assert _row(table, "LONG")[3:] == ["0.600", "+$1.25", "+$2.00"]
        assert _row(table, "SHORT")[3:] == ["0.500", "$0.00", "+$1.00"]
        table.refresh_marks(state, {"SHORT", "NOT-HELD"})
        assert _row(table, "SHORT")[3:] == ["0.600", "$0.00", "+$2.00"]


async def test_a_grown_position_is_shown_whole() -> None:
    # the row was first drawn narrow (flat, no mark); its later cells must not be cut "13…"
    state = DeskState()
    state.set_instruments([Instrument("M", "M", CENTS)])
    state.set_positions([from_net("M", 0, realized=-20)], snapshot=True)
    app = _Desk()
    async with app.run_test(size=(100, 10)) as pilot:
        table = app.query_one(PositionsTable)
        table.refresh_from(state)
        await pilot.pause()
        state.replace_book(two_sided(40, 44))
        state.set_positions([from_net("M", 1300, cost=1300 * 41, realized=-20)], snapshot=True)
        table.refresh_from(state)
        await pilot.pause()
        drawn = [strip.text for strip in app.screen._compositor.render_strips()]
        assert any(re.search(r"1300 YES +0\.410 +0\.420 +-\$0\.20 +\+\$13\.00", line)
                   for line in drawn), "\n".join(drawn)


async def test_account_panel_totals() -> None:
    state = _desk()
    app = _Desk()
    async with app.run_test() as pilot:
        panel = app.query_one(AccountPanel)
        panel.refresh_from(state)
        await pilot.pause()
        assert panel.values == {
            "balance": "$1,234.50", "buying power": "$1,000.00", "realized": "+$0.95",
            "unrealized": "+$2.00*",  # * = DARK has no mark and is left out
            "open orders": "0",
        }
        state.replace_book(two_sided(58, 62, "LONG"))
        panel.refresh_marks(state, {"LONG"})
        assert panel.values["unrealized"] == "+$3.00*"
