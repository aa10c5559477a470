"""`pmdesk db size|prune`'s grammar (tui/cli/parser.py adds it; tui/cli/db.py runs it)."""

from __future__ import annotations

import argparse


def add_db(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="the local database: its size, and pruning old market data")
    dsub = db.add_subparsers(dest="db_command", metavar="{size,prune}", required=True)

    size = dsub.add_parser("size", help="the database's size on disk and what it holds")
    add_where(size)
    size.set_defaults(func="tui.cli.db:cmd_db_size")

    prune = dsub.add_parser(
        "prune", help="delete market data recorded before a date",
        description="Delete the depth, top of book and tape recorded before DATE, then "
                    "compact the file. Orders, fills, positions, balances and the audit "
                    "journal are never deleted. Refused while a pmdesk has the database open.")
    prune.add_argument("--before", required=True, metavar="DATE",
                       help="today, yesterday, YYYY-MM-DD (midnight UTC) or an ISO time")
    add_where(prune)
    prune.set_defaults(func="tui.cli.db:cmd_db_prune")


def add_where(parser: argparse.ArgumentParser) -> None:
    """--profile and --account: which local database (db, export and replay read one)."""
    parser.add_argument("--profile",
                        help="demo, a profile's name, or the gateway address pmdesk connect "
                             "used (e.g. 127.0.0.1-8700); default demo")
    parser.add_argument("--account", help="the account, when the profile holds several")
