"""Which key each action is on once the trader's [keys] table is applied: the one answer
the footer, the help screen, the ticket, notices and the start-up check all ask.

Textual's keymap replaces every key of the binding id it names, and leaves other bindings
alone: `buy = "s"` takes b off buy, yet s stays on sell. So the effective keys are the
overrides plus the defaults of every id not overridden, and a key two actions share is a
mistake the desk refuses at start (tui/cli/common.py check_keymap), before it can send the wrong
side. Bindings that share an action on purpose (quit on q and ctrl+c) do not clash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import ActiveBinding, Binding, BindingType
from textual.keys import KEY_ALIASES, format_key
from textual.screen import Screen

from tui.ui.bindings import DESK_BINDINGS, FOOTER_PAIRS

_SPOKEN = {"enter": "Enter", "escape": "Esc", "tab": "Tab", "space": "Space"}  # in prose
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# a key the terminal sends under two names is one key (tab is ctrl+i, enter is ctrl+m)
_CANONICAL = {alias: key for key, aliases in KEY_ALIASES.items() for alias in aliases}


def key_names(keys: str) -> list[str]:
    """'?, s' -> ['question_mark', 's']: Textual's names, as its keymap uses them."""
    parts = ",".join(k for k in keys.split(",") if k.strip())  # 'b,' is just b
    return [b.key for b in Binding.make_bindings([Binding(parts, "_")])] if parts else []


def canonical(key: str) -> str:
    return _CANONICAL.get(key, key)


def display(key: str) -> str:
    """How a key is written on screen: 'question_mark' -> '?', 'ctrl+k' -> '^k'."""
    *modifiers, name = key.split("+")
    shown = format_key(name)
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        shown = f"^{shown}"
    return "+".join([*modifiers, shown])


def said(keys: str, most: int = 9) -> str:
    """A dialog's keys in words: 'enter,y' -> 'Enter or y' (at most ``most`` of them)."""
    shown = [_SPOKEN.get(k) or display(k) for k in key_names(keys)][:most]
    return " or ".join(shown)


@dataclass(frozen=True, slots=True)
class Clash:
    """One key that would fire two different actions."""

    key: str
    first: str  # the words naming each side: 'keys.buy', 'sell (its default key)'
    second: str

    def sentence(self, where: object) -> str:
        fix = ("give one of them another key in [keys]" if not self.second.startswith(
            "Textual") else f"choose another key for {self.first}")
        return (f'Config file {where}: the key "{display(self.key)}" would be bound to both '
                f"{self.first} and {self.second}; {fix}.")


class DeskKeys:
    """The desk's bindings with the trader's overrides applied."""

    def __init__(self, overrides: Mapping[str, str] | None = None,
                 bindings: Iterable[BindingType] = DESK_BINDINGS) -> None:
        self.overrides = {i: tuple(key_names(k)) for i, k in (overrides or {}).items()}
        self.actions: dict[str, str] = {}
        self._defaults: dict[str, list[str]] = {}
        for binding in Binding.make_bindings(bindings):
            if binding.id is None:
                continue
            self.actions.setdefault(binding.id, binding.action)
            self._defaults.setdefault(binding.id, []).append(binding.key)

    @property
    def keymap(self) -> dict[str, str]:
        """The overrides as Textual's set_keymap takes them."""
        return {i: ",".join(keys) for i, keys in self.overrides.items() if keys}

    def __contains__(self, binding_id: object) -> bool:
        return binding_id in self.actions

    def keys(self, binding_id: str) -> tuple[str, ...]:
        """Every key that fires this binding, Textual's names, in the order given."""
        if binding_id in self.overrides:
            return self.overrides[binding_id]
        return tuple(self._defaults.get(binding_id, ()))

    def shown(self, binding_id: str) -> str:
        """The key to name on screen for this binding: its first key, as written."""
        keys = self.keys(binding_id)
        return display(keys[0]) if keys else "(none)"

    def said(self, binding_id: str) -> str:
        """The key in a sentence: 'Esc' and 'Enter' rather than 'esc' and '⏎'."""
        keys = self.keys(binding_id)
        return (_SPOKEN.get(keys[0]) or display(keys[0])) if keys else "(none)"

    def all_shown(self, binding_id: str) -> list[str]:
        return [display(k) for k in self.keys(binding_id)]

    def footer(self, binding_id: str) -> str:
        """The footer's key: '+/-' for size up and down, else the binding's first key."""
        pair = FOOTER_PAIRS.get(binding_id)
        if pair is None:
            return self.shown(binding_id)
        return f"{self.shown(binding_id)}/{self.shown(pair)}"

    def run(self, binding_ids: Iterable[str]) -> str:
        """Several keys in a few columns: '1-5' for a run of digits, else 'o i p $'."""
        shown = [self.shown(i) for i in binding_ids]
        digits = [int(s) for s in shown if len(s) == 1 and s.isdigit()]
        if len(shown) > 2 and len(digits) == len(shown) and digits == list(
                range(digits[0], digits[0] + len(digits))):
            return f"{shown[0]}-{shown[-1]}"
        return " ".join(shown)

    def words(self, text: str) -> str:
        """Text with '{move}' written as the key the move binding is on."""
        return _PLACEHOLDER.sub(
            lambda m: self.shown(m.group(1)) if m.group(1) in self else m.group(0), text)

    def clashes(self) -> list[Clash]:
        """Every key bound to two different actions, after the overrides."""
        holders: dict[str, list[tuple[str, str]]] = {}  # key -> [(action, words)]
        for binding_id in self.actions:
            words = (f"keys.{binding_id}" if binding_id in self.overrides
                     else f"{binding_id} (its default key)")
            for key in dict.fromkeys(canonical(k) for k in self.keys(binding_id)):
                holders.setdefault(key, []).append((self.actions[binding_id], words))
        for key, (action, words) in _screen_keys().items():
            if key in holders:  # the screen looks at a key before the app's bindings do
                holders[key].append((action, words))
        found = []
        for key, held in holders.items():
            for n, (action, words) in enumerate(held):
                other = next((w for a, w in held[:n] if a != action), None)
                if other is not None:
                    found.append(Clash(key, other, words))
                    break
        return found


def _screen_keys() -> dict[str, tuple[str, str]]:
    """Textual's own screen keys (tab moves focus) that a desk key would never reach past;
    ctrl+c is the desk's own priority quit, which Textual checks first."""
    priority = {k for b in Binding.make_bindings(DESK_BINDINGS) if b.priority
                for k in key_names(b.key)}
    return {canonical(b.key): (b.action, f"Textual's {b.description.lower()} key")
            for b in Binding.make_bindings(Screen.BINDINGS) if b.key not in priority}


_DECLARED: dict[str, int] = {}  # binding id -> its place in tui/ui/bindings.py
for _binding in Binding.make_bindings(DESK_BINDINGS):
    _DECLARED.setdefault(_binding.id or "", len(_DECLARED))


class DeclaredOrderScreen(Screen[None]):
    """A screen whose footer lists keys in the order tui/ui/bindings.py declares
    them, rebound or not (Textual's keymap moves a rebound key to the end of its bindings,
    which would push buy and sell off an 80-column footer)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        found = super().active_bindings
        last = len(_DECLARED)
        return dict(sorted(found.items(),
                           key=lambda item: _DECLARED.get(item[1].binding.id or "", last)))
