"""Jury packs: every file of a category's entries in one zip, each named by its entry and company.

Plain data in, bytes out: the app lists (folder name, file name, path) and this writes the archive, so the
naming rule is tested and reused without the web layer.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Characters that Windows, macOS or a zip tool refuse or read as a path in a file or folder name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_part(text: str, limit: int = 80) -> str:
    """A name usable as one file or folder name on every system: no separators, no control characters."""
    cleaned = " ".join(_UNSAFE.sub(" ", text).split()).strip(" .")
    return cleaned[:limit].rstrip(" .") or "-"


@dataclass(frozen=True)
class PackFile:
    """One file of one entry: the entry's number, company and title name its folder."""

    entry_id: int
    company: str
    title: str
    filename: str
    path: Path


def folder_name(entry_id: int, company: str, title: str) -> str:
    """'0042 Aegis Systems - Thermal camera': sorted by entry number, readable by the jury."""
    return f"{entry_id:04d} {safe_part(company, 60)} - {safe_part(title, 80)}"


def write_pack(files: Iterable[PackFile], out: IO[bytes], *, extra: dict[str, bytes] | None = None) -> list[PackFile]:
    """Write the zip to `out`: one folder per entry, its files numbered in upload order (two files with the
    same name stay apart), plus `extra` files at the top (e.g. the answers workbook). Returns the files that
    were missing on disk (left out)."""
    missing: list[PackFile] = []
    counters: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (extra or {}).items():
            archive.writestr(safe_part(name, 120), data)
        for item in files:
            folder = folder_name(item.entry_id, item.company, item.title)
            counters[folder] = counters.get(folder, 0) + 1
            if not item.path.is_file():
                missing.append(item)
                continue
            archive.write(item.path, f"{folder}/{counters[folder]:02d} {safe_part(item.filename, 120)}")
        if missing:
            lines = [f"{folder_name(m.entry_id, m.company, m.title)}: {m.filename}" for m in missing]
            archive.writestr("missing-files.txt", "\n".join(lines) + "\n")
    return missing
