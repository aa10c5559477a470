"""The desk's keys as a Markdown table, generated from the app's bindings (README, help)."""

from __future__ import annotations

from textual.app import App

from tui.app import PmdeskApp
from tui.widgets.help import key_rows


def keys_markdown() -> str:
    rows = key_rows(App(), PmdeskApp.BINDINGS)
    lines = ["| key | action |", "|---|---|"]
    lines += [f"| `{keys}` | {action} |" for keys, action in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(keys_markdown())
