"""DeskState keeps orders, positions, fills and balance per account: what one account is
written never shows in another, and the desk's readers see the active account's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.enums import OrderState, Side
from tui.core.model import Balance, Book, Fill, Holding, Instrument, Order, Position
from tui.core.prices import Scales
from tui.core.state import DeskState

CENTS = Scales(price_scale=100, tick=1)
A, B = "firms/ACME/accounts/a-1", "firms/ACME/accounts/b-2"


def order(order_id: str, price: int, state: OrderState = OrderState.NEW,
          clord_id: str = "") -> Order:
    return Order(order_id=order_id, clord_id=clord_id or f"c-{order_id}", symbol="S",
                 side=Side.BUY, price=price, order_qty=5, leaves_qty=5, state=state)


def fill(exec_id: str, order_id: str) -> Fill:
    return Fill(exec_id, order_id, "S", Side.BUY, 40, 2, None, 1.0)


def desk() -> DeskState:
    """Account A (the venue's own, named first) and B, each written something of its own."""
    state = DeskState()
    state.set_instruments([Instrument("S", "a market", CENTS)])
    state.replace_book(Book("S", [(40, 50)], [(45, 50)]))
    state.open_account(A)
    state.open_account(B)
    state.upsert_order(order("a-o", 40))  # names no account: the venue's own
    state.upsert_order(order("b-o", 39), account=B)
    state.set_positions([Position("S", yes=Holding(3, 120))], snapshot=True)
    state.set_positions([Position("S", no=Holding(7, 420))], snapshot=True, account=B)
    assert state.add_fill(fill("a-x", "a-o"))
    assert state.add_fill(fill("b-x", "b-o"), account=B)
    state.set_balance(Balance(Decimal("100"), Decimal("90")))
    state.set_balance(Balance(Decimal("200"), Decimal("150")), account=B)
    return state


def shown(state: DeskState) -> tuple[object, ...]:
    """Everything a reader of the desk sees of the account."""
    return (state.account, list(state.orders), [o.order_id for o in state.working_orders()],
            [o.order_id for o in state.working_orders("S")],
            {s: p.net for s, p in state.positions.items()}, [f.exec_id for f in state.fills],
            state.balance.balance if state.balance else None)


def test_writes_to_one_account_never_show_in_the_other() -> None:
    state = desk()
    assert list(state.accounts) == [A, B]
    assert shown(state) == (A, ["a-o"], ["a-o"], ["a-o"], {"S": 3}, ["a-x"], Decimal("100"))
    assert state.find_order(order_id="b-o") is None
    assert state.find_order(order_id="b-o", account=B) is state.accounts[B].orders["b-o"]


def test_switching_shows_the_other_account_to_every_reader() -> None:
    state = desk()
    versions = (state.orders_version, state.positions_version, state.status_version)
    state.take_dirty_books()
    state.use_account(B)
    assert shown(state) == (B, ["b-o"], ["b-o"], ["b-o"], {"S": -7}, ["b-x"], Decimal("200"))
    # every view that reads the account is told to redraw
    assert all(after > before for after, before in zip(
        (state.orders_version, state.positions_version, state.status_version), versions,
        strict=True))
    assert state.take_dirty_books() == {"S"}
    # the venue's reports that name no account still go to its own, not to the one shown
    state.upsert_order(order("a-2", 41))
    state.set_positions([], snapshot=True)
    assert list(state.orders) == ["b-o"] and state.positions["S"].net == -7
    assert list(state.accounts[A].orders) == ["a-o", "a-2"] and not state.accounts[A].positions
    state.use_account(A)
    assert shown(state)[:4] == (A, ["a-o", "a-2"], ["a-o", "a-2"], ["a-o", "a-2"])
    with pytest.raises(ValueError, match="no account firms/ACME/accounts/c-3"):
        state.use_account("firms/ACME/accounts/c-3")
    assert state.account == A


def test_a_snapshot_of_one_account_leaves_the_other_alone() -> None:
    state = desk()
    state.replace_open_orders([order("b-9", 38)], account=B)
    state.set_positions([], snapshot=True, account=B)
    assert list(state.orders) == ["a-o"] and state.positions["S"].net == 3
    assert list(state.accounts[B].orders) == ["b-9"] and not state.accounts[B].positions
    # each account's working orders are in the book: the queue estimate of A's survives
    assert state.queue.ahead("a-o") is not None


def test_the_unnamed_account_takes_the_venues_name_and_keeps_what_it_holds() -> None:
    state = DeskState()
    state.upsert_order(order("o-1", 40))  # before the venue said which account it trades
    assert state.account == "" and list(state.orders) == ["o-1"]
    state.open_account(A)
    assert (state.account, list(state.orders), list(state.accounts)) == (A, ["o-1"], [A])
    state.open_account(A)  # again, after a reconnect: nothing changes
    assert list(state.accounts) == [A] and state.home is state.active
    state.add_fill(fill("x-1", "o-1"), account=B)  # a report naming a new account opens it
    assert list(state.accounts) == [A, B] and not state.fills
    assert [f.exec_id for f in state.accounts[B].fills] == ["x-1"]
