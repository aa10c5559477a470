"""The global Polymarket CLOB as a Venue (docs/spec/global-clob.md): a wallet's signed REST
commands, the market and user WebSockets, one DeskState.

Books: the YES token's book is the ladder (the NO book is its mirror, §6.2), built from the
market channel's dump and level changes. Orders and trades: the user channel; a trade's
fill is taken once, at MATCHED, and undone once if the trade FAILs on chain (settle.py).
Positions are held per
token, from my trade history at start and every fill after (Position.trade). pUSD is read
over REST at start and after fills. After every reconnect of the user channel the open
orders are listed, orders that ended meanwhile are looked up by id, and the trades missed
are read back. The heartbeat (heartbeat.py) is the trader's dead-man's switch.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import ssl
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tui.core.clob_sign import ApiCreds, Wallet
from tui.core.enums import ExecType, OrderState, Side
from tui.core.model import Balance, Fill, Order, Position
from tui.core.money import wire_decimal
from tui.core.recent import RecentDict
from tui.core.state import DeskState
from tui.core.tape import Trade
from tui.core.venue import LocalDatabase, VenueError
from tui.core.words import order_words
from tui.venues.base import INTENTS_KEPT, ORDER_STREAM
from tui.venues.clob import convert
from tui.venues.clob.batch import OrderBatcher
from tui.venues.clob.commands import ClobCommands
from tui.venues.clob.convert import Levels, Market, Signer
from tui.venues.clob.heartbeat import Heartbeat
from tui.venues.clob.rest import ClobRest
from tui.venues.clob.settle import Settlement, held
from tui.venues.clob.socket import ClobSocket, Event
from tui.venues.keys import redact_logs

log = logging.getLogger(__name__)
PRICES = "prices"
MAX_ASSETS = 500  # tokens one market-channel connection carries (global-clob.md §5.2)
RECOVER_FIRST = 24 * 3600.0  # seconds of trades read back when the desk has seen no fill
RECOVER_MARGIN = 120.0  # read back from this long before the last fill seen (clocks differ)
EVENTS = {"PLACEMENT": ExecType.NEW, "CANCELLATION": ExecType.CANCELED}


def ws_base(rest_url: str) -> str:
    if rest_url.startswith("https://"):
        return "wss://" + rest_url.removeprefix("https://")
    return "ws://" + rest_url.removeprefix("http://")


class ClobVenue(ClobCommands):
    def __init__(self, *, rest_url: str, private_key: str | bytes, signature_type: int = 0,
                 funder: str = "", creds: ApiCreds | None = None, ws_url: str | None = None,
                 state: DeskState | None = None, venue_name: str = "clob",
                 store: LocalDatabase | None = None,
                 open_store: Callable[[str], LocalDatabase] | None = None,
                 ssl_context: ssl.SSLContext | None = None, chain: int = 137) -> None:
        super().__init__(state=state, venue_name=venue_name, store=store,
                         open_store=open_store)
        wallet = Wallet.from_key(private_key)
        self.signer = Signer(wallet, signature_type, funder or wallet.address)
        self.rest = ClobRest(rest_url, wallet, creds=creds, chain=chain,
                             verify=ssl_context if ssl_context is not None else True)
        self.rest.holds = self._held
        # inserts of one turn: one POST /orders
        self.batcher = OrderBatcher(self.rest, self.tasks.spawn)
        self.ws_url = (ws_url or ws_base(rest_url)).rstrip("/")
        self._ssl = ssl_context
        self.markets: dict[str, Market] = {}
        self._tokens: dict[str, Market] = {}  # either token id -> its market
        self._conditions: dict[str, Market] = {}
        self._fees: dict[str, tuple[Decimal, int]] = {}
        self._replacing: set[str] = set()
        self._prepared: dict[str, convert.Unsigned] = {}
        self._levels: dict[str, Levels] = {}  # symbol -> the YES book as built
        self._clords = RecentDict(INTENTS_KEPT, keep=lambda: self.state.home.orders.keys())
        self.heartbeat = Heartbeat(self)
        self.state.orders_after_quit = (
            f"The CLOB's heartbeat cancels every order of this wallet's API key about "
            f"{self.heartbeat.timeout:.0f} s after this desk stops.")
        # the fills the positions hold (each once: a fill seen by the replay of the history
        # and again on the socket, or after a reconnect, moves a position once)
        self._counted: set[str] = set()
        self.settlement = Settlement(self)  # and fills undone when their trade FAILs
        self._balance_read: asyncio.Task[None] | None = None
        self.allowances: dict[str, Decimal | None] = {}  # spender -> pUSD (None: unlimited)
        self._allowance_told: Decimal | None = None

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        with contextlib.suppress(VenueError, ValueError, KeyError, TypeError):
            await self.rest.server_time()  # the skew, for the words of a refused signature
        if self.market_only:  # a paper desk's feed: public markets and the market channel
            self._load_markets(await self.rest.markets())
            self._workers = [ClobSocket(PRICES, self.state, self.ws_url + "/ws/market",
                                        self._market_subs, self._on_market,
                                        ssl_context=self._ssl)]
            self._workers[0].start()
            return
        creds = await self.rest.login()  # proves the wallet before anything else
        redact_logs([creds.secret, creds.passphrase])  # learnt now: kept out of every log
        self.account = f"clob-{self.signer.funder[:10].lower()}"
        self.state.user = f"wallet {self.signer.funder[:6]}…{self.signer.funder[-4:]}"
        self.state.open_account(self.account)
        await self._open_local_database()
        self._load_markets(await self.rest.markets())
        await self._read_balance()
        await self._replay_positions()
        self._workers = [
            ClobSocket(PRICES, self.state, self.ws_url + "/ws/market", self._market_subs,
                       self._on_market, ssl_context=self._ssl),
            ClobSocket(ORDER_STREAM, self.state, self.ws_url + "/ws/user", self._user_subs,
                       self._on_user, on_open=self._recover, ssl_context=self._ssl),
        ]
        for worker in self._workers:
            worker.start()
        self.heartbeat.start()

    async def stop(self) -> None:
        await self.heartbeat.stop()
        await super().stop()

    def _load_markets(self, rows: list[Any]) -> None:
        instruments, skipped = [], []
        # only books that trade (the CLOB lists every market it ever had); by name, as the
        # other venues list them: the desk opens on the first
        live = [m for m in rows if m.get("enable_order_book", True) and m.get("active", True)
                and not m.get("closed", False) and not m.get("archived", False)]
        if len(live) > MAX_ASSETS:
            self.state.notify(f"The CLOB lists {len(live)} open markets; the first "
                              f"{MAX_ASSETS} by name are shown (one socket carries "
                              f"{MAX_ASSETS}).", "warning")
            live = sorted(live, key=lambda m: str(m.get("market_slug") or ""))[:MAX_ASSETS]
        for data in sorted(live, key=lambda m: str(m.get("market_slug") or "")):
            try:
                inst, names = convert.market(data)
            except (ValueError, KeyError, TypeError):
                skipped.append(str(data.get("market_slug") or data.get("condition_id")))
                continue
            instruments.append(inst)
            self.markets[inst.symbol] = names
            self._tokens.update({names.yes_token: names, names.no_token: names})
            self._conditions[names.condition_id] = names
            self._levels[inst.symbol] = Levels()
        self.state.set_instruments(instruments)
        if skipped:
            self.state.notify(f"{len(skipped)} markets left out: no usable tokens, tick or "
                              f"minimum size ({', '.join(skipped[:3])}).", "warning")

    # --- subscriptions ------------------------------------------------------------------
    def _market_subs(self) -> list[Event]:
        # the YES books only: the ladder is on the YES axis and the NO book mirrors it
        return [{"type": "market", "initial_dump": True,
                 "assets_ids": [m.yes_token for m in self.markets.values()]}]

    def _user_subs(self) -> list[Event]:
        creds = self.rest.creds
        assert creds is not None  # start() logged in before opening the sockets
        return [{"type": "user", "markets": [], "auth": {
            "apiKey": creds.api_key, "secret": creds.secret, "passphrase": creds.passphrase}}]

    # --- market channel -----------------------------------------------------------------
    def _on_market(self, event: Event) -> None:
        kind = event.get("event_type")
        if kind == "price_change":  # every level first, then each book once
            moved = {symbol for change in event.get("price_changes") or []
                     if (symbol := self._level(change))}
            for symbol in moved:
                self._publish(symbol)
            return
        names = self._by_token(str(event.get("asset_id", "")))
        if names is None or names.yes_token != event.get("asset_id"):
            return
        levels, inst = self._levels[names.symbol], self.state.instruments[names.symbol]
        try:
            if kind == "book":
                if event.get("tick_size"):
                    self._set_tick(names, wire_decimal(event["tick_size"]))
                levels.replace(event)
                self._publish(names.symbol)
            elif kind == "last_trade_price":
                self._print(names, event)
            elif kind == "tick_size_change":
                self._set_tick(names, wire_decimal(event.get("new_tick_size")))
        except (ValueError, KeyError, TypeError):
            log.warning("a %s event for %s could not be read", kind, inst.symbol)

    def _set_tick(self, names: Market, tick: Decimal) -> None:
        """A market's new tick (§6.5): the ladder, the ticket and the signing follow it; an
        order of ours left off a coarser grid keeps resting and is named."""
        if tick == names.tick:
            return
        inst = self.state.instruments[names.symbol]
        scales = dataclasses.replace(inst.scales,
                                     tick=int(tick * inst.scales.price_scale))  # ValueError
        moved = dataclasses.replace(names, tick=tick)
        self.markets[names.symbol] = moved
        self._tokens.update({moved.yes_token: moved, moved.no_token: moved})
        self._conditions[moved.condition_id] = moved
        self.state.set_instruments([dataclasses.replace(inst, scales=scales) if i is inst else i
                                    for i in self.state.instruments.values()])
        off = [order_words(self.state, o) for o in self.state.working_orders(names.symbol)
               if not scales.on_tick(o.price)]
        rest = (f" {len(off)} of your orders rest off the new grid ({'; '.join(off[:3])}): "
                "they stay; a modify puts one on it.") if off else ""
        self.state.notify(f"{names.symbol}: the tick is now {tick} "
                          f"(it was {names.tick}).{rest}", "warning")

    def _level(self, change: dict[str, Any]) -> str:
        """One level of a YES book set; the market's symbol ("" when it was not one)."""
        names = self._by_token(str(change.get("asset_id", "")))
        if names is None or names.yes_token != change.get("asset_id"):
            return ""
        try:
            self._levels[names.symbol].change(str(change.get("side", "")).upper(),
                                              change.get("price"), change.get("size"))
        except (ValueError, KeyError, TypeError):
            return ""
        return names.symbol

    def _publish(self, symbol: str) -> None:
        inst = self.state.instruments[symbol]
        old = self.state.books.get(symbol)
        book = self._levels[symbol].book(symbol, inst.scales,
                                         old.last_trade_px if old is not None else None)
        self.state.replace_book(book)

    def _print(self, names: Market, event: Event) -> None:
        inst = self.state.instruments[names.symbol]
        side = {"BUY": Side.BUY, "SELL": Side.SELL}.get(str(event.get("side", "")).upper())
        self.state.add_trade(Trade(names.symbol, convert.raw_price(event["price"], inst.scales),
                                   convert.raw_qty(event["size"]), side, self.state.clock()))

    def _by_token(self, token: str) -> Market | None:
        return self._tokens.get(token)

    # --- user channel -------------------------------------------------------------------
    def _on_user(self, event: Event) -> None:
        kind = event.get("event_type")
        if kind == "order":
            order = self.decode_order(event)
            if order is not None:
                self._apply_report(order, EVENTS.get(str(event.get("type", ""))))
        elif kind == "trade":
            self._on_trade(event)

    def _on_trade(self, trade: Event) -> None:
        names = self.by_condition().get(str(trade.get("market", "")))
        if names is None or self.rest.creds is None:
            return
        inst = self.state.instruments[names.symbol]
        try:
            found = convert.fills(trade, self.rest.creds.api_key, names, inst.scales)
        except (ValueError, KeyError, TypeError):
            log.warning("a trade in %s could not be read", names.symbol)
            return
        if str(trade.get("status", "")).upper() == "FAILED":  # it moved nothing on chain
            self.settlement.failed(found, names.symbol, inst.scales)
            return
        for fill in found:
            self._fill(fill)

    def _fill(self, fill: Fill) -> None:
        order = self.state.find_order(order_id=fill.order_id)
        clord = self._clords.get(fill.order_id, "")
        if order is not None:
            fresh = self._take_fill(fill, order)
        else:
            fresh = self.state.add_fill(fill, clord_id=clord)
        self._hold(fill)
        if fresh:
            self._reread_balance()

    def _hold(self, fill: Fill) -> None:
        """The fill into the position it moved, in its own token (§6.1), once."""
        inst = self.state.instruments.get(fill.symbol)
        if inst is None or fill.intent is None or fill.exec_id in self._counted:
            return
        self._counted.add(fill.exec_id)
        old = self.state.positions.get(fill.symbol)
        position = Position(fill.symbol, old.yes, old.no, old.realized) if old else Position(
            fill.symbol)
        try:
            held(position, fill, inst.scales)
        except ValueError:  # more sold than the desk knew of: the history was short
            self.tasks.spawn(self._replay_positions(), "replay-positions")
            return
        self.settlement.kept(fill)
        self.state.set_positions([position], snapshot=False)

    async def _replay_positions(self) -> None:
        """Positions per token from my whole trade history, oldest first; a trade that
        FAILED on chain moved nothing (its fills counted as done with, never held)."""
        if self.rest.creds is None:
            return
        positions: dict[str, Position] = {}
        counted: set[str] = set()
        kept: dict[str, list[Fill]] = {}
        undone: set[str] = set()
        trades = await self.rest.trades()
        failed = {t.get("id") for t in trades if str(t.get("status", "")).upper() == "FAILED"}
        for trade in sorted(trades, key=lambda t: float(t.get("match_time") or 0)):
            names = self.by_condition().get(str(trade.get("market", "")))
            if names is None:
                continue
            sc = self.state.instruments[names.symbol].scales
            with contextlib.suppress(ValueError, KeyError, TypeError):
                for fill in convert.fills(trade, self.rest.creds.api_key, names, sc):
                    if fill.exec_id in counted:
                        continue  # a trade listed twice (a later status of it)
                    counted.add(fill.exec_id)
                    if trade.get("id") in failed:
                        undone.add(fill.exec_id)
                        continue
                    held(positions.setdefault(fill.symbol, Position(fill.symbol)), fill, sc)
                    kept.setdefault(fill.symbol, []).append(fill)
        self._counted = counted
        self.settlement.reset(kept, undone)
        self.state.set_positions(list(positions.values()), snapshot=True)

    async def _read_balance(self) -> None:
        cash, self.allowances = await self.rest.balance_allowance(
            "COLLATERAL", signature_type=self.signer.signature_type)
        self._set_balance(cash)
        allowed = self.state.balance.allowance if self.state.balance is not None else None
        if allowed is not None and allowed < cash and allowed != self._allowance_told:
            self._allowance_told = allowed
            self.state.notify(f"The exchange may spend only ${allowed:,.2f} of your "
                              f"${cash:,.2f} pUSD (its allowance): buys beyond it are refused. "
                              "Approve more pUSD to the CTF exchanges on chain.", "warning")

    def _set_balance(self, cash: Decimal) -> None:
        """The balance, what is free of it, and the allowance when one binds (§6.6)."""
        limits = [a for a in (self.allowance_for(False), self.allowance_for(True))
                  if a is not None]
        self.state.set_balance(Balance(balance=cash, buying_power=self.free_cash(cash=cash),
                                       allowance=min(limits) if limits else None))

    def _reread_balance(self) -> None:
        if not self.tasks.running("balance"):
            self.tasks.spawn(self._quietly(self._read_balance()), "balance")

    async def _quietly(self, call: Any) -> None:
        with contextlib.suppress(VenueError):
            await call

    async def _recover(self) -> None:
        """After a (re)connect of the user channel: the open orders as listed, merged into
        what the desk shows (never replacing it: an order acknowledged after the listing was
        taken must not vanish), the fate of each working order the list lacks looked up by
        its id, and the trades the socket missed since the last fill the desk saw."""
        newest = max((f.at for f in self.state.fills), default=time.time() - RECOVER_FIRST)
        try:
            listed = await self._list_open(None)
            for order in listed:
                self._report(order)
            ids = {o.order_id for o in listed}
            for gone in [o for o in self.state.home.working_orders()
                         if o.order_id and o.order_id not in ids]:
                data = await self.rest.order(gone.order_id)
                order = self.decode_order(data) if data else None
                if order is not None and not order.state.is_working:
                    self._apply_report(order, ExecType.CANCELED
                                       if order.state is OrderState.CANCELED else None)
            for trade in await self.rest.trades(after=str(int(newest - RECOVER_MARGIN))):
                self._on_trade(trade)
        except VenueError as exc:
            self.state.notify(f"After reconnecting, the CLOB could not be read: {exc}",
                              "warning")
        self._set_balance(self._cash())

    def _report(self, order: Order) -> None:
        """Every order change moves what is free: buying power follows (§6.6)."""
        super()._report(order)
        if self.state.balance is not None:
            self._set_balance(self._cash())

    def _cash(self) -> Decimal:
        balance = self.state.balance
        return balance.balance if balance is not None else Decimal(0)
