"""Memory of `pmdesk demo` over time: does every history stay bounded?

Two measures:
  --rss MINUTES    `pmdesk demo` in a 160x48 pseudo-terminal, as a trader runs it; prints the
                   RSS of the desk and of its embedded exchange (a child process) every
                   --every seconds, and the growth after the first minute (issue 14's goal:
                   ≤ +3% over 30 min).
  --trace SECONDS  the same desk, headless in this process, against an embedded exchange
                   started here too (so both heaps are traced), with tracemalloc: the
                   allocation sites that grew most between the first --warm seconds and the
                   end. Use --firehose to speed growth up; it finds in minutes what the soak
                   shows in half an hour.
Timings are noisy on a shared machine; the figures compare runs made the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from latency_desk import BOOK_SHOWN, desk_env  # noqa: E402
from latency_term import Children, Terminal, descendants, rss_mib  # noqa: E402


def rss(args: argparse.Namespace) -> None:
    children = Children()
    with tempfile.TemporaryDirectory(prefix="pmdesk-mem-") as tmp:
        home = Path(tmp)
        env = desk_env(home, None)
        paths = [str(Path(args.src).resolve())] if args.src else []
        if args.snapshots:  # tracemalloc in the desk: bench/memory_probe/sitecustomize.py
            paths.append(str(HERE / "memory_probe"))
            times = [args.snap_from, max(args.snap_from + 1, args.rss * 60 - 15)]
            env |= {"PYTHONTRACEMALLOC": str(args.depth),
                    "PMDESK_MEM_SNAPSHOTS": f"{home}:{times[0]:g},{times[1]:g}"}
        if args.stats:  # malloc's and SQLite's own totals, logged by the desk itself
            paths.append(str(HERE / "memory_probe"))
            env["PMDESK_MEM_STATS"] = f"{home}:{args.every:g}"
            if args.trim:
                env["PMDESK_MEM_TRIM"] = "1"
        if paths:  # another checkout's code (a before/after) and the probe
            env["PYTHONPATH"] = os.pathsep.join(paths)
        cmd = [sys.executable, "-m", "tui", "demo"]
        if args.firehose:
            cmd += ["--firehose", str(args.firehose)]
        term = Terminal(children, cmd, env, cwd=str(home))
        try:
            if term.wait_text(BOOK_SHOWN, 90) is None:
                raise SystemExit("memory bench: the desk showed no book")
            first: tuple[float, float] | None = None
            print("  min   desk MiB   exchange MiB", flush=True)
            end = term.started + args.rss * 60
            while True:
                now = time.monotonic()
                sims = descendants(term.proc.pid)
                sample = (rss_mib(term.proc.pid), sum(rss_mib(p) for p in sims[:1]))
                minute = (now - term.started) / 60
                if first is None and minute >= 1.0:
                    first = sample
                print(f"{minute:5.1f}   {sample[0]:8.1f}   {sample[1]:12.1f}", flush=True)
                if now >= end:
                    break
                time.sleep(min(args.every, max(0.5, end - now)))
            if first is not None:
                print(f"desk RSS {first[0]:.1f} → {sample[0]:.1f} MiB "
                      f"({100 * (sample[0] / first[0] - 1):+.1f}%) after the first minute; "
                      f"exchange {first[1]:.1f} → {sample[1]:.1f} MiB "
                      f"({100 * (sample[1] / first[1] - 1):+.1f}%)", flush=True)
        finally:
            children.note()
            term.close(children)
            children.stop_all()
        snaps = sorted(home.glob("snap-*.bin"))
        if (home / "outside.txt").exists():
            print((home / "outside.txt").read_text(), end="")
        if args.snapshots and len(snaps) >= 2:
            import tracemalloc

            from memory_trace import top

            print(f"desk heap, {snaps[0].stem} → {snaps[-1].stem} s (tracemalloc):")
            top(tracemalloc.Snapshot.load(str(snaps[0])),
                tracemalloc.Snapshot.load(str(snaps[-1])), args.top)


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--rss", type=float, default=0.0, help="minutes of demo, RSS sampled")
    cli.add_argument("--trace", type=float, default=0.0, help="seconds of headless demo traced")
    cli.add_argument("--warm", type=float, default=30.0, help="seconds before the first snapshot")
    cli.add_argument("--every", type=float, default=30.0, help="seconds between RSS samples")
    cli.add_argument("--firehose", type=int, default=0, help="book changes a second added")
    cli.add_argument("--top", type=int, default=25, help="allocation sites printed")
    cli.add_argument("--depth", type=int, default=12, help="frames kept per allocation")
    cli.add_argument("--orders", type=float, default=0.0,
                     help="orders a second the desk's own account sends (--trace)")
    cli.add_argument("--snapshots", action="store_true",
                     help="with --rss: tracemalloc in the desk, top growers printed")
    cli.add_argument("--stats", action="store_true",
                     help="with --rss: the desk logs malloc's and SQLite's totals (untraced)")
    cli.add_argument("--trim", action="store_true",
                     help="with --stats: the desk calls malloc_trim(0) after each log")
    cli.add_argument("--snap-from", type=float, default=60.0,
                     help="seconds into the run of the first snapshot (--snapshots)")
    cli.add_argument("--src", default="", help="checkout whose tui/ is measured (--rss)")
    args = cli.parse_args()
    if args.rss:
        rss(args)
    elif args.trace:
        from memory_trace import trace

        trace(args)
    else:
        cli.error("say --rss MINUTES or --trace SECONDS")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
