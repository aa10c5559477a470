"""The collector settled for a running desk: what outlives a full pass is kept out of the
next ones (short passes on the UI loop), and a desk that is gone gives everything back."""

from __future__ import annotations

import gc

from tui.ui.gc_settle import settle_gc, unsettle_gc


class Kept:
    """An object in a reference cycle, the kind only the cycle collector frees."""

    def __init__(self) -> None:
        self.me = self


def test_survivors_of_a_full_pass_are_frozen_and_a_gone_desk_unfreezes_them() -> None:
    threshold = gc.get_threshold()
    try:
        settle_gc()
        after_start = gc.get_freeze_count()
        assert after_start > 0
        kept = [Kept() for _ in range(1000)]
        gc.collect()  # a full pass: its survivors (kept) are frozen after it
        assert gc.get_freeze_count() >= after_start + 1000
        unsettle_gc()
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == threshold  # Python's cadence again
        del kept
        assert gc.collect() >= 1000  # unfrozen, the cycles are garbage again
        gc.collect()
        assert gc.get_freeze_count() == 0  # no longer frozen after a pass
    finally:
        unsettle_gc()
        gc.set_threshold(*threshold)
