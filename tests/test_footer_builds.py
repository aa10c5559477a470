"""The footer's keys are built when what they show changes, not for every focus, layout or
binding signal: a burst of them as the screen comes up costs the launch one build."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import eventually
from tests.pilot_kit import footer
from tui.sim.auth import DEMO_PASSWORD
from tui.ui.app import PmdeskApp
from tui.ui.widgets.footer import DeskFooter
from tui.venues.gateway.venue import GatewayVenue


async def test_the_footer_is_built_once_as_the_desk_comes_up_and_again_when_it_must(
        monkeypatch: pytest.MonkeyPatch) -> None:
    builds = []
    compose = DeskFooter.compose

    def counted(self: DeskFooter):  # type: ignore[no-untyped-def]
        builds.append(self._bindings_ready)
        return compose(self)

    monkeypatch.setattr(DeskFooter, "compose", counted)
    never = asyncio.Event()

    async def where() -> tuple[str, str]:  # no exchange: only the screen coming up
        await never.wait()
        return "", ""

    app = PmdeskApp(GatewayVenue(rest_url="", grpc_target="", username="demo",
                                 password=DEMO_PASSWORD, where=where))
    async with app.run_test(size=(160, 48)) as pilot:
        await eventually(lambda: "? Help" in " ".join(footer(app)), what="the footer's keys")
        await pilot.pause(0.3)
        assert builds.count(True) == 1, builds  # one build with the keys, not one a signal
        wide = footer(app)
        await pilot.resize_terminal(80, 30)  # fewer keys fit: built again
        await eventually(lambda: len(footer(app)) < len(wide), what="the narrow footer")
        assert builds.count(True) == 2, builds
