"""Fewer segments a row, so fewer bytes to the terminal.

Textual writes each segment of a repainted line as its own escape sequence (the whole
style, the text, a reset): a ladder row of a dozen coloured cells and the spaces between
them is mostly escape codes. A run of spaces looks the same in the colour of the text
before it when the background is the same and neither style draws on a blank (reverse,
underline, strike, overline), so it joins that text's segment.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style


def draws_on_blank(style: Style) -> bool:
    """Whether a space in this style shows more than its background."""
    return bool(style.reverse or style.underline or style.underline2 or style.strike
                or style.overline)


def fold_blanks(segments: Iterable[Segment]) -> list[Segment]:
    """Join each segment to the one before when they look alike: the same style, or only
    spaces on the same background (no reverse, underline, strike or overline)."""
    out: list[Segment] = []
    for segment in segments:
        if out and not segment.control:
            last = out[-1]
            before, style = last.style, segment.style
            if before == style or (
                    before is not None and style is not None and not segment.text.strip(" ")
                    and before.bgcolor == style.bgcolor and not draws_on_blank(before)
                    and not draws_on_blank(style)):
                out[-1] = Segment(last.text + segment.text, before)
                continue
        out.append(segment)
    return out
