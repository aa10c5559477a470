"""What the desk writes to the terminal adds up to the screen: the partial paints (only what
changed, a slice at a time: tui/ui/compositor.py), applied in order to a blank terminal, show
what a full render of the screen shows, through a busy book, orders, notices and the footer
changing under them."""

from __future__ import annotations

from typing import Any

from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual.strip import Strip

from tests.conftest import make_venue
from tests.pilot_kit import pilot_desk
from tui.sim.server import SimServer

SIZE = (160, 48)


class Terminal:
    """The text a terminal shows after the desk's writes (as ChopsUpdate.render_segments)."""

    def __init__(self, width: int, height: int) -> None:
        self.lines = [[" "] * width for _ in range(height)]

    def apply(self, update: object) -> None:
        if isinstance(update, LayoutUpdate):  # the whole screen
            for y, line in enumerate(update.strips, update.region.y):
                self.lines[y][update.region.x:] = list(Strip.join(line).text)
            return
        assert isinstance(update, ChopsUpdate)
        for y, x1, x2 in update.spans:
            for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(),
                                       strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                if not (x2 > x >= x1 and end <= x2):
                    strip = strip.crop(0, min(end, x2) - x)
                row = self.lines[y]
                for n, char in enumerate(strip.text):
                    if x + n < len(row):
                        row[x + n] = char

    def text(self) -> list[str]:
        return ["".join(row) for row in self.lines]


def watch(compositor: Compositor, terminal: Terminal, wrong: list[str]) -> None:
    """Every update the screen writes, applied to `terminal` as well; each span written is
    checked at once against a full render of the screen at that moment."""
    render = compositor.render_update

    def render_update(*args: Any, **kwargs: Any) -> object:
        update = render(*args, **kwargs)
        if update is not None:
            terminal.apply(update)
        if isinstance(update, ChopsUpdate):
            full = [strip.text for strip in compositor.render_strips()]
            shown = terminal.text()
            wrong.extend(f"row {y} [{x1}:{x2}] {shown[y][x1:x2]!r} not {full[y][x1:x2]!r}"
                         for y, x1, x2 in update.spans if shown[y][x1:x2] != full[y][x1:x2])
        return update

    compositor.render_update = render_update  # type: ignore[method-assign]


async def test_what_each_paint_writes_is_the_screen(busy_sim: SimServer) -> None:
    """Orders, notices coming and going, a busy book: every span written shows what the
    screen holds there (the front-most widget's own text, however many slices it took)."""
    terminal, wrong = Terminal(*SIZE), []
    async with pilot_desk(make_venue(busy_sim), size=SIZE) as (app, pilot):
        screen = app.desk_screen
        watch(screen._compositor, terminal, wrong)
        screen._compositor._dirty_regions.add(screen._compositor.size.region)
        for keys in ("b", "j", "b", "k", "k", "x", "b", "X", "f", "f"):
            await pilot.press(keys)
            await pilot.pause(0.2)
    assert not wrong, "\n".join(wrong[:20])
