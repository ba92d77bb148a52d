"""Import files read as their cells say: a date where text was typed is refused with its row, merged cells are
refused with the cells named (a merged title above the header is fine)."""

import io
from datetime import datetime, time

from openpyxl import Workbook

from exports import read_exhibitors, read_jurors

HEADER = ["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"]


def _file(rows, *, merge=(), title=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    if title:
        sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for ref in merge:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_stand_turned_into_a_date_by_excel_is_refused_with_its_row():
    cell = datetime(2027, 3, 12)  # "3/12" typed into a General cell
    data = _file(
        [
            ["Aegis", "FR", "5", "B12", "no", "a@aegis.example.com"],
            ["Boreal", "FR", "5", cell, "no", "b@boreal.example.com"],
            ["Cobalt", "FR", time(3, 12), "C1", "no", "c@cobalt.example.com"],
        ]
    )
    result = read_exhibitors(data, valid_countries={"FR"})
    assert not result.ok and result.rows == ()
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("Row 3, Stand: the cell holds a date (2027-03-12)") for m in messages), messages
    assert any(m.startswith("Row 4, Hall: the cell holds a date (03:12)") for m in messages), messages
    assert "Format the column as Text" in messages[0]


def test_numbers_typed_in_text_columns_still_read_as_typed():
    result = read_exhibitors(_file([["Aegis", "FR", 5, 123, "no", "a@aegis.example.com"]]), valid_countries={"FR"})
    assert result.ok and (result.rows[0].hall, result.rows[0].stand) == ("5", "123")


def test_merged_cells_in_the_table_are_refused_with_the_cells_named():
    rows = [
        ["Aegis", "FR", "5", "B1", "no", "a@aegis.example.com"],
        ["Boreal", "FR", None, "B2", "no", "b@boreal.example.com"],
        ["Cobalt", "FR", None, "B3", "no", "c@cobalt.example.com"],
    ]
    result = read_exhibitors(_file(rows, merge=["C3:C5"], title="Exhibitors 2027"), valid_countries={"FR"})
    assert [str(e) for e in result.errors] == [
        "Row 3, Hall: cells C3:C5 are merged: unmerge them and fill in every cell (a merged range keeps its "
        "value in its first cell only), then import again."
    ]


def test_a_merged_title_above_the_header_is_fine():
    rows = [["Aegis", "FR", "5", "B1", "no", "a@aegis.example.com"]]
    result = read_exhibitors(_file(rows, merge=["A1:F1"], title="Exhibitors 2027"), valid_countries={"FR"})
    assert result.ok and result.rows[0].hall == "5"


def test_juror_file_with_a_merged_juries_column_is_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation", "Juries", "Language", "President"])
    sheet.append(["Claire Dubois", "claire@police.example.com", "", "cyber", "fr", "no"])
    sheet.append(["Ahmed Al-Thani", "ahmed@moi.example.qa", "", None, "en", "no"])
    sheet.merge_cells("D2:D3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_jurors(buffer.getvalue(), valid_juries={"cyber"})
    assert [(e.row, e.column) for e in result.errors] == [(2, "Juries")]
    assert "D2:D3" in str(result.errors[0])


def test_addresses_read_as_email_validator_reads_them_whatever_their_domain_shares():
    """Each domain is checked once per file: every address still comes out (or is refused) exactly as the full
    check says, including the cases that are not plain ASCII or break a rule only a whole check sees."""
    from email_validator import EmailNotValidError, validate_email

    from exports.imports import normalised_email

    addresses = [
        "Claire.Dubois@Police.Example.com",
        "claire.dubois@police.example.com",
        "o'neil+jury@sub.Example.co.uk",
        "a@b.fr",
        "x@localhost",
        "x@example.invalid",
        "x@host.local",
        "x@123.456",
        ".start@example.com",
        "end.@example.com",
        "two..dots@example.com",
        "x@-bad.example.com",
        "x@bad-.example.com",
        "x@exa_mple.com",
        "x@example..com",
        "x@example",
        "x@.example.com",
        "x@example.com.",
        "postmaster@Example.com",
        "a" * 65 + "@example.com",
        "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "com",
        "x@" + "b" * 64 + ".com",
        "élodie@exemple.fr",
        "x@exemple-é.fr",
        '"quoted"@example.com',
        "x@[127.0.0.1]",
        "Claire <c@example.com>",
        "c@example.com@example.com",
        "c @example.com",
    ]

    def full(text):
        try:
            return validate_email(text, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            return "refused"

    def quick(text):
        try:
            return normalised_email(text)
        except EmailNotValidError:
            return "refused"

    for text in addresses * 2:  # twice: the second time every domain is already known
        assert quick(text) == full(text), text
    assert quick("Claire.Dubois@Police.Example.com") == "claire.dubois@police.example.com"
    assert quick("two..dots@example.com") == quick("x@localhost") == "refused"
