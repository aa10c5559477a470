"""Run the embedded exchange standalone: `pmdesk sim` (or `python -m tui.sim`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading

from tui.sim.auth import DEMO_PASSWORD
from tui.sim.options import add_arguments, firehose_problems
from tui.sim.server import SimServer


async def serve(args: argparse.Namespace) -> None:
    if args.preload_clob:  # half a second of imports, off the first CLOB request's path
        import importlib

        threading.Thread(target=importlib.import_module, args=("eth_account",),
                         daemon=True).start()
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
