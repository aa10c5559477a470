"""The headless desk: the ticket, the trading actions and their checks, confirmations as
data. It holds every trading rule; it never imports textual and opens no socket itself."""
