"""The garbage collector, settled once start-up is over, so that no collection holds the UI
loop long: what start-up made is frozen out of the full passes, what outlives a full pass is
frozen after it, and full passes come often enough that each walks only a few seconds' worth
of survivors.

Why: a full pass walks every tracked object not frozen. On a busy book the desk promotes
~1,500 objects a second to the oldest generation (strips, each with seven caches, that live
as long as their line on screen), so Python's own cadence (a full pass once that pile is a
quarter of what the last one kept) walked 60-140k objects every 20-40 s: 50-130 ms of a held
loop, the longest callbacks left. Frozen after each pass and eligible at every middle
collection, a full pass walks what came since the last one, a few milliseconds' worth."""

from __future__ import annotations

import gc

SETTLE_GC_AFTER = 1.0  # seconds after the venue is up: its first books are in and painted
_gc_settled = False  # once a process: what start-up made is frozen
# objects allocated between young collections (Python's default is 700): a paint makes
# thousands of short-lived strips, so at 700 the young collections ran ~45 times a second
# and promoted what would have died a moment later; at 2000 they die young
YOUNG_GC_THRESHOLD = 2000
MIDDLE_GC_THRESHOLD = 10  # young collections per middle one (Python's default)
# middle collections per full pass: 1, so a full pass may follow any middle one (Python
# still waits until what was promoted since the last is a quarter of what that one kept,
# which, everything kept being frozen, is soon)
OLD_GC_THRESHOLD = 1
_saved: tuple[int, int, int] | None = None  # the thresholds before settling


def settle_gc() -> None:
    """Keep what start-up made (modules, classes, styles, the DOM, the venue's clients) out
    of the cycle collector's passes (a full pass over it held the loop ~100 ms), and from
    here on keep each full pass short (see the module's docstring). Garbage is collected
    first, so nothing frozen here is garbage."""
    global _gc_settled, _saved
    if _gc_settled:
        return
    _gc_settled = True
    _saved = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.collect()  # walks nothing: Python now counts what its last full pass kept as ~0
    gc.set_threshold(YOUNG_GC_THRESHOLD, MIDDLE_GC_THRESHOLD, OLD_GC_THRESHOLD)
    gc.callbacks.append(_freeze_after_full_pass)


def unsettle_gc() -> None:
    """The desk is gone (its app unmounted): everything frozen goes back to the collector,
    and its thresholds are Python's again, so a process that starts another desk (the tests
    do) leaks nothing the first one froze."""
    global _gc_settled, _saved
    if _freeze_after_full_pass in gc.callbacks:
        gc.callbacks.remove(_freeze_after_full_pass)
    if _gc_settled:
        _gc_settled = False
        gc.unfreeze()
    if _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None


def _freeze_after_full_pass(phase: str, info: dict[str, int]) -> None:
    """What outlived a full pass is kept out of the next ones. Frozen objects are still
    freed when their last reference goes (most die so: a strip when its line changes); only
    a reference cycle among them waits for the desk to close (bench/memory.py watches RSS
    for that)."""
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()
