"""How large an uploaded workbook may be: one set of limits for every Excel import, checked before the work.

An .xlsx is a zip of XML parts, so a few kilobytes can declare a sheet of a million rows by sixteen thousand
columns, or unpack into hundreds of megabytes of shared strings. `check_workbook` reads only the zip's
directory and scans the sheets' XML (bounded by the sizes the zip declares, which `zipfile` enforces while
unpacking) before openpyxl parses anything; `SheetGuard` then bounds the rows, cells, cell lengths and time
while the sheet is read. Each refusal is a `TooLarge`: which limit, what was allowed and what was found.
"""

from __future__ import annotations

import enum
import io
import re
import time
import zipfile
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string, get_column_letter


class Limit(enum.Enum):
    """The limit an upload went over (the pages put each in words)."""

    FILE_SIZE = "file_size"
    UNPACKED_SIZE = "unpacked_size"
    PARTS = "parts"
    ROWS = "rows"
    COLUMNS = "columns"
    CELLS = "cells"
    STRINGS = "strings"
    CELL_LENGTH = "cell_length"
    TIME = "time"


@dataclass(frozen=True)
class WorkbookLimits:
    """The bounds of an imported workbook. Far above a real file (5,000 exhibitors fill about 2 MB unpacked)."""

    max_file_bytes: int = 5 * 1024 * 1024  # the .xlsx as uploaded
    max_unpacked_bytes: int = 10 * 1024 * 1024  # all its parts together, as the zip declares them
    max_parts: int = 200  # files inside the zip
    max_rows: int = 10_000  # rows of a sheet, blank ones included, up to its last one
    max_columns: int = 100  # columns of a sheet
    max_cells: int = 100_000  # cells written in a sheet
    max_texts: int = 50_000  # texts in the workbook's shared strings (parsed whole when the workbook opens)
    max_cell_chars: int = 2_000  # characters in one cell
    max_seconds: float = 10.0  # reading one sheet, however it is built


IMPORT_LIMITS = WorkbookLimits()


@dataclass(frozen=True)
class TooLarge:
    """A workbook refused by one of the limits: `allowed`, and `found` when known (row/column: where)."""

    limit: Limit
    allowed: int | float
    found: int | None = None
    row: int = 0
    column: str = ""

    def _count(self, noun: str) -> str:
        if self.found is None:
            return f"more than {self.allowed} {noun}"
        return f"{self.found} {noun} (at most {self.allowed})"

    def __str__(self) -> str:
        megabytes = f"{self.allowed / (1024 * 1024):g} MB"
        where = f"Row {self.row}, column {self.column}: " if self.row else ""
        return {
            Limit.FILE_SIZE: f"The file is larger than {megabytes}: split it into several files.",
            Limit.UNPACKED_SIZE: f"The workbook unpacks to more than {megabytes}: "
            "save only the data sheet into a new workbook.",
            Limit.PARTS: f"The workbook holds more than {self.allowed} parts: save only the data sheet into a "
            "new workbook.",
            Limit.ROWS: f"A sheet of the workbook has {self._count('rows')}: delete the empty rows below "
            "the data, or split the file.",
            Limit.COLUMNS: f"A sheet of the workbook has {self._count('columns')}: keep only the template's columns.",
            Limit.CELLS: f"A sheet of the workbook has {self._count('cells')}: keep only the template's "
            "columns, or split the file.",
            Limit.STRINGS: f"The workbook holds {self._count('texts')}: save only the data sheet into a new workbook.",
            Limit.CELL_LENGTH: f"{where}the cell holds {self.found} characters, more than {self.allowed}.",
            Limit.TIME: f"Reading the workbook took longer than {self.allowed:g} seconds: save only the data "
            "sheet into a new workbook.",
        }[self.limit]


class WorkbookTooLarge(Exception):
    """Raised by the checks below; carries the `TooLarge` that says why."""

    def __init__(self, too_large: TooLarge):
        super().__init__(str(too_large))
        self.too_large = too_large


_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_DIMENSION = re.compile(_PREFIX + rb"dimension\b[^>]*?\bref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
_ROW_NUMBER = re.compile(_PREFIX + rb"row\b[^>]*?\br=\"(\d{1,9})\"")
_CELL = re.compile(_PREFIX + rb"c[\s/>]")
_SHARED_STRING = re.compile(_PREFIX + rb"si[\s/>]")
_COLUMN_REF = re.compile(_PREFIX + rb"c\b[^>]*?\br=\"([A-Z]{1,3})\d")


def _column_number(letters: bytes | None) -> int:
    return column_index_from_string(letters.decode()) if letters else 0


def check_workbook(data: bytes, limits: WorkbookLimits = IMPORT_LIMITS) -> None:
    """Refuse (WorkbookTooLarge) a workbook over a limit, before anything is parsed.

    Reads the zip's directory (its declared sizes), then each sheet's XML for its declared dimension, its
    last row, its widest cell and its number of cells. A file that is no zip at all is left for the reader
    to call "not a workbook"."""
    if len(data) > limits.max_file_bytes:
        raise WorkbookTooLarge(TooLarge(Limit.FILE_SIZE, limits.max_file_bytes, len(data)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.max_parts:
            raise WorkbookTooLarge(TooLarge(Limit.PARTS, limits.max_parts, len(parts)))
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.max_unpacked_bytes:
            raise WorkbookTooLarge(TooLarge(Limit.UNPACKED_SIZE, limits.max_unpacked_bytes, unpacked))
        for part in parts:
            sheet = part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")
            if not sheet and not part.filename.endswith("sharedStrings.xml"):
                continue
            try:
                xml = archive.read(part)  # never more than its declared size: zipfile stops there
            except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError):
                return  # the reader will say "not a workbook"
            if sheet:
                _check_sheet_xml(xml, limits)
            else:
                texts = sum(1 for _ in _SHARED_STRING.finditer(xml))
                if texts > limits.max_texts:
                    raise WorkbookTooLarge(TooLarge(Limit.STRINGS, limits.max_texts, texts))


def _check_sheet_xml(xml: bytes, limits: WorkbookLimits) -> None:
    declared = _DIMENSION.search(xml, 0, 4096)  # the dimension comes first, before the rows
    rows = columns = 0
    if declared:
        first_col, first_row, last_col, last_row = declared.groups()
        rows = int(last_row or first_row or 0)
        columns = max(_column_number(first_col), _column_number(last_col))
    rows = max([rows, *(int(m.group(1)) for m in _ROW_NUMBER.finditer(xml))])
    if rows > limits.max_rows:
        raise WorkbookTooLarge(TooLarge(Limit.ROWS, limits.max_rows, rows))
    cells = sum(1 for _ in _CELL.finditer(xml))
    if cells > limits.max_cells:
        raise WorkbookTooLarge(TooLarge(Limit.CELLS, limits.max_cells, cells))
    columns = max([columns, *(_column_number(m.group(1)) for m in _COLUMN_REF.finditer(xml))])
    if columns > limits.max_columns:
        raise WorkbookTooLarge(TooLarge(Limit.COLUMNS, limits.max_columns, columns))


class SheetGuard:
    """Bounds the reading of one sheet, row by row: rows (blank ones included), cell length, and time."""

    def __init__(self, limits: WorkbookLimits = IMPORT_LIMITS, *, clock=time.monotonic):
        self.limits = limits
        self._clock = clock
        self._deadline = clock() + limits.max_seconds
        self.rows = 0

    def rows_of(self, sheet):
        """The sheet's rows as tuples of values, no wider than the column limit, each one checked."""
        limits = self.limits
        width = min(sheet.max_column or limits.max_columns, limits.max_columns)
        for values in sheet.iter_rows(values_only=True, max_col=width):
            self.rows += 1
            if self.rows > limits.max_rows:
                raise WorkbookTooLarge(TooLarge(Limit.ROWS, limits.max_rows, None))
            if self._clock() > self._deadline:
                raise WorkbookTooLarge(TooLarge(Limit.TIME, limits.max_seconds))
            for index, value in enumerate(values):
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    raise WorkbookTooLarge(
                        TooLarge(
                            Limit.CELL_LENGTH,
                            limits.max_cell_chars,
                            len(value),
                            row=self.rows,
                            column=get_column_letter(index + 1),
                        )
                    )
            yield values
