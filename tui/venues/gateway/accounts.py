"""A login that may trade several accounts (a firm's, or an ISV's for its end users): the desk
trades and shows one at a time, and the trader switches between them.

A switch waits for no insert: it is refused while one is on its way (its answer would land in
the other account's view). The account's streams (orders, positions, drop copy) stop, its
local database stops listening (each account keeps its own file, so the blotter's history
follows the switch; a database once opened stays open until the desk stops), then the other
account's database listens and its streams start. Orders left working in the account
switched from keep working at the exchange; the kill switch can still reach them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.core.listener import until
from tui.core.model import Order
from tui.core.venue import LocalDatabase, VenueError
from tui.core.words import short_account
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.base import ORDER_STREAM
from tui.venues.gateway import convert
from tui.venues.sweep import REQUEST_WAIT

if TYPE_CHECKING:
    from tui.venues.gateway.venue import GatewayVenue

log = logging.getLogger(__name__)

SETTLE_WAIT = 2.0  # seconds a switch waits for inserts on their way to be answered
LIVE_WAIT = 5.0  # and for the new account's order stream
OTHERS_BOUND = 10.0  # seconds the kill switch keeps at the other accounts' orders
LIST_MAX = 20  # cancels in one CancelOrderList (spec §6)


class AccountSwitch:
    def __init__(self, venue: GatewayVenue) -> None:
        self.venue = venue
        self.stores: dict[str, LocalDatabase] = {}  # every account's database opened

    async def switch(self, account: str) -> None:
        venue, state = self.venue, self.venue.state
        if account == venue.account:
            return
        if account not in state.tradable:
            raise VenueError(f"This login may not trade {short_account(account)}.")
        if not await self._settled(SETTLE_WAIT):
            raise VenueError(f"An order is still on its way in {short_account(venue.account)}: "
                             "switch once the exchange has answered it.")
        await asyncio.gather(*(w.stop() for w in venue.account_workers))
        if venue.store is not None:
            venue.flush_now(0.5)
            venue.store.detach(state)
            self.stores[venue.account] = venue.store
        seen = account in state.accounts
        venue.account = account
        state.trade_account(account)
        venue.store = self.stores.get(account)
        if venue.store is not None and seen:
            venue._remember(venue.store.attach(state, history=False))
        else:
            await venue._open_local_database()
        venue.start_account_workers()
        if not await self._until(lambda: state.is_live(ORDER_STREAM), LIVE_WAIT):
            state.notify(f"{short_account(account)}'s order stream is not live yet: orders wait "
                         "for it.", "warning")
        try:
            state.set_balance(convert.balance(await venue.rest.balance(account)))
        except VenueError as exc:
            state.notify(f"Balance unavailable for {short_account(account)}: {exc}", "warning")
        state.notify(f"Trading {short_account(account)} now.")

    async def name_holders(self) -> None:
        """Whose each account is, from the ISV's users (UsersAPI): the picker says it. A
        venue that does not serve the call leaves the accounts unnamed."""
        try:
            users = await self.venue.rest.users()
        except VenueError as exc:
            log.info("users not listed: %s", exc)
            return
        for user in users:
            for account in user.get("accounts") or []:
                self.venue.state.holders[str(account)] = str(user.get("displayName") or "")

    async def _settled(self, within: float) -> bool:
        """Until no insert of the account traded awaits its answer or its report (True),
        for at most ``within`` seconds: a key pressed just before the switch is not lost."""
        venue = self.venue
        return await self._until(lambda: not venue._inflight and not any(
            o.is_pending for o in venue.state.home.orders.values()), within)

    async def _until(self, check: Callable[[], bool], within: float) -> bool:
        return await until(self.venue.state, check, within)

    async def kill_others(self, bound: float = OTHERS_BOUND, *, only: str | None = None
                          ) -> tuple[int, list[Order]]:
        """The kill switch in the accounts not traded now: their open orders, as the
        exchange lists them, cancelled in rounds until it lists none or ``bound`` seconds
        pass. (cancels sent, orders still listed at the end.) The desk sends nothing to
        those accounts, so the listing is the whole truth: no insert of ours is on its way."""
        venue = self.venue
        others = [only] if only else [a for a in venue.state.tradable if a != venue.account]
        if not others:
            return 0, []
        loop = asyncio.get_running_loop()
        deadline, sent, listed = loop.time() + bound, 0, []
        while True:
            try:
                listed = [convert.order(o) for o in await asyncio.wait_for(
                    venue.rest.open_orders(others), REQUEST_WAIT)]
            except (VenueError, TimeoutError):
                listed = listed or []  # unread: try again, bounded
            else:
                if not listed:
                    return sent, []
            if loop.time() >= deadline:
                return sent, listed
            for start in range(0, len(listed), LIST_MAX):
                chunk = listed[start:start + LIST_MAX]
                with contextlib.suppress(VenueError, TimeoutError):
                    await asyncio.wait_for(venue.rest.cancel_order_list([
                        tr_pb.CancelOrderRequest(order_id=o.order_id, symbol=o.symbol)
                        for o in chunk]), REQUEST_WAIT)
                    sent += len(chunk)
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        """The databases of the accounts switched away from (the venue closes its own)."""
        others = [s for a, s in self.stores.items() if s is not self.venue.store]
        self.stores.clear()
        for store in others:
            await asyncio.to_thread(store.close)
