"""The desk's keys. The footer, the help screen and the README table all come from here."""

from __future__ import annotations

from textual.binding import Binding, BindingType

DESK_BINDINGS: list[BindingType] = [
    # tooltip = the long words for the help screen and README; description = the footer
    Binding("b", "order(True)", "Buy",
            tooltip="Buy the ticket's outcome (YES or NO) at the cursor, ticket size"),
    Binding("s", "order(False)", "Sell",
            tooltip="Sell the ticket's outcome (YES or NO) at the cursor, ticket size"),
    Binding("t", "toggle_outcome", "YES/NO", tooltip="Toggle the ticket between YES and NO"),
    Binding("plus,equals_sign", "size(1)", "Size", key_display="+/-",
            tooltip="Ticket size up a step"),
    Binding("minus", "size(-1)", "Size down a step", show=False,
            tooltip="Ticket size down a step"),
    Binding("x", "cancel_here", "Cancel",
            tooltip="Cancel my working orders at the cursor price"),
    Binding("X,shift+x", "cancel_all", "Cancel all", key_display="X",
            tooltip="Cancel all my working orders, in every market"),
    Binding("c", "recentre", "Centre", tooltip="Put the cursor on the inside market"),
    Binding("up,k", "cursor(1)", "Cursor up a tick", show=False),
    Binding("down,j", "cursor(-1)", "Cursor down a tick", show=False),
    Binding("pageup", "cursor(10)", "Cursor up 10 ticks", show=False),
    Binding("pagedown", "cursor(-10)", "Cursor down 10 ticks", show=False),
    Binding("left_square_bracket", "market(-1)", "Previous market", show=False),
    Binding("right_square_bracket", "market(1)", "Next market", show=False),
    Binding("escape", "focus_ladder", "Back to the ladder", show=False),
    Binding("question_mark", "help", "Help"),
    Binding("q", "quit", "Quit", tooltip="Quit (working orders stay at the exchange)"),
    # a terminal user's Ctrl+C means quit; Textual's default only hints at ctrl+q
    Binding("ctrl+c", "quit", "Quit", show=False, priority=True,
            tooltip="Quit (working orders stay at the exchange)"),
]
