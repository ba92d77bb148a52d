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
from .spreadsheet import safe_cell
from .workbook import (
    CategoryResults,
    CriterionInfo,
    JurorRow,
    PairwiseSummary,
    RankedRow,
    ResultsBook,
    ScoreRow,
    build_results_workbook,
    category_csv,
    csv_files,
    results_workbook,
    results_workbook_bytes,
    table_workbook_bytes,
    write_csv_files,
    write_results_workbook,
)
from .workbook_limits import IMPORT_LIMITS, Limit, TooLarge, WorkbookLimits

__all__ = [
    "IMPORT_LIMITS",
    "Limit",
    "TooLarge",
    "WorkbookLimits",
    "CategoryResults",
    "PairwiseSummary",
    "CriterionInfo",
    "ExhibitorRow",
    "ImportResult",
    "JurorImportRow",
    "JurorRow",
    "RankedRow",
    "ResultsBook",
    "RowError",
    "ScoreRow",
    "build_results_workbook",
    "category_csv",
    "csv_files",
    "exhibitor_template",
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
