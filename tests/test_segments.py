"""A ladder row with its blanks folded into the text before them looks the same on the glass,
cell for cell, in fewer segments (fewer escape sequences to the terminal)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style

from tui.ui.widgets.segments import fold_blanks

COLOURS = ["#000000", "#00d75f", "#ffffff", None]
RARELY = st.sampled_from([False, False, False, True])  # most cells draw nothing on a blank
STYLES = st.builds(Style, color=st.sampled_from(COLOURS), bgcolor=st.sampled_from(COLOURS),
                   bold=st.booleans(), reverse=RARELY, strike=RARELY, underline=RARELY)
TEXTS = st.sampled_from([" ", "  ", "0.42", "B 5", "▲", " 12 "])
SEGMENTS = st.lists(st.builds(lambda text, style: Segment(text, style), TEXTS, STYLES),
                    max_size=12)


def cells(segments: list[Segment]) -> list[tuple[str, object]]:
    """What each cell shows: a glyph in its whole style; a blank, only what paints a blank."""
    out: list[tuple[str, object]] = []
    for segment in segments:
        style = segment.style or Style()
        for char in segment.text:
            if char == " " and not (style.reverse or style.underline or style.strike):
                out.append((char, style.bgcolor))
            else:
                out.append((char, style))
    return out


@given(SEGMENTS)
def test_a_folded_row_looks_the_same_cell_for_cell(segments: list[Segment]) -> None:
    folded = fold_blanks(segments)
    assert cells(folded) == cells(segments)
    assert len(folded) <= len(segments)


def test_spaces_between_cells_join_the_text_before_them() -> None:
    base, green = Style(color="#e4e4e4", bgcolor="#000000"), Style(color="#00d75f",
                                                                   bgcolor="#000000")
    row = [Segment("  ", base), Segment("120", green), Segment(" ", base), Segment("0.42", base)]
    assert [s.text for s in fold_blanks(row)] == ["  ", "120 ", "0.42"]
