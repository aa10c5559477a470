"""The desk's part of the audit journal (tui/core/audit.py): every key that trades or could,
as the controller took it and what it meant; the question it put and the trader's answer;
what it refused and why; and everything else it told the trader.

The controller's actions carry one decorator each, so the trading code stays as it was: a
key's entry is written when its action returns (its plan decided, or refused), its
question with it (the screen asks at once), the answer when the trader gives it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from tui.core.audit import ANSWER, KEY, QUESTION, REFUSAL, SAID, AuditEntry
from tui.core.ticket import request_words
from tui.core.words import order_words
from tui.desk.asks import (
    CancelAll,
    CancelOrders,
    Change,
    Flatten,
    KillSwitch,
    Notice,
    Plan,
    Submit,
    SwitchAccount,
)
from tui.desk.words import change_words

if TYPE_CHECKING:
    from tui.desk.controller import DeskController

F = TypeVar("F", bound=Callable[..., Any])
# inside a key's action: what it tells is journalled with the key (as its refusal), not alone
_pressing: ContextVar[bool] = ContextVar("pressing", default=False)

# the key (binding id, tui/ui/bindings.py) that runs each action, from the action's arguments
_BINDINGS: dict[str, Callable[..., str]] = {
    "order": lambda buy: "buy" if buy else "sell",
    "cancel_market": lambda side="": {"bids": "cancel_bids",
                                      "offers": "cancel_offers"}.get(side, "cancel_market"),
    "resize": lambda steps: "order_size_up" if steps > 0 else "order_size_down",
    "cancel_here": lambda: "cancel_here",
    "kill_switch": lambda account=None: "kill_switch",
    "flatten": lambda: "flatten",
    "move": lambda: "move",
}


def key(action: F) -> F:
    """On a controller action a key runs: journals the key, what it meant, and its question
    or its refusal."""
    name = action.__name__  # an action not in _BINDINGS is named as it is
    binding = _BINDINGS.get(name, lambda *_: name)

    @functools.wraps(action)
    def pressed(desk: DeskController, *args: Any) -> Plan | None:
        told = len(desk.notices)
        token = _pressing.set(True)
        try:
            plan = action(desk, *args)
        except Exception as error:
            _key(desk, binding(*args), None, [Notice(f"Not sent: {error}", "error")])
            raise
        finally:
            _pressing.reset(token)
        if plan is not None and desk.state.paper:  # asked, and journalled, as PAPER
            plan = plan.on_paper()
        _key(desk, binding(*args), plan, desk.notices[told:])
        return plan
    return pressed  # type: ignore[return-value]


def answered(answer: F) -> F:
    """On the controller's answer(plan, yes): journals the trader's answer to a question."""
    @functools.wraps(answer)
    async def answering(desk: DeskController, plan: Plan, yes: bool | None) -> None:
        question = plan.question
        if question is not None:
            said = f"yes, {question.confirm_words}" if yes else f"no ({question.declined})"
            desk.state.audit(AuditEntry(ANSWER, f"{question.title} {said}",
                                        {"question": question.title, "yes": bool(yes)}))
        await answer(desk, plan, yes)
    return answering  # type: ignore[return-value]


def told(tell: F) -> F:
    """On the controller's tell: what it says outside a key's action (sent, cancelling,
    not sent, failed...) is journalled as it is said."""
    @functools.wraps(tell)
    def telling(desk: DeskController, text: str, severity: str = "information",
                timeout: float = 5.0) -> None:
        tell(desk, text, severity, timeout)
        if not _pressing.get():  # an error here is a refusal: by a check, the venue base
            # (nothing sent) or the exchange (not acted on)
            kind = REFUSAL if severity == "error" else SAID
            desk.state.audit(AuditEntry(kind, text, {"severity": severity, "by": "desk"}))
    return telling  # type: ignore[return-value]


def _key(desk: DeskController, binding: str, plan: Plan | None, said: list[Notice]) -> None:
    state, inst, cursor = desk.state, desk.instrument, desk.cursor
    shown = desk.say_key(binding) or binding
    name = binding.replace("_", " ")
    where = ""
    if inst is not None and binding != "kill_switch":  # every market: not the one shown
        where = f" in {inst.symbol}"
        if cursor is not None:
            where += f" at {inst.scales.price_text(cursor)}"
    meant = plan_words(desk, plan) if plan is not None else "nothing sent"
    press = f"{shown} ({name})" if shown != binding else name
    state.audit(AuditEntry(KEY, f"{press}{where}: {meant}", {
        "pressed": shown, "action": binding, "market": desk.symbol, "cursor": cursor,
        "ticket": desk.ticket, "act": plan.act if plan is not None else None}))
    for notice in said:
        refused = plan is None and notice.severity in ("warning", "error")
        state.audit(AuditEntry(REFUSAL if refused else SAID, notice.text,
                               {"severity": notice.severity, "pressed": shown}))
    question = plan.question if plan is not None else None
    if question is not None:
        state.audit(AuditEntry(QUESTION, " ".join((question.title, *question.warnings)), {
            "title": question.title, "warnings": list(question.warnings),
            "text": question.text}))


def plan_words(desk: DeskController, plan: Plan) -> str:
    """What a plan will do, in the words of the confirmation and the notices."""
    state = desk.state

    def order(request: Any) -> str:
        inst = state.instruments.get(request.symbol)
        words = request_words(request, inst.scales) if inst is not None else "an order"
        return f"{words} in {request.symbol}"

    match plan.act:
        case Submit(request):
            return order(request)
        case Change(original, _, _, terms) if terms is not None:
            return f"change the terms of {order_words(state, original)} to {terms.words()}"
        case Change(original, price, qty):
            return change_words(state, original, price=price, qty=qty)
        case CancelOrders(orders, where):
            return f"cancel {len(orders)} order{'s' * (len(orders) != 1)} {where}"
        case CancelAll(symbol, _, what):
            return f"cancel my {what}s in {symbol}"
        case KillSwitch(_, account) if account is not None:
            return f"cancel every order of {account} in every market"
        case KillSwitch():
            return "cancel every order in every market"
        case SwitchAccount(account):
            return f"trade account {account}"
        case Flatten(symbol, closes, _):
            return f"flatten {symbol}" + "".join(f", then close: {order(c)}" for c in closes)
    return type(plan.act).__name__


__all__ = ["answered", "key", "plan_words", "told"]
