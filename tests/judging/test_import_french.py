"""A French organiser reads the refusals of an Excel import in French: every message of exports/imports.py is a
msgid, worded by judging.wording.describe_import_error in the reader's language."""

from html import unescape

from exports import RowError
from support import EXHIBITOR_HEADER, import_workbook, upload_import


def _bad_exhibitors() -> bytes:
    return import_workbook(
        EXHIBITOR_HEADER,
        [
            ["Aegis Systems", "FR", "5", "B1", "no", "c@aegis.example.com"],
            ["Boreal Drones", "XX", "4", "", "yes", "hello@boreal.example.com"],
        ],
    )


def test_a_french_organiser_reads_the_refusal_of_an_exhibitor_import_in_french(client, make, login_as):
    make.edition()
    login_as(make.user("organiser", language="fr"))
    response = upload_import(client, "exhibitors", _bad_exhibitors())
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Ligne 3, Pays : « XX » n'est pas un code pays ISO à deux lettres." in page
    assert "Ligne 3, Stand : le numéro de stand manque." in page
    assert "is not an ISO" not in page and "Row 3" not in page and "is missing" not in page


def test_an_english_organiser_still_reads_english(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    page = unescape(upload_import(client, "exhibitors", _bad_exhibitors()).get_data(as_text=True))
    assert "Row 3, Country: 'XX' is not an ISO two-letter country code." in page
    assert "Row 3, Stand: the stand number is missing." in page


def test_a_row_error_translates_its_prefix_column_and_message_then_fills_the_placeholders():
    iso = "'%(value)s' is not an ISO two-letter country code."
    french = {
        "Row %(row)d, %(column)s: %(message)s": "Ligne %(row)d, %(column)s : %(message)s",
        "Row %(row)d: %(message)s": "Ligne %(row)d : %(message)s",
        "Country": "Pays",
        iso: "« %(value)s » n'est pas un code pays ISO à deux lettres.",
    }
    error = RowError(4, "Country", iso, {"value": "%(x)s"})
    assert str(error) == "Row 4, Country: '%(x)s' is not an ISO two-letter country code."
    assert (
        error.text(lambda s: french.get(s, s)) == "Ligne 4, Pays : « %(x)s » n'est pas un code pays ISO à deux lettres."
    )
    assert RowError(0, "", "The file has a header row but no juror rows.").text() == (
        "The file has a header row but no juror rows."
    )


def test_an_import_job_refused_in_the_worker_says_why_in_the_organisers_language(app, make):
    from judging import jobs
    from judging.extensions import db
    from judging.models import Job

    edition = make.edition()
    organiser = make.user("organiser", language="fr")
    jurors = import_workbook(
        ["Name", "Email", "Organisation", "Juries", "Language", "President"],
        [["Ada Martin", "ada@police.example.com", "", "nosuchjury", "fr", "no"]],
    )
    job = jobs.start("import_jurors", actor=organiser, edition=edition, payload=jurors, total=1)
    db.session.commit()
    jobs.run(job.id)
    job = db.session.get(Job, job.id)
    assert job.status == "failed"
    assert job.error.startswith("Ligne 2, Jurys : « nosuchjury » n'est pas un code de catégorie (parmi : ")
