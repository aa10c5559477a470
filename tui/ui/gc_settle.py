"""The garbage collector, settled once start-up is over: what start-up made is frozen out of
the full passes, and the young generation is larger (a paint makes thousands of short-lived
strips)."""

from __future__ import annotations

import gc

SETTLE_GC_AFTER = 1.0  # seconds after the venue is up: its first books are in and painted
_gc_settled = False  # once a process: what start-up made is frozen
# objects allocated between young collections (Python's default is 700): a paint makes
# thousands of short-lived strips (each with seven caches), so at 700 the young collections
# ran ~45 times a second and promoted enough to force a full pass every ~2 s (20-70 ms of
# CPU each, the longest callbacks left on a busy book); at 2000 they die young
YOUNG_GC_THRESHOLD = 2000


def settle_gc() -> None:
    """Keep what start-up made (modules, classes, styles, the DOM, the venue's clients) out
    of the cycle collector's full passes: a full pass walked ~190k objects and held the UI
    loop ~100 ms, a few times a minute on a busy book. Garbage is collected first, so
    nothing frozen is garbage; what is made from here on is collected as before, with a
    larger young generation (YOUNG_GC_THRESHOLD)."""
    global _gc_settled
    if not _gc_settled:
        _gc_settled = True
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])
