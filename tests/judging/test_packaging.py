"""What `pip install .` and the wheel ship is what runs: every Python package and template of the source tree is
in the build (a package missing from pyproject's list would install an app that fails on its first import)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_build_ships_every_package_module_and_template(tmp_path):
    subprocess.run(
        [sys.executable, "setup.py", "--quiet", "build_py", "--build-lib", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    source = {
        path.relative_to(ROOT)
        for top in ("judging", "scoring", "exports")
        for path in (ROOT / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    built = {path.relative_to(tmp_path) for path in tmp_path.rglob("*.py")}
    assert sorted(str(p) for p in source - built) == []
    for pattern in ("*.html", "*.txt"):  # the pages, and the mails' text templates
        templates = {p.relative_to(ROOT / "templates") for p in (ROOT / "templates").rglob(pattern)}
        built = tmp_path / "judging/templates"
        shipped = {p.relative_to(built) for p in built.rglob(pattern)}
        assert sorted(str(p) for p in templates - shipped) == []
