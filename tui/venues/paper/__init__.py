"""Paper trading on a venue's live market data (venue.py)."""
