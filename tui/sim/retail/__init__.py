"""The embedded exchange's retail API (retail-api.md): auth, routes, WebSockets."""
