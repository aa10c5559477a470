"""Modal screens over the desk: help, confirmations, the market picker."""
