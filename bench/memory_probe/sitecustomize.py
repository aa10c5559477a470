"""Loaded by bench/memory.py --rss --snapshots or --stats (on PYTHONPATH): tracemalloc
snapshots of the desk process at the times in PMDESK_MEM_SNAPSHOTS ("dir:s1,s2,..." seconds
from start), or (PMDESK_MEM_STATS="dir:every") what malloc and SQLite hold, every so many
seconds, untraced. The variables are taken out of the environment, so the exchange the desk
starts is not measured."""

import ctypes
import ctypes.util
import os
import threading
import time
import tracemalloc

_asked = os.environ.pop("PMDESK_MEM_SNAPSHOTS", "")
_stats = os.environ.pop("PMDESK_MEM_STATS", "")
_trim = os.environ.pop("PMDESK_MEM_TRIM", "")  # an experiment: malloc_trim(0) after each log
os.environ.pop("PYTHONTRACEMALLOC", None)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _outside() -> str:
    """What tracemalloc cannot see: SQLite's own memory and glibc malloc's totals."""
    words = []
    try:
        lite = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
        lite.sqlite3_memory_used.restype = ctypes.c_int64
        words.append(f"sqlite={lite.sqlite3_memory_used() / 2**20:.1f}MiB")
    except (OSError, AttributeError):
        pass
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
        words += [f"malloc_in_use={info.uordblks / 2**20:.1f}MiB",
                  f"malloc_free={info.fordblks / 2**20:.1f}MiB",
                  f"mmapped={info.hblkhd / 2**20:.1f}MiB"]
    except (OSError, AttributeError):
        pass
    if tracemalloc.is_tracing():
        traced, _ = tracemalloc.get_traced_memory()
        words.append(f"traced={traced / 2**20:.1f}MiB")
    return " ".join(words)


def _rss() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _log_stats(directory: str, every: float) -> None:
    start = time.monotonic()
    while True:
        time.sleep(every)
        with open(os.path.join(directory, "outside.txt"), "a") as out:
            out.write(f"{time.monotonic() - start:.0f} s: rss={_rss():.1f}MiB {_outside()}\n")
            if _trim:
                began = time.perf_counter()
                ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
                out.write(f"   trimmed in {1000 * (time.perf_counter() - began):.1f} ms: "
                          f"rss={_rss():.1f}MiB\n")


def _dump(directory: str, times: list[float]) -> None:
    start = time.monotonic()
    for at in times:
        time.sleep(max(0.0, start + at - time.monotonic()))
        tracemalloc.take_snapshot().dump(os.path.join(directory, f"snap-{at:08.0f}.bin"))
        with open(os.path.join(directory, "outside.txt"), "a") as out:
            out.write(f"{at:.0f} s: {_outside()}\n")


if _stats:
    _dir, _, _every = _stats.partition(":")
    threading.Thread(target=_log_stats, args=(_dir, float(_every)), daemon=True,
                     name="memory-stats").start()

if _asked and tracemalloc.is_tracing():
    _dir, _, _times = _asked.partition(":")
    threading.Thread(target=_dump, args=(_dir, [float(t) for t in _times.split(",")]),
                     daemon=True, name="memory-snapshots").start()
