"""Compile the translation catalogues (.po -> .mo); used by the package build (setup.py), `make` and the tests.

Imports only Babel, so that setup.py can load it by path in the isolated build environment, where Flask is absent.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = Path(__file__).resolve().parent


def compile_catalogues(source: Path = SOURCE, target: Path | None = None) -> list[Path]:
    """Write each `<lang>/LC_MESSAGES/<domain>.mo` of `target` (default: beside its .po) from `source`'s .po files.

    Fuzzy entries are left out, as `pybabel compile` does, so an unchecked guess never reaches a user.
    """
    target = target or source
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name)
        with mo.open("wb") as handle:
            write_mo(handle, catalogue)
        written.append(mo)
    return written
