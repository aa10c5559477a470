"""`pmdesk demo`: the embedded exchange as a child process that never outlives the desk."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType

READY_TIMEOUT = 20.0


class DemoError(Exception):
    """The embedded exchange would not start; the message is for the user."""


@dataclass(frozen=True)
class SimEndpoints:
    rest_url: str
    grpc_target: str


class Starting:
    """The embedded exchange as it starts: a thread reads its one ready line the moment it
    is written, so the desk can wait for it blocking (wait) or on its event loop (ready)."""

    def __init__(self, child: subprocess.Popen[bytes]) -> None:
        self.child = child
        self.deadline = time.monotonic() + READY_TIMEOUT
        self._line: bytes | None = None
        self._read = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], object]] = []
        threading.Thread(target=self._read_line, daemon=True).start()

    def _read_line(self) -> None:
        line = self.child.stdout.readline()  # type: ignore[union-attr]
        with self._lock:
            self._line = line
            self._read.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def wait(self) -> SimEndpoints:
        """Where it listens, once it does; DemoError if it does not within READY_TIMEOUT."""
        self._read.wait(max(0.0, self.deadline - time.monotonic()))
        return self._endpoints()

    async def ready(self) -> tuple[str, str]:
        """wait(), on the desk's event loop: (REST URL, gRPC target)."""
        import asyncio  # here: the exchange is spawned before the desk loads anything

        loop = asyncio.get_running_loop()
        read = loop.create_future()

        def done() -> None:
            with contextlib.suppress(RuntimeError):  # the desk's loop closed meanwhile
                loop.call_soon_threadsafe(lambda: read.done() or read.set_result(None))
        with self._lock:
            if self._read.is_set():
                done()
            else:
                self._callbacks.append(done)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(read, max(0.0, self.deadline - time.monotonic()))
        finally:  # e.g. the trader quit first: the reader has no one to tell
            with self._lock, contextlib.suppress(ValueError):
                self._callbacks.remove(done)
        where = self._endpoints()
        return where.rest_url, where.grpc_target

    def _endpoints(self) -> SimEndpoints:
        if not self._line:  # not yet written, or the child ended first
            err = b""
            with contextlib.suppress(subprocess.TimeoutExpired):
                if self._read.is_set() and self.child.wait(timeout=1.0) is not None:
                    err = self.child.stderr.read() if self.child.stderr else b""
            last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no answer"]
            raise DemoError(f"The embedded exchange did not start: {last[0]}")
        info = json.loads(self._line)
        return SimEndpoints(rest_url=info["rest"], grpc_target=info["grpc"])


@contextlib.contextmanager
def starting_exchange(seed: int, firehose: tuple[int, int] = (0, 1), *,
                      clob: bool = False) -> Iterator[Starting]:
    """Start `pmdesk sim` on free loopback ports and go on at once (the desk opens while it
    boots); stop it on exit, Ctrl+C, SIGTERM or SIGHUP.

    If this process dies without cleaning up (SIGKILL, a crash), the child sees its stdin
    close and exits by itself.
    """
    cmd = [sys.executable, "-m", "tui.sim", "--host", "127.0.0.1", "--port", "0",
           "--grpc-port", "0", "--seed", str(seed), "--ready-json", "--exit-with-parent"]
    if clob:  # the desk will sign in to its CLOB at once
        cmd.append("--preload-clob")
    if firehose[0]:  # (book changes a second, over this many markets)
        cmd += ["--firehose", str(firehose[0]), "--firehose-markets", str(firehose[1])]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
    previous = _exit_on_signals()
    try:
        yield Starting(child)
    finally:
        _stop(child)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def embedded_exchange(seed: int, firehose: tuple[int, int] = (0, 1)
                      ) -> Iterator[SimEndpoints]:
    """starting_exchange, once it listens."""
    with starting_exchange(seed, firehose) as sim:
        yield sim.wait()


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            child.terminate()
        try:
            child.wait(timeout=3.0)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=3.0)
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _exit_on_signals() -> dict[int, object]:
    """SIGTERM/SIGHUP (a closed SSH session) unwind like Ctrl+C, so cleanup runs."""
    def raise_exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)
    previous: dict[int, object] = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        previous[sig] = signal.signal(sig, raise_exit)
    return previous


def cmd_demo(args: argparse.Namespace) -> int:
    # the exchange boots first, in its own process; the desk loads and opens meanwhile
    try:
        with starting_exchange(args.seed, (args.firehose, args.firehose_markets),
                               clob=args.venue == "clob") as sim:
            return _desk(args, sim)
    except DemoError as exc:
        print(f"pmdesk demo: {exc}", file=sys.stderr)
        return 1


def _desk(args: argparse.Namespace, sim: Starting) -> int:
    from tui.cli.common import desk_config, run_gateway
    from tui.sim.auth import DEMO_PASSWORD

    config = desk_config(args)
    if config is None:
        return 2
    if args.venue == "clob":  # its signing library takes half a second to import: meanwhile
        import importlib
        import threading

        threading.Thread(target=importlib.import_module, args=("eth_account",),
                         daemon=True).start()
    if args.venue in ("retail", "clob"):
        import tui.ui.app  # noqa: F401 - textual's import time overlaps the exchange's boot
    if args.venue == "retail":  # the same exchange, through the retail protocol
        from tui.cli.retail import run_retail
        from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET

        rest_url = sim.wait().rest_url
        return run_retail(rest_url, rest_url, DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET,
                          "demo retail", config=config, profile="demo-retail",
                          silence_timeout=10.0)

    if args.venue == "clob":  # the same exchange, through the global CLOB's protocol
        from tui.cli.clob import run_clob
        from tui.sim.clob.api import DEMO_CLOB_KEY

        return run_clob(sim.wait().rest_url, DEMO_CLOB_KEY, "demo clob", config=config,
                        profile="demo-clob")

    from tui.core.venue import VenueUnavailableError

    async def where() -> tuple[str, str]:
        try:
            return await sim.ready()
        except DemoError as exc:  # the desk closes with it: no exchange, nothing to show
            raise VenueUnavailableError(f"pmdesk demo: {exc}") from None

    return run_gateway("", "", args.user, DEMO_PASSWORD, "demo", silence_timeout=10.0,
                       config=config, profile="demo", where=where)
