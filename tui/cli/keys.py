"""`pmdesk keys new|show`: make a key pair and say what to register; never print a secret."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from platformdirs import user_config_dir

from tui.venues.keys import (
    KeyFileError,
    key_file_summary,
    new_ed25519,
    new_rsa,
    new_secp256k1,
)

# one file per venue's scheme, so both can live side by side in the default directory
DEFAULT_NAMES = {"ed25519": "retail-ed25519.key", "rsa": "gateway-rsa.pem",
                 "secp256k1": "clob-secp256k1.key"}


def default_key_path(kind: str) -> Path:
    """``<user config dir>/pmdesk/keys/<name>``, e.g. ``~/.config/pmdesk/keys/gateway-rsa.pem``."""
    return Path(user_config_dir("pmdesk", appauthor=False)) / "keys" / DEFAULT_NAMES[kind]


def cmd_keys_new(args: argparse.Namespace) -> int:
    path = Path(args.out).expanduser() if args.out else default_key_path(args.kind)
    try:
        if args.kind == "rsa":
            text = new_rsa(path, force=args.force, bits=args.bits)
        elif args.kind == "secp256k1":
            text = new_secp256k1(path, force=args.force)
        else:
            text = new_ed25519(path, force=args.force)
    except KeyFileError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return 1
    print(text)
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    if args.path:
        path = Path(args.path).expanduser()
    elif args.kind:
        path = default_key_path(args.kind)
    else:
        print("pmdesk: keys show needs a key file path or --kind ed25519|rsa|secp256k1.",
              file=sys.stderr)
        return 2
    try:
        print(key_file_summary(path, args.kind))
    except KeyFileError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return 1
    return 0
