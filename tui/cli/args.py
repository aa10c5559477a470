"""The command line's addresses and numbers, checked before anything connects or listens.

A mistyped address must be named for what it is ("needs http://"), not surface later as a
broken connection or a traceback. Each check returns what is wrong, to follow the value in
one sentence (``--rest 127.0.0.1:8700 needs http:// or https:// in front, ...``), or None.
"""

from __future__ import annotations

import argparse
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui.sim.options import firehose_problems  # light: no servers, no exchange

if TYPE_CHECKING:
    from tui.core.profiles import Profile

PORTS = "a port is 1 to 65535"


def argument_problem(args: argparse.Namespace) -> str | None:
    """The first value on the command line that cannot work, as one sentence; else None."""
    name = f"pmdesk {args.command}"
    checks: list[tuple[str, object, str | None]] = []
    if args.command in ("connect", "register", "mfa"):
        checks.append(("--rest", args.rest, rest_url_problem(args.rest)))
    if args.command == "connect":
        checks.append(("--grpc", args.grpc, grpc_target_problem(args.grpc)))
        checks.append(("--silence-timeout", args.silence_timeout,
                       _positive(args.silence_timeout, " seconds")))
    if args.command == "replay":
        checks.append(("--speed", args.speed,
                       _positive(args.speed, " (4 plays four times as fast)")))
    if args.command == "sim":
        checks.extend(_sim_problems(args))
    if args.command == "demo":
        checks.extend(firehose_problems(args))
    if args.command == "serve":  # the link it prints names the port: 0 (any) cannot be
        checks.append(("--port", args.port, listen_port_problem(args.port, any_free=False)))
    for option, value, problem in checks:
        if problem:
            shown = f"{value:g}" if isinstance(value, float) else value
            return f"{name}: {option} {shown} {problem}."
    return None


def profile_problem(profile: Profile) -> str | None:
    """What keeps a profile's addresses from working, starting with the setting; else
    None."""
    checks = [("rest", profile.rest, rest_url_problem),
              ("public", profile.public, rest_url_problem),
              ("grpc", profile.grpc, grpc_target_problem)]
    for setting, value, check in checks:
        problem = check(value) if value else None
        if problem:
            return f"{setting} {value} {problem}"
    return None


def _sim_problems(args: argparse.Namespace) -> list[tuple[str, object, str | None]]:
    found: list[tuple[str, object, str | None]] = [
        ("--port", args.port, listen_port_problem(args.port))]
    if args.grpc_port is not None:
        found.append(("--grpc-port", args.grpc_port, listen_port_problem(args.grpc_port)))
        if args.grpc_port == args.port != 0:
            found.append(("--grpc-port", args.grpc_port, "is the REST port too; give each "
                          "its own (or leave --grpc-port out: the next one)"))
    elif args.port == 65535:  # the gRPC port defaults to the next one, and there is none
        found.append(("--port", args.port, "leaves no port after it for gRPC; give "
                      "--grpc-port too"))
    found.append(("--token-ttl", args.token_ttl, _positive(args.token_ttl, " seconds")))
    found.extend(firehose_problems(args))
    try:
        socket.getaddrinfo(args.host, None)
    except (OSError, UnicodeError):
        found.append(("--host", args.host, "does not resolve to an address, e.g. "
                      "127.0.0.1 (or 0.0.0.0 for every interface)"))
    return found


def _positive(value: float, after: str) -> str | None:
    return None if value > 0 else f"must be more than 0{after}"


def rest_url_problem(url: str) -> str | None:
    """What keeps ``url`` from being a REST base URL (http or https, a host, a valid port)."""
    if "://" not in url:
        return f"needs http:// or https:// in front, e.g. http://{url}"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return f"is not an http:// or https:// address (it starts {parts.scheme}://)"
    if not parts.hostname:
        return "names no host, e.g. http://127.0.0.1:8700"
    try:
        port = parts.port
    except ValueError:  # out of range, or not a number
        return f"has port {parts.netloc.rpartition(':')[2]}; {PORTS}"
    if port == 0:
        return f"has port 0; {PORTS}"
    return None


def grpc_target_problem(target: str) -> str | None:
    """What keeps ``target`` from being a gRPC HOST:PORT."""
    if "://" in target:
        return (f"takes HOST:PORT without a scheme, e.g. "
                f"{target.split('://', 1)[1].rstrip('/')}")
    host, colon, port = target.rpartition(":")
    if not colon or not port.isdigit():
        return "is not HOST:PORT, e.g. 127.0.0.1:8701"
    if not host:
        return "names no host, e.g. 127.0.0.1:8701"
    if not 1 <= int(port) <= 65535:
        return f"has port {port}; {PORTS}"
    return None


def listen_port_problem(port: int, *, any_free: bool = True) -> str | None:
    """What keeps ``port`` from being one to listen on (0: any free port, if ``any_free``)."""
    if not any_free:
        return None if 1 <= port <= 65535 else f"is not a port; {PORTS}"
    if not 0 <= port <= 65535:
        return "is not a port; a port is 0 to 65535 (0: any free port)"
    return None
