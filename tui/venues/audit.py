"""The venue's commands in the account's audit journal: each one sent, in the trader's words,
with its body and the exchange's answer, or why none came (the REST clients call the
journal for every command and lookup they send, once per attempt; previews are not
commands and are left out)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tui.core.audit import COMMAND, LOOKUP, AuditEntry
from tui.core.state import DeskState

Journal = Callable[[str, Any, object], None]

# (path pattern, what it does, kind), first match wins: the gateway's paths, then retail's
_PATHS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), words, kind) for pattern, words, kind in (
        (r"/v1/trading/orders$", "Insert", COMMAND),
        (r"/v1/trading/orders/cancel/list$", "Cancel a list of orders", COMMAND),
        (r"/v1/trading/orders/cancel$", "Cancel", COMMAND),
        (r"/v1/trading/orders/replace$", "Change (cancel-replace)", COMMAND),
        (r"/v1/trading/orders/open$", "Read the open orders", LOOKUP),
        (r"/v1/report/orders/search$", "Look up orders", LOOKUP),
        (r"/v1/report/", "Read a report", LOOKUP),
        (r"^/v1/orders$", "Insert", COMMAND),
        (r"^/v1/order/[^/]+/modify$", "Change (modify)", COMMAND),
        (r"^/v1/order/[^/]+/cancel$", "Cancel", COMMAND),
        (r"^/v1/orders/open/cancel$", "Cancel every open order", COMMAND),
        (r"^/v1/order/close-position$", "Close the position", COMMAND),
        (r"^/v1/orders/open$", "Read the open orders", LOOKUP),
        (r"^/v1/order/[^/]+$", "Look up an order", LOOKUP),
    ))
# where each venue's bodies name the order and the market
_IDS = (("clord_id", "desk id"), ("order_id", "order"), ("order_ids", "orders"),
        ("marketSlug", "market"), ("symbol", "market"), ("slugs", "markets"))


def commands(state: DeskState) -> Journal:
    """What a REST client calls with each command it sent and its answer."""
    def journal(path: str, body: Any, answer: object) -> None:
        words, kind = describe(path)
        said = outcome(answer, "accepted" if kind == COMMAND else "answered")
        state.audit(AuditEntry(kind, f"{words}{_named(body, path)}: {said}",
                               {"path": path, "body": body}, answer))
    return journal


def describe(path: str) -> tuple[str, str]:
    """What a path does, in words, and whether it commands or only reads."""
    for pattern, words, kind in _PATHS:
        if pattern.search(path):
            return words, kind
    return f"Sent {path}", COMMAND


def outcome(answer: object, ok: str = "accepted") -> str:
    """The exchange's answer in words: 'accepted (200)', 'refused (400): ...', or why no
    answer came (the client's own words: 'no answer: timed out')."""
    if isinstance(answer, dict) and isinstance(answer.get("status"), int):
        status = answer["status"]
        if status < 300:
            return f"{ok} ({status})"
        why = _message(answer.get("body"))
        return f"refused ({status}){f': {why}' if why else ''}"
    return str(answer)


def _message(body: object) -> str:
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "reason"):
            if isinstance(body.get(key), str):
                return body[key][:200]
        return ""
    return str(body or "")[:200]


def _named(body: Any, path: str) -> str:
    """' (market X, desk id c-1)': what the body names, to find the order by."""
    if not isinstance(body, dict):
        return ""
    found: dict[str, str] = {}
    for key, words in _IDS:
        value = body.get(key)
        if isinstance(value, list) and value:
            value = ", ".join(str(v) for v in value[:5]) + ("…" if len(value) > 5 else "")
        if value and words not in found:
            found[words] = str(value)
    named = ", ".join(f"{words} {value}" for words, value in found.items())
    return f" ({named})" if named else ""
