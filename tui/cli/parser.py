"""The `pmdesk` command line's grammar. Every start builds it, so it loads nothing heavy:
each sub-command names its function as "module:function" (tui/cli/main.py loads it when that
command runs), and the sim's options come from tui/sim/options.py, without its servers."""

from __future__ import annotations

import argparse

from tui.cli.db_args import add_db, add_where
from tui.sim.options import add_arguments

KINDS = ("ed25519", "rsa", "secp256k1")  # pmdesk keys: the key pairs it makes
# the embedded exchange's traders and protocols: pmdesk demo and pmdesk serve offer the same
DEMO_USERS = ("demo", "alice", "bob", "isv", "ann", "ben")
DEMO_VENUES = ("gateway", "retail", "clob")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmdesk",
                                     description="A terminal trading desk for Polymarket US.")
    # its own dest: a sub-command's --profile default must not overwrite it
    parser.add_argument("--profile", dest="desk_profile",
                        help="open the desk on this connection profile (see pmdesk profiles); "
                             "export, replay and check use it too")
    _private(parser, "desk_private")  # pmdesk --private [--profile P]; its own dest, as above
    _paper(parser, "desk_paper")
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="trade against the embedded exchange (no account needed)")
    demo.add_argument("--seed", type=int, default=7, help="seed of the synthetic traders")
    demo.add_argument("--user", default="demo", choices=DEMO_USERS,
                      help="demo trader to log in as; isv: an ISV partner trading for its "
                           "users' accounts and its own (A switches, K stops them all)")
    demo.add_argument("--venue", default="gateway", choices=DEMO_VENUES,
                      help="which protocol the desk speaks to the embedded exchange: the "
                           "Exchange Trading Gateway (default), the retail API, or the "
                           "global CLOB (a funded demo wallet)")
    demo.add_argument("--firehose", type=int, default=0, metavar="RATE",
                      help="the exchange also makes RATE book changes a second (see pmdesk sim)")
    demo.add_argument("--firehose-markets", type=int, default=1, metavar="M",
                      help="spread them over the first M markets (default 1)")
    _private(demo)
    _paper(demo)
    demo.set_defaults(func="tui.cli.demo:cmd_demo")

    sim = sub.add_parser("sim", help="run the embedded exchange for several desks to share")
    add_arguments(sim)
    sim.set_defaults(func="tui.cli.sim:cmd_sim")

    connect = sub.add_parser("connect", help="connect to a gateway (e.g. a running pmdesk sim)")
    connect.add_argument("--rest", required=True, help="REST base URL, e.g. http://127.0.0.1:8700")
    connect.add_argument("--grpc", required=True, help="gRPC target, e.g. 127.0.0.1:8701")
    connect.add_argument("--user", required=True, help="username")
    connect.add_argument("--password-env", default="PMDESK_PASSWORD",
                         help="environment variable holding the password (else prompted)")
    connect.add_argument("--silence-timeout", type=float, default=180.0,
                         help="reconnect a stream after this many silent seconds")
    _private(connect)
    _paper(connect)
    connect.set_defaults(func="tui.cli.connect:cmd_connect")

    export = sub.add_parser(
        "export", help="fills, orders or the audit journal from the local database, as CSV "
                       "or JSON",
        description="Write out one account's local database: its fills, its orders, or its "
                    "audit journal (every key that traded or could, each confirmation and "
                    "the answer, each command sent and the exchange's answer, each refusal "
                    "and what the desk said; in time order, one line per entry, secrets "
                    "never in it).")
    export.add_argument("what", choices=["fills", "orders", "journal"],
                        help="fills, orders, or journal (the audit journal)")
    export.add_argument("--since", help="today, yesterday, YYYY-MM-DD (UTC) or an ISO time; "
                        "default: all")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    add_where(export)
    export.add_argument("--out", help="write to this file instead of standard output")
    export.set_defaults(func="tui.cli.export:cmd_export")

    replay = sub.add_parser("replay", help="play recorded market data back into the ladder")
    add_where(replay)
    replay.add_argument("--since", help="start from today, yesterday, YYYY-MM-DD (UTC) or an "
                        "ISO time")
    replay.add_argument("--speed", type=float, default=1.0, help="playback speed, e.g. 4")
    replay.add_argument("--symbol", help="only this market")
    _private(replay)
    replay.set_defaults(func="tui.cli.replay:cmd_replay")

    _serve(sub)
    profiles = sub.add_parser("profiles", help="list the connection profiles")
    profiles.set_defaults(func="tui.cli.profiles:cmd_profiles")
    check = sub.add_parser("check", help="test a profile's connectivity and login, step by step")
    check.add_argument("--profile", help="the profile to check")
    check.set_defaults(func="tui.cli.check:cmd_check")

    add_keys(sub)
    add_db(sub)
    _auth(sub)
    return parser


def _paper(parser: argparse.ArgumentParser, dest: str = "paper") -> None:
    parser.add_argument("--paper", dest=dest, action="store_true",
                        help="paper trading: the venue's live books, orders matched on this "
                             "machine and never sent (a paper account and database of its own)")


def _private(parser: argparse.ArgumentParser, dest: str = "private") -> None:
    parser.add_argument("--private", dest=dest, action="store_true",
                        help="start with balances, P&L and account ids masked, for screen "
                             "sharing (P toggles it on the desk)")


def add_keys(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``keys`` (with ``new`` and ``show``) to the ``pmdesk`` sub-commands."""
    keys = sub.add_parser("keys", help="make a key pair for a venue, or show what to register")
    ksub = keys.add_subparsers(dest="keys_command", metavar="{new,show}", required=True)

    new = ksub.add_parser("new", help="write a new private key (mode 0600) and print the "
                                      "public key to register")
    new.add_argument("--kind", choices=KINDS, required=True,
                     help="ed25519: retail API request signing; rsa: gateway Auth0 login; "
                          "secp256k1: a global CLOB wallet (prints its address)")
    new.add_argument("--out", metavar="PATH",
                     help="private key file (default: keys/ in pmdesk's config directory; "
                          "rsa also writes PATH.pub)")
    new.add_argument("--force", action="store_true",
                     help="replace an existing key file (the old key stops working)")
    new.add_argument("--bits", type=int, default=2048, choices=(2048, 3072, 4096),
                     help="RSA key size; default 2048")
    new.set_defaults(func="tui.cli.keys:cmd_keys_new")

    show = ksub.add_parser("show", help="print the public key to register for a private "
                                        "key file")
    show.add_argument("path", nargs="?", metavar="PATH",
                      help="private key file (default: the --kind's default file)")
    show.add_argument("--kind", choices=KINDS,
                      help="key type; without it a PEM file is rsa, anything else ed25519")
    show.set_defaults(func="tui.cli.keys:cmd_keys_show")


def _auth(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def where(p: argparse.ArgumentParser) -> None:
        p.add_argument("--rest", required=True, help="REST base URL of the gateway")
        p.add_argument("--password-env", default="PMDESK_PASSWORD",
                       help="environment variable holding the password (else prompted)")

    register = sub.add_parser("register", help="set the password of a new gateway user "
                                               "(legacy login), with the registration token")
    where(register)
    register.set_defaults(func="tui.cli.auth:cmd_register")

    mfa = sub.add_parser("mfa", help="turn on the one-time code for a gateway user")
    mfa_sub = mfa.add_subparsers(dest="mfa_command", required=True)
    enroll = mfa_sub.add_parser("enroll", help="show the QR code, then confirm a code")
    where(enroll)
    enroll.add_argument("--user", required=True)
    enroll.set_defaults(func="tui.cli.auth:cmd_mfa_enroll")


def _serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="the desk in a browser (textual-serve), on loopback "
                                         "behind a secret link")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only); "
                            "another, e.g. 0.0.0.0, lets others reach the desk")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument("--profile", help="serve this profile's desk instead of the demo")
    serve.add_argument("--seed", type=int, default=7, help="the demo's seed")
    serve.add_argument("--user", default="demo", choices=DEMO_USERS, help="the demo trader")
    serve.add_argument("--venue", default="gateway", choices=DEMO_VENUES,
                       help="the demo's protocol")
    _private(serve)  # each browser session's desk starts with privacy on
    _paper(serve)  # and trades paper
    serve.set_defaults(func="tui.cli.serve:cmd_serve")
