"""pmdesk as a user installs it: a wheel built from a copy of this checkout, installed (not
editable, its dependencies from the registry) into a fresh venv, and run from a folder
outside the checkout with nothing on PYTHONPATH. An editable install hides a module left
out of the wheel; this does not.

The desk runs through the installed `pmdesk` script in a pseudo-terminal, on each venue of
the embedded exchange, until the ladder's header shows a book's bid / offer; then `q`."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# building, a venv and the dependencies (pip's cache makes a second run quick; a cold cache
# downloads them): more than the suite's usual limit, still bounded
pytestmark = pytest.mark.timeout(600)

# only at the top of the checkout: what a user's clone may hold that is not the project
TOP_LEVEL_LITTER = {".git", ".venv", "build", "dist"}
LITTER = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", ".mypy_cache"}

# escape sequences a terminal consumes (CSI, OSC, DCS and the like, then two-byte ones)
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)"
                     rb"|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
# the ladder's header once a book is in: "0.228 / 0.230  spr ..." (without one: "-- / --")
BOOK_SHOWN = re.compile(r"\b0\.\d{2,4} / 0\.\d{2,4}\b")


@dataclass(frozen=True)
class Install:
    wheel: Path
    venv: Path
    elsewhere: Path  # a folder outside the checkout to run from
    env: dict[str, str]  # no PYTHONPATH; config, data and logs in the test's own folders

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


def _ignore(folder: str, names: list[str]) -> set[str]:
    top = Path(folder).resolve() == ROOT
    return {n for n in names if n in LITTER or n.endswith(".egg-info")
            or (top and n in TOP_LEVEL_LITTER)}


def _run(cmd: list[str | Path], cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, cwd=cwd, env=env)
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    started = time.monotonic()
    work = tmp_path_factory.mktemp("wheel")
    source = work / "checkout"
    shutil.copytree(ROOT, source, ignore=_ignore)  # the build litters this copy, not ROOT
    # built before, as a clone is by the README's first command, then a module went away
    gone = source / "tui" / "_gone_since_the_last_build.py"
    gone.write_text("")
    _build(source, work / "earlier")
    gone.unlink()
    wheel = _build(source, work / "dist")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", venv])
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel])
    home = work / "home"
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith(("PMDESK_", "VIRTUAL_ENV"))}
    env |= {"PMDESK_DATA_DIR": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"), "XDG_CACHE_HOME": str(home / "cache"),
            "TERM": "xterm-256color"}
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    print(f"wheel built and installed in {time.monotonic() - started:.1f} s")
    yield Install(wheel, venv, elsewhere, env)


def _build(source: Path, into: Path) -> Path:
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", into, source])
    (wheel,) = into.glob("pmdesk-*.whl")
    return wheel


def test_the_wheel_holds_every_module_stylesheet_and_proto(installed: Install) -> None:
    in_wheel = {n for n in zipfile.ZipFile(installed.wheel).namelist()
                if not n.startswith("pmdesk-")}  # less the .dist-info
    wanted = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tui").rglob("*")
              if p.suffix in (".py", ".proto", ".pyi") and "__pycache__" not in p.parts}
    wanted |= {f"tui/styles/{p.name}" for p in (ROOT / "styles").glob("*")
               if p.suffix in (".py", ".tcss")}
    assert "tui/venues/retail/venue.py" in wanted and "tui/styles/app.tcss" in wanted
    assert sorted(wanted - in_wheel) == [], "the wheel leaves these out"
    assert sorted(in_wheel - wanted) == [], "the wheel holds what the sources do not"


def test_tui_is_imported_from_the_venv_not_the_checkout(installed: Install) -> None:
    where = _run([installed.bin("python"), "-c",
                  "import sysconfig, tui; print(tui.__file__); "
                  "print(sysconfig.get_paths()['purelib'])"],
                 cwd=installed.elsewhere, env=installed.env).stdout.split()
    print(f"tui imported from {where[0]}")
    assert Path(where[0]).is_relative_to(where[1]), where
    assert not Path(where[0]).is_relative_to(ROOT), where


def test_the_installed_pmdesk_answers_help(installed: Install) -> None:
    result = _run([installed.bin("pmdesk"), "--help"], cwd=installed.elsewhere,
                  env=installed.env)
    assert "usage: pmdesk" in result.stdout
    for command in ("demo", "sim", "connect", "check", "keys"):
        assert command in result.stdout


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs a Unix pseudo-terminal")
@pytest.mark.parametrize("venue", ["gateway", "retail", "clob"])
def test_the_installed_desk_shows_books_on_every_venue(installed: Install, venue: str) -> None:
    started = time.monotonic()
    screen, code = _desk_in_a_terminal([installed.bin("pmdesk"), "demo", "--venue", venue],
                                       installed)
    book = BOOK_SHOWN.search(screen)
    tail = screen[-1500:]
    assert book, f"pmdesk demo --venue {venue} showed no book; the screen ended:\n{tail}"
    assert "Traceback" not in screen, tail
    assert code == 0, f"the desk exited {code} on q"
    print(f"{venue}: ladder showed {book.group(0)} within {time.monotonic() - started:.1f} s")


def _desk_in_a_terminal(cmd: list[str], installed: Install) -> tuple[str, int | None]:
    """Run the desk on a 120x36 pseudo-terminal until a book shows (or 30 s), press q, and
    return what it drew (escape sequences removed) and its exit code."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    desk = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=installed.env,
                            cwd=installed.elsewhere, start_new_session=True)
    os.close(slave)
    raw = b""

    def screen() -> str:
        return ESCAPES.sub(b"", raw).decode("utf-8", "replace")

    def read_until(done: object, seconds: float) -> None:
        nonlocal raw
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not done():  # type: ignore[operator]
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    raw += os.read(master, 65536)
                except OSError:  # the desk closed the terminal
                    return

    try:
        read_until(lambda: BOOK_SHOWN.search(screen()) or desk.poll() is not None, 30)
        if desk.poll() is None:
            os.write(master, b"q")
            read_until(lambda: desk.poll() is not None, 10)
        try:
            code: int | None = desk.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        return screen(), code
    finally:
        os.close(master)
        if desk.poll() is None:
            desk.kill()
            desk.wait()
