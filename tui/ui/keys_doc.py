"""The desk's keys as a Markdown table, generated from the app's bindings (README, help)."""

from __future__ import annotations

from collections.abc import Sequence

from tui.ui.bindings import DESK_BINDINGS
from tui.ui.keymap import DeskKeys
from tui.ui.screens.help import key_rows


def keys_markdown(rows: Sequence[tuple[str, str]] | None = None) -> str:
    """The default keys: the README shows what a desk without a [keys] table does (and,
    given tui/ui/replay_keys.py replay_rows(), the keys `pmdesk replay` adds)."""
    if rows is None:
        rows = key_rows(DeskKeys(bindings=DESK_BINDINGS), DESK_BINDINGS)
    lines = ["| key | action |", "|---|---|"]
    lines += [f"| `{keys}` | {action} |" for keys, action in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(keys_markdown())
