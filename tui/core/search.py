"""Fuzzy market search for the picker: symbol and description, best match first.

Headless (no Textual) so it can be tested on its own and reused by a command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.model import Instrument

# how well one word of the query matches a market; lower is better
PREFIX, IN_SYMBOL, IN_DESCRIPTION, SUBSEQUENCE = range(4)


def market_words(inst: Instrument) -> str:
    """What finds a market besides its symbol: its question, then its event and league tags
    (the picker and the command palette search the same words)."""
    return " · ".join((inst.description, *inst.tags))


def is_subsequence(word: str, text: str) -> bool:
    """True when every letter of `word` occurs in `text` in order (gaps allowed)."""
    rest = iter(text)
    return all(letter in rest for letter in word)


def word_tier(word: str, symbol: str, description: str) -> int | None:
    """The best tier at which one lower-case word matches; None if it does not match."""
    if symbol.startswith(word):
        return PREFIX
    if word in symbol:
        return IN_SYMBOL
    if word in description:
        return IN_DESCRIPTION
    if is_subsequence(word, symbol) or is_subsequence(word, description):
        return SUBSEQUENCE
    return None


def rank(query: str, items: Sequence[tuple[str, str]]) -> list[str]:
    """Symbols of the (symbol, description) items matching `query`, best first.

    Case-insensitive. Every whitespace-separated word of the query must match the symbol or
    the description as a substring or as a subsequence. A market ranks by its weakest word
    (symbol prefix, then substring of the symbol, then of the description, then
    subsequence), then by the sum over its words; ties keep the input order. An empty
    query returns every symbol in input order.
    """
    words = query.casefold().split()
    if not words:
        return [symbol for symbol, _ in items]
    scored: list[tuple[int, int, int, str]] = []
    for index, (symbol, description) in enumerate(items):
        sym, desc = symbol.casefold(), description.casefold()
        tiers: list[int] = []
        for word in words:
            tier = word_tier(word, sym, desc)
            if tier is None:
                break
            tiers.append(tier)
        else:
            scored.append((max(tiers), sum(tiers), index, symbol))
    scored.sort()
    return [symbol for *_, symbol in scored]
