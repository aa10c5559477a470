"""What both ladder-benchmark phases share: the frame meter, the stock DataTable ladder, results.

Figure: main-thread CPU (time.thread_time) per painted frame = frame-timer pull + Textual paint
(Screen._on_timer_update / _compositor_refresh) + the terminal string headless mode skips.
"""

from __future__ import annotations

import asyncio
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import textual
from machine_info import cpu_model
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable

from tui.core.prices import Scales
from tui.core.state import DeskState
from tui.ui.app import PmdeskApp
from tui.ui.widgets.ladder import Ladder

SIZE = (160, 48)


@dataclass
class Meter:
    """Main-thread CPU of frame work, charged to the painted frame it led to."""

    on: bool = False
    depth: int = 0
    displayed: bool = False
    pending: float = 0.0  # pull/paint CPU not yet charged to a painted frame
    frames: list[float] = field(default_factory=list)  # CPU per painted frame, seconds
    widget: float = 0.0  # CPU inside the ladder widget's render_lines

    def reset(self) -> None:
        self.on, self.pending, self.frames, self.widget = True, 0.0, [], 0.0

    def span(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Time the outermost call; a span that displayed closes a frame."""
        def wrapper(*args: Any, **kw: Any) -> Any:
            outer, self.depth, start = self.depth == 0, self.depth + 1, time.thread_time()
            try:
                return fn(*args, **kw)
            finally:
                self.depth -= 1
                if outer and self.on:
                    self.pending += time.thread_time() - start
                    if self.displayed:
                        self.frames.append(self.pending)
                        self.pending, self.displayed = 0.0, False
        return wrapper

    def render(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kw: Any) -> Any:
            start = time.thread_time()
            lines = fn(*args, **kw)
            self.widget += time.thread_time() - start
            return lines
        return wrapper

    def display(self, fn: Callable[..., None]) -> Callable[..., None]:
        """App._display, plus building the terminal string that headless mode skips."""
        def wrapper(app: App[Any], screen: Screen[Any], renderable: Any) -> None:
            fn(app, screen, renderable)
            if self.on and renderable is not None and not app._batch_count:
                renderable.render_segments(app.console)  # a CompositorUpdate
                self.displayed = True
        return wrapper


METER = Meter()


class TableLadder(App[None]):
    """The stock alternative: one DataTable, cells updated from DeskState on a frame timer."""

    def __init__(self, state: DeskState, symbol: str, frame_hz: float) -> None:
        super().__init__()
        self.state, self.symbol, self.frame_hz = state, symbol, frame_hz
        self.scales: Scales = state.instruments[symbol].scales
        self.shown: dict[tuple[str, str], str] = {}  # (row key, column) -> text on screen
        self.centred = False  # scrolled to the inside once

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table, s = self.query_one(DataTable), self.scales
        for key, width in (("bid", 10), ("price", 8), ("offer", 10)):
            table.add_column(key, key=key, width=width)
        for price in range(s.max_price, s.min_price - 1, -s.tick):
            table.add_row("", s.price_text(price), "", key=str(price))
        table.focus()
        self.set_interval(1 / self.frame_hz, self.frame, name="frame")

    def frame(self) -> None:
        if self.symbol not in self.state.take_dirty_books():
            return
        table, s, book = self.query_one(DataTable), self.scales, self.state.books[self.symbol]
        now = {(str(price), "bid"): s.qty_text(qty) for price, qty in book.bids}
        now |= {(str(price), "offer"): s.qty_text(qty) for price, qty in book.offers}
        with self.batch_update():
            for cell in self.shown.keys() | now.keys():
                if self.shown.get(cell, "") != (text := now.get(cell, "")):
                    table.update_cell(*cell, text)
            if not self.centred and book.bids:
                self.centred = True
                row = (s.max_price - book.bids[0][0]) // s.tick
                table.move_cursor(row=row, animate=False)
                table.scroll_to(y=max(row - table.size.height // 2, 0), animate=False)
        self.shown = now


def install_hooks() -> None:
    """Class-level wrappers, installed before any app or timer exists (timers bind early)."""
    span, render = METER.span, METER.render
    for cls, name, wrap in ((PmdeskApp, "frame", span), (PmdeskApp, "book_frame", span),
                            (PmdeskApp, "side_frame", span), (TableLadder, "frame", span),
                            (Screen, "_on_timer_update", span), (App, "_display", METER.display),
                            (Screen, "_compositor_refresh", span),
                            (Ladder, "render_lines", render), (DataTable, "render_lines", render)):
        setattr(cls, name, wrap(getattr(cls, name)))


@dataclass
class Result:
    name: str
    wall: float  # seconds
    cpu: float  # process CPU, all threads, seconds
    frames: list[float]  # main-thread CPU per painted frame, seconds
    widget: float  # render_lines CPU in total, seconds
    books: int  # book updates that reached DeskState.replace_book in the window
    ingest: float  # CPU inside DeskState.replace_book in total, seconds

    HEADER = (f"{'':<28}{'books/s':>9}{'frames/s':>9}{'p50 ms':>10}{'p99 ms':>10}"
              f"{'widget ms':>12}{'ingest µs':>11}{'proc CPU%':>11}")

    def row(self) -> str:
        fps = len(self.frames) / self.wall
        ms = sorted(f * 1000 for f in self.frames) or [0.0]
        pct = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
        widget = self.widget * 1000 / max(len(self.frames), 1)
        ingest = self.ingest * 1e6 / max(self.books, 1)
        return (f"{self.name:<28}{self.books / self.wall:>9.0f}{fps:>9.1f}"
                f"{ms[len(ms) // 2]:>10.2f}{pct:>10.2f}{widget:>12.2f}{ingest:>11.1f}"
                f"{100 * self.cpu / self.wall:>11.1f}")


async def until(check: Callable[[], object], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def machine() -> str:
    return (f"machine: {platform.machine()} {cpu_model()}, {os.cpu_count()} CPUs, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
            f"Textual {textual.__version__}")
