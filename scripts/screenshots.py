"""Regenerate screenshots/ (SVG) from the real demo: the embedded exchange with a fixed seed.

    python scripts/screenshots.py [--seed 7] [--out screenshots]

The exchange runs as `pmdesk demo` runs it (a child process on loopback ports); the desk
runs headless and is driven with the same keys a trader would press.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from tui.cli.demo import embedded_exchange
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.clob.api import DEMO_CLOB_KEY
from tui.ui.app import PmdeskApp
from tui.venues.clob.venue import ClobVenue
from tui.venues.gateway.venue import GatewayVenue

SETTLE = 4.0  # seconds of synthetic flow before the first picture


async def _wait_for(check: object, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit("the demo did not come up in time")
        await asyncio.sleep(0.05)


async def shoot(rest_url: str, grpc_target: str, out: Path, size: tuple[int, int],
                suffix: str, keys: bool, theme: str | None = None) -> None:
    """``keys``: the demo, the trader's first minute, help, the quit question and the kill
    switch, as demo, orders, help, quit and killed;
    else one picture after that minute (every size shows a blotter with something in it)."""
    venue = GatewayVenue(rest_url=rest_url, grpc_target=grpc_target, username="demo",
                         password=DEMO_PASSWORD, venue_name="demo")
    app = PmdeskApp(venue, title="pmdesk — demo (embedded exchange)")
    async with app.run_test(size=size) as pilot:
        if theme is not None:  # a picture in another theme (tui/ui/themes.py)
            app.theme = theme
        await _wait_for(lambda: app.cursor_price is not None and app.state.books)
        await asyncio.sleep(SETTLE)
        await pilot.pause()
        if keys:
            app.save_screenshot(str(out / f"demo{suffix}.svg"))
        # a trader's first minute: buy YES at the offer (a fill, a position), rest a bid
        # a tick under the inside, then buy NO two ticks above it
        await pilot.press("l", "b", "h", "down", "b")
        await pilot.press("t", "up", "up", "up", "b", "t")
        await asyncio.sleep(1.5)
        await pilot.pause()
        app.save_screenshot(str(out / (f"orders{suffix}.svg" if keys else f"demo{suffix}.svg")))
        if not keys:
            return
        await pilot.press("question_mark")
        await pilot.pause()
        app.save_screenshot(str(out / f"help{suffix}.svg"))
        # quitting with orders working asks first; stay, then press the kill switch
        await pilot.press("escape", "q")
        await pilot.pause()
        app.save_screenshot(str(out / f"quit{suffix}.svg"))
        await pilot.press("s", "K")
        await _wait_for(lambda: app.state.latched and not app.state.working_orders())
        await asyncio.sleep(0.5)
        await pilot.pause()
        app.save_screenshot(str(out / f"killed{suffix}.svg"))


async def shoot_clob(rest_url: str, out: Path) -> None:
    """The desk on the global CLOB (`pmdesk demo --venue clob`) after a trader's first
    minute: a YES bought at the offer, a NO bid resting, a YES bid resting."""
    venue = ClobVenue(rest_url=rest_url, private_key=DEMO_CLOB_KEY, venue_name="demo clob")
    app = PmdeskApp(venue, title="pmdesk — demo clob (embedded exchange)")
    async with app.run_test(size=(120, 36)) as pilot:
        await _wait_for(lambda: app.cursor_price is not None and app.state.books)
        await asyncio.sleep(SETTLE)
        await pilot.press("l", "b", "h", "down", "b")
        await pilot.press("t", "up", "up", "up", "b", "t")
        await asyncio.sleep(1.5)
        await pilot.pause()
        app.save_screenshot(str(out / "clob.svg"))


async def shoot_accounts(rest_url: str, grpc_target: str, out: Path) -> None:
    """`pmdesk demo --user isv`: a bid for Ann, then the account picker (A) open."""
    venue = GatewayVenue(rest_url=rest_url, grpc_target=grpc_target, username="isv",
                         password=DEMO_PASSWORD, venue_name="demo isv")
    app = PmdeskApp(venue, title="pmdesk — demo isv (embedded exchange)")
    async with app.run_test(size=(120, 36)) as pilot:
        await _wait_for(lambda: app.cursor_price is not None and app.state.books)
        await asyncio.sleep(SETTLE)
        await pilot.press("A", *"ann", "enter")
        await _wait_for(lambda: app.state.account.endswith("ann-1"))
        await pilot.press("h", "down", "b")
        await asyncio.sleep(1.5)
        await pilot.press("A")
        await asyncio.sleep(0.5)
        await pilot.pause()
        app.save_screenshot(str(out / "accounts.svg"))


async def shoot_paper(rest_url: str, grpc_target: str, out: Path) -> None:
    """`pmdesk demo --paper`: the exchange's books, the trader's first minute matched on
    this machine (PAPER on the status bar and the ticket)."""
    from tempfile import TemporaryDirectory

    from tui.store import Store
    from tui.venues.paper.venue import PaperVenue

    feed = GatewayVenue(rest_url=rest_url, grpc_target=grpc_target, username="demo",
                        password=DEMO_PASSWORD, venue_name="demo")
    with TemporaryDirectory() as folder:  # a fresh paper account, not the trader's own
        venue = PaperVenue(feed, open_store=lambda account: Store.open(
            Path(folder) / f"{account}.sqlite3"))
        app = PmdeskApp(venue, title="pmdesk — PAPER on demo (embedded exchange)")
        async with app.run_test(size=(120, 36)) as pilot:
            await _wait_for(lambda: app.cursor_price is not None and app.state.books)
            await asyncio.sleep(SETTLE)
            await pilot.press("l", "b", "h", "down", "b")
            await asyncio.sleep(1.5)
            await pilot.pause()
            app.save_screenshot(str(out / "paper.svg"))


async def shoot_all(seed: int, out: Path,
                    sizes: list[tuple[tuple[int, int], str, bool]]) -> None:
    """One event loop for every picture: grpc's aio poller stays bound to the loop it first
    ran on, so a loop per picture left callbacks firing into closed loops at exit."""
    for size, suffix, keys in sizes:
        with embedded_exchange(seed) as sim:  # each picture on a fresh exchange, same seed
            await shoot(sim.rest_url, sim.grpc_target, out, size, suffix, keys)
    with embedded_exchange(seed) as sim:
        await shoot_clob(sim.rest_url, out)
    with embedded_exchange(seed) as sim:
        await shoot_accounts(sim.rest_url, sim.grpc_target, out)
    with embedded_exchange(seed) as sim:
        await shoot_paper(sim.rest_url, sim.grpc_target, out)
    with embedded_exchange(seed) as sim:  # the trader's first minute in the light theme
        await shoot(sim.rest_url, sim.grpc_target, out, (120, 36), "-light", False,
                    theme="pmdesk-light")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [((120, 36), "", True)] + [
        (size, f"-{size[0]}x{size[1]}", False)
        for size in ((80, 24), (120, 36), (160, 48), (220, 50), (240, 60))]
    asyncio.run(shoot_all(args.seed, args.out, sizes))
    print(f"screenshots written to {args.out}")


if __name__ == "__main__":
    main()
