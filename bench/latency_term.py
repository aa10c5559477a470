"""Child processes for bench/latency.py: a program in a pseudo-terminal read continuously,
the /proc figures of a process, and a registry that leaves no child running at the end."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

# escape sequences a terminal consumes (CSI, OSC, DCS and the like, then two-byte ones)
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)"
                     rb"|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
TICKS = os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` now (children first found, then theirs)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found += [int(child), *descendants(int(child))]
    return found


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (every thread), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Children:
    """Every process the bench starts, each in its own session; stop_all ends them and
    whatever they started, by pid."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        self.seen: set[int] = set()  # descendants noticed while they ran

    def start(self, cmd: list[str], **kw: object) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(cmd, start_new_session=True, **kw)  # type: ignore[call-overload]
        self.procs.append(proc)
        return proc

    def note(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.seen.update(descendants(proc.pid))

    def stop(self, proc: subprocess.Popen[bytes], grace: float = 3.0) -> None:
        if proc.poll() is None:
            self.seen.update(descendants(proc.pid))
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=grace)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def stop_all(self) -> None:
        self.note()
        for proc in reversed(self.procs):
            self.stop(proc)
        deadline = time.monotonic() + 3.0
        for pid in self.seen:  # e.g. the exchange a `pmdesk demo` started in its own session
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _text(raw: bytes) -> str:
    return ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(") ", 1)[1][0] != "Z"


class Terminal:
    """A program on a COLSxROWS pseudo-terminal; a thread reads everything it writes, each
    chunk stamped with time.monotonic() as read."""

    def __init__(self, children: Children, cmd: list[str], env: dict[str, str],
                 size: tuple[int, int] = (160, 48), cwd: str | None = None) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.started = time.monotonic()
        self.proc = children.start(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                   cwd=cwd)
        os.close(slave)
        self.raw = bytearray()
        self.chunks: list[tuple[float, int]] = []  # (read at, stream offset after the chunk)
        self.lock = threading.Lock()
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while not self.closed:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # the program closed the terminal
                break
            if not data:
                break
            now = time.monotonic()
            with self.lock:
                self.raw += data
                self.chunks.append((now, len(self.raw)))

    def write(self, keys: bytes) -> float:
        """Send keys; the stamp just before the write."""
        stamp = time.monotonic()
        os.write(self.master, keys)
        return stamp

    def offset_at(self, stamp: float) -> int:
        """Bytes read by ``stamp``."""
        with self.lock:
            done = [end for at, end in self.chunks if at <= stamp]
        return done[-1] if done else 0

    def stamp_of(self, offset: int) -> float | None:
        """When the byte at ``offset`` was read."""
        with self.lock:
            for at, end in self.chunks:
                if end > offset:
                    return at
        return None

    def bytes_between(self, start: float, end: float) -> int:
        return self.offset_at(end) - self.offset_at(start)

    def screen_text(self, tail: int = 200_000) -> str:
        with self.lock:
            return _text(bytes(self.raw[-tail:]))

    def find(self, pattern: re.Pattern[bytes], start: int = 0) -> float | None:
        """When the first match of ``pattern`` in the raw output after byte ``start`` was
        read (its last byte), or None."""
        with self.lock:
            match = pattern.search(self.raw, max(0, start - 16))
        while match is not None and match.start() < start:  # began before start: not ours
            with self.lock:
                match = pattern.search(self.raw, match.start() + 1)
        return None if match is None else self.stamp_of(match.end() - 1)

    def wait_text(self, pattern: re.Pattern[str], seconds: float) -> float | None:
        """Seconds from start to the read of the output that first shows ``pattern`` once
        escape sequences are taken out; None if it does not within ``seconds``."""
        deadline, scanned = time.monotonic() + seconds, 0
        while time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.05)
            with self.lock:
                raw, chunks = bytes(self.raw), list(self.chunks)
            base = max(0, scanned - 4096)  # an escape or the text may straddle the last scan
            if pattern.search(_text(raw[base:])):
                for at, end in chunks:
                    if end > scanned and pattern.search(_text(raw[base:end])):
                        return at - self.started
            scanned = len(raw)
        return None

    def close(self, children: Children) -> None:
        children.stop(self.proc)
        self.closed = True
        self.reader.join(1.0)
        with contextlib.suppress(OSError):
            os.close(self.master)
