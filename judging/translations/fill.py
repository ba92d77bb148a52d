"""Fill French translations into the catalogue from a mapping file: `python -m judging.translations.fill F.py`.

A maintenance helper for translators: each msgid of the mapping gets its msgstr; placeholders must match.
"""

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent / "fr" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd.0-9f]*|%%")


def fill(mapping: dict[str, str]) -> list[str]:
    """Set the translations; returns the msgids still untranslated."""
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    for message in catalogue:
        if message.id in mapping:
            if sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(mapping[message.id])):
                raise ValueError(f"placeholders differ: {message.id!r}")
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalogue, width=120)
    return [m.id for m in catalogue if m.id and not m.string]


if __name__ == "__main__":
    namespace: dict = {}
    exec(Path(sys.argv[1]).read_text(encoding="utf-8"), namespace)  # nosec B102 - a translator's own file
    mapping = {
        k: v
        for name, value in namespace.items()
        if isinstance(value, dict) and not name.startswith("__")
        for k, v in value.items()
    }
    print("untranslated:", fill(mapping))
