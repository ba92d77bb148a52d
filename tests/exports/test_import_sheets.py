"""Excel imports: templates, row-level validation, all or none."""
import io

from openpyxl import Workbook, load_workbook

from exports import exhibitor_template, juror_template, read_exhibitors, read_jurors

COUNTRIES = {"FR", "DE", "QA", "US"}
JURIES = {"cyber", "drones", "csr"}


def _sheet(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _filled_template(template: bytes, rows) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["Data"]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_filled_exhibitor_template_parses_to_normalised_rows():
    data = _filled_template(exhibitor_template(), [[" Aegis  Systems ", "fr", 5, 123, "oui", "Contact@Aegis.example.com"],
                                                   ["Nordic Guard", "DE", "6", "C12", "no", "info@nordic.example.com"]])
    result = read_exhibitors(data, valid_countries=COUNTRIES)
    assert result.ok
    first = result.rows[0]
    assert (first.organisation, first.country, first.hall, first.stand, first.is_startup, first.contact_email) == (
        "Aegis Systems", "FR", "5", "123", True, "contact@aegis.example.com")


def test_every_bad_row_is_reported_and_nothing_is_returned():
    data = _sheet(["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"],
                  [["Aegis", "FR", "5", "A1", "yes", "a@aegis.example.com"],
                   ["", "XX", "5", "A2", "maybe", "bob@"],
                   ["Other", "DE", "5", "A3", "no", "A@aegis.example.com"]])
    result = read_exhibitors(data, valid_countries=COUNTRIES)
    assert result.rows == ()
    messages = [str(e) for e in result.errors]
    assert "Row 3, Organisation: the organisation's name is missing." in messages
    assert "Row 3, Country: 'XX' is not an ISO two-letter country code." in messages
    assert "Row 3, Start-up: 'maybe' is not yes or no." in messages
    assert "Row 3, Contact email: 'bob@' is not a valid email address." in messages
    assert "Row 4, Contact email: 'a@aegis.example.com' already appears on row 2." in messages


def test_files_that_are_not_workbooks_are_refused_clearly():
    for data in (b"", b"random bytes", b"name,email\nx,y\n", b"%PDF-1.4 ...", _zip_that_is_not_a_workbook()):
        result = read_exhibitors(data, valid_countries=COUNTRIES)
        assert not result.ok and result.rows == ()
        assert "not an Excel workbook" in str(result.errors[0]) or "empty" in str(result.errors[0])


def _zip_that_is_not_a_workbook() -> bytes:
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return buffer.getvalue()


def test_missing_columns_are_named():
    result = read_exhibitors(_sheet(["Organisation", "Pays"], [["Aegis", "FR"]]), valid_countries=COUNTRIES)
    assert str(result.errors[0]) == "Missing column(s): Stand, Start-up, Contact email. Start from the template."


def test_french_headers_are_understood():
    data = _sheet(["Société", "Pays", "Stand", "Start-up", "Courriel"], [["Aegis", "FR", "A1", "non", "a@aegis.example.com"]])
    assert read_exhibitors(data, valid_countries=COUNTRIES).ok


def test_jurors_with_juries_language_and_president():
    data = _filled_template(juror_template(), [["Claire Dubois", "claire@police.example.com", "", "cyber; Drones", "fr", "yes"],
                                               ["Ann Lee", "ann@x.example.com", "Aegis", "csr", "", ""]])
    result = read_jurors(data, valid_juries=JURIES)
    assert result.ok
    assert result.rows[0].juries == ("cyber", "drones") and result.rows[0].president and result.rows[1].language == "en"


def test_juror_errors_unknown_jury_bad_language_duplicate_email():
    data = _sheet(["Name", "Email", "Juries", "Language"],
                  [["A", "a@x.example.com", "cyber", "de"], ["B", "A@x.example.com", "space", "en"]])
    messages = [str(e) for e in read_jurors(data, valid_juries=JURIES).errors]
    assert "Row 2, Language: 'de' is not en or fr." in messages
    assert any(m.startswith("Row 3, Juries: 'space' is not a category code") for m in messages)
    assert "Row 3, Email: 'a@x.example.com' already appears on row 2." in messages
