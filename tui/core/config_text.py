"""The config file's text as the trader wrote it: where a key is set, and a value shown
back in their own notation, for the sentences a ConfigError says (config.py)."""

from __future__ import annotations

import re
from decimal import Decimal

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")


def line_of(text: str, key: tuple[str, ...]) -> int | None:
    """Best effort: the line that sets ``key`` (tomllib gives no positions for values);
    failing that, the line of the nearest enclosing table or key that is found."""
    tries = [(".".join(key[:n - 1]), key[n - 1]) for n in range(len(key), 0, -1)]
    for section, name in tries:
        line = _find(text, section, name)
        if line:
            return line
    return None


def _find(text: str, section: str, name: str) -> int | None:
    current = ""
    setting = re.compile(rf"""^\s*["']?{re.escape(name)}["']?\s*=""")
    for number, line in enumerate(text.splitlines(), start=1):
        found = _HEADER.match(line)
        if found:
            current = found.group(1).replace(" ", "").replace('"', "")
            if section == "" and current == name:
                return number
            continue
        if current == section and setting.match(line):
            return number
    return None


def shown(value: object) -> str:
    """A TOML value as the trader wrote it, roughly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"
