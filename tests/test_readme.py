"""The README's promises: the two set-up commands, CI running the same one, every key listed."""

from __future__ import annotations

import re
from pathlib import Path

from tui.ui.keys_doc import keys_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]


def test_readme_starts_with_the_demo_and_the_test_command() -> None:
    before_prose = README.split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", before_prose, flags=re.S)
    assert len(blocks) == 2, "the README must open with exactly two set-up commands"
    demo, tests = (b.strip() for b in blocks)
    assert demo.endswith("pmdesk demo") and "pip install" in demo
    assert " -e " not in demo and "--editable" not in demo, (
        "the demo command installs pmdesk as a user would, not editable")
    assert "pip install" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    tests = _shell_blocks()[1]
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), ".ci/run must call the README's test command verbatim"


def test_readme_lists_every_key_as_the_help_screen_does() -> None:
    table = README.split("<!-- keys:start", 1)[1].split("-->", 1)[1].split("<!-- keys:end")[0]
    assert table.strip() == keys_markdown(), (
        "README keys differ from the app's bindings; paste `python -m tui.ui.keys_doc` output")


def test_the_readmes_profiles_are_profiles_pmdesk_reads(tmp_path: Path) -> None:
    from tui.core.profiles import RETAIL_PROD, load_profiles

    (block,) = re.findall(r"```toml\n(\[profiles.*?)```", README, flags=re.S)
    path = tmp_path / "profiles.toml"
    path.write_text(block, encoding="utf-8")
    profiles = load_profiles(path, write_example=False)
    assert profiles["preprod"].venue == "gateway" and profiles["preprod"].auth == "auth0"
    assert (profiles["retail"].rest, profiles["retail"].public) == RETAIL_PROD
