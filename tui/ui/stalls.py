"""The opt-in loop-stall log: every UI-loop callback slower than a threshold, by name.

``PMDESK_STALL_LOG=/path/file`` (and ``PMDESK_STALL_MS``, default 10) in the desk's
environment appends one line per slow callback: ``<time.monotonic() at its start> <duration
ms> <name>``. monotonic() is system-wide on Linux, so another process (a benchmark pressing
keys) can line its own stamps up with these.

It wraps asyncio's ``Handle._run``, as aiodebug does, rather than turning on asyncio's debug
mode, which slows every callback. Off, nothing is patched: zero cost. On, each callback costs
two clock reads; only a slow one is named and written (into a buffer that a daemon thread
flushes now and then, so the log never stalls the loop it watches). Only callbacks on the
thread that installed it (the UI's) are timed.

A name says what ran: a plain callback's qualified name; for a task step, the coroutine's
(with the class of the object it belongs to); for a Textual timer, its callback; for a
Textual message pump, the handlers it dispatched in that step. A callback the cycle
collector ran in for a millisecond or more says so and for how long, e.g.
``(gc 52.1 ms, full pass)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ENV_PATH, ENV_MS = "PMDESK_STALL_LOG", "PMDESK_STALL_MS"
DEFAULT_MS = 10.0
FLUSH_EVERY = 0.5  # seconds between the flusher thread's writes
GC_NAMED = 0.001  # seconds of cycle collection inside a callback that its line names
MAX_NOTES = 4  # messages named per step; a step that dispatched more says "+N"


class StallLogError(ValueError):
    """A stall-log setting that cannot work; the message is one sentence for the user."""


@dataclass(frozen=True)
class StallSettings:
    path: Path
    threshold_ms: float


def settings_from_env(env: Mapping[str, str] = os.environ) -> StallSettings | None:
    """The stall log asked for in ``env``, or None when it is not; raises StallLogError."""
    path = env.get(ENV_PATH, "")
    if not path:
        return None
    raw = env.get(ENV_MS, "").strip()
    try:
        threshold = float(raw) if raw else DEFAULT_MS
    except ValueError:
        threshold = -1.0
    if not threshold >= 0 or threshold == float("inf"):  # also refuses nan
        raise StallLogError(f"{ENV_MS}={raw} is not a number of milliseconds; give one "
                            f"such as {DEFAULT_MS:g} (or leave it out for {DEFAULT_MS:g}).")
    try:
        with open(path, "a"):
            pass
    except OSError as exc:
        raise StallLogError(f"{ENV_PATH}={path} cannot be written: "
                            f"{exc.strerror or exc}.") from None
    return StallSettings(Path(path), threshold)


class StallLog:
    """Times every callback on the installing thread's loop; see the module's docstring."""

    def __init__(self, settings: StallSettings) -> None:
        self.settings = settings
        self._threshold = settings.threshold_ms / 1000
        self._file: IO[str] | None = None
        self._original: Callable[[asyncio.Handle], None] | None = None
        self._original_dispatch: Any = None
        self._notes: list[tuple[object, object]] = []  # (message pump, message) this step
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None
        self._gc = [0.0, 0.0, -1]  # a collection's start, seconds collecting, oldest gen

    def install(self) -> None:
        self._file = open(self.settings.path, "a", buffering=1 << 16)
        thread, threshold = threading.get_ident(), self._threshold
        original = self._original = asyncio.Handle._run
        notes, write, monotonic, get_ident = self._notes, self._write, time.monotonic, \
            threading.get_ident
        collecting = self._gc

        def _run(handle: asyncio.Handle) -> None:
            if get_ident() != thread:
                return original(handle)
            notes.clear()
            collecting[1:] = [0.0, -1]
            start = monotonic()
            try:
                return original(handle)
            finally:
                took = monotonic() - start
                if took > threshold:
                    write(start, took, handle)

        asyncio.Handle._run = _run  # type: ignore[method-assign]
        gc.callbacks.append(self._on_gc)
        self._watch_messages()
        self._flusher = threading.Thread(target=self._flush_loop, name="stall-log", daemon=True)
        self._flusher.start()

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        """Time the cycle collector, so a slow callback it ran inside says so."""
        now = time.monotonic()
        if phase == "start":
            self._gc[0] = now
        else:
            self._gc[1] += now - self._gc[0]
            self._gc[2] = max(self._gc[2], info.get("generation", 0))

    def close(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._original is not None:
            asyncio.Handle._run = self._original  # type: ignore[method-assign]
            self._original = None
        if self._original_dispatch is not None:
            from textual.message_pump import MessagePump

            MessagePump._dispatch_message = self._original_dispatch  # type: ignore[method-assign]
            self._original_dispatch = None
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join()
            self._flusher = None
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None

    # --- naming -------------------------------------------------------------------------
    def _watch_messages(self) -> None:
        """Note each message a Textual pump dispatches, so a slow step names its handlers."""
        from textual.message_pump import MessagePump

        original = self._original_dispatch = MessagePump._dispatch_message
        notes = self._notes

        async def _dispatch_message(pump: MessagePump, message: Any) -> None:
            notes.append((pump, message))
            await original(pump, message)

        MessagePump._dispatch_message = _dispatch_message  # type: ignore[method-assign]

    def _write(self, start: float, took: float, handle: asyncio.Handle) -> None:
        try:
            name = describe(handle, self._notes)
        except Exception:  # noqa: BLE001 - a name is a courtesy; the stall still gets a line
            name = type(handle).__name__
        _, collecting, oldest = self._gc
        if collecting >= GC_NAMED:
            name += f" (gc {collecting * 1000:.1f} ms{', full pass' if oldest == 2 else ''})"
        if self._file is not None:
            with contextlib.suppress(OSError, ValueError):
                self._file.write(f"{start:.6f} {took * 1000:.3f} {name}\n")

    def _flush_loop(self) -> None:
        while not self._stop.wait(FLUSH_EVERY):
            self._flush()
        self._flush()

    def _flush(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError, ValueError):
                self._file.flush()


def describe(handle: asyncio.Handle, notes: Sequence[tuple[object, object]] = ()) -> str:
    """What a handle runs, in words (see the module's docstring)."""
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        name = "task " + _coroutine_name(task.get_coro())
    else:
        name = _callable_name(callback)
    if notes:
        said = [f"{type(pump).__name__}.{getattr(msg, 'handler_name', type(msg).__name__)}"
                for pump, msg in notes[:MAX_NOTES]]
        more = f" +{len(notes) - MAX_NOTES}" if len(notes) > MAX_NOTES else ""
        name += f" [{', '.join(said)}{more}]"
    return name.replace("\n", " ")


def _coroutine_name(coro: Any) -> str:
    qualname = getattr(coro, "__qualname__", None) or repr(coro)
    frame = getattr(coro, "cr_frame", None)
    owner = frame.f_locals.get("self") if frame is not None else None
    if owner is None:
        return qualname
    name = f"{type(owner).__name__}.{getattr(coro, '__name__', qualname)}"
    timer_callback = getattr(owner, "_callback", None)
    if type(owner).__name__ == "Timer":  # Textual's: name what it calls
        what = _callable_name(timer_callback) if timer_callback is not None else (
            f"Timer event to {type(getattr(owner, 'target', None)).__name__}")
        name += f" ({what})"
    elif type(owner).__name__ == "Worker":  # Textual's: name the work
        name += f" ({getattr(owner, 'name', '') or '?'})"
    return name


def _callable_name(callback: object) -> str:
    owner = getattr(callback, "__self__", None)
    func = getattr(callback, "__func__", callback)
    qualname = getattr(func, "__qualname__", None)
    if qualname is None:
        return repr(callback)
    if owner is not None and not isinstance(owner, type):
        return f"{type(owner).__name__}.{getattr(func, '__name__', qualname)}"
    return qualname


@contextlib.contextmanager
def stall_log(settings: StallSettings | None) -> Iterator[StallLog | None]:
    """Installed for the block when settings are given; otherwise nothing at all."""
    if settings is None:
        yield None
        return
    log = StallLog(settings)
    log.install()
    try:
        yield log
    finally:
        log.close()
