"""The one guard every cell passes before it is written to .xlsx or .csv.

A spreadsheet opens a cell starting with = + - @ (or a tab or carriage return) as a formula, so an entry
titled `=HYPERLINK("http://evil","click")` could run in an organiser's Excel. Such text gets a leading
apostrophe and stays text (the OWASP advice on CSV injection; indico's util/spreadsheets.py does the same).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

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


def safe_cell(value: Any) -> Any:
    """Numbers, dates and None pass unchanged; text that a spreadsheet would run as a formula is defused.

    Characters that no spreadsheet file can hold are dropped first, so that what is checked is what is
    written (a `\\x01=cmd` would otherwise become `=cmd` further down the line).
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS.sub("", value)
    if is_formula_like(value):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """A value openpyxl can write without failing or producing a file Excel calls corrupt.

    NaN and infinities have no representation in a numeric cell (Excel "repairs" the file), so they become
    empty cells; time-zone-aware datetimes are refused by openpyxl, so they are written as naive UTC;
    anything that is not a number, a date or text is written as its text.
    """
    if value is None or isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, PLAIN_TYPES):
        return value
    return safe_cell(str(value))
