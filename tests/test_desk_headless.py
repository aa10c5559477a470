"""The desk controller's tests run headless: in a process of their own with every new
socket refused, they pass, and neither textual nor a network library was ever imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADLESS = ["tests/test_desk_controller.py", "tests/test_desk_ticket.py"]
NETWORK = ("textual", "grpc", "httpx", "websockets", "starlette", "uvicorn", "nacl")

# socket.socket refuses to open a socket; wrapping an existing descriptor (the event loop's
# own wake-up pair, made by socketpair) is not opening one
RUN = f"""
import socket, sys

class NoSocket(socket.socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None:
            raise OSError("a desk test opened a socket")
        super().__init__(family, type, proto, fileno)

socket.socket = NoSocket
import pytest
code = pytest.main(["-q", "-p", "no:cacheprovider", "--noconftest", "-p", "no:textual-snapshot",
                    *sys.argv[1:]])
loaded = [name for name in {NETWORK!r} if name in sys.modules]
print("loaded:", loaded)
sys.exit(code or (3 if loaded else 0))
"""


def test_the_controllers_tests_open_no_socket_and_import_no_screen() -> None:
    result = subprocess.run([sys.executable, "-c", RUN, *HEADLESS], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "loaded: []" in result.stdout
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_the_guard_would_catch_a_socket(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text("import socket\n\ndef test_connects() -> None:\n"
                     "    socket.create_connection(('127.0.0.1', 9))\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", RUN, str(probe)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "a desk test opened a socket" in result.stdout
