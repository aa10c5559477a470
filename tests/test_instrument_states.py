"""The operator's hook on market states (Exchange.set_instrument_state) and what each state
lets a trader do, as spec §10's InstrumentState table has it."""

from __future__ import annotations

import pytest

from tests.simkit import CENT, A, B, Recorder, buy, sell
from tui.core.enums import (
    CxlRejReason,
    ExecType,
    InstrumentState,
    OrderState,
    OrdRejectReason,
    TimeInForce,
)
from tui.sim.exchange import Exchange
from tui.sim.model import BookChanged, InstrumentStateChanged


def test_a_halted_market_refuses_orders_replaces_and_cancels_naming_the_state(
        ex: Exchange, rec: Recorder) -> None:
    resting = buy(ex, A, 40, 5)
    ex.set_instrument_state(CENT, InstrumentState.HALTED)
    changed = [e for e in rec.events if isinstance(e, InstrumentStateChanged)]
    assert [(e.symbol, e.old, e.new) for e in changed] == [
        (CENT, InstrumentState.OPEN, InstrumentState.HALTED)]
    assert BookChanged(CENT) in rec.events  # market data hears the new state at once
    rec.clear()

    refused = sell(ex, B, 40, 5)
    (report,) = rec.reports(refused)
    assert (report.type, report.reject_reason) == (ExecType.REJECTED,
                                                   OrdRejectReason.EXCHANGE_CLOSED)
    assert "halted" in report.text
    ex.replace_order(account=A, order_id=resting, clord_id="", price=41)
    ex.cancel_order(account=A, order_id=resting)
    rejects = rec.rejects()
    assert [(r.is_replace, r.reason) for r in rejects] == [
        (True, CxlRejReason.EXCHANGE_CLOSED), (False, CxlRejReason.EXCHANGE_CLOSED)]
    assert all("halted" in r.text for r in rejects)
    order = ex.order(resting)
    assert order is not None and order.state is OrderState.NEW and order.leaves_qty == 5

    ex.set_instrument_state(CENT, InstrumentState.OPEN)  # reopened: trading goes on
    traded = sell(ex, B, 40, 5)
    assert [r.type for r in rec.reports(traded)][-1] is ExecType.FILL


def test_a_suspended_market_takes_cancels_only(ex: Exchange, rec: Recorder) -> None:
    resting = buy(ex, A, 40, 5)
    ex.set_instrument_state(CENT, InstrumentState.SUSPENDED)
    rec.clear()
    refused = buy(ex, B, 41, 1)
    assert rec.types(refused) == [ExecType.REJECTED]
    assert "suspended" in rec.reports(refused)[0].text
    ex.cancel_order(account=A, order_id=resting)
    assert rec.types(resting) == [ExecType.CANCELED] and not rec.rejects()


@pytest.mark.parametrize(("state", "day", "gtc"), [
    (InstrumentState.CLOSED, ExecType.EXPIRED, None),  # DAY orders expire, others rest
    (InstrumentState.EXPIRED, ExecType.EXPIRED, ExecType.EXPIRED),
    (InstrumentState.TERMINATED, ExecType.CANCELED, ExecType.CANCELED),
    (InstrumentState.HALTED, None, None),
])
def test_entering_a_state_ends_the_resting_orders_it_ends(
        ex: Exchange, rec: Recorder, state: InstrumentState, day: ExecType | None,
        gtc: ExecType | None) -> None:
    day_order = buy(ex, A, 40, 5, tif=TimeInForce.DAY)
    gtc_order = sell(ex, B, 60, 5)
    rec.clear()
    ex.set_instrument_state(CENT, state)
    for order_id, ending in ((day_order, day), (gtc_order, gtc)):
        assert rec.types(order_id) == ([ending] if ending else [])
        working = order_id in {o.order_id for o in ex.open_orders()}
        assert working is (ending is None)
    ex.set_instrument_state(CENT, state)  # no change: nothing said
    assert sum(isinstance(e, InstrumentStateChanged) for e in rec.events) == 1


def test_an_unknown_market_has_no_state_to_set(ex: Exchange) -> None:
    with pytest.raises(KeyError):
        ex.set_instrument_state("NO-SUCH", InstrumentState.HALTED)
