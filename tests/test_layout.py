"""The blotter's layout (tui/ui/layout.py) at every terminal size from 80x24 to 240x60, and the
market names (tui/ui/widgets/names.py) that fit its narrow columns: pure functions, no screen.

The Pilot tests in test_layout_screen.py check the same promises on the rendered screen.
"""

from __future__ import annotations

import pytest

from tui.sim.markets import demo_instruments
from tui.ui.layout import (
    BORDER,
    GUTTER,
    PAD,
    TAPE_FIXED,
    VIEWS,
    BlotterLayout,
    blotter_layout,
    ticket_width,
)
from tui.ui.widgets.names import market_names

SIZES = [(w, h) for w in range(80, 241) for h in (24, 36, 48, 60)]
# what each table's key columns must hold whole (a state word, a quantity, a price, P&L)
NEEDS = {
    "orders": {"state": len("partially filled"), "qty": len("1408.25"),
               "price": len("0.5555"), "intent": len("SELL YES"), "market": 8},
    "positions": {"net": len("100.5 YES"), "realized": len("+$1,234.56"),
                  "unrealized": len("+$1,234.56"), "market": 8},
    "fills": {"qty": len("1408.25"), "price": len("0.555"), "intent": len("SELL YES"),
              "market": 8},
    "history": {"state": len("cancelled"), "price": len("0.5555"), "done": len("25/100"),
                "market": 8},
}
DEMO = [i.symbol for i in demo_instruments()]


def _inner(panel_view: str, columns: tuple[tuple[str, int], ...]) -> int:
    return sum(w + PAD for _, w in columns) + GUTTER


@pytest.mark.parametrize(("width", "height"), [(w, 36) for w in range(80, 241)])
def test_every_page_fills_the_width_and_every_table_fits_its_panel(
        width: int, height: int) -> None:
    layout = blotter_layout(width, height)
    for page in layout.pages:
        assert sum(p.width for p in page.panels) == width, page.name
        for n, panel in enumerate(page.panels):
            room = panel.width - (BORDER if n else 0)
            if panel.view == "tape":
                assert room >= TAPE_FIXED + 8, (page.name, "the tape names its markets")
                continue
            # no horizontal scrollbar: the kept columns fit the panel
            assert _inner(panel.view, panel.columns) <= room, (page.name, panel)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_key_columns_are_never_dropped_nor_narrower_than_what_they_hold(
        width: int, height: int) -> None:
    layout = blotter_layout(width, height)
    for view, needs in NEEDS.items():
        panel = layout.panel(view)
        assert panel is not None, view
        widths = dict(panel.columns)
        for key, need in needs.items():
            assert widths.get(key, 0) >= need, (width, view, key, widths)


@pytest.mark.parametrize("width", range(80, 241))
def test_every_view_is_on_some_page_and_the_tape_on_every_page_from_150(width: int) -> None:
    layout = blotter_layout(width, 40)
    shown = {p.view for page in layout.pages for p in page.panels}
    assert shown == {"orders", "positions", "fills", "tape", "history"}
    with_tape = [any(p.view == "tape" for p in page.panels) for page in layout.pages]
    if width >= 150:
        assert all(with_tape), width
    else:
        assert with_tape.count(True) == 1, width  # one f page of its own
    if width >= 110:  # open orders stay on the left while f turns the rest
        assert all(page.panels[0].view == "orders" for page in layout.pages)


def test_a_panel_keeps_its_place_and_width_while_f_turns_the_others() -> None:
    for width in (120, 160, 220, 240):
        layout = blotter_layout(width, 48)
        for view in ("orders", "tape"):
            places = {(sum(q.width for q in page.panels[:n]), p.width)  # (x, width)
                      for page in layout.pages
                      for n, p in enumerate(page.panels) if p.view == view}
            assert len(places) <= 1, (width, view, places)


def test_pages_f_turns_through_at_each_size() -> None:
    assert blotter_layout(80, 24).names == ("orders", "positions", "fills", "trades",
                                            "history")
    assert blotter_layout(120, 36).names == ("positions", "fills", "trades", "history")
    assert blotter_layout(160, 48).names == ("positions", "fills", "history")
    assert blotter_layout(220, 50).names == ("positions", "history")
    wide = blotter_layout(220, 50).page("positions")
    assert [p.view for p in wide.panels] == ["orders", "positions", "fills", "tape"]


def test_a_page_is_found_by_the_view_it_shows() -> None:
    layout: BlotterLayout = blotter_layout(220, 50)
    assert layout.page("fills").name == "positions"  # fills show beside positions there
    assert layout.page("trades").name == "positions"  # the tape is on every page
    assert layout.page("history").name == "history"
    assert blotter_layout(80, 24).page("").name == "orders"


def test_optional_columns_join_as_the_terminal_widens() -> None:
    def kept(width: int, view: str) -> set[str]:
        panel = blotter_layout(width, 48).panel(view)
        assert panel is not None
        return {k for k, _ in panel.columns}

    assert "yes" in kept(80, "orders")  # alone at 80 columns, open orders show everything
    assert "filled" not in kept(110, "orders")  # beside another view, the least needed goes
    assert "filled" in kept(120, "orders")
    assert "time" in kept(120, "fills")
    assert {c.key for c in VIEWS["positions"]} == kept(240, "positions") | {"avg"} or \
        "mark" in kept(240, "positions")


def test_blotter_height_grows_with_the_terminal() -> None:
    assert blotter_layout(80, 24).height == 6
    assert blotter_layout(120, 36).height == 9
    assert blotter_layout(240, 60).height > 9


def test_the_ticket_takes_what_one_ladder_leaves_under_110_columns() -> None:
    assert ticket_width(80) == 24
    assert ticket_width(86) == 30  # 20 for the watchlist, 36 for a ladder with its NO column
    assert ticket_width(100) == ticket_width(110) == ticket_width(240) == 34


# --- market names ---------------------------------------------------------------------------
@pytest.mark.parametrize("width", range(6, 30))
def test_names_fit_and_tell_every_demo_market_apart(width: int) -> None:
    names = market_names(DEMO, width)
    assert all(len(n) <= width for n in names.values())
    if width >= 8:
        assert len(set(names.values())) == len(DEMO), names
    assert not any(n.startswith("AEC-") for n in names.values())  # the prefix all share


def test_names_keep_what_differs_between_two_markets_of_one_kind() -> None:
    btc = ["AEC-CRY-BTC-150K-2026-12-31", "AEC-CRY-BTC-200K-2026-12-31",
           "AEC-CRY-BTC-150K-2027-06-30", "AEC-CRY-ETH-5K-2026-12-31"]
    for width in (8, 10, 12, 14, 16):
        names = market_names(btc, width)
        assert len(set(names.values())) == len(btc), (width, names)
    assert market_names(btc, 12)["AEC-CRY-BTC-200K-2026-12-31"] == "BTC-200K"  # all CRY
    assert market_names(DEMO, 12)["AEC-CRY-BTC-150K-2026-12-31"] == "CRY-BTC-150K"
    assert market_names(DEMO, 8)["AEC-NFL-KC-BUF-2026-11-29"] == "KC-BUF"
    # where one form fits every market, every market gets it: a column reads alike
    assert set(market_names(DEMO, 22).values()) == {
        "KC-BUF-2026-11-29", "PHI-DAL-2026-11-26", "BOS-LAL-2026-12-02", "SEN-GA-2026",
        "BTC-150K-2026-12-31", "ETH-5K-2026-12-31", "OSCARS-STREAMER-2027"}
    # with room, the whole symbol without the shared prefix
    assert market_names(DEMO, 30)["AEC-NFL-KC-BUF-2026-11-29"] == "NFL-KC-BUF-2026-11-29"
