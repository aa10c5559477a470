"""What a trader reads on the desk's screen, for Pilot tests: the ticket's lines as drawn
(wrapped at the panel's width), the footer's keys, and the notices shown."""

from __future__ import annotations

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from tui.ui.app import PmdeskApp


def drawn(widget: Widget) -> list[str]:
    """The widget's lines as drawn at its size."""
    return [s.text.rstrip() for s in widget.render_lines(
        Region(0, 0, widget.size.width, widget.size.height))]


def ticket_parts(app: PmdeskApp) -> dict[str, list[str]]:
    """Each ticket line ('buy', 'sell', 'size', ...) as the screen shows it, wrap and all."""
    parts = {}
    for static in app.ticket.query(Static):
        if static.id and static.display and static.size.area:
            parts[static.id.removeprefix("ticket-")] = [
                line for line in drawn(static) if line.strip()]
    return parts


def ticket_text(app: PmdeskApp) -> str:
    return "\n".join(line for lines in ticket_parts(app).values() for line in lines)


def footer(app: PmdeskApp) -> list[str]:
    """The footer's entries as drawn, e.g. ['b Buy', 's Sell', ...]."""
    return [" ".join(" ".join(drawn(key)).split()) for key in app.query(FooterKey)]


def told(app: PmdeskApp, words: str) -> bool:
    """A notice on screen says these words."""
    return any(words in str(n.message) for n in app._notifications)
