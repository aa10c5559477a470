"""Latency benchmark: the desk as a trader over SSH feels it, beside the issue's goals.

The exchange runs in its own process (bench/latency_sim.py: `pmdesk sim`, instrumented from
outside to stamp each order insert's arrival and to plant bob's books); the desk runs as
`pmdesk connect` in a 160x48 pseudo-terminal whose every byte the bench reads and stamps.
Phases:
1. firehose: the exchange makes --rate book changes a second (part A's --firehose) over
   --markets markets, on top of its synthetic traders. The bench presses order keys at
   random intervals and matches each to its request's arrival at the exchange; bob plants
   resting orders whose level totals are new 4-digit numbers, found in the terminal output;
   terminal bytes/s, desk CPU and RSS; the desk's loop-stall log (PMDESK_STALL_LOG).
2. traders only: the same without the firehose and without keys: CPU, bytes/s, RSS.
3. launch: `pmdesk demo` to a ladder showing a book, against a Textual hello world to its
   text, alternately in the same pseudo-terminal size; medians.
4. --soak MINUTES (opt-in): RSS of `pmdesk demo` after the first minute and at the end.
5. bench/ladder_bench.py's exchange phase: main-thread CPU per frame, desk vs DataTable.
Every time is time.monotonic(), system-wide on Linux. Machine load makes them noisy.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from latency_desk import BOOK_SHOWN, HERE, Phase, desk_env, run_phase
from latency_stats import Row, ms, percentile, stall_figures, table
from latency_term import Children, Terminal, rss_mib
from machine_info import cpu_model

HELLO = '''from textual.app import App
from textual.widgets import Static


class Hello(App[None]):
    def compose(self):
        yield Static("hello, bench world")


Hello().run()
'''
HELLO_SHOWN = re.compile(r"hello, bench world")


def pmdesk() -> list[str]:
    script = Path(sys.executable).parent / "pmdesk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def firehose_args(rate: int, markets: int, interval: int) -> tuple[list[str], str]:
    """The sim's firehose flags, or none (and why) when this checkout lacks them."""
    if rate <= 0:
        return [], "no firehose asked"
    helptext = subprocess.run([sys.executable, "-m", "tui", "sim", "--help"],
                              capture_output=True, text=True).stdout
    if "--firehose" not in helptext:
        return [], "pmdesk sim has no --firehose here (part A not merged): synthetic traders only"
    # the exchange sends every change (--md-interval 0), not its default 50 ms merge: the
    # real gateway does not say it merges, and the desk is what is measured
    return ["--firehose", str(rate), "--firehose-markets", str(markets),
            "--md-interval", str(interval)], ""


def launches(children: Children, home: Path, runs: int, venue: str = "gateway"
             ) -> tuple[list[float], list[float]]:
    """Seconds to a live ladder for `pmdesk demo`, and to its text for a hello world."""
    hello = home / "hello.py"
    hello.write_text(HELLO)
    desk, world = [], []
    for _ in range(runs):
        for cmd, shown, into in (([*pmdesk(), "demo", "--venue", venue], BOOK_SHOWN, desk),
                                 ([sys.executable, str(hello)], HELLO_SHOWN, world)):
            term = Terminal(children, cmd, desk_env(home, None), cwd=str(home))
            try:
                seconds = term.wait_text(shown, 90)
                if seconds is not None:
                    into.append(seconds)
            finally:
                children.note()
                term.close(children)
    return desk, world


def soak(children: Children, home: Path, minutes: float) -> tuple[float, float]:
    """RSS (MiB) of `pmdesk demo` one minute in, and after ``minutes``."""
    term = Terminal(children, [*pmdesk(), "demo"], desk_env(home, None), cwd=str(home))
    try:
        if term.wait_text(BOOK_SHOWN, 90) is None:
            raise SystemExit("latency bench: the soak's desk showed no book")
        time.sleep(max(0.0, 60 - (time.monotonic() - term.started)))
        first = rss_mib(term.proc.pid)
        time.sleep(max(0.0, minutes * 60 - (time.monotonic() - term.started)))
        return first, rss_mib(term.proc.pid)
    finally:
        children.note()
        term.close(children)


def ladder_frames(seconds: float, rate: int) -> tuple[float, float] | None:
    """bench/ladder_bench.py's exchange phase: p50 main-thread ms per frame, desk and
    DataTable."""
    out = subprocess.run([sys.executable, str(HERE / "ladder_bench.py"), "--phase", "exchange",
                          "--seconds", f"{seconds:g}", "--rate", str(rate)],
                         capture_output=True, text=True, timeout=seconds * 4 + 120).stdout
    found = {}
    for line in out.splitlines():
        for name in ("pmdesk, via exchange", "stock DataTable, replayed"):
            if line.startswith(name):
                found[name] = float(line[28:].split()[2])
    if len(found) < 2:
        return None
    return found["pmdesk, via exchange"], found["stock DataTable, replayed"]


def stall_log_built() -> bool:
    import tui

    return any("PMDESK_STALL_LOG" in p.read_text(encoding="utf-8")
               for p in Path(tui.__file__).parent.rglob("*.py"))


def rows(args: argparse.Namespace, hose: Phase, calm: Phase, desk: list[float],
         world: list[float], soaked: tuple[float, float] | None,
         frames: tuple[float, float] | None) -> list[Row]:
    keys, ticks = hose.keys, hose.ticks
    busy = "the firehose, keys and plants" if hose.firehose else "keys and plants"
    longest, per_s = stall_figures(hose.stalls, *hose.span)
    stall = ("not measured: this checkout has no PMDESK_STALL_LOG (part A)"
             if not stall_log_built() else "none of 8 ms or more" if longest is None else
             f"{longest.ms:.0f} ms ({longest.name}); {per_s:.1f}/s of ≥ 8 ms")
    lm, lw = (statistics.median(desk) if desk else math.nan,
              statistics.median(world) if world else math.nan)
    return [
        Row("key → request at the exchange, p99",
            f"{ms(percentile(keys, 99))} (p50 {ms(percentile(keys, 50))}, p95 "
            f"{ms(percentile(keys, 95))}, max {ms(max(keys, default=math.nan))}; "
            f"{len(keys)} of {len(hose.key_stamps)} keys, {hose.requests} requests)",
            "≤ 15 ms"),
        Row("longest event-loop callback in steady state", stall, "≤ 10 ms"),
        Row("book change → terminal output, p50 / p99",
            f"{ms(percentile(ticks, 50))} / {ms(percentile(ticks, 99))} "
            f"({len(ticks)} of {hose.plants} planted changes seen)", "≤ 40 / ≤ 100 ms"),
        Row("bytes to the terminal",
            f"{hose.bytes_per_s / 1024:.0f} KiB/s ({calm.bytes_per_s / 1024:.0f} KiB/s with "
            f"only the synthetic traders)", "≤ 40 KiB/s"),
        Row("desk process CPU with only the demo's traders (exchange in its own process)",
            f"{100 * calm.cpu:.0f}% of a core, RSS {calm.rss:.0f} MiB ({100 * hose.cpu:.0f}%, "
            f"{hose.rss:.0f} MiB with {busy})", "≤ 8%"),
        Row("`pmdesk demo` launch → live ladder",
            f"{lm:.2f} s (hello world {lw:.2f} s: {lm / lw:.1f}x; medians of "
            f"{len(desk)}/{len(world)})", "≤ 3x hello world"),
        Row("RSS growth of the demo, after the first minute",
            "not run (--soak MINUTES)" if soaked is None else
            f"{100 * (soaked[1] / soaked[0] - 1):+.1f}% over {args.soak:g} min "
            f"({soaked[0]:.0f} → {soaked[1]:.0f} MiB)", "≤ +3% (30 min)"),
        Row("main-thread CPU per frame, p50, vs `DataTable` same run",
            "not run (--no-ladder)" if args.no_ladder else "ladder_bench.py failed"
            if frames is None else f"{frames[1] / frames[0]:.1f}x less ({frames[0]:.1f} ms vs "
            f"{frames[1]:.1f} ms; bench/ladder_bench.py --phase exchange)", "≥ 10x less"),
    ]


def launch_only(args: argparse.Namespace, children: Children) -> None:
    """--only launch: phase 3 alone, its row and each run's seconds."""
    desk, world = launches(children, Path(args.home), args.launches, args.venue)
    lm, lw = (statistics.median(desk) if desk else math.nan,
              statistics.median(world) if world else math.nan)
    print(f"demo runs (s): {' '.join(f'{s:.2f}' for s in desk)}")
    print(f"hello world runs (s): {' '.join(f'{s:.2f}' for s in world)}")
    print(f"`pmdesk demo` launch → live ladder: {lm:.2f} s (hello world {lw:.2f} s: "
          f"{lm / lw:.1f}x; medians of {len(desk)}/{len(world)})")


def run(args: argparse.Namespace, children: Children) -> None:
    home = Path(args.home)
    if args.only == "launch":
        launch_only(args, children)
        return
    extra, why = firehose_args(args.rate, args.markets, args.md_interval)
    hose = run_phase(children, home, Phase("firehose", args.rate if extra else 0),
                     extra=extra, keys=args.keys, plants=args.plants, seconds=args.seconds,
                     venue=args.venue)
    calm = run_phase(children, home, Phase("traders", 0), extra=[], keys=0, plants=0,
                     seconds=args.seconds, venue=args.venue)
    desk, world = launches(children, home, args.launches, args.venue)
    soaked = soak(children, home, args.soak) if args.soak else None
    frames = None if args.no_ladder else ladder_frames(args.ladder_seconds, args.rate)
    print(f"machine: {platform.machine()} {cpu_model()}, {os.cpu_count()} CPUs, "
          f"{platform.system()} {platform.release()}; Python {platform.python_version()}")
    print(f"venue: {args.venue}; firehose phase: {hose.firehose} changes/s over "
          f"{args.markets} market(s) "
          f"({why or 'on top of the synthetic traders'}); market {hose.symbol}; "
          f"{hose.window:.0f} s window; traders-only phase {calm.window:.0f} s; 160x48")
    figure = f"figure, {hose.firehose:,} changes/s, 160x48"
    print(table(rows(args, hose, calm, desk, world, soaked, frames)).replace(
        "| figure |", f"| {figure} |", 1))
    print("reproduce: .venv/bin/python bench/latency.py " + (
        "--quick" if args.quick else f"--keys {args.keys} --plants {args.plants} --seconds "
        f"{args.seconds:g} --launches {args.launches} --ladder-seconds {args.ladder_seconds:g}")
        + f" --rate {args.rate} --markets {args.markets} --md-interval {args.md_interval}"
        + (f" --soak {args.soak:g}" if args.soak else "")
        + (" --no-ladder" if args.no_ladder else "")
        + (f" --venue {args.venue}" if args.venue != "gateway" else ""))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--keys", type=int, default=200, help="order keys pressed")
    cli.add_argument("--plants", type=int, default=100, help="book changes planted by bob")
    cli.add_argument("--seconds", type=float, default=30.0, help="shortest window of a phase")
    cli.add_argument("--rate", type=int, default=2000, help="firehose book changes a second")
    cli.add_argument("--markets", type=int, default=1, help="markets the firehose spreads over")
    cli.add_argument("--md-interval", type=int, default=0,
                     help="ms the exchange merges a market's changes over, firehose phase")
    cli.add_argument("--launches", type=int, default=3, help="launches of each app timed")
    cli.add_argument("--soak", type=float, default=0.0, help="minutes of demo for RSS growth")
    cli.add_argument("--ladder-seconds", type=float, default=15.0,
                     help="window of bench/ladder_bench.py's exchange phase")
    cli.add_argument("--no-ladder", action="store_true", help="skip bench/ladder_bench.py")
    cli.add_argument("--only", choices=["launch"],
                     help="run only this phase (launch: phase 3) and print its figures")
    cli.add_argument("--venue", choices=["gateway", "clob"], default="gateway",
                     help="the desk's protocol to the exchange: the gateway (`pmdesk "
                          "connect`) or the global CLOB (a profile on the demo wallet)")
    cli.add_argument("--quick", action="store_true",
                     help="small sizes: 30 keys, 15 plants, 6 s windows, 1 launch, 4 s ladder")
    args = cli.parse_args(argv)
    if args.quick:
        args.keys, args.plants, args.seconds = 30, 15, 6.0
        args.launches, args.ladder_seconds = 1, 4.0
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    children = Children()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started ignoring it
    with tempfile.TemporaryDirectory(prefix="pmdesk-latency-") as home:
        args.home = home
        try:
            run(args, children)
        except KeyboardInterrupt:
            print("latency bench: interrupted; no figures.", file=sys.stderr)
        finally:
            children.stop_all()


if __name__ == "__main__":
    main()
