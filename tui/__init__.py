"""pmdesk: a terminal trading desk for Polymarket US."""
