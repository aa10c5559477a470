"""The opt-in loop-stall log: a slow callback on the UI loop is found by name in the file,
nothing is logged (or patched) when it is off, and a bad setting is one sentence."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from tui.ui.stalls import ENV_MS, ENV_PATH, settings_from_env, stall_log

ORIGINAL_RUN = asyncio.Handle._run


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def slow_callback() -> None:
    busy(0.03)


async def slow_coroutine() -> None:
    busy(0.03)


def run_a_loop_with_stalls() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.call_soon(slow_callback)
        loop.call_soon(lambda: None)  # quick: never logged
        await asyncio.create_task(slow_coroutine())
        await asyncio.sleep(0.01)
    asyncio.run(main())


def lines(path: Path) -> list[list[str]]:
    return [line.split(" ", 2) for line in path.read_text().splitlines()]


def test_a_slow_callback_and_a_slow_task_step_are_named(tmp_path: Path) -> None:
    path = tmp_path / "stalls.log"
    before = time.monotonic()
    with stall_log(settings_from_env({ENV_PATH: str(path), ENV_MS: "10"})):
        run_a_loop_with_stalls()
    assert asyncio.Handle._run is ORIGINAL_RUN  # put back
    found = lines(path)
    names = [name for _, _, name in found]
    assert "slow_callback" in names
    assert "task slow_coroutine" in names
    assert len(found) == 2, found  # the quick callbacks are not there
    for stamp, ms, _ in found:
        assert before <= float(stamp) <= time.monotonic()  # the system-wide monotonic clock
        assert float(ms) >= 10


def test_the_threshold_is_the_one_given(tmp_path: Path) -> None:
    path = tmp_path / "stalls.log"
    with stall_log(settings_from_env({ENV_PATH: str(path), ENV_MS: "500"})):
        run_a_loop_with_stalls()
    assert path.read_text() == ""


def test_nothing_is_logged_or_patched_when_it_is_off(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_PATH, raising=False)
    monkeypatch.setenv(ENV_MS, "1")  # a threshold alone turns nothing on
    settings = settings_from_env()
    assert settings is None
    with stall_log(settings):
        assert asyncio.Handle._run is ORIGINAL_RUN
        run_a_loop_with_stalls()
    assert list(tmp_path.iterdir()) == []


class SlowApp(App[None]):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("hello")

    def on_mount(self) -> None:
        self.set_interval(0.05, self.slow_frame)

    def slow_frame(self) -> None:
        busy(0.02)

    def on_key(self) -> None:
        busy(0.03)


async def test_textual_timers_and_handlers_are_named_by_what_they_call(tmp_path: Path) -> None:
    path = tmp_path / "stalls.log"
    settings = settings_from_env({ENV_PATH: str(path), ENV_MS: "10"})
    with stall_log(settings):
        app = SlowApp()
        async with app.run_test() as pilot:
            await pilot.press("x")
            await pilot.pause(0.2)
    text = path.read_text()
    assert "(SlowApp.slow_frame)" in text  # the timer's callback, not just "a timer"
    assert "SlowApp.on_key" in text  # the message handler that was slow


@pytest.mark.parametrize(("env", "words"), [
    ({ENV_MS: "abc"}, "PMDESK_STALL_MS=abc is not a number of milliseconds"),
    ({ENV_MS: "-5"}, "PMDESK_STALL_MS=-5 is not a number of milliseconds"),
    ({ENV_PATH: "/nonexistent-dir/stalls.log"},
     "PMDESK_STALL_LOG=/nonexistent-dir/stalls.log cannot be written"),
])
@pytest.mark.parametrize("command", [["demo"], ["connect", "--rest", "http://127.0.0.1:9",
                                                 "--grpc", "127.0.0.1:9", "--user", "x"]])
def test_a_bad_setting_is_one_sentence_before_anything_starts(
        tmp_path: Path, env: dict[str, str], words: str, command: list[str]) -> None:
    full = os.environ | {ENV_PATH: str(tmp_path / "stalls.log"), "PMDESK_PASSWORD": "x"} | env
    result = subprocess.run([sys.executable, "-m", "tui", *command], capture_output=True,
                            text=True, env=full, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_callback_slowed_by_a_full_collection_says_so(tmp_path: Path) -> None:
    path = tmp_path / "stalls.log"
    kept = [[n] for n in range(300_000)]  # a heap a full pass takes a while to walk

    def collects() -> None:
        gc.collect()
        busy(0.02)

    async def main() -> None:
        asyncio.get_running_loop().call_soon(collects)
        await asyncio.sleep(0.01)

    with stall_log(settings_from_env({ENV_PATH: str(path), ENV_MS: "10"})):
        asyncio.run(main())
    assert kept
    (name,) = [name for _, _, name in lines(path) if name.startswith("test_a_callback")]
    assert name.endswith(", full pass)") and " (gc " in name, name
