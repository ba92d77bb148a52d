"""The results workbook handed to the ceremony, and CSV files per category, built from plain data."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .spreadsheet import safe_cell

SCORE_FORMAT = "0.0"
PERCENT_FORMAT = "0%"
PODIUM_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FONT = Font(bold=True)
MAX_WIDTH = 60


@dataclass(frozen=True)
class CriterionInfo:
    key: str
    name: str
    weight: float


@dataclass(frozen=True)
class RankedRow:
    rank: int
    entry_id: int
    title: str
    organisation: str
    country: str
    hall: str
    stand: str
    score: float | None
    criterion_means: Mapping[str, float]
    n_scorecards: int
    flags: tuple[str, ...] = ()
    p_first: float | None = None


@dataclass(frozen=True)
class CategoryResults:
    name: str
    position: int  # ceremony order
    method: str
    round_name: str
    criteria: tuple[CriterionInfo, ...]
    rows: tuple[RankedRow, ...]  # best first
    combined_note: str = ""


@dataclass(frozen=True)
class ScoreRow:
    juror_id: int
    juror: str
    category: str
    round_name: str
    entry_title: str
    marks: Mapping[str, float]
    weighted_total: float | None
    comment: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class JurorRow:
    juror_id: int
    juror: str
    assigned: int
    submitted: int
    mean: float | None
    severity: float | None


@dataclass(frozen=True)
class ResultsBook:
    edition: str
    method: str
    parameters: Mapping[str, object]
    categories: tuple[CategoryResults, ...]
    scores: tuple[ScoreRow, ...]
    jurors: tuple[JurorRow, ...]
    generated_at: datetime
    app_version: str
    fingerprint: str
    anonymise_jurors: bool = False
    source: str = "live"  # or "frozen snapshot of <date>"
    notes: tuple[str, ...] = field(default_factory=tuple)


def _juror_labels(book: ResultsBook) -> dict[int, str]:
    ids = sorted({s.juror_id for s in book.scores} | {j.juror_id for j in book.jurors})
    if book.anonymise_jurors:
        return {juror_id: f"J{n:02d}" for n, juror_id in enumerate(ids, start=1)}
    names = {s.juror_id: s.juror for s in book.scores} | {j.juror_id: j.juror for j in book.jurors}
    return {juror_id: names[juror_id] for juror_id in ids}


def sheet_title(category: CategoryResults, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = re.sub(r"[\[\]:*?/\\]", " ", f"{category.position} {category.name}")[:31].strip()
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def category_header(category: CategoryResults) -> list[str]:
    return (["Rank", "Entry", "Organisation", "Country", "Score"]
            + [f"{c.name} ({c.weight:g}%)" for c in category.criteria] + ["Scorecards", "Flags", "P(win)"])


def category_values(category: CategoryResults) -> list[list]:
    """The category sheet's rows, as values (shared by the sheet and the CSV, so they always agree)."""
    return [[row.rank, row.title, row.organisation, row.country, row.score]
            + [row.criterion_means.get(c.key) for c in category.criteria]
            + [row.n_scorecards, ", ".join(row.flags), row.p_first] for row in category.rows]


def _table(sheet, header: Sequence[str], rows: Sequence[Sequence], *, header_row: int) -> None:
    """Header in bold, frozen below it, with an autofilter, repeated on every printed page."""
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=header_row, column=column, value=safe_cell(title))
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=header_row + offset, column=column, value=safe_cell(value))
    last = get_column_letter(max(len(header), 1))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(rows), 1)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    _fit_columns(sheet, header, rows)


def _fit_columns(sheet, header: Sequence[str], rows: Sequence[Sequence]) -> None:
    for column, title in enumerate(header, start=1):
        longest = max([len(str(title))] + [len(f"{r[column - 1]:.1f}" if isinstance(r[column - 1], float)
                                               else str(r[column - 1] if r[column - 1] is not None else ""))
                                           for r in rows[:500] if column - 1 < len(r)])
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(8, longest + 2))


def _formats(sheet, first_row: int, last_row: int, columns: Mapping[int, str]) -> None:
    for column, number_format in columns.items():
        for row in range(first_row, last_row + 1):
            sheet.cell(row=row, column=column).number_format = number_format


def build_results_workbook(book: ResultsBook) -> Workbook:
    """The workbook: Ceremony, one sheet per category, Scores, Jurors and About."""
    workbook = Workbook()
    ceremony = workbook.active
    ceremony.title = "Ceremony"
    ordered = sorted(book.categories, key=lambda c: c.position)
    podium_rows = []
    for category in ordered:
        for row in category.rows[:3]:
            if row.score is None:
                continue
            place = {1: "Winner", 2: "Runner-up", 3: "Runner-up"}.get(row.rank, "Runner-up")
            podium_rows.append([category.name, row.rank, place, row.title, row.organisation, row.country,
                                f"{row.hall} {row.stand}".strip(), row.score])
    ceremony.cell(row=1, column=1, value=safe_cell(f"{book.edition} - Innovation Awards")).font = Font(bold=True, size=14)
    _table(ceremony, ["Category", "Rank", "Place", "Entry", "Organisation", "Country", "Stand", "Score"],
           podium_rows, header_row=3)
    _formats(ceremony, 4, 3 + len(podium_rows), {8: SCORE_FORMAT})

    used = {"ceremony", "scores", "jurors", "about"}
    for category in ordered:
        sheet = workbook.create_sheet(sheet_title(category, used))
        title = f"{category.name} - {category.round_name} - ranking by {category.method}"
        if category.combined_note:
            title += f" ({category.combined_note})"
        sheet.cell(row=1, column=1, value=safe_cell(title)).font = Font(bold=True, size=13)
        header, values = category_header(category), category_values(category)
        _table(sheet, header, values, header_row=3)
        n_criteria = len(category.criteria)
        last = 3 + len(values)
        _formats(sheet, 4, last, {5: SCORE_FORMAT, **{6 + i: SCORE_FORMAT for i in range(n_criteria)},
                                  6 + n_criteria + 2: PERCENT_FORMAT})
        for offset, row in enumerate(category.rows, start=4):
            if row.rank <= 3 and row.score is not None:
                for column in range(1, len(header) + 1):
                    sheet.cell(row=offset, column=column).fill = PODIUM_FILL
        scored = sum(1 for r in category.rows[:10] if r.score is not None)
        if scored:
            chart = BarChart()
            chart.type, chart.title, chart.y_axis.title = "bar", f"Top {scored}", "Score"
            chart.add_data(Reference(sheet, min_col=5, min_row=3, max_row=3 + scored), titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=2, min_row=4, max_row=3 + scored))
            chart.x_axis.scaling.orientation = "maxMin"  # the winner on top
            chart.height, chart.width = 8, 16
            sheet.add_chart(chart, f"{get_column_letter(len(header) + 2)}3")

    labels = _juror_labels(book)
    keys = list(dict.fromkeys(c.key for cat in book.categories for c in cat.criteria))
    names = {c.key: c.name for cat in book.categories for c in cat.criteria}
    scores = workbook.create_sheet("Scores")
    score_rows = [[labels[s.juror_id], s.category, s.round_name, s.entry_title] + [s.marks.get(k) for k in keys]
                  + [s.weighted_total, s.comment, s.submitted_at] for s in book.scores]
    _table(scores, ["Juror", "Category", "Round", "Entry"] + [names[k] for k in keys]
           + ["Weighted total", "Comment", "Submitted at"], score_rows, header_row=1)
    total_column = 5 + len(keys)
    _formats(scores, 2, 1 + len(score_rows), {total_column: SCORE_FORMAT, total_column + 2: "yyyy-mm-dd hh:mm"})

    jurors = workbook.create_sheet("Jurors")
    juror_rows = [[labels[j.juror_id], j.assigned, j.submitted, j.mean, j.severity] for j in book.jurors]
    _table(jurors, ["Juror", "Assigned", "Submitted", "Mean", "Severity"], juror_rows, header_row=1)
    _formats(jurors, 2, 1 + len(juror_rows), {4: SCORE_FORMAT, 5: "+0.0;-0.0;0.0"})

    about = workbook.create_sheet("About")
    facts = [["Edition", book.edition], ["Method", book.method]]
    facts += [[f"Parameter: {k}", v] for k, v in sorted(book.parameters.items())]
    facts += [["Results source", book.source], ["Generated at", book.generated_at],
              ["App version", book.app_version], ["Fingerprint of the scores (SHA-256)", book.fingerprint],
              ["Jurors anonymised", "yes" if book.anonymise_jurors else "no"]]
    facts += [["Note", note] for note in book.notes]
    for category in ordered:
        facts.append([f"{category.name} - {category.round_name}",
                      "; ".join(f"{c.name} {c.weight:g}%" for c in category.criteria)
                      + (f" ({category.combined_note})" if category.combined_note else "")])
    _table(about, ["Item", "Value"], facts, header_row=1)
    return workbook


def write_results_workbook(book: ResultsBook, target) -> None:
    """Write the workbook to a path or a binary file object."""
    build_results_workbook(book).save(target)


def results_workbook_bytes(book: ResultsBook) -> bytes:
    buffer = io.BytesIO()
    write_results_workbook(book, buffer)
    return buffer.getvalue()


def category_csv(category: CategoryResults) -> str:
    """The category sheet as CSV text, same columns and values, for other tools."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in category_header(category)])
    for values in category_values(category):
        writer.writerow([safe_cell("" if v is None else v) for v in values])
    return buffer.getvalue()


def csv_files(book: ResultsBook) -> dict[str, str]:
    """File name -> CSV text, one per category."""
    used: set[str] = set()
    return {f"{sheet_title(c, used)}.csv": category_csv(c) for c in sorted(book.categories, key=lambda c: c.position)}


def write_csv_files(book: ResultsBook, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in csv_files(book).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def table_workbook_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """A one-sheet workbook of a plain table (the audit trail), with the same formatting and cell guard."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    _table(sheet, header, rows, header_row=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
