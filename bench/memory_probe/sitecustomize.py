"""Loaded by bench/memory.py --rss --snapshots (on PYTHONPATH): tracemalloc snapshots of the
desk process at the times in PMDESK_MEM_SNAPSHOTS ("dir:s1,s2,..." seconds from start).
The variables are taken out of the environment, so the exchange the desk starts is not
traced."""

import os
import threading
import time
import tracemalloc

_asked = os.environ.pop("PMDESK_MEM_SNAPSHOTS", "")
os.environ.pop("PYTHONTRACEMALLOC", None)


def _dump(directory: str, times: list[float]) -> None:
    start = time.monotonic()
    for at in times:
        time.sleep(max(0.0, start + at - time.monotonic()))
        tracemalloc.take_snapshot().dump(os.path.join(directory, f"snap-{at:08.0f}.bin"))


if _asked and tracemalloc.is_tracing():
    _dir, _, _times = _asked.partition(":")
    threading.Thread(target=_dump, args=(_dir, [float(t) for t in _times.split(",")]),
                     daemon=True, name="memory-snapshots").start()
