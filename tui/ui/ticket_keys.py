"""The ticket's keys on the app: YES or NO, the size, the kind, time in force, post-only and
cash mode. Each asks the desk (tui/desk/), which holds the rule, then the screen shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.ui.guard import guarded

if TYPE_CHECKING:
    from tui.desk.asks import Plan
    from tui.desk.controller import DeskController
    from tui.ui.screens.desk import DeskScreen
    from tui.ui.widgets.ladder_pane import LadderPane


class TicketKeys:
    """Mixed into the app."""

    desk: DeskController

    if TYPE_CHECKING:
        @property
        def desk_screen(self) -> DeskScreen: ...

        @property
        def panes(self) -> list[LadderPane]: ...

        def _did(self, plan: Plan | None = None) -> None: ...

    @guarded
    def action_toggle_outcome(self) -> None:
        outcome = self.desk.toggle_outcome()
        for pane in self.panes:
            pane.ladder.set_view(outcome=outcome)
        self._did()

    @guarded
    def action_size(self, steps: int) -> None:
        self.desk_screen.aimed().step_size(steps)
        self._did()

    @guarded
    def action_preset(self, index: int) -> None:
        self.desk_screen.aimed().preset(index)
        self._did()

    @guarded
    def action_order_kind(self) -> None:
        self.desk.cycle_kind()
        self._did()

    @guarded
    def action_tif(self) -> None:
        self.desk.cycle_tif()
        self._did()

    @guarded
    def action_post_only(self) -> None:
        self.desk.toggle_post_only()
        self._did()

    @guarded
    def action_cash_mode(self) -> None:
        self.desk.toggle_cash()
        self._did()
