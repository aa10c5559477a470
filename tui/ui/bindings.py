"""The desk's keys. The footer, the help screen and the README table all come from here.

Each binding has an id: the config file's [keys] table maps an id to the trader's own key
(Textual's keymap), e.g. `kill_switch = "ctrl+k"`. Which key an id ends up on, and what a
key is called on screen, is tui/ui/keymap.py's answer; nothing else spells a key out.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType


def _key(key: str, action: str, footer: str, words: str, *, id: str, show: bool = True,
         priority: bool = False) -> Binding:
    # description = the footer's word; tooltip = the long words for help and README, where
    # "{move}" stands for the key the move binding is on (tui/ui/keymap.py writes it)
    return Binding(key, action, footer, show=show, id=id, tooltip=words, priority=priority)


# the footer names both keys of a pair under one word: "+/- Size"
FOOTER_PAIRS = {"size_up": "size_down"}
QUIT_WORDS = "Quit (with orders working, asks: cancel them, leave them, or stay)"


DESK_BINDINGS: list[BindingType] = [
    _key("b", "order(True)", "Buy",
         "Buy the ticket's outcome (YES or NO) at the cursor, ticket size", id="buy"),
    _key("s", "order(False)", "Sell",
         "Sell the ticket's outcome (YES or NO) at the cursor, ticket size", id="sell"),
    _key("t", "toggle_outcome", "YES/NO", "Toggle the ticket between YES and NO",
         id="toggle_outcome"),
    _key("plus,equals_sign", "size(1)", "Size", "Ticket size up a step", id="size_up"),
    _key("minus", "size(-1)", "Size down", "Ticket size down a step", id="size_down",
         show=False),
    *(_key(str(n), f"preset({n - 1})", f"Preset {n}",
           f"Ticket size: preset {n} from the config file", id=f"preset_{n}", show=False)
      for n in range(1, 10)),
    _key("o", "order_kind", "Limit/Market", "Toggle limit / market (IOC within slippage)",
         id="order_kind", show=False),
    _key("i", "tif", "TIF", "Time in force: GTC, GTD (1, 5, 15, 60 min), IOC, FOK",
         id="tif", show=False),
    _key("p", "post_only", "Post-only", "Toggle post-only (refused if it would cross)",
         id="post_only", show=False),
    _key("dollar_sign", "cash_mode", "Cash size", "Size market buys in dollars",
         id="cash_mode", show=False),
    _key("x", "cancel_here", "Cancel", "Cancel my working orders at the cursor price",
         id="cancel_here"),
    _key("X", "cancel_market", "Cancel mkt", "Cancel all my working orders in this market",
         id="cancel_market"),
    _key("comma", "cancel_market('bids')", "Cancel bids",
         "Cancel my bids (YES buys, NO sells) in this market", id="cancel_bids", show=False),
    _key("full_stop", "cancel_market('offers')", "Cancel offers",
         "Cancel my offers (YES sells, NO buys) in this market", id="cancel_offers",
         show=False),
    _key("K", "kill_switch", "KILL",
         "Kill switch: cancel every order in every market (and every account the login "
         "trades); nothing new is sent until re-armed",
         id="kill_switch"),
    _key("A", "pick_account", "Account",
         "Trade and show another account (a firm's or an ISV's several; K stops them all)",
         id="pick_account", show=False),
    _key("R", "rearm", "Re-arm",
         "Re-arm after the kill switch: orders and changes are sent again (asks first)",
         id="rearm", show=False),
    _key("F", "flatten", "Flatten",
         "Flatten this market: cancel my orders, close the position (asks first)",
         id="flatten"),
    _key("e", "retime", "Terms",
         "Give my order at the cursor the ticket's terms: TIF, post-only, expiry (asks first)",
         id="retime", show=False),
    _key("m", "move", "Move", "Move my order: {move} at it, move the cursor, {move} again",
         id="move", show=False),
    _key("greater_than_sign", "size_of_order(1)", "Order +",
         "Add a size step to my order at the cursor", id="order_size_up", show=False),
    _key("less_than_sign", "size_of_order(-1)", "Order -",
         "Take a size step off my order at the cursor", id="order_size_down", show=False),
    _key("f", "blotter_view", "Fills/Pos/Tape",
         "Blotter: cycle positions, fills, the trade tape and order history",
         id="blotter_view", show=False),
    _key("c", "recentre", "Centre", "Put the cursor on the inside market", id="recentre"),
    _key("d", "depth_view", "Σ depth", "Ladder sizes: per price, or cumulative from the inside",
         id="cumulative_depth", show=False),
    _key("v", "ladder_columns", "Columns",
         "Ladder columns: rotate which of NO, volume, last size, queue ahead and P&L fit first",
         id="ladder_columns", show=False),
    _key("a", "auto_recentre", "Auto-centre",
         "Auto-recentre: keep the inside market in the middle of the ladder (on / off)",
         id="auto_recentre", show=False),
    _key("h", "jump('bid')", "Best bid", "Cursor to the best bid", id="best_bid", show=False),
    _key("l", "jump('offer')", "Best offer", "Cursor to the best offer", id="best_offer",
         show=False),
    _key("up,k", "cursor(1)", "Up", "Cursor up a tick", id="cursor_up", show=False),
    _key("down,j", "cursor(-1)", "Down", "Cursor down a tick", id="cursor_down", show=False),
    _key("pageup", "cursor(10)", "Page up", "Cursor up 10 ticks", id="page_up", show=False),
    _key("pagedown", "cursor(-10)", "Page down", "Cursor down 10 ticks", id="page_down",
         show=False),
    _key("left_square_bracket", "market(-1)", "Prev", "Previous market", id="prev_market",
         show=False),
    _key("right_square_bracket", "market(1)", "Next", "Next market", id="next_market",
         show=False),
    _key("w", "next_ladder", "Next ladder",
         "Next ladder: trade in the next of the ladders side by side (wide terminals)",
         id="next_ladder", show=False),
    _key("slash", "pick_market", "Find", "Find a market by symbol or description",
         id="pick_market"),
    _key("escape", "escape", "Back", "Drop an order being moved; back to the ladder",
         id="escape", show=False),
    _key("P", "privacy", "Private",
         "Private, for screen sharing: mask balances, P&L and account ids (on / off)",
         id="privacy", show=False),
    _key("T", "pick_theme", "Theme",
         "Theme: pmdesk, light, high contrast, 16 colours or no colour (kept for next time)",
         id="pick_theme", show=False),
    _key("question_mark", "help", "Help", "Help: every key", id="help"),
    _key("ctrl+p", "command_palette", "Palette",
         "Command palette: every action, market and account by name", id="command_palette",
         show=False),
    _key("q", "quit", "Quit", QUIT_WORDS, id="quit"),
    # a terminal user's Ctrl+C means quit; Textual's default only hints at ctrl+q
    _key("ctrl+c", "quit", "Quit", QUIT_WORDS,
         id="quit_ctrl_c", show=False, priority=True),
]

# keys that only change what the desk screen shows: bound on the screen (tui/ui/screens/
# desk.py), so no dialog on top can reach them; the rest trade, bound on the app
VIEW_KEYS = frozenset({
    "blotter_view", "recentre", "cumulative_depth", "ladder_columns", "auto_recentre",
    "best_bid", "best_offer", "cursor_up", "cursor_down", "page_up", "page_down",
    "prev_market", "next_market", "next_ladder", "pick_market"})
APP_BINDINGS: list[BindingType] = [
    b for b in DESK_BINDINGS if not isinstance(b, Binding) or b.id not in VIEW_KEYS]
SCREEN_BINDINGS: list[BindingType] = [
    b for b in DESK_BINDINGS if isinstance(b, Binding) and b.id in VIEW_KEYS]

# `pmdesk replay`'s own keys (tui/ui/replay_keys.py): bound only on a replay, where every
# trading key is refused anyway, on keys no desk binding uses; space, { } and the arrows
# are a media player's (mpv's), home and end the recording's ends
REPLAY_BINDINGS: list[BindingType] = [
    _key("space", "replay_pause", "Pause/Play", "Replay: pause, or play on", id="replay_pause"),
    _key("right_curly_bracket", "replay_faster", "Faster",
         "Replay: twice as fast (up to ×16)", id="replay_faster", show=False),
    _key("left_curly_bracket", "replay_slower", "Slower",
         "Replay: half as fast (down to ×0.5)", id="replay_slower", show=False),
    _key("right", "replay_jump(60)", "+1 min", "Replay: jump a minute on",
         id="replay_forward", show=False),
    _key("left", "replay_jump(-60)", "-1 min", "Replay: jump a minute back",
         id="replay_back", show=False),
    _key("home", "replay_to('start')", "Start", "Replay: back to the recording's start",
         id="replay_start", show=False),
    _key("end", "replay_to('end')", "End", "Replay: on to the recording's end",
         id="replay_end", show=False),
]
