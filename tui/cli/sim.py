"""`pmdesk sim`: the embedded exchange alone, for several desks to share."""

from __future__ import annotations

import argparse
import sys


def cmd_sim(args: argparse.Namespace) -> int:
    import asyncio

    from tui.sim.__main__ import serve

    try:
        asyncio.run(serve(args))
    except OSError as exc:
        print(f"pmdesk sim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
