"""The wire specs the conformance tests hold the code to: where they live (docs/spec/ in
this repo, a copy of the shared specs refreshed when they change, so the tests run in any
clean clone and never skip), the gateway spec's tables read as data (parse_spec), and
protobuf's wire format read by hand (walk), to hold raw bytes against those tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parents[1] / "docs" / "spec"
GATEWAY_SPEC = SPEC_DIR / "exchange-gateway.md"
RETAIL_SPEC = SPEC_DIR / "retail-api.md"
CLOB_SPEC = SPEC_DIR / "global-clob.md"


# --- the spec's tables, parsed ------------------------------------------------------------


@dataclass
class FieldRow:
    number: int
    name: str
    json_name: str
    type: str
    label: str


@dataclass
class Spec:
    messages: dict[str, list[FieldRow]] = field(default_factory=dict)
    empty_messages: set[str] = field(default_factory=set)
    reserved: dict[str, tuple[set[int], set[str]]] = field(default_factory=dict)
    enums: dict[str, dict[str, int]] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)  # full path -> kind




_HEADING = re.compile(r"^#{2,6}\s")
_BOLD_NAME = re.compile(r"^\*\*`([A-Za-z_][\w.]*)`\*\*\s*$")
_TICKED = re.compile(r"`([^`]+)`")
_IDENT = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*$")
_RESERVED = re.compile(r"^Reserved (?:numbers|in [^:]*):\s*(.+)$")
_SEPARATOR = re.compile(r"^\s*\|(\s*:?-+:?\s*\|)+\s*$")
_NO_FIELDS = "_(no fields)_"


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def unticked(cell: str) -> str:
    m = _TICKED.search(cell)
    return m.group(1) if m else cell.strip()


def _reserved(text: str) -> tuple[set[int], set[str]]:
    """``23, 28, 33 (names `a`, `b`, `c`)`` -> ({23, 28, 33}, {"a", "b", "c"})."""
    numbers_part, _, names_part = text.partition("(names")
    numbers: set[int] = set()
    for token in re.findall(r"\d+(?:\s*[-–]\s*\d+)?", numbers_part):
        lo, _, hi = re.sub(r"\s*[-–]\s*", "-", token).partition("-")
        numbers.update(range(int(lo), int(hi or lo) + 1))
    names_part = names_part.partition(")")[0]  # prose after the list names other things
    return numbers, set(_TICKED.findall(names_part))


def _add_reserved(spec: Spec, message: str, numbers: set[int], names: set[str]) -> None:
    have_numbers, have_names = spec.reserved.get(message, (set(), set()))
    spec.reserved[message] = (have_numbers | numbers, have_names | names)


def _heading_names(line: str) -> list[str]:
    """Type names a heading introduces: those outside parentheses, plus "same shape" ones."""
    outside = re.sub(r"\([^)]*\)", "", line)
    same_shape = " ".join(re.findall(r"\(same shape:([^)]*)\)", line))
    return [t for t in _TICKED.findall(f"{outside} {same_shape}") if _IDENT.match(t)]


def parse_spec(text: str) -> Spec:
    spec = Spec()
    lines = text.splitlines()
    current: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if _HEADING.match(line):
            current = _heading_names(line)
        elif m := _BOLD_NAME.match(line):
            current = [m.group(1)]
        elif line == _NO_FIELDS:
            spec.empty_messages.update(current)
        elif m := _RESERVED.match(line):
            numbers, names = _reserved(m.group(1))
            for name in current:
                _add_reserved(spec, name, numbers, names)
        elif line.startswith("|") and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
            header = _cells(line)
            rows: list[list[str]] = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            _take_table(spec, current, header, rows)
            continue
        i += 1
    return spec


def _take_table(spec: Spec, current: list[str], header: list[str], rows: list[list[str]]) -> None:
    if header == ["#", "Field", "JSON name", "Type", "Label"]:
        numbered = [r for r in rows if r[0].isdigit()]  # "(later)" rows have no number yet
        parsed = [
            FieldRow(int(r[0]), unticked(r[1]), unticked(r[2]), unticked(r[3]), r[4])
            for r in numbered
            if not r[1].startswith("*reserved*")
        ]
        # a "*reserved* (was `name`)" row is a reserved number and name, not a field
        held = [r for r in numbered if r[1].startswith("*reserved*")]
        for name in current:
            spec.messages[name] = parsed
            _add_reserved(
                spec, name, {int(r[0]) for r in held}, {unticked(r[1][10:]) for r in held}
            )
    elif header == ["Value name", "Number"]:
        values = {unticked(r[0]): int(r[1]) for r in rows if r[1].isdigit()}
        for name in current:
            spec.enums[name] = values
    elif header[:4] == ["Service", "Method", "Full gRPC path", "Kind"]:
        for r in rows:
            spec.methods[unticked(r[2])] = r[3]


VARINT, I64, LEN, I32 = 0, 1, 2, 5  # protobuf's wire types


# --- protobuf's wire format, read by hand ------------------------------------------------
def _varint(raw: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = raw[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7


def walk(raw: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) for each tag in a serialized message."""
    i = 0
    while i < len(raw):
        key, i = _varint(raw, i)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == VARINT:
            value, i = _varint(raw, i)
        elif wire == I64:
            value, i = raw[i:i + 8], i + 8
        elif wire == LEN:
            size, i = _varint(raw, i)
            value, i = raw[i:i + size], i + size
        elif wire == I32:
            value, i = raw[i:i + 4], i + 4
        else:
            raise AssertionError(f"wire type {wire} (groups) in a proto3 request")
        yield number, wire, value
