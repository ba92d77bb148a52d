"""The one guard every cell passes before it is written to .xlsx or .csv.

A spreadsheet opens a cell starting with = + - @ (or a tab or carriage return) as a formula, so an entry
titled `=HYPERLINK("http://evil","click")` could run in an organiser's Excel (the OWASP advice on CSV
injection; indico's util/spreadsheets.py guards the same way).

- In a workbook, such text is written as what it is: a text cell (type "s") with the quote-prefix style, the
  flag Excel and LibreOffice set themselves when one types '+33 1 23 45 67 89. Nothing is evaluated and the
  reader sees `+33 1 23 45 67 89`, without an apostrophe (`put_cell`, `guard_cell`).
- A CSV file has no cell types, so there the text gets a leading apostrophe (`safe_cell`): the only guard a
  CSV can carry.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import Cell

# A trigger is dangerous even behind spaces or line breaks (" =1+1" is still a formula to some readers);
# tab and carriage return are triggers themselves, so they end the leading blank run.
FORMULA = re.compile(r"[^\S\t\r]*[=+\-@\t\r]")
# Control characters that XML 1.0 cannot carry: openpyxl refuses them (IllegalCharacterError), so a juror's
# comment pasted from a PDF with a stray \x0b would otherwise make the whole export fail.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLAIN_TYPES = (int, float, Decimal, bool, datetime, date, time)


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula, even behind leading whitespace."""
    return FORMULA.match(text) is not None


def clean_text(text: str) -> str:
    """`text` without the characters no spreadsheet file can hold, so that what is checked is what is written
    (a `\\x01=cmd` would otherwise become `=cmd` further down the line)."""
    return ILLEGAL_CHARACTERS.sub("", text)


def safe_cell(value: Any) -> Any:
    """The CSV guard: numbers, dates and None pass unchanged; text that a spreadsheet would run as a formula
    gets a leading apostrophe (a CSV has no other way to say "text")."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if is_formula_like(value):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """A value openpyxl can write without failing or producing a file Excel calls corrupt (text is cleaned,
    not prefixed: `guard_cell` makes formula-like text a text cell once it is in the sheet).

    NaN and infinities have no representation in a numeric cell (Excel "repairs" the file), so they become
    empty cells; time-zone-aware datetimes are refused by openpyxl, so they are written as naive UTC;
    anything that is not a number, a date or text is written as its text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, PLAIN_TYPES):
        return value
    return clean_text(str(value))


def guard_cell(cell: Cell) -> Cell:
    """Make a cell holding formula-like text a plain text cell with the quote-prefix style (openpyxl would
    otherwise write `=...` as a formula). Other cells are left as they are."""
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or is_formula_like(value)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put_cell(sheet, row: int, column: int, value: Any) -> Cell:
    """Write `value` to the sheet through the guard: the only way text reaches a workbook cell here."""
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    return guard_cell(cell)


def text_csv_value(value: Any) -> Any:
    """A value for a CSV file: cleaned like a cell, formula-like text prefixed (see `safe_cell`)."""
    return safe_cell(cell_value(value))
