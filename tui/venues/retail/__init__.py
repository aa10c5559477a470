"""The Polymarket US retail venue: Ed25519-signed REST and WebSockets (docs/spec/retail-api.md)."""

from tui.venues.retail.rest import RetailRest
from tui.venues.retail.signing import load_seed, message, sign

__all__ = ["RetailRest", "load_seed", "message", "sign"]
