"""Excel workbooks, CSV files and spreadsheet imports (openpyxl), fed plain data.

Never imports the web layer, the database or the scoring engine: the app maps its results into the frozen
dataclasses of `exports.workbook` and gets bytes or text back.
"""

from .imports import (
    ExhibitorRow,
    ImportResult,
    JurorImportRow,
    RowError,
    exhibitor_template,
    juror_template,
    read_exhibitors,
    read_jurors,
)
from .presskit import PressEntry, PressImage, press_images_zip, press_kit_workbook
from .spreadsheet import guard_cell, put_cell, safe_cell
from .workbook import (
    ENGLISH_CSV,
    FRENCH_CSV,
    CategoryResults,
    CriterionInfo,
    CsvStyle,
    Flag,
    JurorRow,
    RankedRow,
    ResultsBook,
    ScoreRow,
    book_category_csv,
    build_results_workbook,
    category_csv,
    csv_files,
    csv_style,
    results_workbook,
    results_workbook_bytes,
    table_workbook_bytes,
    write_csv_files,
    write_results_workbook,
)

__all__ = [
    "ENGLISH_CSV",
    "FRENCH_CSV",
    "CategoryResults",
    "CriterionInfo",
    "CsvStyle",
    "Flag",
    "ExhibitorRow",
    "ImportResult",
    "JurorImportRow",
    "JurorRow",
    "PressEntry",
    "PressImage",
    "RankedRow",
    "ResultsBook",
    "RowError",
    "ScoreRow",
    "book_category_csv",
    "build_results_workbook",
    "category_csv",
    "csv_files",
    "csv_style",
    "exhibitor_template",
    "guard_cell",
    "press_images_zip",
    "press_kit_workbook",
    "put_cell",
    "juror_template",
    "read_exhibitors",
    "read_jurors",
    "results_workbook",
    "results_workbook_bytes",
    "safe_cell",
    "table_workbook_bytes",
    "write_csv_files",
    "write_results_workbook",
]
