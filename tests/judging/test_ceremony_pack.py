"""The ceremony and press pack through the app: the presenter's running order, the press kit after publication,
the anonymised export, the override note and the French CSV, as the organiser downloads them."""

import csv
import io
import os
import re
import zipfile

from openpyxl import load_workbook

from judging.demo import load_demo
from judging.domain import lifecycle, rounds
from judging.extensions import db
from judging.models import Attachment, Edition, Scorecard, User
from support import sign_off_as_president

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _demo_edition():
    load_demo()
    return db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True)))


def _leaks(identities, text: str) -> list[str]:
    """The names and emails found in `text` as words (a surname "Tan" is not found in "standard")."""
    return [who for who in identities if re.search(rf"(?<!\w){re.escape(who.lower())}(?!\w)", text)]


def _parts(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()).lower()


def test_anonymised_export_names_no_juror_anywhere_even_in_comments(client, make, login_as):
    edition = _demo_edition()
    organiser = login_as(make.user("organiser"))
    cards = db.session.scalars(db.select(Scorecard).where(Scorecard.status == "submitted").limit(2)).all()
    jurors = db.session.scalars(db.select(User).where(User.role == "juror")).all()
    named = [j for j in jurors if j.name and len(j.name.split()) > 1]
    cards[0].overall_comment = f"Same view as {named[0].name.split()[-1]}, see {named[1].email}"
    db.session.commit()
    for category in edition.categories:
        sign_off_as_president(category)
    data = client.get("/organiser/results/export.xlsx?anonymise=1").data
    text = _parts(data)
    identities = [j.email for j in jurors] + [j.name for j in named] + [j.name.split()[-1] for j in named]
    assert _leaks(identities, text) == []
    plain = _parts(client.get("/organiser/results/export.xlsx").data)
    assert named[0].name.split()[-1].lower() in plain  # the named export does name them
    category = edition.categories[0]
    csv_text = client.get(f"/organiser/results/{category.id}.csv?anonymise=1").get_data(as_text=True).lower()
    assert _leaks(identities, csv_text) == []
    assert organiser


def test_override_note_is_on_the_export_made_under_the_override_only(client, make, login_as):
    edition = _demo_edition()
    organiser = login_as(make.user("organiser"))
    rounds.override_signoff(actor=organiser, edition=edition, reason="Dress rehearsal of the ceremony")
    db.session.commit()
    under = load_workbook(io.BytesIO(client.get("/organiser/results/export.xlsx").data))
    assert "Dress rehearsal" in under["Ceremony"]["A3"].value
    for category in edition.categories:
        sign_off_as_president(category)
    later = client.get("/organiser/results/export.xlsx")
    assert later.status_code == 200
    text = _parts(later.data)
    assert "dress rehearsal" not in text and "exported before every sign-off" not in text


def test_french_csv_opens_in_columns_with_decimal_commas(client, make, login_as):
    edition = _demo_edition()
    login_as(make.user("organiser"))
    category = edition.categories[0]
    english = client.get(f"/organiser/results/{category.id}.csv?lang=en").get_data(as_text=True)
    french = client.get(f"/organiser/results/{category.id}.csv?lang=fr")
    raw = french.data.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))  # what French Excel does on a double-click
    header, first = rows[0], rows[1]
    assert len(header) > 8 and header[0] == "Rang"
    score = first[header.index("Note")] if "Note" in header else first[4]
    assert "," in score and "." not in score and float(score.replace(",", ".")) > 0
    english_rows = list(csv.reader(io.StringIO(english.lstrip("\ufeff"))))
    assert float(english_rows[1][4]) == float(score.replace(",", "."))  # the same number, French notation


def _publish_judged(judged):
    edition, organiser = judged["edition"], judged["organiser"]
    sign_off_as_president(judged["category"])
    lifecycle.freeze(actor=organiser, edition=edition)
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    db.session.commit()


def test_running_order_shows_each_decided_category_in_the_chosen_language(client, judged, login_as):
    login_as(judged["organiser"])
    category = judged["category"]
    category.description_en = "Securing crowds at large events.\nSecond paragraph never read out."
    category.description_fr = "Sécuriser les foules des grands événements."
    db.session.commit()
    empty = client.get("/organiser/ceremony/running-order?lang=en").get_data(as_text=True)
    assert "freeze the results" in empty
    _publish_judged(judged)
    english = client.get("/organiser/ceremony/running-order?lang=en").get_data(as_text=True)
    winner = judged["entries"][0]  # Gate 9, totals 90
    assert category.name("en") in english and "Securing crowds at large events." in english
    assert "Second paragraph" not in english
    assert winner.title in english and winner.organisation.name in english
    assert english.index("Winner") < english.index(winner.title) < english.index("Finalists")
    assert "Stand B10" in english and "Hall 5" in english
    french = client.get("/organiser/ceremony/running-order?lang=fr").get_data(as_text=True)
    assert category.name("fr") in french and "Sécuriser les foules" in french and "Lauréat" in french
    assert '<html lang="fr">' in french
    assert client.get("/organiser/ceremony/running-order?lang=de").status_code == 400


def test_press_kit_only_after_publication_with_images_named_by_category_and_company(client, judged, login_as, app):
    edition = judged["edition"]
    login_as(judged["organiser"])
    assert client.get("/organiser/ceremony/press-kit.xlsx").status_code == 409
    assert client.get("/organiser/ceremony/press-images.zip").status_code == 409
    winner = judged["entries"][0]
    winner.summary = "=A gate that counts every visitor"
    db.session.commit()
    _publish_judged(judged)
    folder = app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    stored = "a" * 32 + ".png"
    with open(os.path.join(folder, stored), "wb") as handle:
        handle.write(PNG)
    db.session.add(
        Attachment(
            entry_id=winner.id,
            original_name="stand.png",
            stored_name=stored,
            content_type="image/png",
            size=len(PNG),
            sha256="0" * 64,
        )
    )
    db.session.commit()
    response = client.get("/organiser/ceremony/press-kit.xlsx?lang=en")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]
    assert rows[0][1] == "Winner" and rows[0][2] == winner.title
    assert rows[0][3] == winner.summary and rows[0][4] == winner.organisation.name
    assert {r[1] for r in rows[1:]} == {"Finalist"}
    archive = zipfile.ZipFile(io.BytesIO(client.get("/organiser/ceremony/press-images.zip").data))
    assert archive.namelist() == rows[0][8].split("\n")
    name = archive.namelist()[0]
    assert name.startswith(f"{judged['category'].position}-") and name.endswith("_1.png") and archive.read(name) == PNG
    assert edition.results_state == "published"
    client.post("/auth/logout")
    juror = judged["jurors"][0]
    login_as(juror)
    assert client.get("/organiser/ceremony/press-kit.xlsx").status_code == 403
    assert client.get("/organiser/ceremony/running-order").status_code == 403
