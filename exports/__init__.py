"""Excel workbooks and spreadsheet imports (openpyxl), fed plain data; never imports the web layer."""
from .imports import (ExhibitorRow, ImportResult, JurorImportRow, RowError, exhibitor_template, juror_template,
                      read_exhibitors, read_jurors)
from .spreadsheet import safe_cell
from .workbook import (CategoryResults, CriterionInfo, JurorRow, RankedRow, ResultsBook, ScoreRow,
                       build_results_workbook, category_csv, csv_files, results_workbook_bytes, table_workbook_bytes,
                       write_csv_files, write_results_workbook)

__all__ = [
    "ExhibitorRow", "ImportResult", "JurorImportRow", "RowError", "exhibitor_template", "juror_template",
    "read_exhibitors", "read_jurors", "safe_cell", "CategoryResults", "CriterionInfo", "JurorRow", "RankedRow",
    "ResultsBook", "ScoreRow", "build_results_workbook", "category_csv", "csv_files", "results_workbook_bytes",
    "table_workbook_bytes", "write_csv_files", "write_results_workbook",
]
