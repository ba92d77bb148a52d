"""Hostile workbooks are refused before the work: declared dimensions, rows, cells, unpacked size, cell length, time.

Each workbook is crafted here from a real one (openpyxl writes it, then one part of the zip is rewritten),
as an attacker would: a few kilobytes that declare or unpack into far more.
"""

import io
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

import exports.imports
from exports import IMPORT_LIMITS, Limit, WorkbookLimits, read_exhibitors, read_jurors

COUNTRIES = {"FR", "DE"}
HEADER = ["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"]
ROW = ["Aegis Systems", "FR", "5", "B123", "yes", "contact@aegis.example.com"]
SHEET = "xl/worksheets/sheet1.xml"


def _workbook(*rows) -> bytes:
    workbook = Workbook()
    for row in (HEADER, *rows):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, part: str, change) -> bytes:
    """The same workbook with one part's XML changed (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            content = source.read(name)
            target.writestr(name, change(content) if name == part else content)
        if part not in names:
            target.writestr(part, change(b""))
    return output.getvalue()


def _sheet_xml(rows_xml: bytes, dimension: bytes = b"A1:F2") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="' + dimension + b'"/><sheetData>' + rows_xml + b"</sheetData></worksheet>"
    )


def _row(number: int, values) -> bytes:
    cells = b"".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'.encode() for i, v in enumerate(values)
    )
    return f'<row r="{number}">'.encode() + cells + b"</row>"


@pytest.fixture
def openpyxl_never_opens(monkeypatch):
    """Fails the test if the reader hands the file to openpyxl: the refusal must come before that work."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a workbook that the limits should have refused")

    monkeypatch.setattr(exports.imports, "load_workbook", refuse)


def _refused(result, limit: Limit):
    assert not result.ok and result.rows == ()
    assert result.too_large is not None and result.too_large.limit is limit, result.errors
    assert len(result.errors) == 1 and result.errors[0].row == 0
    message = str(result.errors[0])
    assert len(message) < 300  # a sentence, never the hostile content echoed back
    return message


def test_a_sheet_declaring_a_huge_dimension_is_refused_before_it_is_read(openpyxl_never_opens):
    # 5 KB that declare 20,000 rows by 702 columns: openpyxl would pad every row out to that size.
    hostile = _rewrite(_workbook(ROW), SHEET, lambda xml: xml.replace(b'ref="A1:F2"', b'ref="A1:ZZ20000"'))
    assert len(hostile) < 10_000
    message = _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.ROWS)
    assert "20000 rows (at most 10000)" in message


def test_a_sheet_declaring_too_many_columns_is_refused(openpyxl_never_opens):
    hostile = _rewrite(_workbook(ROW), SHEET, lambda xml: xml.replace(b'ref="A1:F2"', b'ref="A1:XFD2"'))
    message = _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.COLUMNS)
    assert "16384 columns (at most 100)" in message


def test_a_row_far_below_a_small_declared_dimension_is_refused(openpyxl_never_opens):
    # The dimension lies (A1:F2); one row sits at 1,000,000: read-only openpyxl would yield every row between.
    xml = _sheet_xml(_row(1, HEADER) + _row(2, ROW) + _row(1_000_000, ROW))
    hostile = _rewrite(_workbook(), SHEET, lambda _: xml)
    message = _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.ROWS)
    assert "1000000 rows" in message


def test_a_cell_far_to_the_right_is_refused(openpyxl_never_opens):
    far = b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
    hostile = _rewrite(_workbook(), SHEET, lambda _: _sheet_xml(_row(1, HEADER) + _row(2, ROW) + far))
    _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.COLUMNS)


def test_a_sheet_of_too_many_cells_is_refused(openpyxl_never_opens):
    # 5,000 rows of 21 numbers: within the row and column limits, over the cell limit.
    rows = b"".join(
        f'<row r="{r}">'.encode()
        + b"".join(f'<c r="{get_column_letter(c)}{r}"><v>1</v></c>'.encode() for c in range(1, 23))
        + b"</row>"
        for r in range(1, 5001)
    )
    hostile = _rewrite(_workbook(), SHEET, lambda _: _sheet_xml(rows, b"A1:V5000"))
    message = _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.CELLS)
    assert "110000 cells (at most 100000)" in message


def test_a_zip_bomb_of_shared_strings_is_refused_from_the_declared_sizes(openpyxl_never_opens):
    strings = b"<si><t>" + b"A" * 100 + b"</t></si>"
    bomb = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="250000" '
        b'uniqueCount="250000">' + strings * 250_000 + b"</sst>"
    )
    hostile = _rewrite(_workbook(ROW), "xl/sharedStrings.xml", lambda _: bomb)
    assert len(hostile) < 500_000 < IMPORT_LIMITS.max_unpacked_bytes < len(bomb)
    message = _refused(read_jurors(hostile, valid_juries={"cyber"}), Limit.UNPACKED_SIZE)
    assert "unpacks to more than 10 MB" in message


def test_too_many_shared_texts_are_refused(openpyxl_never_opens):
    texts = b"<si><t>x</t></si>" * 60_000  # 1 MB unpacked: under the size limit, over the count
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + texts + b"</sst>"
    hostile = _rewrite(_workbook(ROW), "xl/sharedStrings.xml", lambda _: sst)
    message = _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.STRINGS)
    assert "60000 texts (at most 50000)" in message


def test_a_very_long_cell_is_refused_naming_where_it_is():
    long_country = "F" * 30_000
    hostile = _workbook(ROW, ["Bravo", long_country, "5", "B2", "no", "b@example.com"])
    message = _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.CELL_LENGTH)
    assert message == "Row 3, column B: the cell holds 30000 characters, more than 2000."


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(openpyxl_never_opens):
    hostile = b"PK" + b"\0" * IMPORT_LIMITS.max_file_bytes
    message = _refused(read_exhibitors(hostile, valid_countries=COUNTRIES), Limit.FILE_SIZE)
    assert "larger than 5 MB" in message


def test_a_zip_of_too_many_parts_is_refused(openpyxl_never_opens):
    data = _workbook(ROW)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        for number in range(IMPORT_LIMITS.max_parts):
            target.writestr(f"xl/media/{number}.bin", b"")
    _refused(read_exhibitors(output.getvalue(), valid_countries=COUNTRIES), Limit.PARTS)


def test_reading_stops_at_the_time_limit():
    result = read_exhibitors(_workbook(ROW), valid_countries=COUNTRIES, limits=WorkbookLimits(max_seconds=0))
    assert "took longer than 0 seconds" in _refused(result, Limit.TIME)


def test_a_real_file_at_the_row_limit_still_imports():
    rows = [[f"Company {n}", "FR", "5", f"S{n}", "no", f"c{n}@example.com"] for n in range(1, 5001)]
    result = read_exhibitors(_workbook(*rows), valid_countries=COUNTRIES)
    assert result.ok and len(result.rows) == 5000 and result.too_large is None


def test_every_import_reads_through_the_same_limits():
    strict = WorkbookLimits(max_rows=1)
    for result in (
        read_exhibitors(_workbook(ROW), valid_countries=COUNTRIES, limits=strict),
        read_jurors(_workbook(ROW), valid_juries={"cyber"}, limits=strict),
    ):
        _refused(result, Limit.ROWS)
