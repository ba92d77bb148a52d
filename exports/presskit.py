"""The press kit: winners and finalists as a workbook, and their images as a zip, built from plain data.

Each image is named after its category and company ("1-cyber-security_aegis-systems_1.jpg"), and the
workbook's Images column lists those very names, so a journalist finds the photo of each line.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .spreadsheet import put_cell
from .workbook import N_, as_is, print_setup

IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
PRESS_HEADER = (
    N_("Category"),
    N_("Award"),
    N_("Entry"),
    N_("Summary"),
    N_("Company"),
    N_("Country"),
    N_("Hall"),
    N_("Stand"),
    N_("Images"),
)
PRESS_WIDTHS = (24, 12, 30, 60, 26, 9, 8, 10, 36)
OUTCOMES = {"winner": N_("Winner"), "finalist": N_("Finalist")}


@dataclass(frozen=True)
class PressImage:
    """An image of an entry, as uploaded."""

    content_type: str
    data: bytes


@dataclass(frozen=True)
class PressEntry:
    """A winner or finalist as the press receives it."""

    category: str
    position: int  # the category's place in the ceremony
    outcome: str  # "winner" or "finalist"
    title: str
    summary: str
    company: str
    country: str
    hall: str
    stand: str
    images: tuple[PressImage, ...] = ()


def slug(text: str) -> str:
    """'Société Générale / Défense' -> 'societe-generale-defense': safe in every zip tool and file system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:60] or "x"


def image_names(entries: Sequence[PressEntry]) -> list[list[str]]:
    """For each entry, the zip names of its images: position-category_company_n.ext, unique in the zip."""
    used: set[str] = set()
    names = []
    for entry in entries:
        mine = []
        for n, image in enumerate(entry.images, start=1):
            stem = f"{entry.position}-{slug(entry.category)}_{slug(entry.company)}_{n}"
            extension = IMAGE_EXTENSIONS.get(image.content_type, "bin")
            name, k = f"{stem}.{extension}", 2
            while name in used:
                name, k = f"{stem}-{k}.{extension}", k + 1
            used.add(name)
            mine.append(name)
        names.append(mine)
    return names


def _ordered(entries: Sequence[PressEntry]) -> list[PressEntry]:
    return sorted(entries, key=lambda e: (e.position, e.outcome != "winner", e.title.lower()))


def press_kit_workbook(edition: str, entries: Sequence[PressEntry], translate: Callable[[str], str] = as_is) -> bytes:
    """The press kit's workbook: one line per winner and finalist, in ceremony order, winners first."""
    _ = translate
    ordered = _ordered(entries)
    workbook = Workbook()
    workbook.properties.title = _("%(edition)s - press kit") % {"edition": edition}
    workbook.properties.creator = "Milipol Innovation Awards"
    workbook.properties.lastModifiedBy = "Milipol Innovation Awards"
    sheet = workbook.active
    sheet.title = _("Press kit")[:31]
    put_cell(
        sheet, 1, 1, _("%(edition)s - Innovation Awards: winners and finalists") % {"edition": edition}
    ).font = Font(bold=True, size=14)
    for column, title in enumerate(PRESS_HEADER, start=1):
        cell = put_cell(sheet, 2, column, _(title))
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, (entry, names) in enumerate(zip(ordered, image_names(ordered)), start=3):
        values = (
            entry.category,
            _(OUTCOMES.get(entry.outcome, entry.outcome)),
            entry.title,
            entry.summary,
            entry.company,
            entry.country,
            entry.hall,
            entry.stand,
            "\n".join(names),
        )
        for column, value in enumerate(values, start=1):
            cell = put_cell(sheet, row, column, value)
            cell.alignment = wrap
            if entry.outcome == "winner":
                cell.font = Font(bold=True)
    for column, width in enumerate(PRESS_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + column)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    print_setup(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def press_images_zip(entries: Sequence[PressEntry]) -> bytes:
    """Every image of the press kit's entries, named by category and company (see `image_names`)."""
    ordered = _ordered(entries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # photos are compressed already
        for entry, names in zip(ordered, image_names(ordered)):
            for name, image in zip(names, entry.images):
                archive.writestr(name, image.data)
    return buffer.getvalue()
