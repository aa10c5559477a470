"""The trader's config file: fat-finger limits, ticket defaults, key bindings and how long
the local database keeps market data.

Where: ``$PMDESK_CONFIG`` if set, else ``config.toml`` in the user config directory
(platformdirs ``user_config_dir("pmdesk")``, e.g. ``~/.config/pmdesk/config.toml``).
A missing file means the defaults below, except one ``$PMDESK_CONFIG`` names: that one must
exist. pmdesk only reads this file, never writes it; it holds no secrets, so it may be
readable by others.

Format: TOML; every section and key is optional. :data:`EXAMPLE_CONFIG` below is a
commented example that parses to the defaults (the README shows it too).

Numbers may be written as integers, decimals (read exactly, never as binary floats) or
decimal strings ("5000"). Anything else — bad TOML, a wrong type, an unknown mode, a
negative number, an unknown section or key — stops with a :class:`ConfigError` that names
the file, the line where known, the key and what is expected.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from tui.core.config_risk import ACCOUNT_EXAMPLE, ACCOUNT_KEYS, account_limits
from tui.core.config_store import STORE_EXAMPLE, STORE_KEYS, keep_market_data_days
from tui.core.config_text import line_of
from tui.core.config_text import shown as _shown
from tui.core.limits import Limit, Limits
from tui.core.prices import parse_decimal
from tui.core.ticket import BIPS_PER_ONE, Slippage

ENV_VAR = "PMDESK_CONFIG"
MAX_PRESETS = 9
CONFIRM_DELAY_MIN = 0.2
CONFIRM_DELAY_MAX = 5.0

EXAMPLE_CONFIG = """\
[limits]
# mode: "hard" refuses the order, "soft" asks you to confirm it, "off" turns it off
max_qty = { value = 1000, mode = "soft" }          # contracts per order
max_notional = { value = "5000", mode = "soft" }   # dollars per order (worst case)
max_ticks_from_mid = { value = 20, mode = "soft" } # ticks from the mid
""" + ACCOUNT_EXAMPLE + """
[ticket]
size_presets = [1, 5, 10, 25, 100]  # contracts on keys 1-9; at most 9
size_steps = [1, 5, 10, 25, 50, 100, 250, 500, 1000]  # contracts + - > < step through
slippage_ticks = 3                  # market orders; or slippage_bips = 50 (not both)
confirm_delay = 0.6                 # seconds before a confirmation can be accepted

[ladder]
auto_recentre = false  # keep the inside market mid-ladder (the a key toggles it)
recentre_ticks = 5     # how far the inside may stray before the ladder scrolls

[screen]
private = false  # start with balances, P&L and account ids masked (P toggles; --private)

""" + STORE_EXAMPLE + """
[paper]
cash = 1000  # dollars a paper account (pmdesk --paper) starts each session with

[keys]
# action = "key" overrides a binding; several keys separated by commas
# buy = "b"
# kill_switch = "ctrl+k"
"""

DEFAULT_LIMITS = Limits(
    max_qty=Limit(Decimal(1000), hard=False),
    max_notional=Limit(Decimal(5000), hard=False),
    max_ticks_from_mid=Limit(Decimal(20), hard=False),
)
DEFAULT_SIZE_PRESETS = (1, 5, 10, 25, 100)
DEFAULT_SIZE_STEPS = (1, 5, 10, 25, 50, 100, 250, 500, 1000)
MAX_SIZE_STEPS = 30
DEFAULT_SLIPPAGE = Slippage(ticks=3)
DEFAULT_CONFIRM_DELAY = 0.6
DEFAULT_RECENTRE_TICKS = 5
DEFAULT_PAPER_CASH = Decimal(1000)
MAX_PAPER_CASH = Decimal(10**9)

_SECTIONS: dict[str, tuple[str, ...]] = {
    "limits": ("max_qty", "max_notional", "max_ticks_from_mid", *ACCOUNT_KEYS),
    "ticket": ("size_presets", "size_steps", "slippage_ticks", "slippage_bips", "confirm_delay"),
    "ladder": ("auto_recentre", "recentre_ticks"),
    "screen": ("private",),
    "store": STORE_KEYS,
    "paper": ("cash",),
    "keys": (),  # any action id
}
_MODES = {"soft": False, "hard": True}


class ConfigError(Exception):
    """The config file cannot be used; the message is one or two plain sentences."""

    def __init__(self, message: str, *, path: Path, line: int | None = None,
                 key: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.key = key


@dataclass(frozen=True)
class DeskConfig:
    limits: Limits = DEFAULT_LIMITS
    size_presets: list[Decimal] = field(
        default_factory=lambda: [Decimal(n) for n in DEFAULT_SIZE_PRESETS])  # contracts
    # the sizes + - > < step through, smallest first (contracts)
    size_steps: list[Decimal] = field(
        default_factory=lambda: [Decimal(n) for n in DEFAULT_SIZE_STEPS])
    slippage: Slippage = DEFAULT_SLIPPAGE
    keymap: dict[str, str] = field(default_factory=dict)  # action id -> key(s)
    confirm_delay: float = DEFAULT_CONFIRM_DELAY  # seconds
    auto_recentre: bool = False
    recentre_ticks: int = DEFAULT_RECENTRE_TICKS
    private: bool = False  # screen sharing: balances, P&L and account ids masked (tui/ui)
    paper: bool = False  # --paper: the venue's books, orders matched here (tui/venues/paper)
    paper_cash: Decimal = DEFAULT_PAPER_CASH  # dollars the paper account starts with
    keep_market_data_days: int = 0  # a desk prunes older market data as it opens; 0: never
    path: Path | None = field(default=None, compare=False)  # the file read; None: defaults


def config_path() -> Path:
    """``$PMDESK_CONFIG``, else config.toml in the user's config directory."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir("pmdesk", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> DeskConfig:
    """Read the config file (never writing it); a missing file gives the defaults, unless
    the trader named it in ``$PMDESK_CONFIG``: trading on defaults they did not choose,
    because of a typo in a path, is worse than not starting."""
    named = path is None and bool(os.environ.get(ENV_VAR, "").strip())
    path = config_path() if path is None else Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if named:
            raise ConfigError(f"Config file {path} (named by ${ENV_VAR}) does not exist; "
                              f"create it, or unset {ENV_VAR} to use the defaults.",
                              path=path) from None
        return DeskConfig()
    except IsADirectoryError:
        raise ConfigError(f"Config file {path} is a directory; expected a TOML file.",
                          path=path) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"Config file {path} could not be read ({reason}).",
                          path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"Config file {path} is not UTF-8 text; expected a TOML file.",
                          path=path) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> DeskConfig:
    """The config in ``text`` (read from ``path``, which names it in errors)."""
    return _Reader(text, path).read()


class _Reader:
    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path

    # --- errors -----------------------------------------------------------------------
    def fail(self, key: tuple[str, ...], problem: str, expected: str) -> ConfigError:
        line = line_of(self.text, key)
        where = f"Config file {self.path}" + (f", line {line}" if line else "")
        dotted = ".".join(key)
        return ConfigError(f"{where}: {dotted} {problem}; expected {expected}.",
                           path=self.path, line=line, key=dotted)

    # --- the file ---------------------------------------------------------------------
    def read(self) -> DeskConfig:
        try:
            doc = tomllib.loads(self.text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise self._syntax(exc) from None
        for name, value in doc.items():
            if name not in _SECTIONS:
                known = ", ".join(f"[{s}]" for s in _SECTIONS)
                raise self.fail((name,), "is not a section pmdesk knows", f"one of {known}")
            if not isinstance(value, dict):
                raise self.fail((name,), f"is {_shown(value)}", f"a section [{name}]")
            if name != "keys":
                for key in value:
                    if key not in _SECTIONS[name]:
                        raise self.fail((name, key), "is not a setting pmdesk knows",
                                        f"one of {', '.join(_SECTIONS[name])}")
        limits = self._limits(doc.get("limits", {}))
        ticket = doc.get("ticket", {})
        ladder = doc.get("ladder", {})
        return DeskConfig(
            limits=limits,
            size_presets=self._presets(ticket),
            size_steps=self._steps(ticket),
            slippage=self._slippage(ticket),
            keymap=self._keys(doc.get("keys", {})),
            confirm_delay=self._delay(ticket),
            auto_recentre=self._flag(ladder, "auto_recentre"),
            private=self._flag(doc.get("screen", {}), "private", "screen"),
            keep_market_data_days=keep_market_data_days(doc.get("store", {}), self.fail),
            paper_cash=self._paper_cash(doc.get("paper", {})),
            recentre_ticks=self._whole(("ladder", "recentre_ticks"),
                                       ladder.get("recentre_ticks", DEFAULT_RECENTRE_TICKS),
                                       1, 50, "a whole number of ticks from 1 to 50"),
            path=self.path,
        )

    def _syntax(self, exc: tomllib.TOMLDecodeError) -> ConfigError:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else None
        where = f"at line {line}" if line else ""
        if found is None:
            found = re.search(r"\(at end of document\)", message)
            where = "at the end of the file" if found else ""
        reason = (message[:found.start()] if found else message).strip().rstrip(".")
        return ConfigError(f"Config file {self.path} is not valid TOML {where}: {reason}."
                           .replace(" :", ":"), path=self.path, line=line)

    def _limits(self, section: dict[str, Any]) -> Limits:
        return Limits(
            max_qty=self._limit(section, "max_qty", "a number of contracts more than 0",
                                whole=False, default=DEFAULT_LIMITS.max_qty),
            max_notional=self._limit(section, "max_notional", 'dollars more than 0, e.g. "5000"',
                                     whole=False, default=DEFAULT_LIMITS.max_notional),
            max_ticks_from_mid=self._limit(section, "max_ticks_from_mid",
                                           "a whole number of ticks more than 0", whole=True,
                                           default=DEFAULT_LIMITS.max_ticks_from_mid),
            **account_limits(lambda name, expected, whole: self._limit(
                section, name, expected, whole=whole, default=None)),
        )

    def _limit(self, section: dict[str, Any], name: str, expected: str, *, whole: bool,
               default: Limit | None) -> Limit | None:
        if name not in section:
            return default
        key = ("limits", name)
        spec = section[name]
        form = f'{{ value = ..., mode = "soft" }} with value {expected}'
        if not isinstance(spec, dict):
            raise self.fail(key, f"is {_shown(spec)}", form)
        for part in spec:
            if part not in ("value", "mode"):
                raise self.fail((*key, part), "is not a setting pmdesk knows", "value or mode")
        if "mode" not in spec:
            raise self.fail(key, "has no mode", 'mode = "soft", "hard" or "off"')
        mode = spec["mode"]
        if mode == "off":
            return None
        if mode not in _MODES:
            raise self.fail((*key, "mode"), f"is {_shown(mode)}", '"soft", "hard" or "off"')
        if "value" not in spec:
            raise self.fail(key, "has no value", f"value = {expected}")
        value = self._number((*key, "value"), spec["value"], expected, whole=whole)
        if value <= 0:
            raise self.fail((*key, "value"), f"is {_shown(spec['value'])}", expected)
        return Limit(value, hard=_MODES[mode])

    def _number(self, key: tuple[str, ...], raw: object, expected: str, *,
                whole: bool, verb: str = "is") -> Decimal:
        value: Decimal | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = Decimal(raw)
        elif isinstance(raw, Decimal):
            value = raw
        elif isinstance(raw, str):
            value = parse_decimal(raw)
        if value is None or not value.is_finite() or (
                whole and value != value.to_integral_value()):
            raise self.fail(key, f"{verb} {_shown(raw)}", expected)
        return value

    def _paper_cash(self, section: dict[str, Any]) -> Decimal:
        expected = 'dollars from 1 to 1000000000, to the cent (e.g. 1000 or "2500.50")'
        raw = section.get("cash", DEFAULT_PAPER_CASH)
        value = self._number(("paper", "cash"), raw, expected, whole=False)
        if not 1 <= value <= MAX_PAPER_CASH or value != value.quantize(Decimal("0.01")):
            raise self.fail(("paper", "cash"), f"is {_shown(raw)}", expected)
        return value

    def _presets(self, ticket: dict[str, Any]) -> list[Decimal]:
        if "size_presets" not in ticket:
            return [Decimal(n) for n in DEFAULT_SIZE_PRESETS]
        key = ("ticket", "size_presets")
        raw = ticket["size_presets"]
        expected = f"a list of 1 to {MAX_PRESETS} quantities in contracts, each more than 0"
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_PRESETS:
            shown = f"a list of {len(raw)}" if isinstance(raw, list) else _shown(raw)
            raise self.fail(key, f"is {shown}", expected)
        presets = []
        for item in raw:
            value = self._number(key, item, expected, whole=False, verb="has")
            if value <= 0:
                raise self.fail(key, f"has {_shown(item)}", expected)
            presets.append(value)
        return presets

    def _steps(self, ticket: dict[str, Any]) -> list[Decimal]:
        if "size_steps" not in ticket:
            return [Decimal(n) for n in DEFAULT_SIZE_STEPS]
        key = ("ticket", "size_steps")
        raw = ticket["size_steps"]
        expected = (f"a list of 1 to {MAX_SIZE_STEPS} quantities in contracts, each more "
                    "than 0 and more than the one before")
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SIZE_STEPS:
            shown = f"a list of {len(raw)}" if isinstance(raw, list) else _shown(raw)
            raise self.fail(key, f"is {shown}", expected)
        steps: list[Decimal] = []
        for item in raw:
            value = self._number(key, item, expected, whole=False, verb="has")
            if value <= 0 or (steps and value <= steps[-1]):
                raise self.fail(key, f"has {_shown(item)}", expected)
            steps.append(value)
        return steps

    def _slippage(self, ticket: dict[str, Any]) -> Slippage:
        ticks, bips = ticket.get("slippage_ticks"), ticket.get("slippage_bips")
        if ticks is not None and bips is not None:
            raise self.fail(("ticket", "slippage_bips"), "is set as well as slippage_ticks",
                            "only one of the two")
        if ticks is not None:
            whole = self._whole(("ticket", "slippage_ticks"), ticks, 0, None,
                                "a whole number of ticks, 0 or more")
            return Slippage(ticks=whole)
        if bips is not None:
            whole = self._whole(("ticket", "slippage_bips"), bips, 0, BIPS_PER_ONE,
                                f"a whole number of bips from 0 to {BIPS_PER_ONE}")
            return Slippage(bips=whole)
        return DEFAULT_SLIPPAGE

    def _whole(self, key: tuple[str, ...], raw: object, low: int, high: int | None,
               expected: str) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise self.fail(key, f"is {_shown(raw)}", expected)
        if raw < low or (high is not None and raw > high):
            raise self.fail(key, f"is {_shown(raw)}", expected)
        return raw

    def _flag(self, section: dict[str, Any], name: str, where: str = "ladder") -> bool:
        raw = section.get(name, False)
        if not isinstance(raw, bool):
            raise self.fail((where, name), f"is {_shown(raw)}", "true or false")
        return raw

    def _delay(self, ticket: dict[str, Any]) -> float:
        if "confirm_delay" not in ticket:
            return DEFAULT_CONFIRM_DELAY
        key = ("ticket", "confirm_delay")
        raw = ticket["confirm_delay"]
        expected = f"seconds from {CONFIRM_DELAY_MIN} to {CONFIRM_DELAY_MAX:g}"
        if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
            raise self.fail(key, f"is {_shown(raw)}", expected)
        value = Decimal(raw)
        if not value.is_finite() or not (
                Decimal(str(CONFIRM_DELAY_MIN)) <= value <= Decimal(str(CONFIRM_DELAY_MAX))):
            raise self.fail(key, f"is {_shown(raw)}", expected)
        return float(value)  # a delay in seconds, not money

    def _keys(self, section: dict[str, Any]) -> dict[str, str]:
        keymap: dict[str, str] = {}
        for action, keys in section.items():
            if not isinstance(keys, str) or not keys.strip():
                raise self.fail(("keys", action), f"is {_shown(keys)}",
                                'a key name in quotes, e.g. "b" or "ctrl+k"')
            keymap[action] = keys.strip()
        return keymap
