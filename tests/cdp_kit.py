"""A headless Chromium (Debian's package) driven over the Chrome DevTools Protocol with the
`websockets` package: enough of CDP to open a page, read it, type and take a screenshot."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import websockets

# textual.js keeps its xterm Terminal private; it assigns it as `this.terminal = new
# Terminal(...)`, so a setter on Object.prototype catches the instance before the page runs
CATCH_XTERM = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true,
                                             enumerable: true});
    if (value && value.buffer) { window.__xterm = value; }
  },
});
"""
# the terminal's visible rows as text, one a line ("" until the desk has drawn)
SCREEN_TEXT = """
(() => {
  const term = window.__xterm;
  if (!term) { return ""; }
  const buffer = term.buffer.active, rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def headless_chromium(binary: str, profile: Path) -> Iterator[int]:
    """Chromium with its DevTools on a free loopback port (yielded); killed on exit."""
    port = free_port()
    child = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--no-default-browser-check", f"--remote-debugging-port={port}",
         "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}",
         "--window-size=1400,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield port
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=5)


class Page:
    """One tab's CDP session: commands by id; events are not needed here."""

    def __init__(self, socket: Any) -> None:
        self._socket = socket
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self._socket:
            message = json.loads(raw)
            waiter = self._waiting.pop(message.get("id", -1), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(message)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self._ids)
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[ident] = waiter
        await self._socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        answer = await asyncio.wait_for(waiter, 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    async def evaluate(self, expression: str) -> Any:
        answer = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return answer.get("result", {}).get("value")

    async def open(self, url: str) -> None:
        await self.send("Page.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=CATCH_XTERM)
        await self.send("Page.navigate", url=url)

    async def text(self) -> str:
        """What the page shows: the terminal's rows, else the body's text (a refusal)."""
        screen = await self.evaluate(SCREEN_TEXT)
        if screen and screen.strip():
            return str(screen)
        body = await self.evaluate("document.body ? document.body.innerText : ''")
        return str(body or "")

    async def wait_for(self, words: str, within: float = 60.0) -> str:
        deadline = time.monotonic() + within
        shown = ""
        while time.monotonic() < deadline:
            shown = await self.text()
            if words in shown:
                return shown
            await asyncio.sleep(0.2)
        raise AssertionError(f"the page never showed {words!r}; it showed:\n{shown}")

    async def wait_for_match(self, pattern: re.Pattern[str], within: float = 60.0) -> str:
        deadline = time.monotonic() + within
        shown = ""
        while time.monotonic() < deadline:
            shown = await self.text()
            if pattern.search(shown):
                return shown
            await asyncio.sleep(0.2)
        raise AssertionError(f"the page never showed {pattern.pattern!r}; it showed:\n{shown}")

    async def type(self, char: str) -> None:
        """One printable key, as the keyboard sends it to the focused terminal."""
        await self.evaluate("window.__xterm && window.__xterm.focus()")
        await self.send("Input.dispatchKeyEvent", type="keyDown", key=char, text=char,
                        unmodifiedText=char)
        await self.send("Input.dispatchKeyEvent", type="keyUp", key=char)

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self._socket.close()


@contextlib.asynccontextmanager
async def new_page(devtools_port: int) -> AsyncIterator[Page]:
    """A new tab of the browser listening on devtools_port."""
    base = f"http://127.0.0.1:{devtools_port}"
    async with httpx.AsyncClient() as http:
        deadline = time.monotonic() + 30
        while True:
            try:
                target = (await http.put(f"{base}/json/new?about:blank")).json()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
    socket = await websockets.connect(target["webSocketDebuggerUrl"], max_size=None)
    page = Page(socket)
    try:
        yield page
    finally:
        await page.close()
