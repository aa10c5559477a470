"""In-order event delivery for the embedded exchange.

Events raised while listeners run (a listener may send a command) queue behind the ones
being delivered, so every listener sees one global order. A failing listener is logged and
never stops delivery to the others.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

log = logging.getLogger("tui.sim.exchange")

Listener = Callable[[object], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._pending: deque[object] = deque()
        self._delivering = False

    def add_listener(self, cb: Listener) -> None:
        self._listeners.append(cb)

    def remove_listener(self, cb: Listener) -> None:
        if cb in self._listeners:
            self._listeners.remove(cb)

    def _emit(self, event: object) -> None:
        self._pending.append(event)

    def _deliver(self) -> None:
        """Deliver everything queued, unless a delivery further up the stack is doing so."""
        if self._delivering:
            return  # a listener sent this command; the outer loop delivers in order
        self._delivering = True
        try:
            while self._pending:
                event = self._pending.popleft()
                for cb in list(self._listeners):
                    try:
                        cb(event)
                    except Exception:
                        log.exception("exchange listener failed on %r", event)
        finally:
            self._delivering = False
