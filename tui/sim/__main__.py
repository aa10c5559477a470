"""Run the embedded exchange standalone: `pmdesk sim` (or `python -m tui.sim`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading

from tui.sim.auth import DEMO_PASSWORD
from tui.sim.firehose import firehose_problems
from tui.sim.hub import MD_INTERVAL
from tui.sim.server import SimServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8700, help="REST port (0 = any free port)")
    parser.add_argument("--grpc-port", type=int, default=None,
                        help="gRPC port (default: REST port + 1; 0 = any free port)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic traders")
    parser.add_argument("--no-flow", action="store_true", help="no synthetic traders")
    parser.add_argument("--firehose", type=int, default=0, metavar="RATE",
                        help="also make RATE book changes a second (a maker of its own "
                             "adding, cancelling and resizing orders behind the inside)")
    parser.add_argument("--firehose-markets", type=int, default=1, metavar="M",
                        help="spread the firehose over the first M markets (default 1: the "
                             "market the desk opens on)")
    parser.add_argument("--md-interval", type=float, default=MD_INTERVAL * 1000, metavar="MS",
                        help="market data sends a market's book at most once every MS "
                             "milliseconds, bursts merged (default %(default)g; 0: as it "
                             "changes, a slow reader still getting only the latest)")
    parser.add_argument("--token-ttl", type=float, default=180.0,
                        help="seconds an access token lives")
    parser.add_argument("--ready-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)


async def serve(args: argparse.Namespace) -> None:
    grpc_port = args.grpc_port if args.grpc_port is not None else (
        args.port + 1 if args.port else 0)
    server = SimServer(host=args.host, rest_port=args.port, grpc_port=grpc_port,
                       seed=args.seed, flow=not args.no_flow, access_ttl=args.token_ttl,
                       firehose=args.firehose, firehose_markets=args.firehose_markets,
                       md_interval=args.md_interval / 1000)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    if args.exit_with_parent:
        # the parent holds our stdin; when it dies, for any reason, stdin reaches EOF
        def watch() -> None:
            sys.stdin.buffer.read()
            loop.call_soon_threadsafe(stop.set)
        threading.Thread(target=watch, daemon=True).start()
    if args.ready_json:
        print(json.dumps({"rest": server.rest_url, "grpc": server.grpc_target}), flush=True)
    else:
        users = ", ".join(sorted(server.auth.users))
        print(f"pmdesk sim: REST {server.rest_url}  gRPC {server.grpc_target}\n"
              f"users: {users} (password: {DEMO_PASSWORD}); seed {args.seed}. "
              f"Ctrl+C stops it.", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
        if server.firehose is not None:
            print(f"pmdesk sim: {server.firehose.summary()}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Serve until stopped; a port that cannot be listened on is one sentence, exit 1."""
    try:
        asyncio.run(serve(args))
    except OSError as exc:
        print(f"pmdesk sim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pmdesk sim", description="the embedded exchange")
    add_arguments(parser)
    args = parser.parse_args(argv)
    for option, value, problem in firehose_problems(args):
        print(f"pmdesk sim: {option} {value:g} {problem}.", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
