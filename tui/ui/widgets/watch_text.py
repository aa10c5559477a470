"""What the watchlist and the trade tape write: the feed's age, headings, market names,
the change since the open, and sparklines. Plain text and Rich values, no widgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from tui.core.enums import InstrumentState
from tui.core.model import Instrument
from tui.core.state import DeskState, LinkState, is_feed
from tui.core.tape import spark
from tui.ui.widgets.names import common_prefix, fit
from tui.ui.widgets.status import is_stale, stream_word

__all__ = ["common_prefix", "fit"]  # the names' helpers, where the watchlist and tape look

PX = 5  # width of a price column ("0.555")
CHG = 6  # width of the change column ("+0.125")
# a market that takes no orders says its state where its change would be (six letters)
# (the ticket and the ladder's header give the whole word)
STATE_SHORT = {InstrumentState.CLOSED: "closed", InstrumentState.SUSPENDED: "susp.",
               InstrumentState.EXPIRED: "expd.", InstrumentState.TERMINATED: "termd.",
               InstrumentState.HALTED: "halted", InstrumentState.PENDING: "pend."}
NUMBERS = ("bid", "offer", "last")
ONE_LINE_FROM = 56  # panel widths from here get one line a market
CHANGE_FROM = 24  # the change column needs this much (the symbol keeps 17)
SPARK_MIN = 4  # a sparkline narrower than this says nothing
SPARK_MAX = 40  # ten minutes of 15 s points
NAME_MIN = 20  # the one-line layout's narrowest symbol column
MIN_SPAN_CENTS = 2  # a sparkline's vertical range is at least 2 cents: no 1-tick cliffs


# --- the price feed's age, shared with the trade tape --------------------------------
FEED_RANK = {"down": 3, "connecting": 2, "stale": 1, "live": 0}


def feed_age(state: DeskState, now: float) -> tuple[str, str]:
    """(words, kind) for the price feed: kind is live, stale, down or connecting.

    ``now`` is monotonic, like the streams' timestamps. With several price feeds the worst
    one speaks. Words: "0.4s" (age of the last message), "STALE 3.1s", "DOWN 12s".
    """
    feeds = [s for s in state.streams.values() if is_feed(s.name)]
    if not feeds:
        return "waiting", "connecting"
    best: tuple[int, float, str, str] | None = None
    for stream in feeds:
        words = stream_word(stream, now)[1]
        if stream.state is LinkState.DOWN:
            kind = "down"
        elif stream.state is LinkState.CONNECTING:
            kind = "connecting"
        else:
            kind = "stale" if is_stale(stream, now) else "live"
        quiet = now - (stream.last_message_at or stream.since)
        key = (FEED_RANK[kind], quiet, words, kind)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return best[2], best[3]


def feed_heading(title: str, words: str, kind: str, width: int,
                 styles: Mapping[str, Style]) -> Text:
    """'title  0.4s', the age styled by kind (reverse when stale or down); the title goes
    first when the room is short."""
    text = Text(no_wrap=True, overflow="crop")
    badge = f" {words} " if kind in ("stale", "down") else words
    gap = "  " if len(title) + 2 + len(badge) <= width else " "
    if title and (not badge or len(title) + len(gap) + len(badge) <= width):
        text.append(title, style=styles["dim"])
        if badge:
            text.append(gap)
    if badge:
        text.append(badge, style=styles.get(kind, styles["dim"]))
    return text


def change_text(inst: Instrument | None, change: int | None) -> str:
    if change is None or inst is None:
        return "--"
    if change == 0:
        return inst.scales.price_text(0)
    return ("+" if change > 0 else "-") + inst.scales.price_text(abs(change))


def spark_text(state: DeskState, symbol: str, wall: float, count: int) -> str:
    """The sparkline of a market: the last ``count`` 15 s points, breaks where the feed was
    down; the vertical range is at least 2 cents so a one-tick wobble is not a cliff."""
    tape = state.tapes.get(symbol)
    if count <= 0 or tape is None:
        return " " * max(count, 0)
    points = tape.history(wall, count, list(state.gaps))
    known = [p for p in points if p is not None]
    if not known:
        return " " * count
    inst = state.instruments.get(symbol)
    lo, hi = min(known), max(known)
    if inst is not None:
        least = max(inst.scales.price_scale * MIN_SPAN_CENTS // 100, 2 * inst.scales.tick)
        if hi - lo < least:
            mid2 = lo + hi  # twice the middle, to stay in integers
            lo = (mid2 - least) // 2
            hi = lo + least
    return spark(points, lo, hi)


@dataclass(frozen=True, slots=True)
class Layout:
    width: int  # the rows' width in cells
    two_lines: bool
    numbers: tuple[str, ...]  # of NUMBERS, in order
    change: bool
    spark_w: int
    name_w: int  # names fit it in what tells markets apart (tui/ui/widgets/names.py)


Row = tuple[object, ...]  # what a row shows; a row is redrawn only when this changes
