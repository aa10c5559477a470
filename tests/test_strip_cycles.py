"""Strips that do not hold themselves: a line that fills its widget or its cut is returned
as is, as Textual's would, but is not kept in its own cache, so it is freed when its line
changes rather than in one of the cycle collector's passes."""

from __future__ import annotations

import sys

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.ui.strip_cycles import _crop_extend, _divide, keep_strips_acyclic

RED = Style(color="red")


def line() -> Strip:
    return Strip([Segment("bid ", RED), Segment("0.41")], 8)


def test_a_strip_that_fills_its_cut_is_itself_and_holds_no_reference_to_itself() -> None:
    keep_strips_acyclic()
    strip = line()
    held = sys.getrefcount(strip)
    assert strip.divide([8]) == [strip]
    assert strip.divide([8, 12]) == [strip]  # cuts past its end are dropped, as Textual's
    assert strip.crop_extend(0, 8, None) is strip
    assert sys.getrefcount(strip) == held  # no cycle through its caches


def test_every_other_cut_and_crop_is_textuals_own() -> None:
    keep_strips_acyclic()
    for cuts in ([3, 8], [4], [0, 8], [2, 5, 8]):
        ours, theirs = line().divide(cuts), _divide(line(), cuts)
        assert [s.text for s in ours] == [s.text for s in theirs]
        assert [s.cell_length for s in ours] == [s.cell_length for s in theirs]
    for start, end in ((0, 4), (2, 8), (0, 10), (3, 12)):
        ours, theirs = line().crop_extend(start, end, RED), _crop_extend(line(), start, end, RED)
        assert (ours.text, ours.cell_length, list(ours)) == (
            theirs.text, theirs.cell_length, list(theirs))
