"""The desk app's venue life cycle: started once the screen is up, stopped on the way out
(bounded), SIGTERM and SIGHUP handled, and the garbage collector settled once the venue is
up (tui/ui/gc_settle.py). A mixin of PmdeskApp (tui/ui/app.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from typing import TYPE_CHECKING

from textual.app import App

from tui.core.venue import Venue, VenueError, VenueUnavailableError
from tui.ui.gc_settle import COLLECT_EVERY, SETTLE_GC_AFTER, collect_due, settle_gc, unsettle_gc
from tui.ui.guard import plain


class VenueLifecycle(App[None]):
    venue: Venue
    _stopped: bool

    if TYPE_CHECKING:  # PmdeskApp's
        def report(self, text: str, error: BaseException | None = None, *,
                   sticky: bool = False) -> None: ...

    def _quit_on_signals(self) -> None:
        """SIGTERM quits cleanly (terminal restored). SIGHUP means the terminal is gone.

        With no terminal, Textual's writer can block the event loop forever on its way
        out, so a hang-up leaves at once: the venue keeps every order (as on any quit),
        the sockets close with the process, and the demo exchange sees its stdin close.
        """
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGTERM, self.exit)
            loop.add_signal_handler(signal.SIGHUP, self._hang_up)

    def _hang_up(self) -> None:
        flush = getattr(self.venue, "flush_now", None)
        if flush is not None:
            with contextlib.suppress(Exception):
                flush(1.0)  # the local database first: bounded, then gone
        os._exit(128 + signal.SIGHUP)

    async def _start_venue(self) -> None:
        try:
            await self.venue.start()
            self.set_timer(SETTLE_GC_AFTER, self._settle_gc)
        except VenueUnavailableError as error:  # once the screen is up: it may still be mounting
            self.call_after_refresh(self.exit, return_code=1, message=plain(error))
        except VenueError as error:
            self.report(plain(error), sticky=True)
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            self.report(f"Could not start the venue: {plain(error)}.", error, sticky=True)

    def _settle_gc(self) -> None:
        settle_gc()  # tui/ui/gc_settle.py: from here on the collections run from this timer
        self.set_interval(COLLECT_EVERY, collect_due, name="gc")

    async def _stop_venue(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            await self.venue.stop()
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            self.log.error(f"venue stop failed: {plain(error)}")

    async def on_unmount(self) -> None:
        await self._stop_venue()
        unsettle_gc()

