"""Jury pack naming: one folder per entry, names safe on every system."""

import io
import zipfile

from exports.packs import PackFile, folder_name, safe_part, write_pack


def test_names_lose_separators_and_control_characters():
    assert safe_part('a/b\\c:d*e?f"g<h>i|j\x01k') == "a b c d e f g h i j k"
    assert safe_part("...") == "-"
    assert folder_name(7, "Aegis / Systems", "Cam: v2") == "0007 Aegis Systems - Cam v2"


def test_a_missing_file_is_listed_not_fatal(tmp_path):
    present = tmp_path / "x"
    present.write_bytes(b"data")
    out = io.BytesIO()
    missing = write_pack(
        [PackFile(1, "A", "T", "one.pdf", present), PackFile(1, "A", "T", "two.pdf", tmp_path / "gone")], out
    )
    names = zipfile.ZipFile(io.BytesIO(out.getvalue())).namelist()
    assert names == ["0001 A - T/01 one.pdf", "missing-files.txt"] and [m.filename for m in missing] == ["two.pdf"]
