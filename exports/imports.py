"""Reading exhibitors and jurors from .xlsx sheets: every row checked, every problem reported by row.

The parsers return either rows or errors, never both: callers import all the rows or none. Rows come back
normalised (trimmed, emails lower-cased, countries upper-cased), so importing the same file twice is an
upsert by natural keys that changes nothing the second time.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Generic, TypeVar

from email_validator import EmailNotValidError, validate_email
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from .workbook_limits import IMPORT_LIMITS, SheetGuard, TooLarge, WorkbookLimits, WorkbookTooLarge, check_workbook

MAX_ROWS = 5000
MAX_ORGANISATION = 200
MAX_NAME = 200
MAX_HALL = 20
MAX_STAND = 20
HEADER_SEARCH_ROWS = 10  # people often put a title line or two above the header
MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
T = TypeVar("T")


def N_(text: str) -> str:
    """Marks a message for the translators where it is written; it is translated where it is shown."""
    return text


def _as_is(text: str) -> str:
    return text


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row number (0 for the whole file), the column's name, and what is wrong.

    `column` and `message` are English msgids (marked with `N_`); `params` fills the message's named
    placeholders. `text(translate)` words it in the reader's language; `str()` is English."""

    row: int
    column: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)  # a RowError stays hashable

    def text(self, translate: Callable[[str], str] = _as_is) -> str:
        """The problem in words, every msgid passed through `translate` (gettext in the app)."""
        message = translate(self.message)
        if self.params:
            message = message % dict(self.params)
        if self.row == 0:
            return message
        if self.column:
            return translate(N_("Row %(row)d, %(column)s: %(message)s")) % {
                "row": self.row,
                "column": translate(self.column),
                "message": message,
            }
        return translate(N_("Row %(row)d: %(message)s")) % {"row": self.row, "message": message}

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class ImportResult(Generic[T]):
    """Either `rows` (all of them) or `errors` (all that were found); never both. `too_large` says which limit
    refused the file before any row was read (its one error says the same in English)."""

    rows: tuple[T, ...]
    errors: tuple[RowError, ...]
    too_large: TooLarge | None = None

    @property
    def ok(self) -> bool:
        """True when there is nothing to fix and `rows` can be imported."""
        return not self.errors


@dataclass(frozen=True)
class ExhibitorRow:
    """An exhibiting organisation; natural key: the organisation's name (case-insensitive)."""

    organisation: str
    country: str  # ISO 3166 alpha-2, upper case
    hall: str
    stand: str
    is_startup: bool
    contact_email: str  # lower case


@dataclass(frozen=True)
class JurorImportRow:
    """A juror and the juries (category codes) they sit on; natural key: the email."""

    name: str
    email: str  # lower case
    organisation: str
    juries: tuple[str, ...]
    language: str  # "en" or "fr"
    president: bool


@dataclass(frozen=True)
class _Column:
    title: str  # as in the template and in the messages
    aliases: tuple[str, ...]  # other accepted headers, English and French
    required: bool = True


EXHIBITOR_COLUMNS = (
    _Column("Organisation", ("organization", "company", "exhibitor", "société", "entreprise", "exposant")),
    _Column("Country (ISO 2-letter code)", ("country", "country code", "pays", "code pays")),
    _Column("Hall", ("hall", "pavillon"), required=False),
    _Column("Stand", ("stand number", "numéro de stand", "n° de stand", "booth")),
    _Column("Start-up (yes/no)", ("start-up", "startup", "jeune pousse")),
    _Column("Contact email", ("email", "e-mail", "contact e-mail", "courriel", "adresse e-mail", "mail")),
)
JUROR_COLUMNS = (
    _Column("Name", ("full name", "nom", "nom complet")),
    _Column("Email", ("e-mail", "courriel", "adresse e-mail", "mail")),
    _Column("Organisation", ("organization", "company", "employer", "société", "employeur"), required=False),
    _Column("Juries", ("jury", "jurys", "categories", "catégories", "category codes")),
    _Column("Language (en/fr)", ("language", "langue"), required=False),
    _Column("President (yes/no)", ("president", "président", "présidente", "jury president"), required=False),
)
YES = {"yes", "y", "oui", "o", "true", "vrai", "1", "x"}
NO = {"no", "n", "non", "false", "faux", "0", ""}
LANGUAGES = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
}
NOT_A_WORKBOOK = N_(
    "This file is not an Excel workbook (.xlsx). Save it from Excel or LibreOffice as "
    '"Excel Workbook (.xlsx)", or start from the template.'
)
EMPTY_FILE = N_(
    "The file is empty. This file is not an Excel workbook (.xlsx). Save it from Excel or LibreOffice as "
    '"Excel Workbook (.xlsx)", or start from the template.'
)
# The columns' names in messages (each title without its hint, see _short), marked for the translators.
COLUMN_NAMES = (
    N_("Organisation"),
    N_("Country"),
    N_("Hall"),
    N_("Stand"),
    N_("Start-up"),
    N_("Contact email"),
    N_("Name"),
    N_("Email"),
    N_("Juries"),
    N_("Language"),
    N_("President"),
)
# The messages that name what a file lists, one msgid per kind so that each reads whole in every language.
KIND_MESSAGES = {
    "exhibitor": {
        "empty_sheet": N_(
            'The sheet "%(sheet)s" is empty: it needs the header row of the template, then one exhibitor a row.'
        ),
        "too_many": N_("The file has more than %(max)d exhibitor rows: split it into several files."),
        "no_rows": N_("The file has a header row but no exhibitor rows."),
    },
    "juror": {
        "empty_sheet": N_(
            'The sheet "%(sheet)s" is empty: it needs the header row of the template, then one juror a row.'
        ),
        "too_many": N_("The file has more than %(max)d juror rows: split it into several files."),
        "no_rows": N_("The file has a header row but no juror rows."),
    },
}


# --- templates ----------------------------------------------------------------------------------------------


def _template(
    columns: tuple[_Column, ...], instructions: list[str], example: list[str], choices: Mapping[str, str]
) -> bytes:
    """A Data sheet with the header row only (an example row left in would be imported as a real one) and
    an Instructions sheet that shows the example."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    headers = [c.title for c in columns]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(16, len(header) + 4)
        if header in choices:
            # A drop-down, so most typing mistakes never reach the import.
            validation = DataValidation(type="list", formula1=f'"{choices[header]}"', allow_blank=True)
            validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    notes = workbook.create_sheet("Instructions")
    notes.column_dimensions["A"].width = 100
    for line in instructions:
        notes.append([line])
    notes.append([])
    notes.append(["Example row:"])
    notes.append(headers)
    notes.append(example)
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def exhibitor_template() -> bytes:
    """An .xlsx to fill in: one exhibitor a row on the Data sheet, with an Instructions sheet."""
    return _template(
        EXHIBITOR_COLUMNS,
        [
            "Exhibitors: one per row of the Data sheet, starting on row 2. Keep the header row.",
            "Organisation: the exhibitor's name, as it should appear on stage (at most 200 characters).",
            "Country: the ISO two-letter code (FR, DE, QA, US...).",
            "Hall and Stand: as printed in the show catalogue (at most 20 characters each). Hall is optional.",
            "Start-up: yes or no (oui/non also accepted).",
            "Contact email: one address; it must be unique in the file.",
            "Importing the same file again changes nothing; an organisation already known by its name is updated.",
            "If any row has a problem, nothing is imported and every problem is listed with its row number.",
        ],
        ["Aegis Systems", "FR", "5", "B123", "yes", "contact@aegis.example.com"],
        {"Start-up (yes/no)": "yes,no"},
    )


def juror_template() -> bytes:
    """An .xlsx to fill in: one juror a row on the Data sheet, juries as category codes."""
    return _template(
        JUROR_COLUMNS,
        [
            "Jurors: one per row of the Data sheet, starting on row 2. Keep the header row.",
            "Email: the juror's login; it must be unique in the file.",
            "Organisation (optional): the juror's employer, if it exhibits (the juror will never judge it).",
            'Juries: category codes separated by commas or semicolons, e.g. "cyber; drones".',
            "Language (optional, default en): en or fr, the language of the juror's emails and screens.",
            "President (optional): yes for the jury president, at most one per jury.",
            "Importing the same file again changes nothing.",
            "If any row has a problem, nothing is imported and every problem is listed with its row number.",
        ],
        ["Claire Dubois", "claire.dubois@police.example.com", "", "cyber; crisis", "fr", "no"],
        {"Language (en/fr)": "en,fr", "President (yes/no)": "yes,no"},
    )


# --- reading ------------------------------------------------------------------------------------------------


def _header_key(text) -> str:
    """'Start-up (yes/no)', ' START UP ' and 'startup' all become 'startup'; accents are kept (aliases list
    both spellings) but case, spaces, hyphens, underscores and a trailing '(...)' hint are not."""
    text = unicodedata.normalize("NFC", str(text or "")).lower()
    text = re.sub(r"\(.*?\)\s*$", "", text)
    return re.sub(r"[\s\-_.:*]+", "", text)


def _text(value) -> str:
    """A cell as trimmed text: numbers typed into text columns (stand 123, hall 5.0) read as '123', '5'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _is_blank(values) -> bool:
    return values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _match_header(header, columns: tuple[_Column, ...]) -> dict[str, int]:
    """Column title -> 0-based index of its cell in `header` (the first match wins)."""
    found: dict[str, int] = {}
    for index, title in enumerate(header or ()):
        key = _header_key(title)
        if not key:
            continue
        for column in columns:
            if column.title not in found and key in {_header_key(a) for a in (column.title, *column.aliases)}:
                found[column.title] = index
                break
    return found


def _data_sheet(workbook):
    """The sheet named Data (as in the template) or Données, else the first worksheet."""
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() in ("data", "données", "donnees"):
            return sheet
    return workbook.worksheets[0]


def _read(
    data: bytes, columns: tuple[_Column, ...], kind: str, limits: WorkbookLimits
) -> tuple[list[tuple[int, dict[str, object]]], list[RowError]]:
    """(rows as (Excel row number, column title -> raw value), errors): no rows when the file itself is
    refused; rows and their cell errors (a date where text was typed) otherwise.

    Raises WorkbookTooLarge before any work when the file is over a limit, or while reading the sheet."""
    if not data:
        return [], [RowError(0, "", EMPTY_FILE)]
    check_workbook(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means "not a workbook" (BadZipFile, KeyError,
        # InvalidFileException, XML parse errors, ...): the organiser needs that sentence, never a traceback.
        return [], [RowError(0, "", NOT_A_WORKBOOK)]
    try:
        sheet = _data_sheet(workbook)
        return _read_sheet(sheet, columns, kind, SheetGuard(limits), merged=_merged_ranges(sheet))
    except WorkbookTooLarge:
        raise
    except Exception:  # noqa: BLE001 - read-only mode parses lazily, so a broken sheet fails here, not above.
        return [], [RowError(0, "", NOT_A_WORKBOOK)]
    finally:
        workbook.close()


def _merged_ranges(sheet) -> list[str]:
    """The merged ranges of a read-only sheet ("B5:B7"), found in its XML as it streams past (read-only
    worksheets do not parse them)."""
    source = getattr(sheet, "_get_source", None)
    if source is None:  # a normal worksheet knows them
        return [str(r) for r in getattr(sheet, "merged_cells", ())]
    found, tail = [], b""
    with source() as stream:
        while chunk := stream.read(1 << 16):
            text = tail + chunk
            found += [m.group(1).decode() for m in MERGE_CELL.finditer(text)]
            # Keep the end of the chunk: a tag cut in two is found whole in the next round (and not twice,
            # since only text after the last complete match is kept).
            last = max((m.end() for m in MERGE_CELL.finditer(text)), default=0)
            tail = text[max(last, len(text) - 200) :]
    return list(dict.fromkeys(found))


def _short(title: str) -> str:
    """'Country (ISO 2-letter code)' -> 'Country': the column's name in messages."""
    return title.split(" (")[0]


def _merged_errors(merged: list[str], header_row: int, found: dict[str, int]) -> list[RowError]:
    """A merged range on the header or the data rows of an imported column keeps its value in its first cell
    only: the other rows would silently come out empty, so the file is refused with the cells named."""
    by_index = {index: title for title, index in found.items()}
    errors = []
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if max_row <= header_row - 1:
            continue  # a title merged above the header is harmless
        titles = [by_index[i] for i in range(min_col - 1, max_col) if i in by_index]
        if not titles:
            continue
        errors.append(
            RowError(
                max(min_row, header_row),
                _short(titles[0]),
                N_(
                    "cells %(cells)s are merged: unmerge them and fill in every cell (a merged range keeps its "
                    "value in its first cell only), then import again."
                ),
                {"cells": ref},
            )
        )
    return errors


def _typed_errors(number: int, values: dict[str, object]) -> list[RowError]:
    """A text column holding a date: Excel turned what was typed ("3/12") into a date, and guessing the text
    back would be wrong as often as right, so the row is refused with the cell named."""
    errors = []
    for title, value in values.items():
        if isinstance(value, (datetime, date, time)):
            shown = value.strftime("%Y-%m-%d") if isinstance(value, (datetime, date)) else value.strftime("%H:%M")
            errors.append(
                RowError(
                    number,
                    _short(title),
                    N_(
                        "the cell holds a date (%(date)s), not text: the spreadsheet converted what was typed. "
                        "Format the column as Text, type the value again and import again."
                    ),
                    {"date": shown},
                )
            )
    return errors


def _read_sheet(sheet, columns: tuple[_Column, ...], kind: str, guard: SheetGuard, merged: list[str] = ()):
    rows: Iterator = iter(guard.rows_of(sheet))
    top = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if all(_is_blank(values) for values in top):
        return [], [
            RowError(
                0,
                "",
                KIND_MESSAGES[kind]["empty_sheet"],
                {"sheet": sheet.title},
            )
        ]
    required = [c.title for c in columns if c.required]
    # The header is the first row naming every required column, else the row naming the most columns.
    candidates = [(index, _match_header(values, columns)) for index, values in enumerate(top)]
    complete = [c for c in candidates if all(title in c[1] for title in required)]
    header_index, found = complete[0] if complete else max(candidates, key=lambda c: len(c[1]))
    missing = [title for title in required if title not in found]
    if missing:
        return [], [
            RowError(
                0,
                "",
                N_(
                    "Missing column(s): %(columns)s. Keep the header row of the "
                    "template (column names in English or French)."
                ),
                {"columns": ", ".join(missing)},
            )
        ]
    merged_errors = _merged_errors(list(merged), header_index + 1, found)
    if merged_errors:
        return [], merged_errors
    parsed: list[tuple[int, dict[str, object]]] = []
    typed: list[RowError] = []
    data_rows = itertools.chain(top[header_index + 1 :], rows)
    for number, values in enumerate(data_rows, start=header_index + 2):  # Excel numbers rows from 1
        if _is_blank(values):
            continue
        if len(parsed) >= MAX_ROWS:
            return [], [RowError(0, "", KIND_MESSAGES[kind]["too_many"], {"max": MAX_ROWS})]
        cells = {title: (values[i] if i < len(values) else None) for title, i in found.items()}
        typed += _typed_errors(number, cells)
        parsed.append((number, cells))
    if not parsed:
        return [], [RowError(0, "", KIND_MESSAGES[kind]["no_rows"])]
    return parsed, typed


# An address of plain ASCII: a dot-atom before the @ (RFC 5322, as email_validator's) and a domain name after it.
_PLAIN_ADDRESS = re.compile(
    r"([a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~]+(?:\.[a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~]+)*)@([A-Za-z0-9.-]+)"
)
MAX_ADDRESS = 254  # characters of a whole address (RFC 5321), as email_validator counts them


@functools.lru_cache(maxsize=4096)
def _valid_domain(domain: str) -> str | None:
    """The normalised domain, when an address at it is valid (what email_validator says of its domain)."""
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def normalised_email(text: str) -> str:
    """The address as email_validator normalises it, lower-cased; EmailNotValidError when it is not valid.

    Checking a domain is most of the work (every character against the rules of international names) and the
    addresses of one file share a few domains: a plain ASCII address has its domain checked once per file, and
    anything else (a mistake, an accent, a quoted part) goes through the whole check."""
    plain = _PLAIN_ADDRESS.fullmatch(text)
    if plain is not None and len(text) <= MAX_ADDRESS:
        domain = _valid_domain(plain.group(2))
        if domain is not None:
            return f"{plain.group(1)}@{domain}".lower()
    # No DNS look-up: an import must not depend on the network, nor take a minute for 500 rows.
    return validate_email(text, check_deliverability=False).normalized.lower()


def _email(value, row: int, column: str, errors: list[RowError]) -> str:
    text = _text(value)
    if not text:
        errors.append(RowError(row, column, N_("the email address is missing.")))
        return ""
    try:
        return normalised_email(text)
    except EmailNotValidError:
        errors.append(RowError(row, column, N_("'%(value)s' is not a valid email address."), {"value": text}))
        return text.lower()


def _flag(value, row: int, column: str, errors: list[RowError]) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    errors.append(RowError(row, column, N_("'%(value)s' is not yes or no."), {"value": _text(value)}))
    return False


def _required_text(value, row: int, column: str, missing: str, limit: int, errors: list[RowError]) -> str:
    """The cell's text; `missing` is the message (a msgid) when it is empty."""
    text = _text(value)
    if not text:
        errors.append(RowError(row, column, missing))
    elif len(text) > limit:
        errors.append(_too_long(row, column, text[:30] + "...", limit))
    return text


def _too_long(row: int, column: str, shown: str, limit: int) -> RowError:
    return RowError(
        row, column, N_("'%(value)s' is longer than %(limit)d characters."), {"value": shown, "limit": limit}
    )


def _no_duplicates(rows: list, key: Callable, column: str, errors: list[RowError], shown=str) -> None:
    """An error on every repeat of a key, naming the row where it first appears (empty keys are skipped:
    they already have their own error)."""
    first: dict = {}
    for number, item in rows:
        value = key(item)
        if not value:
            continue
        if value in first:
            errors.append(
                RowError(
                    number,
                    column,
                    N_("'%(value)s' already appears on row %(first)d."),
                    {"value": shown(item), "first": first[value]},
                )
            )
        else:
            first[value] = number


def _result(parsed: list, errors: list[RowError]) -> ImportResult:
    if errors:
        return ImportResult((), tuple(sorted(errors, key=lambda e: e.row)))
    return ImportResult(tuple(row for _, row in parsed), ())


def _refused(too_large: TooLarge) -> ImportResult:
    return ImportResult((), (RowError(0, "", str(too_large)),), too_large)


def read_exhibitors(
    data: bytes, *, valid_countries: set[str], limits: WorkbookLimits = IMPORT_LIMITS
) -> ImportResult[ExhibitorRow]:
    """Exhibitors from an .xlsx (organisation, country, hall, stand, start-up, contact email): all rows, or
    every problem found with its Excel row number; a file over `limits` is refused before it is read."""
    try:
        rows, errors = _read(data, EXHIBITOR_COLUMNS, "exhibitor", limits)
    except WorkbookTooLarge as refusal:
        return _refused(refusal.too_large)
    if not rows:
        return ImportResult((), tuple(errors))
    countries = {c.upper() for c in valid_countries}
    country_column, startup_column = "Country (ISO 2-letter code)", "Start-up (yes/no)"
    parsed = []
    for number, values in rows:
        name = _required_text(
            values.get("Organisation"),
            number,
            N_("Organisation"),
            N_("the organisation's name is missing."),
            MAX_ORGANISATION,
            errors,
        )
        country = _text(values.get(country_column)).upper()
        if not country:
            errors.append(RowError(number, N_("Country"), N_("the country code is missing.")))
        elif country not in countries:
            errors.append(
                RowError(
                    number, N_("Country"), N_("'%(value)s' is not an ISO two-letter country code."), {"value": country}
                )
            )
        hall, stand = _text(values.get("Hall")), _text(values.get("Stand"))
        if len(hall) > MAX_HALL:
            errors.append(_too_long(number, N_("Hall"), hall, MAX_HALL))
        if not stand:
            errors.append(RowError(number, N_("Stand"), N_("the stand number is missing.")))
        elif len(stand) > MAX_STAND:
            errors.append(_too_long(number, N_("Stand"), stand, MAX_STAND))
        parsed.append(
            (
                number,
                ExhibitorRow(
                    organisation=name,
                    country=country,
                    hall=hall,
                    stand=stand,
                    is_startup=_flag(values.get(startup_column), number, N_("Start-up"), errors),
                    contact_email=_email(values.get("Contact email"), number, N_("Contact email"), errors),
                ),
            )
        )
    _no_duplicates(parsed, lambda r: r.contact_email, N_("Contact email"), errors, shown=lambda r: r.contact_email)
    _no_duplicates(parsed, lambda r: r.organisation.lower(), N_("Organisation"), errors, shown=lambda r: r.organisation)
    return _result(parsed, errors)


def _juries(value, row: int, valid: Mapping[str, str], errors: list[RowError]) -> tuple[str, ...]:
    # Split before collapsing whitespace: a line break (Alt+Enter in a cell) separates codes too.
    raw = "" if value is None else str(value)
    codes = [" ".join(c.split()).lower() for c in re.split(r"[,;\r\n]", raw) if c.strip()]
    if not codes:
        errors.append(RowError(row, N_("Juries"), N_("name at least one jury (a category code, e.g. cyber).")))
    for code in codes:
        if code not in valid:
            errors.append(
                RowError(
                    row,
                    N_("Juries"),
                    N_("'%(value)s' is not a category code (one of: %(codes)s)."),
                    {"value": code, "codes": ", ".join(sorted(valid.values()))},
                )
            )
    return tuple(dict.fromkeys(valid.get(code, code) for code in codes))


def read_jurors(
    data: bytes, *, valid_juries: set[str], limits: WorkbookLimits = IMPORT_LIMITS
) -> ImportResult[JurorImportRow]:
    """Jurors from an .xlsx (name, email, organisation, juries as category codes, language, president): all
    rows, or every problem found with its Excel row number; a file over `limits` is refused before it is read."""
    try:
        rows, errors = _read(data, JUROR_COLUMNS, "juror", limits)
    except WorkbookTooLarge as refusal:
        return _refused(refusal.too_large)
    if not rows:
        return ImportResult((), tuple(errors))
    valid = {code.lower(): code for code in valid_juries}
    parsed = []
    for number, values in rows:
        name = _required_text(
            values.get("Name"), number, N_("Name"), N_("the juror's name is missing."), MAX_NAME, errors
        )
        email = _email(values.get("Email"), number, N_("Email"), errors)
        organisation = _text(values.get("Organisation"))
        if len(organisation) > MAX_ORGANISATION:
            errors.append(
                RowError(
                    number, N_("Organisation"), N_("longer than %(limit)d characters."), {"limit": MAX_ORGANISATION}
                )
            )
        juries = _juries(values.get("Juries"), number, valid, errors)
        spoken = _text(values.get("Language (en/fr)")).lower()
        language = LANGUAGES.get(spoken or "en")
        if language is None:
            errors.append(
                RowError(
                    number,
                    N_("Language"),
                    N_("'%(value)s' is not en or fr."),
                    {"value": _text(values.get("Language (en/fr)"))},
                )
            )
        president = _flag(values.get("President (yes/no)"), number, N_("President"), errors)
        parsed.append(
            (
                number,
                JurorImportRow(
                    name=name,
                    email=email,
                    organisation=organisation,
                    juries=juries,
                    language=language or "en",
                    president=president,
                ),
            )
        )
    _no_duplicates(parsed, lambda r: r.email, N_("Email"), errors, shown=lambda r: r.email)
    presidents: dict[str, int] = {}
    for number, row in parsed:
        for code in row.juries if row.president else ():
            if code in presidents:
                errors.append(
                    RowError(
                        number,
                        N_("President"),
                        N_("the %(jury)s jury already has its president on row %(first)d."),
                        {"jury": code, "first": presidents[code]},
                    )
                )
            else:
                presidents[code] = number
    return _result(parsed, errors)
