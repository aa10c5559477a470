"""`pmdesk export fills|orders`: the local database as CSV or JSON (tui/store/export.py
reads it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_export(args: argparse.Namespace) -> int:
    from tui.store import StoreError
    from tui.store.export import ExportError, export

    try:
        text = export(args.what, profile=args.profile, account=args.account,
                      since=args.since, fmt=args.format)
    except (ExportError, StoreError) as exc:
        print(f"pmdesk export: {exc}", file=sys.stderr)
        return 2
    if not args.out:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"pmdesk export: cannot write {args.out} "
              f"({exc.strerror or type(exc).__name__}).", file=sys.stderr)
        return 2
    return 0
