"""Excel imports: templates, row-level validation with Excel row numbers, all or none, bad files refused."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

import exports.imports
from exports import ExhibitorRow, JurorImportRow, exhibitor_template, juror_template, read_exhibitors, read_jurors

COUNTRIES = {"FR", "DE", "QA", "US"}
JURIES = {"cyber", "drones", "csr", "event-security"}
EXHIBITOR_HEADER = ["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"]


def _sheet(header, rows, *, above=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [*above, header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _filled(template: bytes, rows) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["Data"]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _messages(result):
    assert result.rows == () and not result.ok  # all or none
    return [str(e) for e in result.errors]


def test_exhibitor_template_has_the_header_instructions_and_no_example_row():
    workbook = load_workbook(io.BytesIO(exhibitor_template()))
    assert workbook.sheetnames == ["Data", "Instructions"]
    rows = list(workbook["Data"].iter_rows(values_only=True))
    assert rows == [
        ("Organisation", "Country (ISO 2-letter code)", "Hall", "Stand", "Start-up (yes/no)", "Contact email")
    ]
    assert workbook["Data"]["A1"].font.b and workbook["Data"].freeze_panes == "A2"
    text = " ".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    assert "ISO two-letter code" in text and "nothing is imported" in text and "aegis.example.com" in text
    jurors = load_workbook(io.BytesIO(juror_template()))
    assert [c.value for c in jurors["Data"][1]] == [
        "Name",
        "Email",
        "Organisation",
        "Juries",
        "Language (en/fr)",
        "President (yes/no)",
    ]
    assert "cyber; drones" in " ".join(str(c.value) for row in jurors["Instructions"].iter_rows() for c in row)


def test_filled_exhibitor_template_parses_to_normalised_rows():
    data = _filled(
        exhibitor_template(),
        [
            [" Aegis  Systems ", "fr", 5, 123, "Oui", " Contact@Aegis.Example.com "],
            [],  # blank rows are skipped
            ["Nordic Guard", "DE", "6", "C12", False, "info@nordic.example.com"],
            ["Qatar Shield", "qa", None, "Q1", "0", "hello@shield.example.com"],
        ],
    )
    result = read_exhibitors(data, valid_countries=COUNTRIES)
    assert result.ok and result.errors == ()
    assert result.rows == (
        ExhibitorRow("Aegis Systems", "FR", "5", "123", True, "contact@aegis.example.com"),
        ExhibitorRow("Nordic Guard", "DE", "6", "C12", False, "info@nordic.example.com"),
        ExhibitorRow("Qatar Shield", "QA", "", "Q1", False, "hello@shield.example.com"),
    )
    assert read_exhibitors(data, valid_countries=COUNTRIES) == result  # the same file parses the same way


def test_every_bad_exhibitor_row_is_reported_with_its_excel_row_and_nothing_is_returned():
    data = _sheet(
        EXHIBITOR_HEADER,
        [
            ["Aegis", "FR", "5", "A1", "yes", "a@aegis.example.com"],  # row 2: fine
            ["", "XX", "5", "A2", "maybe", "bob@"],  # row 3: four problems
            ["Other", "DE", "5", "A3", "no", "A@Aegis.example.com"],  # row 4: duplicate email
            [None, None, None, None, None, None],  # row 5: blank, skipped
            ["aegis", "", "5", "S" * 21, "true", ""],  # row 6
            ["Third", "US", "H" * 21, "A4", 1, "a@aegis.example.com"],
        ],
    )  # row 7: duplicate again, long hall
    messages = _messages(read_exhibitors(data, valid_countries=COUNTRIES))
    assert messages == [
        "Row 3, Organisation: the organisation's name is missing.",
        "Row 3, Country: 'XX' is not an ISO two-letter country code.",
        "Row 3, Start-up: 'maybe' is not yes or no.",
        "Row 3, Contact email: 'bob@' is not a valid email address.",
        "Row 4, Contact email: 'a@aegis.example.com' already appears on row 2.",
        "Row 6, Country: the country code is missing.",
        f"Row 6, Stand: '{'S' * 21}' is longer than 20 characters.",
        "Row 6, Contact email: the email address is missing.",
        "Row 6, Organisation: 'aegis' already appears on row 2.",
        f"Row 7, Hall: '{'H' * 21}' is longer than 20 characters.",
        "Row 7, Contact email: 'a@aegis.example.com' already appears on row 2.",
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"random bytes \x00\xff\x13",
        b"Organisation,Country,Stand\nAegis,FR,A1\n",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"PK\x03\x04 truncated zip",
    ],
    ids=["empty", "random", "csv", "pdf", "truncated-zip"],
)
def test_files_that_are_not_workbooks_get_one_clear_message(data):
    for result in (read_exhibitors(data, valid_countries=COUNTRIES), read_jurors(data, valid_juries=JURIES)):
        messages = _messages(result)
        assert len(messages) == 1 and "This file is not an Excel workbook (.xlsx)" in messages[0]


def _zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_zips_that_are_not_workbooks_and_broken_workbooks_are_refused_the_same_way():
    good = exhibitor_template()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    broken_sheet = dict(parts, **{"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row>"})
    for data in (
        _zip({"hello.txt": "hi"}),
        _zip({"[Content_Types].xml": "<Types/>"}),
        good[: len(good) // 2],
        _zip(broken_sheet),
    ):
        messages = _messages(read_exhibitors(data, valid_countries=COUNTRIES))
        assert len(messages) == 1 and "not an Excel workbook" in messages[0]


def test_missing_columns_are_named_and_an_empty_sheet_or_header_only_is_explained():
    messages = _messages(
        read_exhibitors(_sheet(["Organisation", "Pays"], [["Aegis", "FR"]]), valid_countries=COUNTRIES)
    )
    assert messages == [
        (
            "Missing column(s): Stand, Start-up (yes/no), Contact email. Keep the header row of the "
            "template (column names in English or French)."
        )
    ]
    assert "is empty" in _messages(read_exhibitors(_sheet([], []), valid_countries=COUNTRIES))[0]
    assert _messages(read_exhibitors(exhibitor_template(), valid_countries=COUNTRIES)) == [
        "The file has a header row but no exhibitor rows."
    ]


def test_headers_match_whatever_the_case_spaces_language_or_a_title_line_above():
    data = _sheet(
        ["  SOCIÉTÉ ", "pays", "Hall", "stand", "START UP", "Courriel"],
        [["Aegis", "fr", "5", "A1", "non", "a@aegis.example.com"], ["Bad", "FR", "5", "A2", "no", "x"]],
        above=[["Exhibitors for Milipol 2027"], []],
    )
    messages = _messages(read_exhibitors(data, valid_countries=COUNTRIES))
    assert messages == ["Row 5, Contact email: 'x' is not a valid email address."]  # rows counted as in Excel


def test_too_many_rows_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(exports.imports, "MAX_ROWS", 3)
    rows = [[f"Org {i}", "FR", "5", f"A{i}", "no", f"o{i}@x.example.com"] for i in range(4)]
    assert _messages(read_exhibitors(_sheet(EXHIBITOR_HEADER, rows), valid_countries=COUNTRIES)) == [
        "The file has more than 3 exhibitor rows: split it into several files."
    ]
    assert read_exhibitors(_sheet(EXHIBITOR_HEADER, rows[:3]), valid_countries=COUNTRIES).ok


def test_filled_juror_template_parses_juries_language_and_president():
    data = _filled(
        juror_template(),
        [
            ["Claire Dubois", "Claire@Police.example.com", "", "cyber; Drones", "FR", "yes"],
            ["Ann Lee", "ann@x.example.com", "Aegis", "csr,event-security\ncyber", None, None],
            ["Ravi Rao", "ravi@x.example.com", None, "drones;", "English", "non"],
        ],
    )
    result = read_jurors(data, valid_juries=JURIES)
    assert result.ok
    assert result.rows == (
        JurorImportRow("Claire Dubois", "claire@police.example.com", "", ("cyber", "drones"), "fr", True),
        JurorImportRow("Ann Lee", "ann@x.example.com", "Aegis", ("csr", "event-security", "cyber"), "en", False),
        JurorImportRow("Ravi Rao", "ravi@x.example.com", "", ("drones",), "en", False),
    )


def test_optional_juror_columns_may_be_left_out():
    result = read_jurors(
        _sheet(["Nom", "Courriel", "Jurys"], [["Jean Martin", "jean@x.example.com", "csr"]]), valid_juries=JURIES
    )
    assert result.rows == (JurorImportRow("Jean Martin", "jean@x.example.com", "", ("csr",), "en", False),)


def test_every_bad_juror_row_is_reported_and_nothing_is_returned():
    data = _sheet(
        ["Name", "Email", "Organisation", "Juries", "Language", "President"],
        [
            ["A", "a@x.example.com", "", "cyber", "de", "yes"],
            ["B", "A@X.example.com", "", "space; cyber", "en", "yes"],
            ["", "c@x.example.com", "", "", "fr", "perhaps"],
        ],
    )
    assert _messages(read_jurors(data, valid_juries=JURIES)) == [
        "Row 2, Language: 'de' is not en or fr.",
        "Row 3, Juries: 'space' is not a category code (one of: csr, cyber, drones, event-security).",
        "Row 3, Email: 'a@x.example.com' already appears on row 2.",
        "Row 3, President: the cyber jury already has its president on row 2.",
        "Row 4, Name: the juror's name is missing.",
        "Row 4, Juries: name at least one jury (a category code, e.g. cyber).",
        "Row 4, President: 'perhaps' is not yes or no.",
    ]
