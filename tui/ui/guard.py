"""Errors in front of a trader: one sentence, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, Protocol

from tui.desk.words import plain

__all__ = ["guarded", "plain"]

P = ParamSpec("P")


class Reporter(Protocol):
    def report(self, text: str, error: BaseException | None = None, *,
               sticky: bool = False) -> None: ...


def guarded(method: Callable[P, None]) -> Callable[P, None]:
    """Run a UI handler; an unexpected error becomes a toast instead of killing the app."""

    @wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            owner = args[0]
            report = getattr(owner, "report", None)
            if callable(report):
                report(f"Something went wrong: {plain(error)}.", error)

    return wrapper
