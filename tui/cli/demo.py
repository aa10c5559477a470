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


@contextlib.contextmanager
def embedded_exchange(seed: int, meanwhile: Callable[[], object] | None = None,
                      firehose: tuple[int, int] = (0, 1)) -> Iterator[SimEndpoints]:
    """Start `pmdesk sim` on free loopback ports; stop it on exit, Ctrl+C, SIGTERM or SIGHUP.

    `meanwhile` runs while the child boots (the desk loads its UI then), so the two start
    in parallel. If this process dies without cleaning up (SIGKILL, a crash), the child
    sees its stdin close and exits by itself.
    """
    cmd = [sys.executable, "-m", "tui.sim", "--host", "127.0.0.1", "--port", "0",
           "--grpc-port", "0", "--seed", str(seed), "--ready-json", "--exit-with-parent"]
    if firehose[0]:  # (book changes a second, over this many markets)
        cmd += ["--firehose", str(firehose[0]), "--firehose-markets", str(firehose[1])]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
    previous = _exit_on_signals()
    try:
        if meanwhile is not None:
            meanwhile()
        yield _wait_ready(child)
    finally:
        _stop(child)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_ready(child: subprocess.Popen[bytes]) -> SimEndpoints:
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(child.stdout.readline()),  # type: ignore[union-attr]
                              daemon=True)
    reader.start()
    reader.join(READY_TIMEOUT)
    if not line or not line[0]:
        err = b""
        if child.poll() is not None and child.stderr is not None:
            err = child.stderr.read()
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no answer"]
        raise DemoError(f"The embedded exchange did not start: {last[0]}")
    info = json.loads(line[0])
    return SimEndpoints(rest_url=info["rest"], grpc_target=info["grpc"])


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
    from tui.cli.common import desk_config, run_gateway
    from tui.sim.auth import DEMO_PASSWORD

    config = desk_config()
    if config is None:
        return 2

    def load_ui() -> None:
        import tui.ui.app  # noqa: F401 - textual's import time overlaps the exchange's boot

    try:
        with embedded_exchange(args.seed, meanwhile=load_ui,
                               firehose=(args.firehose, args.firehose_markets)) as sim:
            if args.venue == "retail":  # the same exchange, through the retail protocol
                from tui.cli.retail import run_retail
                from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET

                return run_retail(sim.rest_url, sim.rest_url, DEMO_RETAIL_KEY_ID,
                                   DEMO_RETAIL_SECRET, "demo retail", config=config,
                                   profile="demo-retail", silence_timeout=10.0)
            return run_gateway(sim.rest_url, sim.grpc_target, args.user, DEMO_PASSWORD,
                            "demo", silence_timeout=10.0, config=config, profile="demo")
    except DemoError as exc:
        print(f"pmdesk demo: {exc}", file=sys.stderr)
        return 1
