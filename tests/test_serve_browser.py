"""`pmdesk serve` in a real browser: Debian's headless Chromium, driven over CDP, opens the
printed link, sees the desk's ladder, types a key, and is refused without the token and
in a second tab while the first holds the desk."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.cdp_kit import chromium, free_port, headless_chromium, new_page
from tui.cli.main import main
from tui.cli.parser import build_parser
from tui.cli.serve import REFUSED, busy_sentence, is_loopback, served_command

SCREENSHOT = Path(__file__).resolve().parent.parent / "screenshots" / "browser.png"
PRICE = re.compile(r"\b0\.\d{2}\b")  # a ladder's price, e.g. 0.47


def needs_chromium() -> str:
    """The browser; without it the test skips, except in CI, where a skip would hide it."""
    binary = chromium()
    if binary is None:
        why = "chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must run the browser test")
        pytest.skip(why)
    return binary


@contextlib.contextmanager
def serving(port: int) -> Iterator[str]:
    """`pmdesk serve` (the demo) on port; yields the link it printed."""
    child = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--port", str(port)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        yield _printed_link(child)
    finally:
        child.send_signal(signal.SIGINT)  # as Ctrl+C: the server stops its desk too
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=5)


def _printed_link(child: subprocess.Popen[bytes]) -> str:
    """The link, read as it is printed; the rest of the output is drained (and echoed for
    a failing test's report), so a chatty server never blocks on a full pipe."""
    assert child.stdout is not None
    lines: queue.Queue[bytes] = queue.Queue()

    def drain(stream: IO[bytes]) -> None:
        for line in stream:
            lines.put(line)
            sys.stdout.write(line.decode(errors="replace"))
    threading.Thread(target=drain, args=(child.stdout,), daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and child.poll() is None:
        with contextlib.suppress(queue.Empty):
            found = re.search(rb"http://127\.0\.0\.1:\d+/\?token=[\w-]+",
                              lines.get(timeout=0.5))
            if found:
                return found.group().decode()
    raise AssertionError("pmdesk serve printed no link")


async def test_the_desk_in_a_browser(tmp_path: Path) -> None:
    binary = needs_chromium()
    port = free_port()
    with serving(port) as link, headless_chromium(binary, tmp_path / "chromium") as devtools:
        base = link.split("?")[0]
        assert base == f"http://127.0.0.1:{port}/"  # loopback unless told otherwise
        async with httpx.AsyncClient() as http:
            for wrong in (base, f"{base}?token=guess"):
                answer = await http.get(wrong)
                assert answer.status_code == 403 and answer.text == REFUSED

        async with new_page(devtools) as page:
            await page.open(link)
            await page.wait_for("demo-1 $100,000.00", within=90)  # the status bar's account
            screen = await page.wait_for_match(PRICE, within=60)  # and the ladder's prices
            assert "token" not in screen
            await page.screenshot(SCREENSHOT)

            await page.type("?")  # help: every key, titled with the desk's name
            await page.wait_for("demo keys", within=20)

            async with new_page(devtools) as stranger:  # no token: refused in words
                await stranger.open(base)
                await stranger.wait_for(REFUSED, within=20)
            async with new_page(devtools) as second:  # the same desk twice: said in words
                await second.open(link)
                await second.wait_for(busy_sentence("the demo (gateway, user demo)"),
                                      within=30)


def test_a_served_profile_runs_its_own_command_line_and_nothing_secret() -> None:
    args = build_parser().parse_args(["serve", "--profile", "preprod"])
    command, what = served_command(args)
    assert command[1:] == ["-m", "tui", "--profile", "preprod"] and what == "profile preprod"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("desk.example")
    private = build_parser().parse_args(["serve", "--private"])
    assert served_command(private)[0][1:5] == ["-m", "tui", "--private", "demo"]
    paper = build_parser().parse_args(["serve", "--paper", "--profile", "prod"])
    assert served_command(paper)[0][1:] == ["-m", "tui", "--paper", "--profile", "prod"]


def test_a_port_that_cannot_work_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0"]) == 2
    assert "a port is 1 to 65535" in capsys.readouterr().err
