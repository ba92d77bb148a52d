"""The import page states its limits, and refuses a hostile workbook with a 413 and a sentence, for every import."""

import html
import io
import zipfile

import pytest
from openpyxl import Workbook

from judging.extensions import db
from judging.models import Organisation, User


def _hostile_workbook() -> bytes:
    """A few kilobytes declaring a sheet of 20,000 rows by 702 columns."""
    workbook = Workbook()
    workbook.active.append(["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"])
    workbook.active.append(["Aegis", "FR", "5", "B1", "no", "a@example.com"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source, output = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(b'ref="A1:F2"', b'ref="A1:ZZ20000"')
            target.writestr(name, content)
    return output.getvalue()


def test_the_import_page_states_the_limits(client, make, login_as):
    make.edition()
    login_as(make.user("organiser", language="en"))
    page = client.get("/organiser/import").get_data(as_text=True)
    assert (
        "Limits: a file of at most 5 MB, 5,000 rows of data, 100 columns and 2,000 characters a cell. "
        "A larger file is refused before it is read." in page
    )


@pytest.mark.parametrize("kind", ["exhibitors", "jurors"])
def test_every_import_refuses_a_hostile_workbook_with_a_clear_413(client, make, login_as, kind):
    make.category(make.edition(), "cyber")
    login_as(make.user("organiser", language="en"))
    response = client.post(
        f"/organiser/import/{kind}",
        data={"file": (io.BytesIO(_hostile_workbook()), "exhibitors.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert (
        "A sheet of the workbook has 20000 rows (at most 10000): delete the empty rows below the data, "
        "or split the file." in page.replace("20,000", "20000").replace("10,000", "10000")
    )
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.role == "juror")) == 0


def test_a_french_organiser_reads_the_refusal_in_french(client, make, login_as):
    make.edition()
    login_as(make.user("organiser", language="fr"))
    response = client.post(
        "/organiser/import/exhibitors",
        data={"file": (io.BytesIO(b"PK" + b"\0" * (5 * 1024 * 1024)), "big.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Le fichier dépasse 5 Mo : répartissez-le en plusieurs fichiers." in response.get_data(as_text=True)
    hostile = client.post(
        "/organiser/import/jurors",
        data={"file": (io.BytesIO(_hostile_workbook()), "jurors.xlsx")},
        content_type="multipart/form-data",
    )
    assert hostile.status_code == 413
    assert (
        "Une feuille du classeur a 20\u202f000 lignes (au plus 10\u202f000) : supprimez les lignes vides sous les "
        "données, ou répartissez le fichier." in html.unescape(hostile.get_data(as_text=True)).replace("\xa0", "\u202f")
    )
    page = html.unescape(client.get("/organiser/import").get_data(as_text=True))
    assert "Limites : un fichier d'au plus 5 Mo" in page
