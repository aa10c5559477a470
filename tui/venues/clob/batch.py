"""Inserts sent together go out together (docs/spec/global-clob.md §4.5): the orders a desk
sends in one turn of the event loop (flatten's sale of each token held) are one POST /orders,
a lone one a POST /order. Each caller gets its own order's answer, or the batch's failure.

The batch limit is not in the sources the spec read (older docs said 15); larger sends are
split at that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from tui.core.venue import VenueError
from tui.venues.clob.rest import ClobRest

BATCH_LIMIT = 15
Json = Any


# starts work the venue holds while it runs; None once the venue is stopping
Spawn = Callable[[Coroutine[Any, Any, object], str], object]


class OrderBatcher:
    def __init__(self, rest: ClobRest, spawn: Spawn) -> None:
        self._rest = rest
        self._spawn = spawn  # the venue's tasks: held while they run, cancelled on stop
        self._queue: list[tuple[Json, asyncio.Future[Json]]] = []

    async def post(self, body: Json) -> Json:
        """One order's body; its answer (success, orderID, errorMsg...) once sent."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Json] = loop.create_future()
        self._queue.append((body, answer))
        if len(self._queue) == 1:  # the first of this turn sends after the others queue
            loop.call_soon(self._start)
        return await answer

    def _start(self) -> None:
        if self._spawn(self._flush(), "order batch") is None:  # the venue is stopping
            queued, self._queue = self._queue, []
            for _, answer in queued:
                _settle(answer, VenueError("The desk is stopping: nothing was sent."))

    async def _flush(self) -> None:
        queued, self._queue = self._queue, []
        chunks = [queued[i:i + BATCH_LIMIT] for i in range(0, len(queued), BATCH_LIMIT)]
        await asyncio.gather(*(self._send(chunk) for chunk in chunks))

    async def _send(self, chunk: list[tuple[Json, asyncio.Future[Json]]]) -> None:
        try:
            if len(chunk) == 1:
                answers = [await self._rest.post_order(chunk[0][0])]
            else:
                answers = await self._rest.post_orders([body for body, _ in chunk])
        except VenueError as exc:
            for _, answer in chunk:
                _settle(answer, exc)
            return
        except Exception as exc:  # noqa: BLE001 - every caller must hear, whatever it was
            for _, answer in chunk:
                _settle(answer, VenueError(f"The CLOB batch failed: {exc}", uncertain=True))
            return
        for i, (_, answer) in enumerate(chunk):
            if i < len(answers) and isinstance(answers[i], dict):
                if not answer.done():
                    answer.set_result(answers[i])
            else:  # the answer left this one out: it may be working, look it up
                _settle(answer, VenueError("The CLOB's batch answer left this order out.",
                                           uncertain=True))


def _settle(answer: asyncio.Future[Json], exc: VenueError) -> None:
    if not answer.done():
        answer.set_exception(exc)
