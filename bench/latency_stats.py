"""The arithmetic of bench/latency.py: percentiles, key/request matching, the stall log, the
table. No processes here, so it is tested on its own (tests/test_latency_bench.py)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of ``values``; nan when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def match_keys(keys: Sequence[float], arrivals: Sequence[float]) -> list[float]:
    """Seconds from each key's write to its request's arrival at the exchange.

    Requests leave in the order of their keys, so the n-th arrival answers the n-th key
    when every key sent one. Otherwise each key takes the first unclaimed arrival after it
    (a dropped key then charges its wait to the next one: an over-estimate, never under).
    """
    keys, arrivals = sorted(keys), sorted(arrivals)
    if len(keys) == len(arrivals) and all(a >= k for k, a in zip(keys, arrivals, strict=True)):
        return [a - k for k, a in zip(keys, arrivals, strict=True)]
    found, at = [], 0
    for key in keys:
        while at < len(arrivals) and arrivals[at] < key:
            at += 1
        if at == len(arrivals):
            break
        found.append(arrivals[at] - key)
        at += 1
    return found


@dataclass(frozen=True)
class Stall:
    at: float  # time.monotonic() when the line was written (the callback's end)
    ms: float
    name: str


def read_stalls(path: Path) -> list[Stall]:
    """PMDESK_STALL_LOG lines: `<monotonic> <duration ms> <callback name>`; others skipped."""
    stalls = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        parts = line.split(maxsplit=2)
        try:
            stalls.append(Stall(float(parts[0]), float(parts[1]),
                                parts[2] if len(parts) > 2 else "?"))
        except (ValueError, IndexError):
            continue
    return stalls


def stall_figures(stalls: Sequence[Stall], start: float, end: float, over_ms: float = 8.0
                  ) -> tuple[Stall | None, float]:
    """The longest callback in [start, end], and callbacks of ``over_ms`` or more a second."""
    inside = [s for s in stalls if start <= s.at <= end]
    longest = max(inside, key=lambda s: s.ms, default=None)
    count = sum(1 for s in inside if s.ms >= over_ms)
    return longest, count / max(end - start, 1e-9)


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


@dataclass
class Row:
    figure: str
    measured: str
    goal: str


def table(rows: Sequence[Row]) -> str:
    """The issue's table as Markdown: figure | measured | goal."""
    lines = ["| figure | measured | goal |", "|---|---|---|"]
    lines += [f"| {r.figure} | {r.measured} | {r.goal} |" for r in rows]
    return "\n".join(lines)
