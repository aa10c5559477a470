"""The blotter under the ladders: open orders, positions, fills, order history and the
trade tape, laid out for the terminal's size by tui/ui/layout.py.

``lay_out(width, height)`` gives each table the columns its place allows and shows the page
f last chose (or the page of this size that shows the same view); ``turn()`` is f. The
blotter's class says which page shows: "-show-positions", "-show-history", ...
"""

from __future__ import annotations

from collections.abc import Callable

from textual.containers import Horizontal

from tui.ui.layout import BlotterLayout, blotter_layout
from tui.ui.widgets.tables import LaidOutTable

VIEWS = ("orders", "positions", "fills", "history", "tape")  # the panels' ids
PAGES = ("orders", "positions", "fills", "trades", "history")  # "-show-<page>"


class BlotterPages(Horizontal):
    """The blotter's panels side by side, as many as the width shows; f turns the rest."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan: BlotterLayout | None = None  # as last laid out
        self.chosen = ""  # the page f last chose ("": the first of this size)

    def lay_out(self, width: int, height: int,
                refill: Callable[[LaidOutTable], None]) -> bool:
        """Lay the blotter out for this terminal size; ``refill`` lays out the rows again
        of a table whose columns changed. False when nothing changed."""
        layout = blotter_layout(width, height)
        if layout == self.plan:
            return False
        self.plan = layout
        self.styles.height = layout.height
        for view in VIEWS:
            widget, panel = self.query_one(f"#{view}"), layout.panel(view)
            if isinstance(widget, LaidOutTable) and panel is not None:
                if widget.set_columns(panel.columns):
                    refill(widget)
        self._show(self.chosen)
        return True

    @property
    def page(self) -> str:
        """The name of the page on screen."""
        return self.plan.page(self.chosen).name if self.plan else ""

    def turn(self) -> None:
        """f: the next page of this size."""
        if self.plan is None:
            return
        names = self.plan.names
        self.chosen = names[(names.index(self.page) + 1) % len(names)]
        self._show(self.chosen)

    def _show(self, name: str) -> None:
        assert self.plan is not None
        page = self.plan.page(name)
        for each in PAGES:
            self.set_class(each == page.name, f"-show-{each}")
        shown = {panel.view: (n, panel) for n, panel in enumerate(page.panels)}
        for view in VIEWS:
            widget = self.query_one(f"#{view}")
            widget.display = view in shown
            if view in shown:
                n, panel = shown[view]
                widget.styles.width = panel.width
                widget.set_class(n > 0, "-ruled")  # a rule on its left
