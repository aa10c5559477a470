"""An exchange's refusal in the trader's words, the same for every venue.

The venues say why tersely ("post-only order would cross", "invalid post-only order: order
crosses book"); a trader reading the desk should not have to know the jargon, and a
post-only refusal is not a malformed request: the order was fine, the price took liquidity.
"""

from __future__ import annotations

import re

from tui.core.enums import Side
from tui.core.model import Book
from tui.core.ticket import OrderRequest

_POST_ONLY = re.compile(r"post[-_ ]?only|participate[-_ ]?don'?t[-_ ]?initiate", re.I)
_TAKES = re.compile(r"cross|match|marketable|tak(e|ing)|liquidity", re.I)
POST_ONLY_CROSSED = "post-only would have crossed the book and taken liquidity"


def is_post_only_cross(text: str) -> bool:
    return bool(_POST_ONLY.search(text) and _TAKES.search(text))


def refusal_words(text: str) -> str:
    """The exchange's reason, with a post-only refusal said plainly; other text as sent."""
    return POST_ONLY_CROSSED if is_post_only_cross(text) else text


def preview_refusal(request: OrderRequest, book: Book | None) -> str:
    """A preview that comes back refused with no reason (retail §5.2 has no text field): a
    post-only order at a price that takes the book is the refusal a trader can fix."""
    if request.post_only and book is not None:
        offer, bid = book.best_offer, book.best_bid
        takes = (offer is not None and request.yes_price >= offer
                 if request.yes_side is Side.BUY else bid is not None and request.yes_price <= bid)
        if takes:
            return f"The exchange would refuse it: {POST_ONLY_CROSSED}."
    return "The exchange would refuse it (its preview gives no reason)."
