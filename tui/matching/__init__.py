"""The matching engine: a pure package (no I/O, no venue) the embedded exchange and paper
trading share, so a paper fill follows the same price-time rules as an exchange's."""
