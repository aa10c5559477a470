"""The garbage collector, settled once start-up is over, so that no collection holds the UI
loop long or lands inside a paint: what start-up made is frozen out of the passes, what
outlives a full pass is frozen after it, and the collections run between callbacks, one at
a time, from a timer on the UI loop (`collect_due`), instead of inside whichever allocation
crossed Python's threshold.

Why: a full pass walks every tracked object not frozen. On a busy book the desk promotes
~1,500 objects a second to the oldest generation (strips, each with seven caches, that live
as long as their line on screen), so Python's own cadence (a full pass once that pile is a
quarter of what the last one kept) walked 60-140k objects every 20-40 s: 50-130 ms of a held
loop, the longest callbacks left. Frozen after each pass, and a full pass after every few
middle ones, a pass walks what came since the last one: a few milliseconds. Run inside a
paint, even that doubled the paint's callback; run on their own, a key waiting goes first."""

from __future__ import annotations

import gc

SETTLE_GC_AFTER = 1.0  # seconds after the venue is up: its first books are in and painted
COLLECT_EVERY = 0.05  # seconds between the UI loop's looks at what was allocated
# objects allocated between young collections (Python's default is 700): a paint makes
# thousands of short-lived strips, so at 700 the young collections ran ~45 times a second
# and promoted what would have died a moment later; at 2000 they die young
YOUNG_GC_THRESHOLD = 2000
MIDDLE_EVERY = 3  # young collections per middle one (Python's: 10; fewer, each shorter)
OLD_EVERY = 3  # middle collections per full pass (each walks what came since the last)
_gc_settled = False  # once a process: what start-up made is frozen
_counts = [0, 0]  # young collections since the last middle one, middle since the last full


def settle_gc() -> None:
    """Keep what start-up made (modules, classes, styles, the DOM, the venue's clients) out
    of the cycle collector's passes (a full pass over it held the loop ~100 ms), and from
    here on collect from `collect_due` only (see the module's docstring). Garbage is
    collected first, so nothing frozen here is garbage."""
    global _gc_settled
    if _gc_settled:
        return
    _gc_settled = True
    gc.collect()
    gc.freeze()
    gc.disable()  # collect_due, on the UI loop's timer, collects from here on
    _counts[:] = [0, 0]


def collect_due() -> int | None:
    """One collection, if at least YOUNG_GC_THRESHOLD objects were allocated since the last
    (Python's own rule, with its generations, run here between callbacks); returns the
    generation collected. After a full pass its survivors are frozen."""
    if not _gc_settled or gc.get_count()[0] < YOUNG_GC_THRESHOLD:
        return None
    generation = 0
    _counts[0] += 1
    if _counts[0] >= MIDDLE_EVERY:
        _counts[0], generation = 0, 1
        _counts[1] += 1
        if _counts[1] >= OLD_EVERY:
            _counts[1], generation = 0, 2
    gc.collect(generation)
    if generation == 2:
        # frozen objects are still freed when their last reference goes (most die so: a
        # strip when its line changes); only a reference cycle among them waits for the
        # desk to close (bench/memory.py watches RSS for that)
        gc.freeze()
    return generation


def unsettle_gc() -> None:
    """The desk is gone (its app unmounted): the collector is Python's again and everything
    frozen goes back to it, so a process that starts another desk (the tests do) leaks
    nothing the first one froze."""
    global _gc_settled
    if _gc_settled:
        _gc_settled = False
        gc.unfreeze()
        gc.enable()
