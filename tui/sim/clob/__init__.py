"""The embedded exchange's global CLOB (global-clob.md): auth, routes, WebSockets, heartbeat."""
