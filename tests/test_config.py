"""The config file: defaults, a good file, and garbage that stops with one plain sentence."""

from __future__ import annotations

import os
import stat
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from tui.core.config import (
    DEFAULT_LIMITS,
    ENV_VAR,
    EXAMPLE_CONFIG,
    ConfigError,
    DeskConfig,
    config_path,
    load_config,
    parse_config,
)
from tui.core.limits import Limit, Limits
from tui.core.ticket import Slippage


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert config == DeskConfig() and config.path is None
    assert config.limits == Limits(Limit(Decimal(1000), False), Limit(Decimal(5000), False),
                                   Limit(Decimal(20), False))
    assert config.size_presets == [Decimal(n) for n in (1, 5, 10, 25, 100)]
    assert config.slippage == Slippage(ticks=3)
    assert (config.keymap, config.confirm_delay) == ({}, 0.6)
    assert not (tmp_path / "nope.toml").exists()  # never created


def test_example_config_parses_to_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EXAMPLE_CONFIG))
    assert config == DeskConfig() and config.path == tmp_path / "config.toml"
    assert config.limits == DEFAULT_LIMITS
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert EXAMPLE_CONFIG.strip() in readme  # what the trader reads is what parses


def test_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "# nothing yet\n")) == DeskConfig()


def test_a_full_good_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
[limits]
max_qty = { value = 2.5, mode = "hard" }
max_notional = { value = "5000", mode = "hard" }
max_ticks_from_mid = { value = 20, mode = "off" }
[ticket]
size_presets = [1, 2.5, "10"]
size_steps = [1, 2.5, 10, "100"]
slippage_bips = 50
confirm_delay = 1
[keys]
buy = "b"
kill_switch = "K"
"""))
    assert config.limits == Limits(max_qty=Limit(Decimal("2.5"), True),
                                   max_notional=Limit(Decimal(5000), True),
                                   max_ticks_from_mid=None)
    assert config.size_presets == [Decimal(1), Decimal("2.5"), Decimal(10)]
    assert all(isinstance(p, Decimal) for p in config.size_presets)
    assert config.size_steps == [Decimal(1), Decimal("2.5"), Decimal(10), Decimal(100)]
    assert config.slippage == Slippage(bips=50)
    assert config.confirm_delay == 1.0
    assert config.keymap == {"buy": "b", "kill_switch": "K"}


def test_account_limits_are_off_unless_set(tmp_path: Path) -> None:
    assert (DEFAULT_LIMITS.max_position, DEFAULT_LIMITS.max_working_exposure,
            DEFAULT_LIMITS.max_open_orders, DEFAULT_LIMITS.max_daily_loss) == (None,) * 4
    config = load_config(write(tmp_path, """
[limits]
max_position = { value = 1000, mode = "hard" }
max_working_exposure = { value = "25000.50", mode = "soft" }
max_open_orders = { value = "40", mode = "hard" }
max_daily_loss = { value = 500, mode = "hard" }
"""))
    limits = config.limits
    assert limits.max_position == Limit(Decimal(1000), True)
    assert limits.max_working_exposure == Limit(Decimal("25000.50"), False)
    assert limits.max_open_orders == Limit(Decimal(40), True)
    assert limits.max_daily_loss == Limit(Decimal(500), True)
    assert limits.max_qty == DEFAULT_LIMITS.max_qty  # the per-order ones keep theirs


def test_partial_sections_keep_the_other_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[limits]\nmax_qty = { value = 10, mode = "hard" }\n'))
    assert config.limits.max_qty == Limit(Decimal(10), True)
    assert config.limits.max_notional == DEFAULT_LIMITS.max_notional
    assert config.slippage == Slippage(ticks=3)


def test_path_from_the_environment_or_platformdirs(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    path = write(tmp_path, "[ticket]\nslippage_ticks = 7\n")
    monkeypatch.setenv(ENV_VAR, str(path))
    assert config_path() == path
    assert load_config().slippage == Slippage(ticks=7)
    monkeypatch.delenv(ENV_VAR)
    default = config_path()
    assert default.name == "config.toml" and default.parent.name == "pmdesk"


def test_reading_never_changes_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE_CONFIG)
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # read-only, readable by others
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_config(path)
    with pytest.raises(ConfigError):
        load_config(write_garbage(tmp_path))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "garbage.toml"]


def write_garbage(tmp_path: Path) -> Path:
    path = tmp_path / "garbage.toml"
    path.write_text("[limits\n", encoding="utf-8")
    return path


# --- garbage: each error names the file, the line, the key and what is expected --------
GARBAGE = [
    # (file text, key named, line, words in the message)
    ('[limits]\nmax_position = 1000\n', "limits.max_position", 2,
     'is 1000; expected { value = ..., mode = "soft" } with value a number of contracts'),
    ('[limits]\nmax_working_exposure = { value = "-5", mode = "hard" }\n',
     "limits.max_working_exposure.value", 2, 'is "-5"; expected dollars more than 0'),
    ('[limits]\nmax_open_orders = { value = 2.5, mode = "hard" }\n',
     "limits.max_open_orders.value", 2, "is 2.5; expected a whole number of orders"),
    ('[limits]\nmax_daily_loss = { value = "500", mode = "kill" }\n',
     "limits.max_daily_loss.mode", 2, 'is "kill"; expected "soft", "hard" or "off"'),
    ('[limits]\nmax_daily_loss = { value = "nan", mode = "hard" }\n',
     "limits.max_daily_loss.value", 2, 'is "nan"; expected dollars more than 0'),
    ('[limits]\nmax_daily_loss = { mode = "hard" }\n', "limits.max_daily_loss", 2,
     'has no value; expected value = dollars more than 0'),
    ('[limits]\nmax_qty = { value = 1000, mode = "medium" }\n', "limits.max_qty.mode", 2,
     'is "medium"; expected "soft", "hard" or "off"'),
    ('[limits]\nmax_qty = { value = -5, mode = "soft" }\n', "limits.max_qty.value", 2,
     "is -5; expected a number of contracts more than 0"),
    ('[limits]\nmax_qty = { value = 0, mode = "hard" }\n', "limits.max_qty.value", 2,
     "is 0; expected a number of contracts more than 0"),
    ('[limits]\nmax_notional = { value = "lots", mode = "soft" }\n',
     "limits.max_notional.value", 2, 'is "lots"; expected dollars more than 0'),
    ('[limits]\nmax_notional = { value = true, mode = "soft" }\n',
     "limits.max_notional.value", 2, "is true; expected dollars"),
    ('[limits]\n\nmax_ticks_from_mid = { value = 2.5, mode = "soft" }\n',
     "limits.max_ticks_from_mid.value", 3, "is 2.5; expected a whole number of ticks"),
    ("[limits]\nmax_qty = 1000\n", "limits.max_qty", 2,
     'is 1000; expected { value = ..., mode = "soft" }'),
    ('[limits]\nmax_qty = { value = 1000 }\n', "limits.max_qty", 2,
     'has no mode; expected mode = "soft", "hard" or "off"'),
    ('[limits]\nmax_qty = { mode = "hard" }\n', "limits.max_qty", 2, "has no value; expected"),
    ('[limits]\nmax_qty = { value = 1, mode = "hard", typo = 1 }\n', "limits.max_qty.typo", 2,
     "is not a setting pmdesk knows; expected value or mode"),
    ('[limits]\nmax_size = { value = 1, mode = "hard" }\n', "limits.max_size", 2,
     "is not a setting pmdesk knows; expected one of max_qty, max_notional"),
    ("[colors]\nbg = 1\n", "colors", 1, "is not a section pmdesk knows; expected one of "
     "[limits], [ticket], [ladder], [screen], [store], [paper], [keys]"),
    ("[paper]\ncash = 0\n", "paper.cash", 2, "is 0; expected dollars from 1 to 1000000000"),
    ("[paper]\ncash = 10.005\n", "paper.cash", 2, "is 10.005; expected dollars"),
    ('[paper]\ncash = "lots"\n', "paper.cash", 2, 'is "lots"; expected dollars'),
    ("[paper]\ncash = 1e12\n", "paper.cash", 2, "expected dollars from 1 to 1000000000"),
    ("limits = 5\n", "limits", 1, "is 5; expected a section [limits]"),
    ("[ticket]\nsize_presets = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", "ticket.size_presets", 2,
     "is a list of 10; expected a list of 1 to 9 quantities"),
    ("[ticket]\nsize_presets = []\n", "ticket.size_presets", 2, "is a list of 0"),
    ("[ticket]\nsize_presets = [1, -5]\n", "ticket.size_presets", 2, "has -5; expected"),
    ('[ticket]\nsize_presets = [1, "x"]\n', "ticket.size_presets", 2, 'has "x"; expected'),
    ("[ticket]\nsize_presets = 5\n", "ticket.size_presets", 2, "is 5; expected a list"),
    ("[ticket]\nsize_steps = [1, 10, 5]\n", "ticket.size_steps", 2,
     "has 5; expected a list of 1 to 30 quantities in contracts, each more than 0 and more "
     "than the one before"),
    ("[ticket]\nsize_steps = []\n", "ticket.size_steps", 2, "is a list of 0"),
    ("[ticket]\nsize_steps = [0, 1]\n", "ticket.size_steps", 2, "has 0; expected"),
    ("[ticket]\nslippage_ticks = -1\n", "ticket.slippage_ticks", 2,
     "is -1; expected a whole number of ticks, 0 or more"),
    ("[ticket]\nslippage_ticks = 1.5\n", "ticket.slippage_ticks", 2, "is 1.5; expected"),
    ('[ticket]\nslippage_ticks = "3"\n', "ticket.slippage_ticks", 2, 'is "3"; expected'),
    ("[ticket]\nslippage_bips = 20000\n", "ticket.slippage_bips", 2,
     "is 20000; expected a whole number of bips from 0 to 10000"),
    ("[ticket]\nslippage_ticks = 3\nslippage_bips = 50\n", "ticket.slippage_bips", 3,
     "is set as well as slippage_ticks; expected only one of the two"),
    ("[ticket]\nconfirm_delay = 0.1\n", "ticket.confirm_delay", 2,
     "is 0.1; expected seconds from 0.2 to 5"),
    ("[ticket]\nconfirm_delay = 10\n", "ticket.confirm_delay", 2, "is 10; expected seconds"),
    ('[ticket]\nconfirm_delay = "soon"\n', "ticket.confirm_delay", 2, 'is "soon"; expected'),
    ("[ticket]\nconfirm_delay = nan\n", "ticket.confirm_delay", 2, "is NaN; expected"),
    ("[ticket]\ncolour = 1\n", "ticket.colour", 2, "is not a setting pmdesk knows"),
    ("[keys]\nbuy = 3\n", "keys.buy", 2, 'is 3; expected a key name in quotes, e.g. "b"'),
    ('[keys]\nbuy = "  "\n', "keys.buy", 2, 'is "  "; expected a key name'),
    ("[keys]\nbuy = [\"b\"]\n", "keys.buy", 2, "is a list; expected a key name"),
    ('[limits.max_qty]\nvalue = 3\nmode = "x"\n', "limits.max_qty.mode", 3, 'is "x"'),
]


@pytest.mark.parametrize(("text", "key", "line", "words"), GARBAGE)
def test_garbage_names_file_line_key_and_expectation(tmp_path: Path, text: str, key: str,
                                                      line: int, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    message = str(error)
    assert (error.key, error.line, error.path) == (key, line, path)
    assert message.startswith(f"Config file {path}, line {line}: {key} "), message
    assert words in message, message
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert error.__cause__ is None or not isinstance(error.__cause__, tomllib.TOMLDecodeError)


@pytest.mark.parametrize(("text", "line", "words"), [
    ("[limits\nmax_qty = 1\n", 1, "Expected ']' at the end of a table declaration"),
    ('[ticket]\nsize_presets = [1, 2\nconfirm_delay = 1\n', 3, "Unclosed array"),
    ("[keys]\nbuy b\n", 2, "Expected '=' after a key in a key/value pair"),
])
def test_bad_toml_names_the_file_and_line(tmp_path: Path, text: str, line: int,
                                         words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"Config file {path} is not valid TOML at line {line}: ")
    assert words in message and caught.value.line == line
    assert caught.value.__suppress_context__


def test_bad_toml_at_the_end_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[ticket]\nconfirm_delay =")
    with pytest.raises(ConfigError, match="is not valid TOML at the end of the file: "):
        load_config(path)


def test_not_text_and_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not UTF-8 text; expected a TOML file"):
        load_config(write(tmp_path, b"\xff\xfe[limits]"))
    with pytest.raises(ConfigError, match="is a directory; expected a TOML file"):
        load_config(tmp_path)


def test_parse_config_directly() -> None:
    config = parse_config('[keys]\nkill_switch = "ctrl+k"\n', Path("inline.toml"))
    assert config.keymap == {"kill_switch": "ctrl+k"}
    with pytest.raises(ConfigError, match=r"^Config file inline.toml, line 2: keys.x is 1;"):
        parse_config("[keys]\nx = 1\n", Path("inline.toml"))


def test_paper_cash_is_read_to_the_cent(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "[paper]\ncash = 2500.50\n")).paper_cash == Decimal(
        "2500.50")
    assert load_config(write(tmp_path, '[paper]\ncash = "25000"\n')).paper_cash == 25000
    assert load_config(write(tmp_path, "")).paper_cash == 1000


def test_ladder_settings_are_read_and_checked(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[ladder]\nauto_recentre = true\nrecentre_ticks = 8\n"))
    assert (config.auto_recentre, config.recentre_ticks) == (True, 8)
    with pytest.raises(ConfigError, match="recentre_ticks"):
        load_config(write(tmp_path, "[ladder]\nrecentre_ticks = 0\n"))
    with pytest.raises(ConfigError, match="auto_recentre"):
        load_config(write(tmp_path, '[ladder]\nauto_recentre = "yes"\n'))


def test_a_missing_file_the_trader_named_is_refused_a_missing_default_is_not(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "fresh"))  # nothing written yet
    assert not config_path().exists() and load_config() == DeskConfig()
    named = tmp_path / "nosuch.toml"
    monkeypatch.setenv(ENV_VAR, str(named))
    with pytest.raises(ConfigError, match=f"Config file {named} .*does not exist"):
        load_config()
    assert not named.exists()
