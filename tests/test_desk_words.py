"""What the cancel keys say, in the trader's words."""

from __future__ import annotations

from tui.desk.words import cancel_words


def test_cancel_words_count_what_and_where() -> None:
    assert cancel_words(3, "bid", "in BTC") == "Cancelling 3 bids in BTC."
    assert cancel_words(1, "order", "in every market") == "Cancelling 1 order in every market."
    assert cancel_words(0, "offer", "in BTC") == "No working offers in BTC."
    # the kill switch with nothing working: not "no working orders in every market"
    assert cancel_words(0, "order", "in every market") == "No working orders in any market."
