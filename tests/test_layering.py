"""The layers hold: import-linter's contracts from pyproject.toml (ui -> desk -> venues and
store, siblings -> core; nothing below the UI imports textual; the embedded exchange stands
apart)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_contract_is_kept() -> None:
    contracts = (ROOT / "pyproject.toml").read_text(encoding="utf-8").count(
        "[[tool.importlinter.contracts]]")
    assert contracts >= 4
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{contracts} kept, 0 broken" in result.stdout
