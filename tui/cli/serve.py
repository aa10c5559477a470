"""`pmdesk serve`: the desk in a browser, through textual-serve (Textualize's own server).

Each browser session runs the same desk command the terminal would, as a child process.
The server listens on loopback unless told otherwise, answers only requests carrying the
token printed at start, and runs one desk at a time: a profile's account has one database,
so a second tab is told in words that a desk is already open for it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import ipaddress
import secrets
import shlex
import sys
import time
from typing import Any

HANDOVER = 5.0  # a reloaded tab's old desk may take this long to quit and free the slot
REFUSED = ("This desk opens only from the link `pmdesk serve` printed when it started "
           "(with its token).")


def served_command(args: argparse.Namespace) -> tuple[list[str], str]:
    """The pmdesk command line each browser session runs, and what it opens, in words.

    No secret goes on it: a profile names where its secrets are, and the child reads them.
    """
    desk = [sys.executable, "-m", "tui", *(["--private"] if args.private else []),
            *(["--paper"] if getattr(args, "paper", False) else [])]
    if args.profile:
        return [*desk, "--profile", args.profile], f"profile {args.profile}"
    demo = [*desk, "demo", "--seed", str(args.seed), "--user", args.user,
            "--venue", args.venue]
    return demo, f"the demo ({args.venue}, user {args.user})"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: only "localhost" is known to stay on this machine
        return False


def busy_sentence(what: str) -> str:
    return (f"A desk is already open for {what} in another browser tab or window: one desk "
            f"per profile and account at a time. Close that tab (or quit its desk), then "
            f"reload this page.")


def make_server(command: list[str], what: str, host: str, port: int, token: str) -> Any:
    """The textual-serve Server, with the token and one-desk checks in front of it.

    Imported here: aiohttp and textual-serve load only when `pmdesk serve` runs."""
    from aiohttp import web
    from textual_serve.server import Server

    class DeskServer(Server):  # type: ignore[misc]
        """textual-serve's Server: its page and its app sessions, behind a token."""

        def __init__(self) -> None:
            super().__init__(shlex.join(command), host=host, port=port,
                             title=f"pmdesk — {what}")
            self.token = token
            self.desk_open = False  # one event loop: checked and set with no await between
            self.freed = asyncio.Event()

        def url(self) -> str:
            # every interface: the browser needs one of this machine's addresses instead
            shown = "HOST" if host in ("0.0.0.0", "::") else host
            if ":" in shown:  # an IPv6 literal
                shown = f"[{shown}]"
            return f"http://{shown}:{port}/?token={token}"

        def _allowed(self, given: str) -> bool:
            return hmac.compare_digest(given.encode(), self.token.encode())

        async def _make_app(self) -> web.Application:
            import aiohttp_jinja2
            import jinja2

            app = web.Application()
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            # no downloads route: the desk delivers no files, so there is nothing to fetch
            app.add_routes([web.get("/", self.handle_index, name="index"),
                            web.get("/ws/{token}", self.handle_websocket, name="websocket"),
                            web.static("/static", self.statics_path, name="static")])
            app.on_startup.append(self.on_startup)
            return app

        async def on_startup(self, app: web.Application) -> None:
            print(f"pmdesk serve: {what}, open {self.url()}", flush=True)
            if "HOST" in self.url():
                print("(HOST: an address of this machine the browser can reach)", flush=True)
            print("(the link holds this session's secret token; Ctrl+C stops serving)",
                  flush=True)

        async def _free_within(self, seconds: float) -> bool:
            deadline = time.monotonic() + seconds
            while self.desk_open and time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):  # another waiter may take it first
                    await asyncio.wait_for(self.freed.wait(), deadline - time.monotonic())
            return not self.desk_open

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            if not self._allowed(request.query.get("token", "")):
                return web.Response(status=403, text=REFUSED)
            if not await self._free_within(HANDOVER):
                return web.Response(status=409, text=busy_sentence(what))
            import aiohttp_jinja2

            scheme = "wss" if request.secure else "ws"
            # the browser's own address for the server (textual-serve's would be the bind
            # address, 0.0.0.0 say); textual.js adds "?width=..", so the token is a path part
            context = {"font_size": 16,
                       "app_websocket_url": f"{scheme}://{request.host}/ws/{self.token}",
                       "config": {"static": {"url": "/static/"}},
                       "application": {"name": self.title}}
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            if not self._allowed(request.match_info.get("token", "")):
                return web.Response(status=403, text=REFUSED)
            if not await self._free_within(HANDOVER):
                return await self._say_busy(request)
            self.desk_open = True
            self.freed.clear()
            try:  # textual-serve runs the desk and relays it until the tab goes
                response: web.StreamResponse = await super().handle_websocket(request)
                return response
            finally:
                self.desk_open = False
                self.freed.set()

        async def _say_busy(self, request: web.Request) -> web.StreamResponse:
            """Two tabs opened at once: the later one's terminal shows why it has no desk
            (kept open: a closed socket would cover it with "Session ended")."""
            socket = web.WebSocketResponse(heartbeat=15)
            await socket.prepare(request)
            await socket.send_bytes(f"\r\n  {busy_sentence(what)}\r\n".encode())
            async for _message in socket:  # until the tab goes
                pass
            return socket

    return DeskServer()


def cmd_serve(args: argparse.Namespace) -> int:
    """Its --port is checked with every other command's numbers (tui/cli/args.py)."""
    if args.profile:  # said now, in the terminal, not as a blank browser tab later
        from tui.cli.common import desk_config, load_profile

        if load_profile(args.profile) is None or desk_config() is None:
            return 2
    if not is_loopback(args.host):
        print(f"pmdesk serve: listening on {args.host}, not only on this machine: anyone "
              f"who can reach it and has the link can trade on this desk.", flush=True)
    command, what = served_command(args)
    server = make_server(command, what, args.host, args.port, secrets.token_urlsafe(24))
    server.serve()
    return 0
