"""The results workbook handed to the ceremony, and CSV files per category, built from plain data.

The app maps its rankings into the frozen dataclasses below; nothing here knows about the database or the
scoring engine, so the workbook shows exactly the numbers it is given (full floats, formatted to one decimal
by the cell's number format, never rounded copies).

Labels (sheet names, headings, column titles) are English in the code and go through the book's
`translate` when the workbook is built: the app passes its gettext for the organiser's language, and
`make translations` finds them here (`_(...)` where used, `N_(...)` where defined ahead of use).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from .spreadsheet import cell_value, guard_cell, is_formula_like, safe_cell

SCORE_FORMAT = "0.0"
PERCENT_FORMAT = "0%"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SEVERITY_FORMAT = "+0.0;-0.0;0.0"
PODIUM_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FONT = Font(bold=True)
MAX_WIDTH = 60
WRAP = Alignment(wrap_text=True, vertical="top")
MIN_WIDTH = 6
CHART_ENTRIES = 10
SHEET_TITLE_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def N_(text: str) -> str:
    """Marks a label for the translators where it is defined; it is translated where it is used."""
    return text


def as_is(text: str) -> str:
    """The default `translate`: English labels."""
    return text


SHEET_NAMES = (N_("Ceremony"), N_("Scores"), N_("Jurors"), N_("About"))
RESERVED_SHEET_TITLES = {name.lower() for name in SHEET_NAMES} | {"history"}  # "History" is reserved by Excel


@dataclass(frozen=True)
class CriterionInfo:
    """A criterion as the workbook names it: weight in percent, marking scale when known."""

    key: str
    name: str
    weight: float
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Flag:
    """A ranking flag as data, worded by the workbook in the book's language (never a sentence carrying a
    name: an anonymised workbook shows the juror's label, a named one the juror's name).

    `kind`: the engine's flag kinds (`scoring.flags.FlagKind` values, copied here so that `exports` never
    imports the engine): "incomplete", "tie_broken", "tie_undecided" (the jury decides), "outlier_juror"
    (with `juror_id`), "joint_winner" (with the jury's `reason`); any other kind is shown as it is.
    """

    kind: str
    juror_id: int | None = None
    reason: str = ""


FLAG_WORDS = {
    "incomplete": N_("incomplete (too few scorecards)"),
    "tie_broken": N_("tie broken"),
    "tie_undecided": N_("tie: the jury decides"),
    "outlier_juror": N_("scored by an outlier juror (%(juror)s)"),
    "joint_winner": N_("joint winner: %(reason)s"),
}


@dataclass(frozen=True)
class RankedRow:
    """One line of a category's ranking, as shown on the results page."""

    rank: int
    entry_id: int
    title: str
    organisation: str
    country: str
    hall: str
    stand: str
    score: float | None  # None: not enough scorecards to rank
    criterion_means: Mapping[str, float]
    n_scorecards: int
    flags: tuple[Flag | str, ...] = ()  # a plain string is a flag's kind
    p_first: float | None = None
    p_top3: float | None = None
    complete: bool = True  # False: fewer scorecards than the minimum; such a row is never on the podium
    undecided_tie: bool = False  # shares its place and the jury has not decided: no award is printed for it


@dataclass(frozen=True)
class PairwiseSummary:
    """The pairwise cross-check of a final (jurors' "better or worse than the previous stand?", Bradley–Terry).

    `agrees` is None when there is nothing to compare (no answer, or no winner by the marks)."""

    answers: int
    agrees: bool | None
    winners: tuple[str, ...] = ()  # titles the pairwise ranking puts first


@dataclass(frozen=True)
class CategoryResults:
    """A category's deciding round, ranked best first."""

    name: str
    position: int  # ceremony order
    method: str
    criteria: tuple[CriterionInfo, ...]
    rows: tuple[RankedRow, ...]  # best first
    round_name: str = ""
    combined_note: str = ""
    pairwise: PairwiseSummary | None = None  # None: the deciding round is not judged on the stands


@dataclass(frozen=True)
class ScoreRow:
    """One submitted scorecard."""

    juror_id: int
    juror: str
    category: str
    entry_title: str
    marks: Mapping[str, float]
    weighted_total: float | None
    comment: str
    submitted_at: datetime | None
    round_name: str = ""
    entry_id: int | None = None
    juror_email: str = ""  # only to redact it from free text when anonymised; never written


@dataclass(frozen=True)
class JurorRow:
    """A juror's workload and marking tendency (severity: how far below the panel they mark)."""

    juror_id: int
    juror: str
    assigned: int
    submitted: int
    mean: float | None
    severity: float | None
    category: str = ""  # set when a juror sits on several juries and has a row for each
    email: str = ""  # only to redact it from free text when anonymised; never written


@dataclass(frozen=True)
class ResultsBook:
    """Everything the workbook shows; `generated_at` is UTC."""

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
    combined_note: str = ""
    source: str = "live"  # or "frozen results of <date>"
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Each method's name in the book's language, from the app's one wording of methods (the results page's words).
    method_names: Mapping[str, str] = field(default_factory=dict)
    override_note: str = ""  # set on the one export made under a sign-off override, never stored with the results
    translate: Callable[[str], str] = field(default=as_is, compare=False, repr=False)  # labels' language
    branding: str = "Milipol Innovation Awards"  # the show's name on the cover and in the file's properties


# --- shared layout ------------------------------------------------------------------------------------------


def describe_method(method: str, names: Mapping[str, str], translate: Callable[[str], str] = as_is) -> str:
    """'Ranking by mean of the weighted totals' and so on; an unknown method code is shown as it is."""
    return translate(N_("Ranking by %(method)s")) % {"method": names.get(method, method)}


def sheet_title(category: CategoryResults, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, no apostrophe at either end.

    `used` holds the lower-cased names taken so far (Excel compares sheet names case-insensitively),
    including the fixed sheets' names in the workbook's language.
    """
    base = SHEET_TITLE_CHARACTERS.sub(" ", f"{category.position} {category.name}")
    base = " ".join(base.split())[:31].strip(" '") or str(category.position)
    title, n = base, 2
    while title.lower() in used or title.lower() in RESERVED_SHEET_TITLES:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)].rstrip(" '") + suffix, n + 1
    used.add(title.lower())
    return title


def _show_top3(category: CategoryResults) -> bool:
    return any(row.p_top3 is not None for row in category.rows)


def category_header(category: CategoryResults, translate: Callable[[str], str] = as_is) -> list[str]:
    """The category sheet's (and CSV's) column titles."""
    _ = translate
    return (
        [_("Rank"), _("Entry"), _("Organisation"), _("Country"), _("Score")]
        + [f"{c.name} ({c.weight:g}%)" for c in category.criteria]
        + [_("Scorecards"), _("Flags"), _("P(win)")]
        + ([_("P(top 3)")] if _show_top3(category) else [])
    )


def flag_words(
    flag: Flag | str,
    translate: Callable[[str], str] = as_is,
    jurors: Mapping[int, str] | None = None,
    scrub: Callable[[str], str] | None = None,
) -> str:
    """One flag in words: an outlier juror is shown as `jurors[juror_id]` (a name, or a label such as J03
    in an anonymised book); a joint-winner reason passes `scrub` (names and emails redacted when anonymised)."""
    if isinstance(flag, str):
        flag = Flag(flag)
    if flag.kind not in FLAG_WORDS:
        return flag.kind
    words = translate(FLAG_WORDS[flag.kind])
    if flag.kind == "outlier_juror":
        juror = (jurors or {}).get(flag.juror_id) if flag.juror_id is not None else None
        return words % {"juror": juror or "?"}
    if flag.kind == "joint_winner":
        return words % {"reason": scrub(flag.reason) if scrub else flag.reason}
    return words


def category_values(category: CategoryResults, describe: Callable[[Flag | str], str] = flag_words) -> list[list]:
    """The category sheet's rows, as values (shared by the sheet and the CSV, so they always agree);
    `describe` words a flag (see `book_flag_words`)."""
    top3 = _show_top3(category)
    return [
        [row.rank, row.title, row.organisation, row.country, row.score]
        + [row.criterion_means.get(c.key) for c in category.criteria]
        + [row.n_scorecards, ", ".join(describe(f) for f in row.flags), row.p_first]
        + ([row.p_top3] if top3 else [])
        for row in category.rows
    ]


def _category_formats(category: CategoryResults) -> dict[int, str]:
    """0-based column -> number format, matching `category_header`."""
    n = len(category.criteria)
    formats = {4: SCORE_FORMAT, **{5 + i: SCORE_FORMAT for i in range(n)}, 7 + n: PERCENT_FORMAT}
    if _show_top3(category):
        formats[8 + n] = PERCENT_FORMAT
    return formats


def _column_width(values: Sequence, number_format: str | None) -> int:
    """Roughly how many characters Excel shows for the widest of `values` under `number_format`."""
    widest = 0
    for value in values:
        if value is None:
            continue
        if isinstance(value, str):
            width = max(map(len, value.splitlines())) if "\n" in value else len(value)
        elif isinstance(value, float):
            if number_format == PERCENT_FORMAT:
                width = 4
            elif number_format in (SCORE_FORMAT, SEVERITY_FORMAT):
                width = len(f"{value:+.1f}")
            else:
                width = len(f"{value:.6g}")
        elif isinstance(value, (datetime, date)):
            width = 16
        else:
            width = len(str(value))
        if width > widest:
            widest = width
            if widest >= MAX_WIDTH:
                break
    return widest


LINE_HEIGHT = 1.3  # points of row height per point of font size, per line


def wrapped_lines(text: str, width: float, font_size: float = 11) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide (Excel's unit: the width
    of a digit at 11 pt) at `font_size`; generous, since the printer's font may be wider than Calibri."""
    per_line = max(1, int((width - 1) * 11 / font_size * 0.9))
    lines = 0
    for paragraph in text.split("\n"):
        used, count = 0, 1
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                count, used = count + 1, 0
            while size > per_line:  # a word longer than the column is broken across lines
                count, size = count + 1, size - per_line
            used += (1 if used else 0) + size
        lines += count
    return max(lines, 1)


def _exact_text(value: float) -> str | None:
    """The float's shortest exact text (repr) when openpyxl's "%.16g" would lose its 17th significant digit,
    else None: the file must read back as exactly the app's number."""
    if float("%.16g" % value) != value:  # noqa: UP031 - the very format openpyxl uses
        return repr(value)
    return None


class _PreparedSheet(WriteOnlyWorksheet):
    """A write-only sheet whose `append` takes the cells it is given as they are. openpyxl's own first tries
    each cell as a value, fails (an exception per styled cell), then takes it and makes a new cell for the
    next value: that doubled the cost of a styled cell, and the Scores sheet has thousands of them."""

    def _values_to_row(self, values, row_idx):
        plain = WriteOnlyCell(self)
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                cell = plain
                cell.value = value
            cell.column, cell.row = column, row_idx
            yield cell
            if cell is plain and plain.has_style:  # a date took a number format: not for the next value
                plain = WriteOnlyCell(self)


class _Book(Workbook):
    """A write-only workbook of `_PreparedSheet`s."""

    def __init__(self):
        super().__init__(write_only=True)

    def create_sheet(self, title=None, index=None):
        sheet = _PreparedSheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


class _Cells:
    """Makes a write-only sheet's cells: a plain value when it needs no style, else a `WriteOnlyCell` through
    the guard (formula-like text becomes a quote-prefixed text cell; a float keeps every digit), its style
    built once per combination and shared."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.styles: dict[tuple, StyleArray] = {}

    def make(self, value, *, number_format=None, font=None, fill=None, wrap=False):
        """`value` (already through `cell_value`) as what `sheet.append` takes."""
        exact = _exact_text(value) if type(value) is float else None
        quoted = type(value) is str and is_formula_like(value)
        if type(value) is datetime and number_format is None:
            number_format = DATETIME_FORMAT
        if not (number_format or font or fill or wrap or exact or quoted):
            return value
        cell = WriteOnlyCell(self.sheet, value)
        key = (number_format, font, fill, wrap, quoted)
        style = self.styles.get(key)
        if style is None:
            if number_format:
                cell.number_format = number_format
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
            if wrap:
                cell.alignment = WRAP
            if quoted:
                cell.quotePrefix = True
            style = self.styles[key] = copy(cell._style)
        cell._style = copy(style)
        if quoted:
            cell.data_type = "s"
        if exact:
            cell._value = exact
        return cell


def _table(
    sheet,
    header: Sequence[str],
    rows: Sequence[Sequence],
    *,
    above: Sequence[Sequence] = (),
    formats: Mapping[int, str] | None = None,
    highlight: Iterable[int] = (),
    widths: Mapping[int, int] | None = None,
    font_size: float = 11,
    header_font: Font = HEADER_FONT,
    font: Font | None = None,
    bold_rows: Iterable[int] = (),
) -> None:
    """Write a table to a new write-only sheet: the rows `above` it first (titles, see `_title`), then a
    header frozen above the data, autofilter, number formats, fitted column widths, highlighted rows (0-based
    indexes into `rows`), and a landscape A4 page one page wide with the header repeated on every printed
    page. `widths` fixes some columns' widths (0-based index -> characters); their text wraps. Text wider than
    `MAX_WIDTH` wraps too: nothing is ever cut. `font` sets every data cell's font (and wraps every cell),
    bold on `bold_rows`. Widths and heights are set before any row is written, as write-only mode needs."""
    formats = dict(formats or {})
    header_row = len(above) + 1
    first = header_row + 1
    values = [[cell_value(v) for v in row] for row in rows]
    wrapped: set[int] = set()
    line_counts: dict[int, int] = {}
    for index, title in enumerate(header):
        column = [row[index] for row in values if index < len(row)]
        # A long header wraps rather than widening its column.
        width = max(min(len(str(title)), 30), _column_width(column, formats.get(index)))
        if widths and index in widths:
            width = widths[index] - 2
        shown = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
        sheet.column_dimensions[get_column_letter(index + 1)].width = shown
        if width + 2 > MAX_WIDTH or (widths and index in widths):
            # Text longer than its column wraps onto more lines instead of being cut at the column's edge.
            wrapped.add(index)
            for offset, row in enumerate(values):
                if index < len(row) and isinstance(row[index], str):
                    lines = wrapped_lines(row[index], shown, font_size)
                    if lines > line_counts.get(offset, 1):
                        line_counts[offset] = lines
    # Neither Excel nor LibreOffice grows a row to its wrapped text when it opens a file: the height is set.
    for offset, lines in line_counts.items():
        sheet.row_dimensions[first + offset].height = round(lines * font_size * LINE_HEIGHT + 3, 1)
    last_column = get_column_letter(max(len(header), 1))
    sheet.freeze_panes = f"A{first}"
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + max(len(rows), 1)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    print_setup(sheet)

    cells = _Cells(sheet)
    for row in above:
        sheet.append(row)
    sheet.append([cells.make(cell_value(title), font=header_font, wrap=True) for title in header])
    highlight, bold_rows = set(highlight), set(bold_rows)
    bold = copy(font) if font is not None else None
    if bold is not None:
        bold.bold = True
    width = len(header)
    for offset, row in enumerate(values):
        fill = PODIUM_FILL if offset in highlight else None
        row_font = (bold if offset in bold_rows else font) if font is not None else None
        if fill or font:  # every cell of the line is styled, empty ones too
            row = row + [None] * (width - len(row))
        sheet.append(
            [
                cells.make(
                    value,
                    number_format=formats.get(index),
                    font=row_font,
                    fill=fill,
                    wrap=font is not None or (index in wrapped and type(value) is str),
                )
                for index, value in enumerate(row)
            ]
        )


def print_setup(sheet, *, orientation: str = "landscape") -> None:
    """A4, one page wide and as many down as needed, page margins of about 1.5 cm, and the page number in
    the footer."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = orientation
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.7
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "&P / &N"


def _title(
    sheet, text: str, *, size: int = 13, row: int = 1, bold: bool = True, across: int = 0, color: str | None = None
) -> list:
    """A title line (row `row`), to pass in `_table`'s `above`; `across` columns merged under it so a long
    title wraps within the printed width."""
    cell = WriteOnlyCell(sheet, cell_value(text))
    guard_cell(cell)
    cell.font = Font(bold=bold, italic=not bold, size=size, color=color)
    if size > 11:
        sheet.row_dimensions[row].height = round(size * LINE_HEIGHT + 3, 1)
    if across > 1:
        sheet.merged_cells.add(f"A{row}:{get_column_letter(across)}{row}")
        cell.alignment = WRAP
    return [cell]


# --- the sheets ---------------------------------------------------------------------------------------------


def _stand(row: RankedRow, _: Callable[[str], str]) -> str:
    hall, stand = (row.hall or "").strip(), (row.stand or "").strip()
    if hall and stand:
        return _("Hall %(hall)s, stand %(stand)s") % {"hall": hall, "stand": stand}
    if hall:
        return _("Hall %(hall)s") % {"hall": hall}
    return _("Stand %(stand)s") % {"stand": stand} if stand else ""


AWARDS = {
    (1, False): N_("Winner"),
    (2, False): N_("Runner-up (2nd)"),
    (3, False): N_("Runner-up (3rd)"),
    (1, True): N_("Joint winner"),
    (2, True): N_("Joint runner-up (2nd)"),
    (3, True): N_("Joint runner-up (3rd)"),
}
UNDECIDED = N_("Tied: the jury decides")


def _has_score(row: RankedRow) -> bool:
    return row.score is not None and math.isfinite(row.score)


def podium(category: CategoryResults) -> list[RankedRow]:
    """The rows read out on stage: every complete row placed 1 to 3, so a shared place shows every holder.
    An incomplete entry is never on the podium, whatever its rank."""
    return [row for row in category.rows if _has_score(row) and row.complete and row.rank <= 3]


CEREMONY_HEADER = [
    N_("Category"),
    N_("Place"),
    N_("Award"),
    N_("Entry"),
    N_("Organisation"),
    N_("Country"),
    N_("Stand"),
    N_("Score"),
]


# Printed on A4 landscape at (about) full scale: the widths add up to the page's printable width, so the
# 12 pt text prints at 11 pt or more; long names wrap onto a second line instead of being cut.
CEREMONY_WIDTHS = {0: 22, 1: 7, 2: 17, 3: 30, 4: 28, 5: 9, 6: 16, 7: 8}
CEREMONY_FONT_SIZE = 12


def _ceremony(workbook: Workbook, book: ResultsBook, ordered: Sequence[CategoryResults]) -> None:
    _ = book.translate
    sheet = workbook.create_sheet(_("Ceremony"))
    across = len(CEREMONY_HEADER)
    title = _("%(edition)s ceremony - %(branding)s") % {"edition": book.edition, "branding": book.branding}
    above = [
        _title(sheet, title, size=16, across=across),
        _title(
            sheet,
            _("Categories in ceremony order; a shared place is shown for every entry holding it."),
            size=CEREMONY_FONT_SIZE,
            row=2,
            bold=False,
            across=across,
        ),
    ]
    if book.override_note:  # an export made under a sign-off override says so under its title
        scrub = _scrubber(book, juror_labels(book))
        above.append(
            _title(sheet, scrub(book.override_note), size=CEREMONY_FONT_SIZE, row=3, across=across, color="C00000")
        )
    rows, winners = [], []
    for category in ordered:
        placed = podium(category)
        ranks = [r.rank for r in placed]
        for row in placed:
            if row.rank == 1 and not row.undecided_tie:
                winners.append(len(rows))
            award = _(UNDECIDED) if row.undecided_tie else _(AWARDS[row.rank, ranks.count(row.rank) > 1])
            rows.append(
                [category.name, row.rank, award, row.title, row.organisation, row.country, _stand(row, _), row.score]
            )
    _table(
        sheet,
        [_(title) for title in CEREMONY_HEADER],
        rows,
        above=above,
        formats={7: SCORE_FORMAT},
        widths=CEREMONY_WIDTHS,
        font_size=CEREMONY_FONT_SIZE,
        header_font=Font(size=CEREMONY_FONT_SIZE, bold=True),
        font=Font(size=CEREMONY_FONT_SIZE),
        bold_rows=winners,  # the winner's line stands out when read from a lectern
    )


def _category_sheet(
    workbook: Workbook,
    book: ResultsBook,
    category: CategoryResults,
    title: str,
    describe: Callable[[Flag | str], str],
) -> None:
    _ = book.translate
    sheet = workbook.create_sheet(title)
    heading = category.name + (f" - {category.round_name}" if category.round_name else "")
    above = [
        _title(sheet, f"{heading}: {describe_method(category.method, book.method_names, _)}"),
        _title(sheet, category.combined_note, size=10, row=2, bold=False) if category.combined_note else [],
    ]
    header, values = category_header(category, _), category_values(category, describe)
    top = [i for i, row in enumerate(category.rows) if row.rank <= 3 and _has_score(row)]
    _table(sheet, header, values, above=above, formats=_category_formats(category), highlight=top)
    scored = 0
    for row in category.rows[:CHART_ENTRIES]:  # unranked entries (no score) come last
        if not _has_score(row):
            break
        scored += 1
    if scored:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Top %(count)d scores") % {"count": scored}
        chart.y_axis.title = _("Score")
        chart.y_axis.numFmt = SCORE_FORMAT
        chart.legend = None
        # openpyxl 3.1 leaves out <c:delete val="0"/>, and Excel then hides both axes: write it explicitly.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.add_data(Reference(sheet, min_col=5, min_row=3, max_row=3 + scored), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=4, max_row=3 + scored))
        chart.x_axis.scaling.orientation = "maxMin"  # the winner on top, as on the results page
        chart.height, chart.width = 8, 16
        sheet.add_chart(chart, f"{get_column_letter(len(header) + 2)}3")


def juror_labels(book: ResultsBook) -> dict[int, str]:
    """juror_id -> the name shown, or J01, J02... numbered by sorted juror_id when anonymised (so a
    juror keeps their label across exports of the same edition)."""
    ids = sorted({s.juror_id for s in book.scores} | {j.juror_id for j in book.jurors})
    if book.anonymise_jurors:
        return {juror_id: f"J{n:02d}" for n, juror_id in enumerate(ids, start=1)}
    names = {s.juror_id: s.juror for s in book.scores} | {j.juror_id: j.juror for j in book.jurors}
    return {juror_id: names[juror_id] for juror_id in ids}


EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
NAME_PARTICLES = {"van", "von", "der", "den", "del", "della", "des", "les", "dos", "das", "bin", "ibn"}
REDACTED_EMAIL = "[email]"


def _scrubber(book: ResultsBook, labels: Mapping[int, str]) -> Callable[[str], str]:
    """In an anonymised book, free text (comments, a joint-winner reason, notes) loses every juror's name:
    the full name, or any part of it of three letters or more (a comment signed "- Dubois" or "Claire
    thought..."), becomes the juror's label, and every email address becomes "[email]"."""
    if not book.anonymise_jurors:
        return lambda text: text
    people = [(s.juror, s.juror_email, labels[s.juror_id]) for s in book.scores]
    people += [(j.juror, j.email, labels[j.juror_id]) for j in book.jurors]
    names: dict[str, str] = {}
    for name, email, label in people:
        for address in (email, name if "@" in name else ""):
            if address:
                names.setdefault(address.lower(), label)
        if "@" in name:
            continue
        names.setdefault(" ".join(name.split()).lower(), label)
        for part in re.split(r"[\s]+", name):
            if len(part) >= 3 and part.lower() not in NAME_PARTICLES:
                names.setdefault(part.lower(), label)
                for piece in part.split("-"):  # "Al-Thani" is also written "Thani"
                    if len(piece) >= 4:
                        names.setdefault(piece.lower(), label)
    names = {name: label for name, label in names.items() if len(name.strip()) >= 3}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w@.])(?:{alternatives})(?![\w@])", re.IGNORECASE) if names else None

    def scrub(text: str) -> str:
        if not text:
            return text
        if pattern is not None:
            text = pattern.sub(lambda m: names[m.group(0).lower()], text)
        return EMAIL.sub(REDACTED_EMAIL, text)

    return scrub


def book_flag_words(book: ResultsBook) -> Callable[[Flag | str], str]:
    """The book's way of wording a flag: its language, its jurors' names or labels, its redaction."""
    labels = juror_labels(book)
    scrub = _scrubber(book, labels)
    return lambda flag: flag_words(flag, book.translate, labels, scrub)


def _criterion_columns(book: ResultsBook) -> list[tuple[str, str]]:
    """(key, column title) for every criterion key of every category, in first-seen order."""
    names: dict[str, str] = {}
    for category in book.categories:
        for criterion in category.criteria:
            names.setdefault(criterion.key, criterion.name)
    taken = list(names.values())
    return [(key, name if taken.count(name) == 1 else f"{name} ({key})") for key, name in names.items()]


def _scores(workbook: Workbook, book: ResultsBook, labels: Mapping[int, str]) -> None:
    _ = book.translate
    sheet = workbook.create_sheet(_("Scores"))
    scrub = _scrubber(book, labels)
    columns = _criterion_columns(book)
    with_round = any(s.round_name for s in book.scores)
    header = (
        [_("Juror"), _("Category")]
        + ([_("Round")] if with_round else [])
        + [_("Entry")]
        + [title for _key, title in columns]
        + [_("Weighted total"), _("Comment"), _("Submitted at (UTC)")]
    )
    rows = [
        [labels[s.juror_id], s.category]
        + ([s.round_name] if with_round else [])
        + [s.entry_title]
        + [s.marks.get(key) for key, _title in columns]
        + [s.weighted_total, scrub(s.comment), s.submitted_at]
        for s in book.scores
    ]
    total = len(header) - 3
    _table(sheet, header, rows, formats={total: SCORE_FORMAT, total + 2: DATETIME_FORMAT})


def _jurors(workbook: Workbook, book: ResultsBook, labels: Mapping[int, str]) -> None:
    _ = book.translate
    sheet = workbook.create_sheet(_("Jurors"))
    with_category = any(j.category for j in book.jurors)
    header = (
        [_("Juror")]
        + ([_("Category")] if with_category else [])
        + [_("Assigned"), _("Submitted"), _("Mean"), _("Severity")]
    )
    rows = [
        [labels[j.juror_id]] + ([j.category] if with_category else []) + [j.assigned, j.submitted, j.mean, j.severity]
        for j in book.jurors
    ]
    shift = int(with_category)
    _table(sheet, header, rows, formats={3 + shift: SCORE_FORMAT, 4 + shift: SEVERITY_FORMAT})


def _criterion_text(criterion: CriterionInfo, _: Callable[[str], str]) -> str:
    scale = (
        " " + _("(marked %(low)s to %(high)s)") % {"low": f"{criterion.min:g}", "high": f"{criterion.max:g}"}
        if None not in (criterion.min, criterion.max)
        else ""
    )
    return f"{criterion.name} {criterion.weight:g}%{scale}"


def _about(workbook: Workbook, book: ResultsBook, ordered: Sequence[CategoryResults]) -> None:
    _ = book.translate
    sheet = workbook.create_sheet(_("About"))
    facts: list[list] = [
        [_("Edition"), book.edition],
        [_("Method"), book.method],
        [_("Ranking method"), describe_method(book.method, book.method_names, _)],
    ]
    facts += [[_("Parameter: %(name)s") % {"name": key}, value] for key, value in sorted(book.parameters.items())]
    facts += [
        [_("Results source"), book.source],
        [_("Generated at (UTC)"), book.generated_at],
        [_("App version"), book.app_version],
        [_("Fingerprint of the scores (SHA-256)"), book.fingerprint],
        [_("Jurors anonymised"), _("yes") if book.anonymise_jurors else _("no")],
    ]
    if book.combined_note:
        facts.append([_("Combined rounds"), book.combined_note])
    scrub = _scrubber(book, juror_labels(book))
    if book.override_note:
        facts.append([_("Sign-off override"), scrub(book.override_note)])
    facts += [[_("Note"), scrub(note)] for note in book.notes]
    for category in ordered:
        label = category.name + (f" - {category.round_name}" if category.round_name else "")
        text = "; ".join(_criterion_text(c, _) for c in category.criteria)
        if category.method != book.method:
            text += f" - {describe_method(category.method, book.method_names, _)}"
        if category.combined_note:
            text += f" ({category.combined_note})"
        facts.append([label, text])
    for category in ordered:
        if category.pairwise is not None:
            facts.append(
                [
                    _("Pairwise cross-check: %(category)s") % {"category": category.name},
                    pairwise_text(category.pairwise, _),
                ]
            )
    _table(sheet, [_("Item"), _("Value")], facts)


def pairwise_text(summary: PairwiseSummary, _: Callable[[str], str] = as_is) -> str:
    """Whether the marks and the jurors' pairwise answers crown the same entry, in words for the About sheet."""
    if summary.answers == 0:
        return _("no pairwise answer from the jurors")
    if summary.agrees is None:
        return _("%(n)s pairwise answers; no winner by the marks yet") % {"n": summary.answers}
    if summary.agrees:
        return _("marks and pairwise agree on the winner (%(n)s answers, Bradley-Terry)") % {"n": summary.answers}
    return _(
        "marks and pairwise disagree: pairwise would crown %(titles)s (%(n)s answers, Bradley-Terry); "
        "the official result is the marks'"
    ) % {"titles": ", ".join(summary.winners), "n": summary.answers}


def results_workbook(book: ResultsBook) -> Workbook:
    """The openpyxl Workbook (Ceremony, one sheet per category, Scores, Jurors, About), not yet saved; in
    write-only mode (each cell streamed once, as fast as openpyxl writes), so it can be saved once."""
    _ = book.translate
    workbook = _Book()
    workbook.properties.title = _("%(edition)s - results") % {"edition": book.edition}
    workbook.properties.creator = book.branding  # never the organiser's or a juror's name
    workbook.properties.lastModifiedBy = book.branding
    ordered = sorted(book.categories, key=lambda c: c.position)
    _ceremony(workbook, book, ordered)
    used = {_(name).lower() for name in SHEET_NAMES}
    describe = book_flag_words(book)
    for category in ordered:
        _category_sheet(workbook, book, category, sheet_title(category, used), describe)
    labels = juror_labels(book)
    _scores(workbook, book, labels)
    _jurors(workbook, book, labels)
    _about(workbook, book, ordered)
    return workbook


def build_results_workbook(book: ResultsBook) -> bytes:
    """The results workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    results_workbook(book).save(buffer)
    return buffer.getvalue()


results_workbook_bytes = build_results_workbook  # the name the app's routes use


def write_results_workbook(book: ResultsBook, target: str | Path | IO[bytes]) -> None:
    """Write the workbook to a path or a binary file object."""
    data = build_results_workbook(book)
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)


# --- CSV ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV file is written for its reader's spreadsheet: Excel set to French (and most of continental
    Europe) splits columns on `;` and reads `62,5` as a number, so the French download uses those; English
    Excel expects `,` and `62.5`. Both start with a UTF-8 byte-order mark so that "Société" opens right."""

    delimiter: str = ","
    decimal: str = "."
    bom: str = "\ufeff"


ENGLISH_CSV = CsvStyle()
FRENCH_CSV = CsvStyle(delimiter=";", decimal=",")
CSV_STYLES = {"en": ENGLISH_CSV, "fr": FRENCH_CSV}


def csv_style(language: str) -> CsvStyle:
    """The CSV style of a language's Excel: `;` and decimal comma for French, `,` and a point otherwise."""
    return CSV_STYLES.get(language, ENGLISH_CSV)


def _csv_text(value, style: CsvStyle = ENGLISH_CSV) -> str:
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", style.decimal)  # the shortest text that reads back as the same float
    return str(safe_cell(value))


def category_csv(
    category: CategoryResults,
    translate: Callable[[str], str] = as_is,
    *,
    style: CsvStyle = ENGLISH_CSV,
    describe: Callable[[Flag | str], str] | None = None,
) -> str:
    """The category sheet as CSV text, same columns and values (full precision), for other tools; without
    the byte-order mark (`style.bom`), which the file or download adds in front."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter)
    writer.writerow([_csv_text(h, style) for h in category_header(category, translate)])
    for values in category_values(category, describe or (lambda flag: flag_words(flag, translate))):
        writer.writerow([_csv_text(v, style) for v in values])
    return buffer.getvalue()


def book_category_csv(book: ResultsBook, category: CategoryResults, style: CsvStyle = ENGLISH_CSV) -> str:
    """A category of the book as CSV text, flags worded as in the workbook (labels when anonymised)."""
    return category_csv(category, book.translate, style=style, describe=book_flag_words(book))


def csv_filename(category: CategoryResults, used: set[str]) -> str:
    """'1 Cyber security.csv': safe on every file system, unique within `used` (lower-cased names)."""
    stem = " ".join(re.sub(r"[^\w\- ]+", " ", f"{category.position} {category.name}").split())[:60]
    name, n = f"{stem}.csv", 2
    while name.lower() in used:
        name, n = f"{stem} ({n}).csv", n + 1
    used.add(name.lower())
    return name


def csv_files(book: ResultsBook, style: CsvStyle = ENGLISH_CSV) -> dict[str, str]:
    """File name -> CSV text, one per category, in ceremony order."""
    used: set[str] = set()
    return {
        csv_filename(c, used): book_category_csv(book, c, style)
        for c in sorted(book.categories, key=lambda c: c.position)
    }


def write_csv_files(book: ResultsBook, folder: str | Path, style: CsvStyle = ENGLISH_CSV) -> list[Path]:
    """Write `csv_files(book)` into `folder`; returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in csv_files(book, style).items():
        path = folder / name
        # With a byte-order mark, Excel opens the file as UTF-8 instead of mangling "Société" on double-click.
        path.write_text(style.bom + text, encoding="utf-8", newline="")
        paths.append(path)
    return paths


# --- other tables -------------------------------------------------------------------------------------------


def table_workbook_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """A one-sheet workbook of a plain table (the audit trail), with the same formatting and cell guard."""
    workbook = _Book()
    sheet = workbook.create_sheet(" ".join(SHEET_TITLE_CHARACTERS.sub(" ", title).split())[:31].strip(" '") or "Sheet")
    _table(sheet, header, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
