"""The blotter's layout at a terminal size: which panels show side by side, which ones the
f key cycles, how wide each panel is, and which columns each table keeps at what width.

A pure function of (width, height), so it is tested at every size without a screen; the
app applies it when the terminal is resized. What a trader reads in each table (an order's
state, its price and quantity, a position's P&L, a fill's price and quantity) is never
dropped and never narrower than it needs; other columns join as room allows, in the order
of UPGRADES. Market names shrink to what tells markets apart (tui/ui/widgets/names.py).

Pages (f cycles them; a panel in every page stays put while the others change):

* under 110 columns: one panel, the whole width: orders, positions, fills, trades, history;
* from 110: open orders on the left, beside positions, fills, trades or history;
* from 150: open orders, positions / fills / history, and the trade tape on the right;
* from 210: open orders, positions, fills and the tape; f puts history in the place of
  positions and fills.
"""

from __future__ import annotations

from dataclasses import dataclass

PAD = 2  # a table cell's padding, one each side (tui/ui/widgets/keyed_table.py)
GUTTER = 1  # a table's vertical scrollbar, always reserved (scrollbar-gutter: stable)
BORDER = 1  # the rule to the left of every panel but the first
TAPE_FIXED = 8 + 1 + 1 + 6 + 1 + 7  # the tape's time, spaces, price and arrow, quantity
SHORT_BELOW = 32  # rows: a short terminal gets the shortest blotter
SHORT_BLOTTER, BLOTTER, TALLEST = 6, 9, 14  # blotter heights, rule and heading included


@dataclass(frozen=True, slots=True)
class Col:
    """A column: its key, the width its contents need, and how wide it may grow
    (names and states; 0 = fixed). ``needed`` columns are never dropped."""

    key: str
    width: int
    most: int = 0
    needed: bool = True


def _opt(key: str, width: int) -> Col:
    return Col(key, width, needed=False)


# content widths (without padding): prices "0.5555", quantities "1408.25", P&L "+$1,234.56",
# intents "SELL YES", states "partially filled" (an ended order's longest: "cancelled")
VIEWS: dict[str, tuple[Col, ...]] = {
    "orders": (Col("market", 8, 16), Col("intent", 8), Col("price", 6), _opt("yes", 6),
               Col("qty", 7), _opt("filled", 7), Col("state", 16, 40)),
    "positions": (Col("market", 8, 16), Col("net", 10), _opt("avg", 6), _opt("mark", 6),
                  Col("realized", 10), Col("unrealized", 10)),
    "fills": (_opt("time", 8), Col("market", 8, 16), Col("intent", 8), Col("qty", 7),
              Col("price", 6), _opt("yes", 6)),
    "history": (Col("market", 8, 16), Col("intent", 8), Col("price", 6), Col("done", 9),
                Col("state", 9, 40)),
    "tape": (Col("market", 8, 16),),  # the tape's other columns are fixed (TAPE_FIXED)
}

# what joins when there is room, most wanted first: (view, column, width to grow it to)
UPGRADES: tuple[tuple[str, str, int], ...] = (
    ("orders", "filled", 0), ("positions", "mark", 0), ("fills", "time", 0),
    ("orders", "market", 12), ("positions", "market", 12), ("fills", "market", 12),
    ("history", "market", 12), ("tape", "market", 12),
    ("orders", "yes", 0), ("fills", "yes", 0), ("positions", "avg", 0),
    ("history", "state", 24),  # why an order ended: what a trader opens history for
    ("orders", "market", 16), ("positions", "market", 16), ("fills", "market", 16),
    ("history", "market", 16), ("tape", "market", 16), ("orders", "state", 24),
)

NARROW, WIDE, XWIDE = 110, 150, 210  # columns; the app's breakpoints agree
TIERS: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...] = (
    (0, (("orders",), ("positions",), ("fills",), ("tape",), ("history",))),
    (NARROW, (("orders", "positions"), ("orders", "fills"), ("orders", "tape"),
              ("orders", "history"))),
    (WIDE, (("orders", "positions", "tape"), ("orders", "fills", "tape"),
            ("orders", "history", "tape"))),
    (XWIDE, (("orders", "positions", "fills", "tape"), ("orders", "history", "tape"))),
)
PAGE_NAMES = {"tape": "trades"}  # the f view's name where it differs from the panel's


@dataclass(frozen=True, slots=True)
class Panel:
    """One panel: its view, its width in cells (its left rule included) and, for a table,
    the columns it keeps as (key, width): names and states are cut to that width."""

    view: str
    width: int
    columns: tuple[tuple[str, int], ...]

    def keeps(self, key: str) -> bool:
        return any(k == key for k, _ in self.columns)


@dataclass(frozen=True, slots=True)
class Page:
    name: str  # what the blotter's class says it shows: "-show-<name>"
    panels: tuple[Panel, ...]


@dataclass(frozen=True, slots=True)
class BlotterLayout:
    width: int
    height: int  # the blotter's rows, its top rule and heading included
    pages: tuple[Page, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.pages)

    def page(self, name: str) -> Page:
        """The page called ``name``, or the page that shows that view, or the first."""
        for page in self.pages:
            if page.name == name:
                return page
        for page in self.pages:
            if any(PAGE_NAMES.get(p.view, p.view) == name for p in page.panels):
                return page
        return self.pages[0]

    def panel(self, view: str) -> Panel | None:
        """Where ``view`` shows (its place and columns are the same in every page)."""
        for page in self.pages:
            for panel in page.panels:
                if panel.view == view:
                    return panel
        return None


# --- fitting ------------------------------------------------------------------------------
Widths = dict[str, int]  # a view's kept columns and their widths


def _start(view: str) -> Widths:
    return {c.key: c.width for c in VIEWS[view] if c.needed}


def _inner(view: str, cols: Widths) -> int:
    """A view's width without its rule: a table's columns with their padding and the
    scrollbar's gutter, or the tape's fixed columns and its market names."""
    if view == "tape":
        return TAPE_FIXED + cols["market"]
    return sum(w + PAD for w in cols.values()) + GUTTER


def _widths(pages: tuple[tuple[str, ...], ...], cols: dict[str, Widths]) -> int:
    """The widest page: each panel's views side by side, a rule between them."""
    return max(sum(_inner(v, cols[v]) for v in page) + BORDER * (len(page) - 1)
               for page in pages)


def _grow(view: str, key: str, to: int, cols: Widths, room: int) -> bool:
    """Add a column or widen one by what ``room`` allows; False when nothing changed."""
    col = next(c for c in VIEWS[view] if c.key == key)
    if key not in cols:
        if col.width + (0 if view == "tape" else PAD) > room:
            return False
        cols[key] = col.width
        return True
    target = min(to or col.most, col.most) if col.most else cols[key]
    step = min(target - cols[key], room)
    if step <= 0:
        return False
    cols[key] += step
    return True


def _upgrade(views: tuple[str, ...], cols: dict[str, Widths], room_of: object) -> None:
    """Apply UPGRADES to ``views`` while ``room_of(view)`` says there is room."""
    for view, key, to in UPGRADES:
        if view in views:
            _grow(view, key, to, cols[view], room_of(view))  # type: ignore[operator]


def _fill(view: str, cols: Widths, width: int) -> None:
    """A panel that got more room than it asked for: every upgrade, then names and states
    to their widest, within ``width``."""
    def room() -> int:
        return width - _inner(view, cols)
    for v, key, to in UPGRADES:
        if v == view:
            _grow(view, key, to, cols, room())
    for col in VIEWS[view]:
        if col.most:
            _grow(view, col.key, col.most, cols, room())


def _ordered(view: str, cols: Widths) -> tuple[tuple[str, int], ...]:
    return tuple((c.key, cols[c.key]) for c in VIEWS[view] if c.key in cols)


def blotter_height(height: int) -> int:
    if height < SHORT_BELOW:
        return SHORT_BLOTTER
    return min(BLOTTER + max(height - 48, 0) // 4, TALLEST)


def blotter_layout(width: int, height: int) -> BlotterLayout:
    """Where every blotter view goes at this terminal size (see the module's words)."""
    pages = next(p for start, p in reversed(TIERS) if width >= start)
    views = tuple(dict.fromkeys(v for page in pages for v in page))
    fixed = tuple(v for v in views if all(v in page for page in pages))
    cols = {v: _start(v) for v in views}
    _upgrade(views, cols, lambda _: width - _widths(pages, cols))

    def rule(view: str, page: tuple[str, ...]) -> int:
        return BORDER if page.index(view) else 0

    def group(page: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in page if v not in fixed)

    def group_w(page: tuple[str, ...]) -> int:
        return sum(_inner(v, cols[v]) + rule(v, page) for v in group(page))

    # the slack goes to the tape where it stays put, else to the panels that change with f
    flexible = "tape" in fixed
    fixed_w = sum(_inner(v, cols[v]) + rule(v, pages[0]) for v in fixed if v != "tape")
    share = max(group_w(p) for p in pages) if flexible else width - fixed_w
    alloc = {v: _inner(v, cols[v]) for v in views}
    for page in pages:
        if group(page):
            last = group(page)[-1]
            alloc[last] += share - group_w(page)
            _fill(last, cols[last], alloc[last])
    if flexible:
        alloc["tape"] = width - fixed_w - share - BORDER
        _fill("tape", cols["tape"], alloc["tape"])
    result: list[Page] = []
    for page in pages:
        panels = tuple(Panel(v, alloc[v] + rule(v, page),
                             () if v == "tape" else _ordered(v, cols[v])) for v in page)
        named = (group(page) or page)[0]
        result.append(Page(PAGE_NAMES.get(named, named), panels))
    return BlotterLayout(width, blotter_height(height), tuple(result))


MARKETS_NARROW, LADDER_NARROW = 20, 36  # under 110 columns: the watchlist, a ladder with NO
TICKET, TICKET_NARROW = 34, 24  # the ticket's widths at and under 110 columns


def ticket_width(width: int) -> int:
    """The ticket pane: its full width from 110 columns; under that, what the watchlist and
    one ladder (with its NO column) leave, so the ticket's lines wrap as little as they can."""
    if width >= NARROW:
        return TICKET
    return max(TICKET_NARROW, min(TICKET, width - MARKETS_NARROW - LADDER_NARROW))
