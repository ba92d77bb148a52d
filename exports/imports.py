"""Reading exhibitors and jurors from .xlsx sheets: every row checked, every problem reported by row.

The parsers return either rows or errors, never both: callers import all the rows or none.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

from email_validator import EmailNotValidError, validate_email
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 5000
T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in Excel; 0 for the whole file
    column: str
    message: str

    def __str__(self) -> str:
        return self.message if self.row == 0 else f"Row {self.row}, {self.column}: {self.message}"


@dataclass(frozen=True)
class ImportResult(Generic[T]):
    rows: tuple[T, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ExhibitorRow:
    organisation: str
    country: str
    hall: str
    stand: str
    is_startup: bool
    contact_email: str


@dataclass(frozen=True)
class JurorImportRow:
    name: str
    email: str
    organisation: str
    juries: tuple[str, ...]
    language: str
    president: bool


# Column name -> accepted headers (case and spaces ignored), English first, then French.
EXHIBITOR_COLUMNS = {
    "Organisation": ("organisation", "organization", "company", "société", "societe", "entreprise"),
    "Country": ("country", "pays", "country (iso 2-letter code)"),
    "Hall": ("hall",),
    "Stand": ("stand", "stand number", "numéro de stand"),
    "Start-up": ("start-up", "startup", "start up"),
    "Contact email": ("contact email", "email", "e-mail", "courriel", "adresse e-mail"),
}
JUROR_COLUMNS = {
    "Name": ("name", "nom"),
    "Email": ("email", "e-mail", "courriel"),
    "Organisation": ("organisation", "organization", "company", "société", "employeur"),
    "Juries": ("juries", "jury", "jurys", "categories", "catégories"),
    "Language": ("language", "langue"),
    "President": ("president", "président", "presidente", "présidente"),
}
YES = {"yes", "y", "oui", "o", "true", "1", "x"}
NO = {"no", "n", "non", "false", "0", ""}
NOT_A_WORKBOOK = RowError(0, "", "This file is not an Excel workbook (.xlsx). Save it from Excel or LibreOffice "
                                 "as .xlsx, or start from the template.")


def _template(headers: list[str], example: list, instructions: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(example)
    sheet.freeze_panes = "A2"
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[chr(64 + column)].width = max(14, len(header) + 4)
    notes = workbook.create_sheet("Instructions")
    for line in instructions:
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def exhibitor_template() -> bytes:
    """An .xlsx to fill in: one exhibitor a row."""
    return _template(list(EXHIBITOR_COLUMNS), ["Aegis Systems", "FR", "5", "B123", "yes", "contact@aegis.example.com"],
                     ["One exhibitor per row of the Data sheet; replace the example row.",
                      "Country: the ISO two-letter code (FR, DE, QA...). Start-up: yes or no.",
                      "Importing the same file again changes nothing."])


def juror_template() -> bytes:
    """An .xlsx to fill in: one juror a row, juries as category codes."""
    return _template(list(JUROR_COLUMNS), ["Claire Dubois", "claire.dubois@police.example.com", "", "cyber; crisis",
                                           "fr", "no"],
                     ["One juror per row of the Data sheet; replace the example row.",
                      "Juries: category codes separated by commas or semicolons (cyber, event-security, "
                      "first-responder, drones, crisis, csr).",
                      "Organisation: the juror's employer, if it exhibits (the juror will never judge it).",
                      "Language: en or fr. President: yes for the jury president (one per jury)."])


def _norm(text) -> str:
    return " ".join(str(text or "").strip().lower().split())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a stand typed as 123 arrives as 123.0
    return " ".join(str(value).split())


def _read(data: bytes, columns: dict[str, tuple[str, ...]], required: set[str]):
    """(header index, data rows with their Excel row numbers) or a file-level error."""
    if not data:
        return None, [RowError(0, "", "The file is empty.")]
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        return None, [NOT_A_WORKBOOK]
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return None, [RowError(0, "", "The first sheet is empty: it needs a header row.")]
        found = {}
        for index, title in enumerate(header):
            for column, aliases in columns.items():
                if _norm(title) in {_norm(a) for a in aliases} | {_norm(column)}:
                    found.setdefault(column, index)
        missing = [c for c in columns if c in required and c not in found]
        if missing:
            return None, [RowError(0, "", "Missing column(s): " + ", ".join(missing) + ". Start from the template.")]
        data_rows = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(data_rows) >= MAX_ROWS:
                return None, [RowError(0, "", f"The file has more than {MAX_ROWS} rows; split it.")]
            data_rows.append((number, {c: (values[i] if i < len(values) else None) for c, i in found.items()}))
        return found, data_rows
    finally:
        workbook.close()


def _email(value, row: int, column: str, errors: list) -> str:
    text = _text(value).lower()
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors.append(RowError(row, column, f"'{text}' is not a valid email address."))
        return text


def _flag(value, row: int, column: str, errors: list) -> bool:
    text = _norm(value)
    if text in YES:
        return True
    if text in NO:
        return False
    errors.append(RowError(row, column, f"'{_text(value)}' is not yes or no."))
    return False


def _no_duplicates(rows: list, key: Callable, column: str, errors: list) -> None:
    first: dict = {}
    for number, item in rows:
        value = key(item)
        if value in first:
            errors.append(RowError(number, column, f"'{value}' already appears on row {first[value]}."))
        else:
            first[value] = number


def read_exhibitors(data: bytes, *, valid_countries: set[str]) -> ImportResult[ExhibitorRow]:
    """Exhibitors from the first sheet: organisation, country, hall, stand, start-up, contact email."""
    found, rows = _read(data, EXHIBITOR_COLUMNS, required=set(EXHIBITOR_COLUMNS) - {"Hall"})
    if found is None:
        return ImportResult((), tuple(rows))
    errors: list[RowError] = []
    parsed = []
    for number, values in rows:
        name = _text(values.get("Organisation"))
        if not name:
            errors.append(RowError(number, "Organisation", "the organisation's name is missing."))
        elif len(name) > 200:
            errors.append(RowError(number, "Organisation", "the name is longer than 200 characters."))
        country = _text(values.get("Country")).upper()
        if country not in valid_countries:
            errors.append(RowError(number, "Country", f"'{country}' is not an ISO two-letter country code."))
        hall, stand = _text(values.get("Hall")), _text(values.get("Stand"))
        for column, value in (("Hall", hall), ("Stand", stand)):
            if len(value) > 20:
                errors.append(RowError(number, column, "at most 20 characters."))
        parsed.append((number, ExhibitorRow(
            organisation=name, country=country, hall=hall, stand=stand,
            is_startup=_flag(values.get("Start-up"), number, "Start-up", errors),
            contact_email=_email(values.get("Contact email"), number, "Contact email", errors))))
    _no_duplicates(parsed, lambda r: r.contact_email, "Contact email", errors)
    _no_duplicates(parsed, lambda r: r.organisation.lower(), "Organisation", errors)
    if not parsed and not errors:
        errors.append(RowError(0, "", "The file has no exhibitor rows."))
    return ImportResult((), tuple(sorted(errors, key=lambda e: e.row))) if errors else \
        ImportResult(tuple(r for _, r in parsed), ())


def read_jurors(data: bytes, *, valid_juries: set[str]) -> ImportResult[JurorImportRow]:
    """Jurors from the first sheet: name, email, organisation, juries (category codes), language, president."""
    found, rows = _read(data, JUROR_COLUMNS, required={"Name", "Email", "Juries"})
    if found is None:
        return ImportResult((), tuple(rows))
    errors: list[RowError] = []
    parsed = []
    for number, values in rows:
        name = _text(values.get("Name"))
        if not name:
            errors.append(RowError(number, "Name", "the juror's name is missing."))
        juries = tuple(dict.fromkeys(code.strip().lower() for code in
                                     _text(values.get("Juries")).replace(";", ",").split(",") if code.strip()))
        if not juries:
            errors.append(RowError(number, "Juries", "name at least one jury (category code)."))
        for code in juries:
            if code not in valid_juries:
                errors.append(RowError(number, "Juries", f"'{code}' is not a category code "
                                                         f"({', '.join(sorted(valid_juries))})."))
        language = _norm(values.get("Language")) or "en"
        if language not in {"en", "fr"}:
            errors.append(RowError(number, "Language", f"'{language}' is not en or fr."))
        parsed.append((number, JurorImportRow(
            name=name, email=_email(values.get("Email"), number, "Email", errors),
            organisation=_text(values.get("Organisation")), juries=juries, language=language,
            president=_flag(values.get("President"), number, "President", errors) if "President" in found else False)))
    _no_duplicates(parsed, lambda r: r.email, "Email", errors)
    if not parsed and not errors:
        errors.append(RowError(0, "", "The file has no juror rows."))
    return ImportResult((), tuple(sorted(errors, key=lambda e: e.row))) if errors else \
        ImportResult(tuple(r for _, r in parsed), ())
