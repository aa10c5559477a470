"""The legacy gateway account's terminal steps: `pmdesk register`, `pmdesk mfa enroll`, and
the one-time code asked at login. They run before the full screen opens, in plain lines."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from tui.core.venue import VenueError

if TYPE_CHECKING:
    from tui.venues.gateway.connection import Connection
    from tui.venues.gateway.rest import GatewayRest, Tokens

CODE_TRIES = 3
T = TypeVar("T")


def on_gateway(rest_url: str, work: Callable[[GatewayRest], Awaitable[T]],
               connection: Connection | None = None) -> T:
    """Run one piece of work against the gateway's REST API, closing the client after."""
    from tui.venues.gateway.rest import GatewayRest

    async def go() -> T:
        rest = GatewayRest(rest_url, connection=connection)
        try:
            return await work(rest)
        finally:
            await rest.close()

    return asyncio.run(go())


def login_first(rest_url: str, user: str, password: str,
                ask: Callable[[str], str] | None = None,
                connection: Connection | None = None) -> Tokens:
    """Log in now, asking for the one-time code when the account has MFA; raises VenueError.
    ``ask`` puts a question to the trader (default: the terminal, when there is one)."""
    if ask is None and sys.stdin.isatty():
        ask = input
    from tui.venues.gateway.legacy import OtpRequiredError, WrongOtpError, login

    async def go(rest: GatewayRest) -> Tokens:
        otp: str | None = None
        for attempt in range(CODE_TRIES + 1):
            try:
                await login(rest, user, password, otp)
                return rest.tokens
            except (OtpRequiredError, WrongOtpError) as exc:
                if ask is None or attempt == CODE_TRIES:
                    raise
                if isinstance(exc, WrongOtpError):
                    print("That code was refused; wait for the next one.")
                otp = (await asyncio.to_thread(
                    ask, "One-time code from your authenticator: ")).strip()
        raise VenueError("No one-time code was accepted.")

    return on_gateway(rest_url, go, connection)


def password_for(args: argparse.Namespace, prompt: str) -> str:
    """From the --password-env variable, else asked at the terminal; VenueError away from one."""
    value = os.environ.get(args.password_env, "")
    if value:
        return value
    if not sys.stdin.isatty():
        raise VenueError(f"Set {args.password_env} to the password.")
    return getpass.getpass(prompt)


def cmd_register(args: argparse.Namespace) -> int:
    from tui.venues.gateway.legacy import register

    token = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass(
        "Registration token (from your onboarding email): ").strip()
    try:
        password = password_for(args, "Choose a password: ")
        if sys.stdin.isatty() and getpass.getpass("Once more: ") != password:
            raise VenueError("The two passwords differ; nothing was sent.")
        on_gateway(args.rest, lambda rest: register(rest, token, password))
    except VenueError as exc:
        print(f"pmdesk register: {exc}", file=sys.stderr)
        return 1
    print("Registered. Log in with pmdesk connect, or set up a second factor with "
          "pmdesk mfa enroll.")
    return 0


def cmd_mfa_enroll(args: argparse.Namespace) -> int:
    from tui.venues.gateway.legacy import confirm_mfa, enroll_mfa
    from tui.venues.gateway.qr_text import qr_lines

    if not sys.stdin.isatty():  # the key would go into a pipe or a log, and stay unconfirmed
        print("pmdesk mfa: run this in a terminal: it shows a secret key, then asks for a "
              "code from your authenticator.", file=sys.stderr)
        return 1
    try:
        password = password_for(args, f"Password for {args.user}: ")

        async def go(rest: GatewayRest) -> None:
            uri = await enroll_mfa(rest, args.user, password)
            print("Scan this with your authenticator app (or type the key it shows):")
            print("\n".join(qr_lines(uri)))
            code = (await asyncio.to_thread(input, "Then type the code it shows: ")).strip()
            await confirm_mfa(rest, args.user, password, code)

        on_gateway(args.rest, go)
    except VenueError as exc:
        print(f"pmdesk mfa: {exc}", file=sys.stderr)
        return 1
    print("Second factor on: pmdesk will ask for a code at each login.")
    return 0
