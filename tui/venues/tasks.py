"""Background work a venue starts and must not lose track of.

asyncio keeps only a weak reference to a task, so one nobody holds can be collected
mid-way; one held for good piles up over a long session. Each task here is held while it
runs, let go when it ends (a failure is logged, not lost), and cancelled and awaited when
the venue stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Tasks:
    def __init__(self) -> None:
        self._held: set[asyncio.Task[Any]] = set()
        self._stopped = False

    def spawn(self, work: Coroutine[Any, Any, object], name: str) -> asyncio.Task[Any] | None:
        """Run `work` in the background under `name`, held until it ends. Once stopped,
        nothing new starts (None): it would outlive the clients it uses."""
        if self._stopped:
            work.close()
            log.debug("not started, the venue is stopping: %s", name)
            return None
        task = asyncio.create_task(work, name=name)
        self._held.add(task)
        task.add_done_callback(self._let_go)
        return task

    def _let_go(self, task: asyncio.Task[Any]) -> None:
        self._held.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def held(self, name: str) -> list[asyncio.Task[Any]]:
        """The tasks of that name still held (each is let go as it ends)."""
        return [task for task in self._held if task.get_name() == name]

    def running(self, name: str) -> bool:
        return any(not task.done() for task in self.held(name))

    def __len__(self) -> int:
        return len(self._held)

    async def stop(self, within: float) -> None:
        """Cancel every task and wait for them to end; bounded, so quitting never hangs."""
        self._stopped = True
        tasks = list(self._held)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=within)
