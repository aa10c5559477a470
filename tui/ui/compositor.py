"""A compositor that paints what changed, not the box around it.

Textual's partial update takes the box around every region changed since the last paint and
renders each widget that overlaps that box, every line of it. One frame that changed three
ladder rows, the ticket on the right and a header on top rendered nearly the whole upper
screen: the other ladders, their scroll bars, the account panel. That box is most of the
desk's paint time on a busy book.

Here each widget is rendered only if a changed region overlaps it, and only over the lines
that region covers; what reaches the terminal is the same spans Textual's would write. The
rule that keeps it right: a widget is rendered on every line where a changed region touches
it, so the front-most widget over any span written is always among those rendered (chops are
filled front to back, the first wins, as in Textual's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from time import perf_counter
from typing import cast
from weakref import WeakKeyDictionary

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

SLICE_BUDGET = 0.004  # seconds of rendering before the rest of a paint waits a loop turn


class ChangedOnlyCompositor(Compositor):
    """Textual's Compositor with a partial update that renders only what overlaps a change,
    a slice at a time. Changed regions that touch the same widget (a container aside) make
    one group, painted whole in one slice: a ladder never shows rows of two books. A slice
    paints groups while they fit in `budget` seconds (by what each took last time; the first
    always goes) and the rest keep for the next slice, which the screen runs on the next loop
    turn, so a key that came in meanwhile goes first."""

    def __init__(self, budget: float = SLICE_BUDGET) -> None:
        super().__init__()
        self.budget = budget
        self._took: WeakKeyDictionary[Widget, float] = WeakKeyDictionary()
        self._waiting: list[Region] = []  # regions a slice left, first in the next

    def render_partial_update(self) -> ChopsUpdate | None:
        screen = self.size.region
        waiting, self._waiting = self._waiting, []
        later = self._dirty_regions.difference(waiting)
        regions = [r for r in (d.intersection(screen) for d in [*waiting, *later]) if r]
        self._dirty_regions.clear()
        if not regions:
            return None
        shown = [(widget, region, region.intersection(clip))
                 for widget, (region, clip) in self.visible_widgets.items()]  # front to back
        cuts = self.cuts
        fromkeys = cast("Callable[[list[int]], dict[int, Strip | None]]", dict.fromkeys)
        chops = [fromkeys(cut_set[:-1]) for cut_set in cuts]
        written: list[Region] = []
        start = perf_counter()
        for front, group in self._groups(regions, shown):
            began = perf_counter()
            if written and began - start + self._took.get(front, 0.0) > self.budget:
                self._dirty_regions.update(group)  # the next slice's, before newer ones
                self._waiting.extend(group)
                continue
            self._render_group(group, shown, chops)
            written.extend(group)
            if front is not None:
                self._took[front] = perf_counter() - began
        spans = list(self._regions_to_spans(written))
        return ChopsUpdate(cast("Sequence[Mapping[int, Strip]]", chops), spans,
                           [cut_set[1:] for cut_set in cuts])

    @staticmethod
    def _groups(regions: list[Region], shown: list[tuple[Widget, Region, Region]]
                ) -> list[tuple[Widget | None, list[Region]]]:
        """The changed regions joined where they touch the same widget (containers aside),
        each group with the front-most widget it touches."""
        groups: list[tuple[Widget | None, list[Region]]] = []
        group_of: dict[Widget, int] = {}
        for changed in regions:
            touched = [w for w, _, area in shown if area.overlaps(changed)]
            leaves = [w for w in touched if not w.is_container] or touched[:1]
            joined = sorted({group_of[w] for w in leaves if w in group_of})
            if joined:
                into = joined[0]
                for other in joined[1:]:
                    groups[into][1].extend(groups[other][1])
                    groups[other] = (None, [])
                    for widget, n in group_of.items():
                        if n == other:
                            group_of[widget] = into
            else:
                into = len(groups)
                groups.append((leaves[0] if leaves else None, []))
            groups[into][1].append(changed)
            for widget in leaves:
                group_of[widget] = into
        return [(front, group) for front, group in groups if group]

    def _render_group(self, group: list[Region], shown: list[tuple[Widget, Region, Region]],
                      chops: list[dict[int, Strip | None]]) -> None:
        """Every widget under the group's regions, on the lines they cover, front to back
        (the first strip for a cut wins, as in Textual's)."""
        cuts = self.cuts
        for widget, region, area in shown:
            overlaps = [o for o in (area.intersection(r) for r in group) if o]
            if not overlaps:
                continue
            top, bottom = min(o.y for o in overlaps), max(o.bottom for o in overlaps)
            strips = widget.render_lines(
                Region(area.x - region.x, top - region.y, area.width, bottom - top))
            first_cut, last_cut = area.x, area.right
            for y, strip in zip(range(top, bottom), strips, strict=False):
                # only the cuts a changed region covers on this line: elsewhere on it a
                # widget in front of this one may not have been rendered (the lines are the
                # changed regions' box), and the first strip for a cut wins
                spans = [(o.x, o.right) for o in overlaps if o.y <= y < o.bottom]
                if not spans:
                    continue
                line = chops[y]
                final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                ends = [*final_cuts[1:], last_cut]
                for cut, end, piece in zip(final_cuts, ends,
                                           strip.divide([cut - first_cut
                                                         for cut in final_cuts[1:]]),
                                           strict=False):
                    if line.get(cut) is None and any(x1 < end and cut < x2 for x1, x2 in spans):
                        line[cut] = piece
