"""`pmdesk sim`'s options and their checks, apart from the servers: every pmdesk start
builds the parser, and must not load grpc and uvicorn (or the exchange) to do it."""

from __future__ import annotations

import argparse

# a market-data stream sends at most one book per market per this many seconds (bursts
# merge); 0 sends as the book changes, and a reader that lags still gets only the latest
MD_INTERVAL = 0.05


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
    parser.add_argument("--preload-clob", action="store_true",
                        help="import the CLOB's signing library at once (in the background), "
                             "not at its first signed request")
    parser.add_argument("--token-ttl", type=float, default=180.0,
                        help="seconds an access token lives")
    parser.add_argument("--ready-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)


def firehose_problems(args: argparse.Namespace) -> list[tuple[str, float, str]]:
    """What keeps --firehose, --firehose-markets or --md-interval (the options that load
    subscribers) from working: (option, value, problem) each."""
    found: list[tuple[str, float, str]] = []
    if args.firehose < 0:
        found.append(("--firehose", args.firehose,
                      "is not a rate; give book changes a second, 0 or more (0: none)"))
    md_interval = getattr(args, "md_interval", 0.0)  # pmdesk demo has none
    if not 0 <= md_interval <= 60_000:  # also refuses nan
        found.append(("--md-interval", args.md_interval,
                      "is not a number of milliseconds from 0 to 60000"))
    if args.firehose_markets != 1:  # the default, always there: no need to load the markets
        from tui.sim.markets import demo_instruments

        count = len(demo_instruments())
        if not 1 <= args.firehose_markets <= count:
            found.append(("--firehose-markets", args.firehose_markets,
                          f"is not a number of markets here; the exchange has {count}, "
                          f"so 1 to {count}"))
    return found
