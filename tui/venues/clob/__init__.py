"""The global Polymarket CLOB venue: EIP-712 signed orders, HMAC-signed REST, two WebSockets
and a heartbeat (docs/spec/global-clob.md)."""
