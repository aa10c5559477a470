"""The replay's keys (tui/ui/bindings.py REPLAY_BINDINGS) on the app: pause, speed, jump.

They act only on a venue that can be steered (tui/venues/replay.py); on any other the app's
check_action hides them, so a live desk's footer, help and keys are as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from textual.binding import Binding

from tui.core.config import DeskConfig
from tui.ui.bindings import DESK_BINDINGS, REPLAY_BINDINGS
from tui.ui.keymap import DeskKeys, display
from tui.ui.screens.help import key_rows

# the action names of the replay's keys ("replay_jump(60)" is replay_jump): hidden when live
REPLAY_ACTIONS = frozenset(b.action.partition("(")[0]
                           for b in Binding.make_bindings(REPLAY_BINDINGS))


@runtime_checkable
class Steerable(Protocol):
    """A venue whose clock the trader moves: a replay."""

    def toggle_pause(self) -> None: ...
    def faster(self) -> None: ...
    def slower(self) -> None: ...
    def jump_by(self, seconds: float) -> None: ...
    def jump_to_start(self) -> None: ...
    def jump_to_end(self) -> None: ...


def replay_rows() -> list[tuple[str, str]]:
    """The rows for the replay's keys, on the help screen and in the README (not remapped:
    [keys] names desk keys)."""
    return key_rows(DeskKeys(bindings=REPLAY_BINDINGS), REPLAY_BINDINGS)


def replay_clash(config: DeskConfig) -> str | None:
    """The trader's [keys] putting a desk action on a replay key, in one sentence."""
    for clash in DeskKeys(config.keymap, bindings=[*DESK_BINDINGS, *REPLAY_BINDINGS]).clashes():
        if clash.second.startswith("replay_"):  # the replay's keys are not remapped
            return (f'Config file {config.path or Path("config.toml")}: the key '
                    f'"{display(clash.key)}" is a replay key ({clash.second.split()[0]}); '
                    f"choose another key for {clash.first}.")
    return None


class ReplayKeys:
    """Mixed into the app: each replay key asks the venue, which says it on the status bar."""

    venue: object

    @property
    def steered(self) -> Steerable | None:
        return self.venue if isinstance(self.venue, Steerable) else None

    def replay_allows(self, action: str) -> bool:
        """False hides a replay key: on a live desk they do nothing and are not shown."""
        return action not in REPLAY_ACTIONS or self.steered is not None

    def action_replay_pause(self) -> None:
        if (venue := self.steered) is not None:
            venue.toggle_pause()

    def action_replay_faster(self) -> None:
        if (venue := self.steered) is not None:
            venue.faster()

    def action_replay_slower(self) -> None:
        if (venue := self.steered) is not None:
            venue.slower()

    def action_replay_jump(self, seconds: float) -> None:
        if (venue := self.steered) is not None:
            venue.jump_by(seconds)

    def action_replay_to(self, end: str) -> None:
        if (venue := self.steered) is not None:
            if end == "end":
                venue.jump_to_end()
            else:
                venue.jump_to_start()
