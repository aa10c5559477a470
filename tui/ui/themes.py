"""The desk's themes: Textual themes plus the colours a trader reads, as CSS variables.

styles/app.tcss names no colour, only variables: Textual's own ($background: the desk's
ground, $surface: dialogs, the footer and the account panel) and these of the desk's:

    grounds   $heading (heading rows, the status bar)  $rule (the lines between panels)
              $highlight (the focused row)  $highlight-blurred (the watchlist's, unfocused)
              $cursor-blurred (a table's cursor, unfocused)  $active-head (the ladder
              the keys trade in)  $dialog-border
    text      $text-main  $text-strong (prices, symbols)  $text-soft  $text-quiet  $dim
              $faint  $empty (empty ladder levels)  $no-price (the ladder's NO column)
              $badge-text (on the coloured badges)  $on-alert (on $down and $gap-open)
    market    $bid  $offer  $gain  $loss  $last  $yes  $no  $volume  $queue  $merged
    mine      $mine-buy  $mine-sell  $pending (on its way)  $partial (partly filled)
    feed      $stale  $stale-badge  $live  $connecting  $down  $venue  $gap-open
    notices   $notice-info  $notice-warning  $notice-error  $caution

"pmdesk" is today's look, to the colour. Another Textual theme (the palette's switcher
lists them) gets these from its own colours (desk_defaults). $text-main is never $bid's,
$offer's or $text-strong's: the blanks before a size or a price (drawn in $text-main) would
fold into its segment (tui/ui/widgets/segments.py), which some SVG viewers draw from the
blanks' start.
"""

from __future__ import annotations

from dataclasses import replace

from textual.theme import BUILTIN_THEMES, Theme

DEFAULT = "pmdesk"
MONO = "pmdesk-mono"  # NO_COLOR's
_DARK = BUILTIN_THEMES["textual-dark"]

# today's colours (styles/app.tcss before it had variables)
PMDESK_VARIABLES: dict[str, str] = {
    "heading": "#1c1c1c", "rule": "#444444", "highlight": "#005f87",
    "highlight-blurred": "#303030", "cursor-blurred": "#262626", "active-head": "#00375f",
    "dialog-border": "#87afff",
    "text-main": "#e4e4e4", "text-strong": "#ffffff", "text-soft": "#d0d0d0",
    "text-quiet": "#bcbcbc", "dim": "#8a8a8a", "faint": "#6c6c6c", "empty": "#585858",
    "no-price": "#808080", "badge-text": "#000000", "on-alert": "#ffffff",
    "bid": "#00d75f", "offer": "#ff5f5f", "gain": "#00d75f", "loss": "#ff5f5f",
    "last": "#ffd700", "yes": "#00d75f", "no": "#ff8700", "volume": "#87afd7",
    "queue": "#d7afff", "merged": "#d7af5f",
    "mine-buy": "#5fd7ff", "mine-sell": "#ff87d7", "pending": "#ffd700", "partial": "#5fd7ff",
    "stale": "#808080", "stale-badge": "#ffd700", "live": "#00d75f", "connecting": "#87afff",
    "down": "#d70000", "venue": "#87afff", "gap-open": "#870000",
    "notice-info": "#00d75f", "notice-warning": "#ffd700", "notice-error": "#ff5f5f",
    "caution": "#ffd700",
}
DESK_VARIABLES = tuple(PMDESK_VARIABLES)


def _textual_dark_pins(background: str, surface: str) -> dict[str, str]:
    """Textual's colours that a ground of ``background``/``surface`` would shift (scroll
    bars, cursors, muted shades), kept at textual-dark's: its widgets look as they did."""
    before = _DARK.to_color_system().generate()
    after = replace(_DARK, background=background, surface=surface).to_color_system().generate()
    return {name: value for name, value in before.items()
            if after.get(name) != value and name not in ("background", "surface")}


def _vars(**changes: str) -> dict[str, str]:
    """PMDESK_VARIABLES with some changed (underscores for the dashes)."""
    new = {name.replace("_", "-"): value for name, value in changes.items()}
    unknown = set(new) - set(PMDESK_VARIABLES)
    assert not unknown, unknown  # a typo would silently keep pmdesk's colour
    return {**PMDESK_VARIABLES, **new}


PMDESK = replace(_DARK, name=DEFAULT, background="#000000", surface="#121212",
                 variables={**_textual_dark_pins("#000000", "#121212"), **PMDESK_VARIABLES})

LIGHT = Theme(
    name="pmdesk-light", dark=False, primary="#005fd7", secondary="#5f5faf",
    accent="#af5f00", warning="#875f00", error="#d70000", success="#008700",
    foreground="#1c1c1c", background="#ffffff", surface="#eeeeee", panel="#e4e4e4",
    variables=_vars(
        heading="#e4e4e4", rule="#a8a8a8", highlight="#afd7ff", highlight_blurred="#dadada",
        cursor_blurred="#e4e4e4", active_head="#afd7ff", dialog_border="#005fd7",
        text_main="#1c1c1c", text_strong="#000000", text_soft="#303030",
        text_quiet="#444444", dim="#5f5f5f", faint="#767676", empty="#a8a8a8",
        no_price="#6c6c6c", badge_text="#ffffff", on_alert="#ffffff",
        bid="#008700", offer="#d70000", gain="#008700", loss="#d70000", last="#875f00",
        yes="#008700", no="#af5f00", volume="#005f87", queue="#8700af", merged="#875f00",
        mine_buy="#005fd7", mine_sell="#af00af", pending="#875f00", partial="#005fd7",
        stale="#767676", stale_badge="#875f00", live="#008700", connecting="#005fd7",
        down="#d70000", venue="#005fd7", gap_open="#870000",
        notice_info="#008700", notice_warning="#875f00", notice_error="#d70000",
        caution="#875f00"))

CONTRAST = Theme(
    name="pmdesk-contrast", primary="#5fafff", secondary="#87d7ff", accent="#ffff00",
    warning="#ffff00", error="#ff8787", success="#00ff5f",
    foreground="#ffffff", background="#000000", surface="#1c1c1c", panel="#303030",
    variables=_vars(
        heading="#303030", rule="#bcbcbc", highlight="#005fd7", highlight_blurred="#4e4e4e",
        cursor_blurred="#4e4e4e", active_head="#005fd7", dialog_border="#ffffff",
        text_main="#eeeeee", text_strong="#ffffff", text_soft="#eeeeee",
        text_quiet="#e4e4e4", dim="#c6c6c6", faint="#b2b2b2", empty="#8a8a8a",
        no_price="#c6c6c6", badge_text="#000000", on_alert="#ffffff",
        bid="#00ff5f", offer="#ff8787", gain="#00ff5f", loss="#ff8787", last="#ffff00",
        yes="#00ff5f", no="#ffaf00", volume="#87d7ff", queue="#ffafff", merged="#ffd787",
        mine_buy="#00ffff", mine_sell="#ff87ff", pending="#ffff00", partial="#00ffff",
        stale="#a8a8a8", stale_badge="#ffff00", live="#00ff5f", connecting="#87d7ff",
        down="#d70000", venue="#87d7ff", gap_open="#870000",
        notice_info="#00ff5f", notice_warning="#ffff00", notice_error="#ff8787",
        caution="#ffff00"))

# the 16 ANSI colours only: the terminal's own palette draws them (Textual's ansi mode)
SIXTEEN = Theme(
    name="pmdesk-16", ansi=True, primary="ansi_blue", secondary="ansi_cyan",
    accent="ansi_bright_yellow", warning="ansi_yellow", error="ansi_bright_red",
    success="ansi_bright_green", foreground="ansi_white", background="ansi_black",
    surface="ansi_black", panel="ansi_black", boost="ansi_black",
    variables=_vars(
        heading="ansi_black", rule="ansi_bright_black", highlight="ansi_blue",
        highlight_blurred="ansi_bright_black", cursor_blurred="ansi_bright_black",
        active_head="ansi_blue", dialog_border="ansi_cyan",
        text_main="ansi_white", text_strong="ansi_bright_white", text_soft="ansi_white",
        text_quiet="ansi_white", dim="ansi_bright_black", faint="ansi_bright_black",
        empty="ansi_bright_black", no_price="ansi_bright_black", badge_text="ansi_black",
        on_alert="ansi_bright_white",
        bid="ansi_bright_green", offer="ansi_bright_red", gain="ansi_bright_green",
        loss="ansi_bright_red", last="ansi_bright_yellow", yes="ansi_bright_green",
        no="ansi_yellow", volume="ansi_cyan", queue="ansi_magenta", merged="ansi_yellow",
        mine_buy="ansi_bright_cyan", mine_sell="ansi_bright_magenta",
        pending="ansi_yellow", partial="ansi_bright_cyan",
        stale="ansi_bright_black", stale_badge="ansi_yellow", live="ansi_bright_green",
        connecting="ansi_cyan", down="ansi_red", venue="ansi_cyan", gap_open="ansi_red",
        notice_info="ansi_bright_green", notice_warning="ansi_yellow",
        notice_error="ansi_bright_red", caution="ansi_bright_yellow")
    | {"ansi-background": "ansi_black", "ansi-foreground": "ansi_white"})  # Textual's own

# NO_COLOR's: greys only (Textual turns every colour grey under NO_COLOR anyway), so what
# tells things apart is where they are (bid sizes left of the prices, offers right), the
# markers (B S N ◆ ▲ ▼), bold, strike-through (stale) and badges light enough to read as such
MONOCHROME = Theme(
    name=MONO, primary="#bcbcbc", secondary="#8a8a8a", accent="#ffffff", warning="#ffffff",
    error="#ffffff", success="#d0d0d0", foreground="#e4e4e4", background="#000000",
    surface="#121212", panel="#1c1c1c",
    variables=_vars(
        highlight="#4e4e4e", active_head="#3a3a3a", dialog_border="#bcbcbc",
        text_main="#d0d0d0",
        bid="#e4e4e4", offer="#e4e4e4", gain="#ffffff", loss="#bcbcbc", last="#ffffff",
        yes="#d0d0d0", no="#d0d0d0", volume="#a8a8a8", queue="#a8a8a8", merged="#a8a8a8",
        mine_buy="#ffffff", mine_sell="#ffffff", pending="#bcbcbc", partial="#ffffff",
        stale="#808080", stale_badge="#d0d0d0", live="#d0d0d0", connecting="#a8a8a8",
        down="#e4e4e4", on_alert="#000000", venue="#bcbcbc", gap_open="#a8a8a8",
        notice_info="#d0d0d0", notice_warning="#ffffff", notice_error="#ffffff",
        caution="#ffffff"))

THEMES: tuple[Theme, ...] = (PMDESK, LIGHT, CONTRAST, SIXTEEN, MONOCHROME)
WORDS = {  # the picker's description of each
    DEFAULT: "dark, the default",
    "pmdesk-light": "light ground, for light terminals",
    "pmdesk-contrast": "high contrast: brighter colours, plainer grounds",
    "pmdesk-16": "the 16 ANSI colours only, drawn in the terminal's own palette",
    MONO: "no colour: greys, marks and bold (NO_COLOR starts here)",
}

# a Textual theme of its own (nord, …) names none of the desk's colours: its own stand in
_FROM_TEXTUAL = {
    "heading": "panel", "rule": "panel-lighten-2", "highlight": "primary-muted",
    "highlight-blurred": "panel-lighten-1", "cursor-blurred": "panel",
    "active-head": "primary-muted", "dialog-border": "primary",
    "text-main": "foreground", "text-strong": "foreground", "text-soft": "foreground",
    "text-quiet": "foreground", "dim": "foreground-muted", "faint": "foreground-muted",
    "empty": "foreground-disabled", "no-price": "foreground-muted",
    "badge-text": "background", "on-alert": "foreground",
    "bid": "success", "offer": "error", "gain": "success", "loss": "error", "last": "warning",
    "yes": "success", "no": "accent", "volume": "secondary", "queue": "accent",
    "merged": "warning-darken-1", "mine-buy": "primary", "mine-sell": "accent",
    "pending": "warning", "partial": "primary", "stale": "foreground-muted",
    "stale-badge": "warning", "live": "success", "connecting": "primary", "down": "error",
    "venue": "primary", "gap-open": "error-darken-2", "notice-info": "success",
    "notice-warning": "warning", "notice-error": "error", "caution": "warning",
}


def desk_defaults(textual: dict[str, str]) -> dict[str, str]:
    """The desk's variables from a theme's Textual colours (its generated color system; an
    ANSI theme's has no shades, so its foreground stands in for those)."""
    fallback = textual.get("foreground", "ansi_default")
    return {name: textual.get(source, fallback) for name, source in _FROM_TEXTUAL.items()}
