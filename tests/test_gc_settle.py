"""The collector settled for a running desk: collections only from the UI loop's timer
(collect_due), Python's generations kept, what outlives a full pass kept out of the next
ones, and a desk that is gone gives the collector back as it found it."""

from __future__ import annotations

import gc

from tui.ui.gc_settle import (
    MIDDLE_EVERY,
    OLD_EVERY,
    YOUNG_GC_THRESHOLD,
    collect_due,
    settle_gc,
    unsettle_gc,
)


class Kept:
    """An object in a reference cycle, the kind only the cycle collector frees."""

    def __init__(self) -> None:
        self.me = self


def test_collections_come_from_the_timer_by_generation_and_a_full_pass_freezes() -> None:
    assert gc.isenabled()
    try:
        settle_gc()
        assert not gc.isenabled()  # no collection inside whatever callback allocates
        frozen = gc.get_freeze_count()
        assert collect_due() is None  # nothing allocated yet
        kept: list[Kept] = []
        done = []
        for _ in range(MIDDLE_EVERY * OLD_EVERY):
            kept += [Kept() for _ in range(YOUNG_GC_THRESHOLD)]
            done.append(collect_due())
        assert done == ([0] * (MIDDLE_EVERY - 1) + [1]) * (OLD_EVERY - 1) + [0] * (
            MIDDLE_EVERY - 1) + [2]
        assert gc.get_freeze_count() >= frozen + len(kept)  # the full pass's survivors
        unsettle_gc()
        assert gc.isenabled() and gc.get_freeze_count() == 0
        del kept
        assert gc.collect() >= MIDDLE_EVERY * OLD_EVERY * YOUNG_GC_THRESHOLD  # garbage again
    finally:
        unsettle_gc()
        gc.enable()
