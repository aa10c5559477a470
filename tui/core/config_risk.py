"""The account-level keys of the config's ``[limits]`` section (tui/core/risk.py, and the
desk's daily loss rule in tui/desk/risk.py), read with the same ``{ value, mode }`` form
and the same plain errors as the per-order ones.

Off unless the trader sets them: they are the firm's numbers for one account (1,000
contracts is a small book on one account and a large one on another), and a refusal or a
kill switch the trader never asked for is a default that changed silently. The per-order
fat-finger limits, which are on (soft) by default, already catch a slipped key.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.core.limits import Limit

# key -> (what its value is, whole numbers only)
ACCOUNT_KEYS: dict[str, tuple[str, bool]] = {
    "max_position": ("a number of contracts more than 0", False),
    "max_working_exposure": ('dollars more than 0, e.g. "10000"', False),
    "max_open_orders": ("a whole number of orders more than 0", True),
    "max_daily_loss": ('dollars more than 0, e.g. "500"', False),
}

ACCOUNT_EXAMPLE = """\
# account-level, off until you set a mode: the account as it would stand after the order
max_position = { value = 1000, mode = "off" }            # contracts net in one market
max_working_exposure = { value = "10000", mode = "off" } # dollars at risk, all working orders
max_open_orders = { value = 50, mode = "off" }           # orders working, every market
max_daily_loss = { value = "500", mode = "off" }         # P&L this UTC day; hard: kill switch
"""

# reads one key of [limits]: (name, expected, whole) -> the limit, or None when off or unset
ReadLimit = Callable[[str, str, bool], Limit | None]


def account_limits(read: ReadLimit) -> dict[str, Limit | None]:
    """The account-level limits, by key (the Limits fields of the same names)."""
    return {name: read(name, expected, whole)
            for name, (expected, whole) in ACCOUNT_KEYS.items()}
