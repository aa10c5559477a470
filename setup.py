"""Which packages the wheel holds; everything else about pmdesk is in pyproject.toml.

setuptools finds every package under tui/ by itself, so a new one cannot be left out of an
install. styles/ sits at the top of the repo (the design's layout) and ships inside the
wheel as tui.styles; pyproject.toml alone cannot add a mapped package to the ones it finds."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["tui", "tui.*"]), "tui.styles"],
      package_dir={"tui.styles": "styles"})
