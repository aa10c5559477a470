"""Market names for narrow columns: what tells the markets apart, not what they share.

Venue symbols share long prefixes ("AEC-") and put the category first and the date last
("AEC-CRY-BTC-150K-2026-12-31"). Cut from the right to twelve characters, two BTC markets
both read "AEC-CRY-BTC…". Here each market gets the most complete of a few shorter forms
that fits the column and that no other market shares:

1. the symbol without the prefix every market shares: ``CRY-BTC-150K-2026-12-31``
2. without its category as well: ``BTC-150K-2026-12-31``
3. without its date: ``CRY-BTC-150K``
4. without either: ``BTC-150K``

Where one of these fits every market, every market gets it, so a column reads alike. When
none fits, the shortest form that is still unique is cut, keeping its end when the end is
what differs (``BTC-15…12-31``). Pure text: no widgets, no textual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

SEPARATORS = "-._"


def common_prefix(symbols: list[str]) -> str:
    """What every symbol starts with, up to a separator ("AEC-")."""
    if len(symbols) < 2:
        return ""
    first, last = min(symbols), max(symbols)  # the two that differ soonest
    pairs = zip(first, last, strict=False)
    same = next((i for i, (a, b) in enumerate(pairs) if a != b), len(first))
    prefix = first[:same]
    cut = max(prefix.rfind(c) for c in SEPARATORS)
    return prefix[: cut + 1] if cut >= 0 else ""


def fit(name: str, width: int) -> str:
    """Cut to ``width`` with an ellipsis."""
    return name if len(name) <= width else name[: max(width - 1, 0)] + "…"


def _parts(name: str) -> list[str]:
    return name.replace(".", "-").replace("_", "-").split("-")


def forms(bare: str) -> list[str]:
    """A symbol's forms without the shared prefix, most complete first: whole, without its
    category, without its date, without either (a form it lacks repeats the one before)."""
    parts = _parts(bare)
    cut = len(parts)
    while cut > 1 and parts[cut - 1].isdigit():  # the date: 2026-12-31, 2027
        cut -= 1
    body, date = parts[:cut], parts[cut:]
    # a category in front ("CRY") only goes when at least two parts stay after it
    rest = body[1:] if len(body) > 2 else body
    return [bare, "-".join(rest + date) if rest is not body else bare,
            "-".join(body) if date else bare, "-".join(rest)]


def _elide(name: str, width: int, others: set[str]) -> str:
    """Cut to ``width``: from the right, or from the middle when that alone tells it apart."""
    cut = fit(name, width)
    if width < 6 or not any(o.startswith(cut[:-1]) for o in others):
        return cut
    tail = (width - 1) // 2
    return name[: width - 1 - tail] + "…" + name[-tail:]


@lru_cache(maxsize=64)
def _names(symbols: tuple[str, ...], width: int) -> dict[str, str]:
    prefix = common_prefix(list(symbols))
    every = {s: forms(s[len(prefix):] or s) for s in symbols}
    taken = Counter(f for fs in every.values() for f in set(fs))

    def good(symbol: str, level: int) -> bool:
        form = every[symbol][level]
        return len(form) <= width and taken[form] == 1

    levels = range(len(next(iter(every.values()), [])))
    fitting = [s for s in symbols if any(good(s, n) for n in levels)]
    # one form for every market where one does: a column reads alike down the screen
    shared = next((n for n in levels if all(good(s, n) for s in fitting)), None)
    out: dict[str, str] = {}
    for symbol, options in every.items():
        if shared is not None and good(symbol, shared):
            out[symbol] = options[shared]
        elif symbol in fitting:
            out[symbol] = next(options[n] for n in levels if good(symbol, n))
        else:  # too long in every form: the shortest that is still its own, cut
            unique = [f for f in options if taken[f] == 1] or [symbol]
            others = {f for s, fs in every.items() if s != symbol for f in fs}
            out[symbol] = _elide(min(unique, key=len), width, others)
    return out


def market_names(symbols: Iterable[str], width: int) -> dict[str, str]:
    """Every market's name in at most ``width`` characters (see the module's words)."""
    return _names(tuple(symbols), max(width, 1))


def market_name(symbol: str, symbols: Iterable[str], width: int) -> str:
    """One market's name among ``symbols`` (which it need not be in) in ``width``."""
    listed = tuple(symbols)
    if symbol not in listed:
        listed = (*listed, symbol)
    return _names(listed, max(width, 1))[symbol]
