"""Build hook: the wheel (and `pip install .`) carries the French catalogue compiled from its .po at build time.

The compiled .mo files are not committed (a binary that every translation change would conflict on); without this
hook an installed app would serve its French pages in English. Everything else is declared in pyproject.toml.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _compile_module():
    # Loaded by path: importing the `judging` package would need Flask, which the build environment lacks.
    spec = importlib.util.spec_from_file_location("_awards_compile", ROOT / "judging/translations/compile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithCatalogues(build_py):
    def run(self):
        super().run()
        source = ROOT / self.get_package_dir("judging.translations")
        # An editable install runs from the source tree, so the catalogue is compiled there.
        target = source if self.editable_mode else Path(self.build_lib) / "judging" / "translations"
        for mo in _compile_module().compile_catalogues(source, target):
            self.announce(f"compiled {mo}", level=2)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
