"""The help screen: every key, generated from the app's own bindings so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui.bindings import DESK_BINDINGS
from tui.ui.keymap import DeskKeys, said


def key_rows(keys: DeskKeys, bindings: Iterable[BindingType] = DESK_BINDINGS,
             presets: Sequence[Decimal] | None = None) -> list[tuple[str, str]]:
    """(keys, description) per action, in declaration order; 'up,k' shows as '↑ k'.

    Every key the binding is on after the trader's keymap (not the footer's short form),
    with the binding's tooltip as the description, its key names written as bound too.
    ``presets``: the config's size presets, so each preset key says the size it sets, or
    that it has none (the README, given none, describes the keys in general).
    """
    rows: dict[tuple[str, str], list[str]] = {}
    seen: set[str] = set()
    for binding in Binding.make_bindings(bindings):
        if binding.id is None or binding.id in seen:
            continue
        seen.add(binding.id)
        words = keys.words(binding.tooltip or binding.description)
        if presets is not None and binding.id.startswith("preset_"):
            words = preset_words(int(binding.id.removeprefix("preset_")), presets)
        shown = rows.setdefault((binding.action, words), [])
        for key in keys.all_shown(binding.id) or ["(no key)"]:
            if key not in shown:
                shown.append(key)
    return [(" ".join(shown), words or action) for (action, words), shown in rows.items()]


def preset_words(number: int, presets: Sequence[Decimal]) -> str:
    """'Ticket size: 25 contracts (preset 4)', or why this key sets nothing."""
    if number > len(presets):
        return f"Ticket size: not set (config size_presets has {len(presets)})"
    size = presets[number - 1]
    return f"Ticket size: {size:f} contract{'s' * (size != 1)} (preset {number})"


CLOSE_KEYS = "escape,q,question_mark,enter"


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; Escape, q, ? or Enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(CLOSE_KEYS, "close", "Close"),
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
            box.border_subtitle = f"{said(CLOSE_KEYS, 1)} closes"
            yield Static(table, id="help-keys")
            yield Static(Text("Orders use the ticket's outcome and size at the ladder cursor. "
                              "A NO order shows on the YES ladder at 1 − its price.",
                              style="dim"), id="help-note")

    def action_close(self) -> None:
        self.dismiss(None)
