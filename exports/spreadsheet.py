"""The one guard every text cell passes before it is written to .xlsx or .csv.

A spreadsheet opens a cell starting with = + - @ (or a tab or carriage return) as a formula, so an entry
titled `=HYPERLINK("http://evil","click")` could run in an organiser's Excel. Such text gets a leading
apostrophe and stays text (the OWASP advice on CSV injection; indico's util/spreadsheets.py does the same).
"""
from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Numbers, dates and None pass unchanged; text that a spreadsheet would run as a formula is defused."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
