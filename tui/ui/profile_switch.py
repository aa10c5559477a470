"""Another profile's desk, chosen in the palette (tui/ui/palette.py ProfileCommands).

The desk closes the way q closes it, through the same quit question when orders are
working (tui/desk/quitting.py): the trader cancels them, leaves them working, or stays. Only
once it has closed for the chosen profile does the command line open that profile, as
`pmdesk --profile NAME` would (tui/cli/switch.py); this module only says which one. The
profiles are read here for their words (name, venue, where, as whom) and never a secret:
a profile names where its secrets are, and only the command line reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual.app import App

from tui.core.profiles import Profile, ProfileError, load_profiles, profiles_path
from tui.ui.privacy import MASK, Privacy
from tui.ui.screens.quit import QuitScreen

if TYPE_CHECKING:
    from tui.core.state import DeskState


@dataclass(frozen=True, slots=True)
class ProfileLine:
    """A profile as the palette lists it: its name, and venue · where · as whom."""

    name: str
    words: str


def profile_lines(privacy: Privacy | None = None) -> tuple[list[ProfileLine], str]:
    """The trader's profiles, and "" (or, for a file that cannot be read, no profiles and
    the sentence saying why). A missing file lists none: the palette never writes one."""
    try:
        profiles = load_profiles(profiles_path(), write_example=False)
    except (ProfileError, OSError, ValueError) as exc:  # a broken file: said, not a crash
        return [], str(exc) or f"Profiles file {profiles_path()} could not be read."
    masked = privacy is not None and privacy.on
    return [ProfileLine(name, _words(profile, masked))
            for name, profile in sorted(profiles.items())], ""


def _words(profile: Profile, masked: bool) -> str:
    """'gateway · prod · alice': the venue, where it connects, and as whom (masked while
    privacy is on: a user name or a wallet is who trades)."""
    where = profile.environment if profile.environment != "custom" else (
        urlsplit(profile.rest).netloc or profile.rest)
    if profile.privatelink:
        where += " via PrivateLink"
    who = profile.user or profile.account or profile.funder
    if who and masked:
        who = MASK
    return " · ".join(w for w in (profile.venue, where, who) if w)


class ProfileSwitch(App[None]):
    """A mixin of PmdeskApp: the palette's profile, and which one to open once the desk has
    closed (next_profile, read by tui/cli/common.py run_desk)."""

    profile_name: str | None = None  # the profile this desk is on (None: demo, connect, replay)
    # the profile chosen, and the quit question asked for it (None: nothing was working)
    _switch: tuple[str, QuitScreen | None] | None = None

    if TYPE_CHECKING:  # PmdeskApp's
        @property
        def state(self) -> DeskState: ...

    def palette_open_profile(self, name: str) -> None:
        """A palette command: once the palette has closed, as the quit key would."""
        self.call_after_refresh(self._open_profile, name)

    def palette_tell(self, words: str) -> None:
        self.call_after_refresh(lambda: self.notify(words, severity="warning", timeout=8))

    async def _open_profile(self, name: str) -> None:
        if name == self.profile_name:
            self.notify(f"This desk is on profile {name} already.", timeout=3)
            return
        self._switch = None
        await self.run_action("quit")  # q's own action: the question, never skipped
        if self.return_code is not None:  # nothing was working: it closed at once
            self._switch = (name, None)
        elif isinstance(self.screen, QuitScreen):  # asked: the answer decides (next_profile)
            self._switch = (name, self.screen)
            self.notify(f"Profile {name} opens once this desk has closed.", timeout=8)

    @property
    def next_profile(self) -> str | None:
        """The profile to open now that this desk has closed: the one chosen, when the desk
        closed for it (nothing working, or the question answered cancel or leave) and no
        order it was told to cancel may still be working (then the trader reads why)."""
        if self._switch is None:
            return None
        name, asked = self._switch
        if asked is None or asked.choice == "leave":
            return name
        if asked.choice == "cancel" and not self.state.working_orders():
            return name
        return None  # stayed (a later q quits and opens nothing), or cancels unconfirmed
