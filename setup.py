"""Which packages the wheel holds; everything else about pmdesk is in pyproject.toml.

setuptools finds every package under tui/ by itself, so a new one cannot be left out of an
install. styles/ sits at the top of the repo (the design's layout) and ships inside the
wheel as tui.styles; pyproject.toml alone cannot add a mapped package to the ones it finds."""

import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


class FreshBuildPy(build_py):
    """Build into an empty build/lib: `pip install .` builds in the clone, and a module
    deleted since the last install would otherwise ship again from the old build/lib."""

    def run(self) -> None:
        lib, here = Path(self.build_lib).resolve(), Path.cwd().resolve()
        if lib != here and lib not in here.parents:  # never the sources themselves
            shutil.rmtree(lib, ignore_errors=True)
        super().run()


setup(packages=[*find_packages(include=["tui", "tui.*"]), "tui.styles"],
      package_dir={"tui.styles": "styles"},
      cmdclass={"build_py": FreshBuildPy})
