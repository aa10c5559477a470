"""The Polymarket US retail venue: Ed25519-signed REST (spec/retail-api.md)."""

from tui.venues.retail.signing import RetailRest, load_seed, message, sign

__all__ = ["RetailRest", "load_seed", "message", "sign"]
