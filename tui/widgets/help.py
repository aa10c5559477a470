"""The help screen: every key, generated from the app's own bindings so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def key_rows(app: App[object], bindings: Iterable[BindingType],
             keymap: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(keys, description) per action, in declaration order; 'up,k' shows as '↑ k'.

    Every real key is listed (not the footer's short key_display), with the binding's
    tooltip as the description when it has one.
    """
    rows: dict[tuple[str, str], list[str]] = {}
    keymap = keymap or {}
    for binding in Binding.make_bindings(bindings):
        key = keymap.get(binding.id, binding.key) if binding.id else binding.key
        shown = app.get_key_display(Binding(key, binding.action))
        words = binding.tooltip or binding.description
        keys = rows.setdefault((binding.action, words), [])
        if shown not in keys:
            keys.append(shown)
    return [(" ".join(keys), desc or action) for (action, desc), keys in rows.items()]


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; Escape, q, ? or Enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "close", "Close"),
    ]

    def __init__(self, rows: list[tuple[str, str]], title: str = "Keys") -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", style="bold")
        table.add_column()
        for keys, description in self.rows:
            table.add_row(keys, description)
        with VerticalScroll(id="help-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = "Esc closes"
            yield Static(table, id="help-keys")
            yield Static(Text("Orders use the ticket's outcome and size at the ladder cursor. "
                              "A NO order shows on the YES ladder at 1 − its price.",
                              style="dim"), id="help-note")

    def action_close(self) -> None:
        self.dismiss(None)
