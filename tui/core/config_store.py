"""The config's ``[store]`` section: how long the local database keeps market data.

Market data (depth, top of book, the tape) is what makes the database grow, and it can be
recorded again; what was traded cannot, so only market data ever goes (tui/store/prune.py).
Off unless the trader sets it: deleting a history they did not ask to lose is a default
that surprises. A desk opening its database applies it (tui/store/retention.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.core.config_text import shown

STORE_KEYS = ("keep_market_data_days",)
MAX_KEEP_DAYS = 36_500  # a century: past it a typo, not a retention

STORE_EXAMPLE = """\
[store]
keep_market_data_days = 0  # older depth, top of book and tape go as a desk opens; 0 keeps all
"""

# builds the ConfigError: (key, problem, expected) -> the error naming file and line
Fail = Callable[[tuple[str, ...], str, str], Exception]


def keep_market_data_days(section: dict[str, Any], fail: Fail) -> int:
    """Days of market data to keep; 0 (also when unset) keeps everything."""
    raw = section.get("keep_market_data_days", 0)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_KEEP_DAYS:
        problem = f"is {shown(raw)}"
        if isinstance(raw, int) and not isinstance(raw, bool) and raw < 0:
            problem += ", a negative number of days"
        raise fail(("store", "keep_market_data_days"), problem,
                   f"a whole number of days from 0 (keep everything) to {MAX_KEEP_DAYS}")
    return raw
