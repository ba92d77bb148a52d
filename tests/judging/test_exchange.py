"""Spreadsheets through the app: the ceremony workbook matches the results page; imports are all or none."""

import io

from openpyxl import Workbook, load_workbook

from exports import exhibitor_template
from judging.demo import load_demo
from judging.domain import rounds
from judging.domain.results import round_results
from judging.extensions import db
from judging.models import AuditEvent, Edition, JuryMember, Organisation, User
from support import import_through_preview, sign_off_as_president


def _demo_edition():
    load_demo()
    return db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True)))


def _sign_everything(edition, organiser):
    for category in edition.categories:
        sign_off_as_president(category)


def test_ceremony_export_is_refused_until_signed_off_then_matches_the_results(client, make, login_as):
    edition = _demo_edition()
    organiser = login_as(make.user("organiser"))
    refused = client.get("/organiser/results/export.xlsx")
    assert refused.status_code == 409 and "waits for the sign-off" in refused.get_data(as_text=True)
    _sign_everything(edition, organiser)
    response = client.get("/organiser/results/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    for category in edition.categories:
        outcome = round_results(rounds.deciding_round(category))
        sheet = workbook[[n for n in workbook.sheetnames if n.startswith(f"{category.position} ")][0]]
        rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None]
        count_column = 5 + len(outcome.criteria)
        assert [(r[0], r[1], r[4], r[count_column]) for r in rows] == [
            (l.rank, outcome.entries[l.entry].title, l.score, l.n_scorecards) for l in outcome.ranking
        ]


def test_export_command_writes_the_workbook_and_csv(runner, make, tmp_path):
    edition = _demo_edition()
    organiser = db.session.scalar(db.select(User).where(User.role == "organiser"))
    refused = runner.invoke(args=["export", "-o", str(tmp_path / "r.xlsx")])
    assert refused.exit_code != 0 and "sign-off" in refused.output and "Traceback" not in refused.output
    rounds.override_signoff(actor=organiser, edition=edition, reason="Dress rehearsal of the ceremony")
    result = runner.invoke(
        args=["export", "-o", str(tmp_path / "r.xlsx"), "--anonymise", "--csv-dir", str(tmp_path), "--progress"]
    )
    assert result.exit_code == 0, result.output
    assert "Ranking the categories" in result.output  # its progress bar, asked for
    workbook = load_workbook(tmp_path / "r.xlsx")
    about = {r[0]: r[1] for r in workbook["About"].iter_rows(min_row=2, values_only=True)}
    assert "Dress rehearsal" in about["Sign-off override"] and about["Jurors anonymised"] == "yes"
    assert "Dress rehearsal" in workbook["Ceremony"]["A3"].value  # under the title of the sheet read on stage
    assert len(list(tmp_path.glob("*.csv"))) == 6
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "results.signoff_override"))


# English labels whose French differs ("Place" and "Stand" are the same words in French).
ENGLISH_LABELS = {
    "Ceremony",
    "Scores",
    "Jurors",
    "About",
    "Rank",
    "Entry",
    "Organisation",
    "Country",
    "Score",
    "Scorecards",
    "Flags",
    "Winner",
    "Category",
    "Award",
    "Juror",
    "Weighted total",
    "Severity",
    "Ranking method",
    "Results source",
    "Item",
    "Value",
}


def _labels(workbook) -> set[str]:
    """Sheet names and every text of the heading rows (1 to 3), where the labels are."""
    texts = set(workbook.sheetnames)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(max_row=3, values_only=True):
            texts |= {value for value in row if isinstance(value, str)}
    return texts


def test_a_french_organiser_gets_the_ceremony_workbook_and_csv_in_french_or_asks_for_english(client, make, login_as):
    edition = _demo_edition()
    organiser = make.user("organiser")
    organiser.language = "fr"
    db.session.commit()
    login_as(organiser)
    _sign_everything(edition, organiser)
    french = load_workbook(io.BytesIO(client.get("/organiser/results/export.xlsx").data))
    assert french.sheetnames[0] == "Cérémonie" and {"Notes", "Jurés", "À propos"} <= set(french.sheetnames)
    assert any(name.startswith("1 Cybersécurité") for name in french.sheetnames)
    ceremony = list(french["Cérémonie"].iter_rows(min_row=3, values_only=True))
    assert ceremony[0][:4] == ("Catégorie", "Place", "Prix", "Candidature") and ceremony[1][2] == "Lauréat"
    assert not _labels(french) & ENGLISH_LABELS, _labels(french) & ENGLISH_LABELS
    about = {r[0]: r[1] for r in french["À propos"].iter_rows(min_row=2, values_only=True)}
    assert about["Méthode de classement"].startswith("Classement par moyenne") and about["Jurés anonymisés"] == "non"
    english = load_workbook(io.BytesIO(client.get("/organiser/results/export.xlsx?lang=en").data))
    assert english.sheetnames[0] == "Ceremony" and "Scores" in english.sheetnames
    category = edition.categories[0]
    csv_text = client.get(f"/organiser/results/{category.id}.csv").get_data(as_text=True)
    # French Excel's CSV: columns split on semicolons.
    assert csv_text.lstrip("\ufeff").startswith("Rang;Candidature;Société;Pays;Note;")
    assert client.get("/organiser/results/export.xlsx?lang=de").status_code == 400


def test_export_command_writes_french_labels_on_request(runner, make, tmp_path):
    edition = _demo_edition()
    organiser = db.session.scalar(db.select(User).where(User.role == "organiser"))
    rounds.override_signoff(actor=organiser, edition=edition, reason="Répétition générale de la cérémonie")
    result = runner.invoke(args=["export", "-o", str(tmp_path / "r.xlsx"), "--language", "fr"])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(tmp_path / "r.xlsx")
    about = {r[0]: r[1] for r in workbook["À propos"].iter_rows(min_row=2, values_only=True)}
    assert "Répétition générale" in about["Dérogation à la validation"]
    assert about["Source des résultats"] == "résultats en direct"
    assert not _labels(workbook) & ENGLISH_LABELS


def _exhibitor_file(rows) -> bytes:
    workbook = load_workbook(io.BytesIO(exhibitor_template()))
    sheet = workbook["Data"]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _snapshot():
    return sorted(
        (o.name, o.country, o.hall, o.stand, o.is_startup, o.contact_email)
        for o in db.session.scalars(db.select(Organisation))
    )


def test_import_round_trip_demo_exhibitors_change_nothing(client, make, login_as):
    _demo_edition()
    login_as(make.user("organiser"))
    before = _snapshot()
    rows = [[o[0], o[1], o[2], o[3], "yes" if o[4] else "no", o[5]] for o in before]
    data = _exhibitor_file(rows)
    response = import_through_preview(client, "exhibitors", data)
    assert response.status_code == 302
    assert _snapshot() == before
    again = import_through_preview(client, "exhibitors", data, follow_redirects=True)
    assert "0 created, 0 updated" in again.get_data(as_text=True) and _snapshot() == before


def test_bad_import_file_imports_nothing_and_lists_the_problems(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    data = _exhibitor_file(
        [
            ["New Co", "FR", "5", "A1", "yes", "new@co.example.com"],
            ["Bad Co", "ZZ", "5", "A2", "yes", "bad@co.example.com"],
        ]
    )
    response = import_through_preview(client, "exhibitors", data)
    assert response.status_code == 400 and "Row 3, Country" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "New Co")) is None
    not_xlsx = import_through_preview(client, "jurors", b"hello")
    assert not_xlsx.status_code == 400 and "not an Excel workbook" in not_xlsx.get_data(as_text=True)


def test_juror_import_seats_jurors_on_their_juries_and_is_idempotent(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation", "Juries", "Language", "President"])
    sheet.append(["Claire Dubois", "claire@police.example.com", "", "cyber; drones", "fr", "yes"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    for _ in range(2):
        response = import_through_preview(client, "jurors", buffer.getvalue())
        assert response.status_code == 302
    juror = db.session.scalar(db.select(User).where(User.email == "claire@police.example.com"))
    seats = db.session.scalars(db.select(JuryMember).where(JuryMember.user_id == juror.id)).all()
    assert juror.language == "fr" and len(seats) == 2 and all(s.is_president for s in seats)
