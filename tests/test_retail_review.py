"""Review of the retail venue: races and recoveries found by reading it, each shown over
real loopback sockets against the embedded exchange before it was fixed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import httpx
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.conftest import DEMO_ACCOUNT, eventually, live, make_retail_venue, start_live
from tests.desk_kit import ALICE, cent_symbols, place
from tests.desk_kit import mine as _mine
from tests.wire_faults import RETAIL_INSERT_PATH, Interposer, arm, reroute
from tui.core.enums import OrderState, Side
from tui.core.model import Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.retail.api import slug_of
from tui.sim.server import SimServer
from tui.store import Store, db_path
from tui.venues.retail.socket import SocketWorker
from tui.venues.retail.venue import RetailVenue


class _SlowInserts(Interposer):
    """Insert answers come late; `before` runs as the insert leaves (a network fault at
    that instant), the answer returns once `answer_when()` holds."""

    def __init__(self, answer_when: Callable[[], bool], before: Callable[[], object]) -> None:
        super().__init__()
        self.answer_when = answer_when
        self.before = before

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        slow = request.method == "POST" and request.url.path == RETAIL_INSERT_PATH
        if slow:
            self.before()
        response = await self.pass_on(request)
        if slow:
            await response.aread()
            await eventually(self.answer_when, what="the moment to answer")
        return response


async def test_a_modified_order_stays_the_desks_and_says_its_fills(
        quiet_sim: SimServer) -> None:
    """A modify is a cancel-replace with a new exchange id: the successor is still the
    desk's order, so its fill is announced like any other (as on the gateway)."""
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        await venue.submit(build_order(venue.state.instruments[slug], Intent.BUY_YES, 40, 5))
        order = await eventually(lambda: next((o for o in venue.state.working_orders(slug)
                                               if o.order_id and o.state is OrderState.NEW),
                                              None), what="working")
        await venue.replace(order, price=41)  # type: ignore[arg-type]
        moved = await eventually(lambda: next((o for o in venue.state.working_orders(slug)
                                               if o.price == 41), None), what="moved")
        assert moved.clord_id, "the successor lost the desk's id"  # type: ignore[union-attr]
        seen = venue.state._notice_seq
        place(quiet_sim, ALICE, symbol, Side.SELL, 41, 5)
        await eventually(lambda: any(n.text.startswith("Filled")
                                     for n in venue.state.notices_after(seen)),
                         what="the fill announced")


async def test_an_insert_answered_after_a_reconnect_shows_working(
        quiet_sim: SimServer) -> None:
    """The sockets break as an insert leaves and its answer comes after the reconnect's
    open-order snapshot (which already lists it): the order shows working, not pending."""
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        private = venue._workers[1]

        def snapshot_has_it() -> bool:  # the private socket is back and its snapshot landed
            return private.connects >= 2 and any(
                o.order_id for o in venue.state.orders.values() if o.symbol == slug)

        reroute(venue, quiet_sim, _SlowInserts(snapshot_has_it, before=quiet_sim.drop_streams),
                timeout=30.0)
        await venue.submit(build_order(venue.state.instruments[slug], Intent.BUY_YES, 40, 5))
        await eventually(lambda: [(o.state, bool(o.clord_id))
                                  for o in venue.state.working_orders(slug)]
                         == [(OrderState.NEW, True)], what="shown working")


async def test_stop_closes_the_socket_as_the_sdk_does() -> None:
    """§8.1: the SDK closes with code 1000 and reason "OK"."""
    closed: list[tuple[int | None, str | None]] = []

    async def handler(ws: ServerConnection) -> None:
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass
        closed.append((ws.close_code, ws.close_reason))

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        state = DeskState()
        worker = SocketWorker("orders", state, f"ws://127.0.0.1:{port}", "/v1/ws/private",
                              lambda path: {}, lambda: [{"subscribe": {"requestId": "o-1"}}],
                              lambda frame: None)
        worker.start()
        await eventually(lambda: worker._ws is not None, what="connected")
        await worker.stop()
        await eventually(lambda: closed, what="the server saw the close")
    assert closed == [(1000, "OK")]


class _LostCommands(Interposer):
    """Loopback HTTP where the next `lost` cancels or modifies never reach the exchange
    and their callers hear nothing (a read timeout): the desk cannot tell they failed.
    The next `failed_reads` reads of one order fail too (HTTP 503)."""

    def __init__(self, lost: int, failed_reads: int = 0) -> None:
        super().__init__()
        self.lost = lost
        self.failed_reads = failed_reads

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if self.lost and request.method == "POST" and path.endswith(("/cancel", "/modify")):
            self.lost -= 1
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if self.failed_reads and request.method == "GET" and path.startswith("/v1/order/"):
            self.failed_reads -= 1
            return httpx.Response(503, json={"message": "busy"}, request=request)
        return await self.pass_on(request)


async def test_a_cancel_with_no_answer_is_looked_up_and_can_be_sent_again(
        quiet_sim: SimServer) -> None:
    """A cancel whose answer is lost leaves the order "cancelling"; it is looked up (past
    a first read that fails), shown working again when the exchange kept it, and a second
    cancel is then sent."""
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        await venue.submit(build_order(venue.state.instruments[slug], Intent.BUY_YES, 40, 5))
        order = await eventually(lambda: next((o for o in venue.state.working_orders(slug)
                                               if o.state is OrderState.NEW), None),
                                 what="working")
        # one cancel lost, and one whole read with its retries failing
        reroute(venue, quiet_sim, _LostCommands(lost=1, failed_reads=3))
        venue.settle_after = 0.1  # asked how it went at once, not SETTLE_AFTER (3 s) later
        with contextlib.suppress(VenueError):
            await venue.cancel(order)  # type: ignore[arg-type]
        await eventually(lambda: [o.state for o in venue.state.working_orders(slug)]
                         == [OrderState.NEW], what="shown working again")
        await venue.cancel(venue.state.working_orders(slug)[0])
        await eventually(lambda: _mine(quiet_sim) == [], what="the second cancel")


async def test_an_insert_with_no_answer_that_filled_at_once_shows_filled(
        quiet_sim: SimServer) -> None:
    """A marketable insert fills at once and its answer is lost: it is never among the
    open orders, but the private socket saw it fill. The desk shows it filled, never
    rejected (a trader told "rejected" sends it again and doubles the position)."""
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        place(quiet_sim, ALICE, symbol, Side.SELL, 45, 5)
        arm(venue, quiet_sim).fault = "lose"  # it reaches the book; its answer is lost
        seen = venue.state._notice_seq
        request = build_order(venue.state.instruments[slug], Intent.BUY_YES, 45, 5)
        with contextlib.suppress(VenueError):
            await venue.submit(request)
        await eventually(lambda: any(n.text.startswith("Filled")
                                     for n in venue.state.notices_after(seen)),
                         what="the fill announced")
        order = venue.state.find_order(clord_id=request.clord_id)
        assert order is not None and (order.state, order.cum_qty) == (OrderState.FILLED, 5)
        await eventually(lambda: not venue.tasks.running("lookup"), what="the look-up ended")
        assert [(o.state, o.clord_id) for o in venue.state.orders.values()] == [
            (OrderState.FILLED, request.clord_id)]


async def test_an_insert_with_no_answer_found_nowhere_is_not_called_rejected(
        quiet_sim: SimServer) -> None:
    """Not among the open orders and never seen on the socket: the desk cannot know it
    never reached the book (it may have filled unseen), so it says so and never shows
    "rejected", which reads as "safe to send again"."""
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        unsent = arm(venue, quiet_sim)  # it never reaches the exchange, and no answer comes
        unsent.fault, unsent.deliver = "lose", False
        venue.lookup_waits = (0.2, 0.2, 0.2)  # looked for three times, not over seconds
        seen = venue.state._notice_seq
        request = build_order(venue.state.instruments[slug], Intent.BUY_YES, 40, 5)
        with contextlib.suppress(VenueError):
            await venue.submit(request)
        warned = await eventually(lambda: [n.text for n in venue.state.notices_after(seen)
                                           if "check positions" in n.text],
                                  what="the warning")
        order = venue.state.find_order(clord_id=request.clord_id)
        assert order is not None and order.state is not OrderState.REJECTED
        assert not order.state.is_working  # nothing left to jam a flatten or a cancel-all
        assert "may have filled" in order.reject_text and "reject" not in order.reject_text
        assert "before sending it again" in warned[0]  # type: ignore[index]


class _UnreadableOrder(Interposer):
    """The answer to a read of one order has a quantity that is no number."""

    def __init__(self, order_id: str) -> None:
        super().__init__()
        self.order_id = order_id

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == f"/v1/order/{self.order_id}":
            return httpx.Response(200, json={"order": {"id": self.order_id,
                                                       "quantity": "lots"}}, request=request)
        return await self.pass_on(request)


async def test_one_unreadable_order_does_not_stop_the_look_up_after_an_outage(
        quiet_sim: SimServer) -> None:
    """Two orders end while the sockets are down; the first one's read cannot be
    understood: the second is still shown as it ended, and the desk says they ended."""
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        for price in (40, 39):
            await venue.submit(build_order(venue.state.instruments[slug], Intent.BUY_YES,
                                           price, 5))
            await eventually(lambda p=price: any(o.price == p and o.state is OrderState.NEW
                                                 for o in venue.state.working_orders(slug)),
                             what="working")
        first, second = venue.state.working_orders(slug)
        reroute(venue, quiet_sim, _UnreadableOrder(first.order_id))
        seen = venue.state._notice_seq
        quiet_sim.drop_streams()
        for order in (first, second):
            quiet_sim.exchange.cancel_order(account=DEMO_ACCOUNT, order_id=order.order_id)
        await eventually(lambda: any("ended while the connection was down" in n.text
                                     for n in venue.state.notices_after(seen)),
                         what="the ended orders said")
        ended = venue.state.find_order(order_id=second.order_id)
        assert ended is not None and ended.state is OrderState.CANCELED


async def test_a_restarted_desk_knows_its_resting_orders_and_says_their_fills(
        quiet_sim: SimServer) -> None:
    """An order rests across a desk restart: the next session still knows it as its own
    (the reconnect snapshot names no desk id), says its fill, and keeps its id stored."""
    symbol = cent_symbols(quiet_sim)[0]
    slug = slug_of(symbol)

    def venue() -> RetailVenue:
        return make_retail_venue(quiet_sim, profile="retail")

    async with live(venue()) as first:
        request = build_order(first.state.instruments[slug], Intent.BUY_YES, 40, 5)
        await first.submit(request)
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 40, 5)], what="resting")
        await eventually(lambda: first.state.working_orders(slug)[0].state is OrderState.NEW,
                         what="working")

    async with live(venue()) as second:
        order = await eventually(lambda: next(iter(second.state.working_orders(slug)), None),
                                 what="the snapshot")
        assert order.clord_id == request.clord_id  # type: ignore[union-attr]
        seen = second.state._notice_seq
        place(quiet_sim, ALICE, symbol, Side.SELL, 40, 5)
        await eventually(lambda: any(n.text.startswith("Filled")
                                     for n in second.state.notices_after(seen)),
                         what="the fill announced")
        second.flush_now()
        assert second.store is not None
        assert [(r.clord_id, r.state) for r in second.store.orders()] == [
            (request.clord_id, OrderState.FILLED)]


def test_a_stored_order_keeps_its_desk_id_when_a_later_state_names_none() -> None:
    """A snapshot that cannot name the desk's id (retail's never does) must not erase the
    one stored: the next session would no longer know the order as its own."""
    def state(clord_id: str, cum: int, intent: Intent | None) -> Order:
        return Order("E1", clord_id, "AEC-NFL-KC", Side.BUY, 40, 5, 5 - cum, cum,
                     40 if cum else 0, OrderState.PARTIALLY_FILLED if cum else OrderState.NEW,
                     intent)

    with Store.open(db_path("retail", "retail-test")) as store:
        store.order_event(state("pmd-1", 0, Intent.BUY_YES), 1.0)
        store.order_event(state("", 2, None), 2.0)
        assert store.flush()
        assert [(r.clord_id, r.intent, r.cum_qty) for r in store.orders()] == [
            ("pmd-1", Intent.BUY_YES, 2)]


class _HeldPositions(Interposer):
    """The first positions read is answered by the exchange at once but reaches the desk
    only when the test lets it: a slow network, with a stale answer."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.held = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        first = request.url.path == "/v1/portfolio/positions" and not self.held
        self.held = self.held or first
        response = await self.pass_on(request)
        if first:
            await response.aread()
            await self.release.wait()
        return response


async def test_a_slow_positions_read_does_not_hold_trading_back(quiet_sim: SimServer) -> None:
    """The positions read after the private socket subscribes is slow: orders can be sent
    meanwhile, and its answer, older than a fill seen since, does not undo that fill."""
    symbol = cent_symbols(quiet_sim)[0]
    slug = slug_of(symbol)
    venue = make_retail_venue(quiet_sim)
    held = _HeldPositions()
    reroute(venue, quiet_sim, held, timeout=30.0)
    try:
        await start_live(venue)
        await eventually(lambda: held.held, what="the positions read sent")
        assert not held.release.is_set()  # trading goes on while its answer is held
        place(quiet_sim, ALICE, symbol, Side.SELL, 45, 5)
        await venue.submit(build_order(venue.state.instruments[slug], Intent.BUY_YES, 45, 5))
        await eventually(lambda: venue.state.fills, what="the fill")
        # the position change comes on the socket too, and waits behind the read
        await eventually(lambda: venue._held_positions, what="the position change held")
        held.release.set()
        await eventually(lambda: not venue._position_reads, what="the read's answer applied")
        assert (p := venue.state.positions.get(slug)) is not None and p.net == 5
    finally:
        held.release.set()
        await venue.stop()
