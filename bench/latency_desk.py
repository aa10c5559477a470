"""One phase of bench/latency.py: the exchange in its own process (bench/latency_sim.py), the
desk (`pmdesk connect`) in a 160x48 pseudo-terminal, keys pressed and books planted while
the bench counts what reaches each side."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from latency_stats import Stall, match_keys, read_stalls
from latency_term import Children, Terminal, cpu_seconds, rss_mib

from tui.sim.auth import DEMO_PASSWORD
from tui.sim.clob.api import DEMO_CLOB_KEY
from tui.sim.markets import demo_instruments

HERE = Path(__file__).resolve().parent
# the ladder's header once a book is in: "BTC-150K 0.228 / 0.230" (without one: "-- / --")
BOOK_SHOWN = re.compile(r"\b0\.\d{2,4} / 0\.\d{2,4}\b")
HEADER = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]+) 0\.\d{2,4} / 0\.\d{2,4}\b")
SETTLE = 2.0  # seconds after the first book before the window opens: start-up excluded
AWAY = 8  # the desk's sells rest this many ticks (and more) over the best offer, on the
# side bob's plants (under the bid) are not, and beyond the firehose's (2 to 7 ticks)
PER_ROUND = 6  # orders before X cancels them and the cursor goes back to the bid


@dataclass
class Phase:
    name: str
    firehose: int  # book changes a second asked of the exchange (0: synthetic traders only)
    window: float = 0.0  # seconds measured
    keys: list[float] = field(default_factory=list)  # key → request, seconds
    key_stamps: list[float] = field(default_factory=list)  # writes of the order keys
    requests: int = 0
    ticks: list[float] = field(default_factory=list)  # planted change → terminal, seconds
    plants: int = 0
    bytes_per_s: float = 0.0
    cpu: float = 0.0  # fraction of a core
    rss: float = 0.0  # MiB at the end
    stalls: list[Stall] = field(default_factory=list)
    span: tuple[float, float] = (0.0, 0.0)  # the window, time.monotonic()
    symbol: str = ""


class Exchange:
    """bench/latency_sim.py, its stdout read by a thread: insert arrivals and plants."""

    def __init__(self, children: Children, extra: list[str]) -> None:
        cmd = [sys.executable, str(HERE / "latency_sim.py"), "--host", "127.0.0.1",
               "--port", "0", "--grpc-port", "0", "--ready-json", *extra]
        self.proc = children.start(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        first = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not first:
            raise SystemExit("latency bench: the exchange did not start")
        self.ready = json.loads(first)
        self.arrivals: list[float] = []
        self.planted: list[tuple[float, str]] = []  # (accepted at, level text)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            words = line.decode().split()
            if words[:1] == ["K"]:
                self.arrivals.append(float(words[1]))
            elif words[:1] == ["P"]:
                self.planted.append((float(words[1]), words[2]))

    def plant(self, symbol: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"plant {symbol}\n".encode())
        self.proc.stdin.flush()


def desk_env(home: Path, stall_log: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMDESK_")}
    env |= {"PMDESK_DATA_DIR": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"), "XDG_CACHE_HOME": str(home / "cache"),
            "TERM": "xterm-256color", "PMDESK_PASSWORD": DEMO_PASSWORD}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    if stall_log is not None:
        env |= {"PMDESK_STALL_LOG": str(stall_log), "PMDESK_STALL_MS": "8"}
    return env


def shown_symbol(text: str) -> str:
    """The full symbol of the first ladder's market, from its header's short name."""
    match = HEADER.search(text)
    symbols = [i.symbol for i in demo_instruments()]
    if match:
        for symbol in symbols:
            if match.group(1).lower() in symbol.lower():  # the CLOB names it by its slug
                return symbol
    return symbols[0]


def desk_command(home: Path, venue: str, ready: dict[str, str]
                 ) -> tuple[list[str], dict[str, str]]:
    """`pmdesk connect` (the gateway), or `pmdesk --profile` on a CLOB profile with the demo
    wallet's key in a 0600 file; the extra environment either needs."""
    if venue != "clob":
        return ([sys.executable, "-m", "tui", "connect", "--rest", ready["rest"], "--grpc",
                 ready["grpc"], "--user", "demo"], {})
    key = home / "clob.key"
    key.write_text(f"0x{DEMO_CLOB_KEY}\n")
    key.chmod(0o600)
    profiles = home / "profiles.toml"
    profiles.write_text(f'[profiles.bench]\nvenue = "clob"\nenvironment = "custom"\n'
                        f'rest = "{ready["rest"]}"\nkey_file = "{key}"\n')
    return ([sys.executable, "-m", "tui", "--profile", "bench"],
            {"PMDESK_PROFILES": str(profiles)})


def run_phase(children: Children, home: Path, phase: Phase, *, extra: list[str], keys: int,
              plants: int, seconds: float, venue: str = "gateway") -> Phase:
    stall_log = home / f"stalls-{phase.name}.log"
    ex = Exchange(children, extra)
    command, env = desk_command(home, venue, ex.ready)
    term = Terminal(children, command, desk_env(home, stall_log) | env)
    try:
        if term.wait_text(BOOK_SHOWN, 90) is None:
            tail = term.screen_text(3000)[-1500:]
            raise SystemExit(f"latency bench: the desk showed no book; it ended:\n{tail}")
        time.sleep(SETTLE)
        phase.symbol = shown_symbol(term.screen_text())
        pid = term.proc.pid
        start, cpu0 = time.monotonic(), cpu_seconds(pid)
        workers = [threading.Thread(target=_press, args=(term, keys, phase, venue),
                                    daemon=True),
                   threading.Thread(target=_plant, args=(ex, phase.symbol, plants), daemon=True)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        time.sleep(max(0.0, seconds - (time.monotonic() - start)))
        time.sleep(1.0)  # the last plant's way to the glass
        end, cpu1 = time.monotonic(), cpu_seconds(pid)
        phase.rss = rss_mib(pid)
        phase.window, phase.span = end - start, (start, end)
        phase.cpu = (cpu1 - cpu0) / phase.window
        phase.bytes_per_s = term.bytes_between(start, end) / phase.window
        arrivals = [a for a in ex.arrivals if start <= a <= end]
        phase.requests = len(arrivals)
        phase.keys = match_keys(phase.key_stamps, arrivals)
        phase.plants = len(ex.planted)
        for accepted, text in ex.planted:
            pattern = re.compile(rb"(?<![0-9.,])" + re.escape(text.encode()) + rb"(?![0-9.,kM])")
            seen = term.find(pattern, term.offset_at(accepted))
            if seen is not None:
                phase.ticks.append(seen - accepted)
        phase.stalls = read_stalls(stall_log)
        return phase
    finally:
        term.close(children)
        children.stop(ex.proc)


def _press(term: Terminal, count: int, phase: Phase, venue: str = "gateway") -> None:
    """``count`` order keys (s: sell at the cursor) at random intervals, each a tick higher
    than the last (the repeat guard ignores the same order again within 0.7 s), resting
    over the offer; X cancels them every PER_ROUND orders. On the CLOB, which sells only
    tokens held, the same offers are NO bids: t once, then b."""
    rng = random.Random(14)
    key = b"s"
    if venue == "clob" and count:
        term.write(b"t")
        time.sleep(0.2)
        key = b"b"

    def anchor() -> None:
        # a lone Escape closes a question left open (a soft limit's); a key within
        # Textual's escape delay would make it Alt+key instead
        term.write(b"\x1b")
        time.sleep(0.3)
        term.write(b"l")  # the cursor to the best offer
        for _ in range(AWAY):
            time.sleep(0.01)
            term.write(b"k")

    if count:
        anchor()
    for n in range(count):
        time.sleep(rng.uniform(0.05, 0.25))
        phase.key_stamps.append(term.write(key))
        time.sleep(rng.uniform(0.02, 0.06))
        term.write(b"k")
        if (n + 1) % PER_ROUND == 0:
            time.sleep(0.1)
            term.write(b"X")
            time.sleep(0.2)
            anchor()


def _plant(ex: Exchange, symbol: str, count: int) -> None:
    rng = random.Random(41)
    for _ in range(count):
        time.sleep(rng.uniform(0.25, 0.6))
        ex.plant(symbol)
