"""Journal entries as JSON text with every secret replaced by "***" before it is queued.

A key that looks secret hides its value at any depth; so does the second item of a
("Authorization", "Bearer ...") pair. Strings are scrubbed too, because a token can hide in
a free-text field: "Bearer <x>" keeps only the word, and anything shaped like a JWT goes.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum

MASK = "***"

# "key" but not "keys" (a list of key names is not a secret); "monkey" is hidden too: over-
# hiding costs a journal line its detail, under-hiding leaks a credential
SECRET_KEY = re.compile(
    r"password|passphrase|passwd|secret|token|authorization|private|credential|cookie"
    r"|signature|key(?!s)", re.IGNORECASE)
_BEARER = re.compile(r"\b(bearer|basic)\s+[^\s\"',;]+", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
_MAX_DEPTH = 40


def is_secret_key(key: object) -> bool:
    return isinstance(key, str) and SECRET_KEY.search(key) is not None


def scrub(text: str) -> str:
    return _JWT.sub(MASK, _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text))


def redact(value: object, depth: int = 0) -> object:
    """A JSON-ready copy of ``value`` with secrets masked. Unknown objects become their
    scrubbed ``str``: never their ``__dict__``, which is where clients keep their keys."""
    if depth > _MAX_DEPTH:
        return "..."
    if isinstance(value, Enum):  # before int: an IntEnum reads better by name
        return value.name
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _redact_text(value, depth)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return _redact_text(raw.decode("utf-8"), depth)
        except UnicodeDecodeError:
            return f"<{len(raw)} bytes>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): MASK if is_secret_key(k) else redact(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        if len(items) == 2 and is_secret_key(items[0]):  # a header pair
            return [items[0], MASK]
        return [redact(v, depth + 1) for v in items]
    return scrub(str(value))


def _redact_text(text: str, depth: int) -> object:
    """A JSON body inside a string is redacted as JSON; other text is scrubbed."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            return redact(json.loads(text), depth + 1)
        except ValueError:
            pass
    return scrub(text)


def journal_json(value: object) -> str:
    return json.dumps(redact(value), separators=(",", ":"), ensure_ascii=False)
