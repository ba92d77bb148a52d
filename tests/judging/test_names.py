"""Accents, case and spacing never tell two companies apart: search, imports and registration share one rule,
on SQLite and PostgreSQL alike."""

import io

from openpyxl import Workbook, load_workbook

from exports import exhibitor_template
from judging.domain.juries import conflicted_organisations
from judging.extensions import db
from judging.mail import outbox
from judging.models import Organisation, User
from judging.text import fold, slugify
from support import import_through_preview


def test_fold_drops_accents_case_and_extra_spaces():
    assert fold("Équipements  Dupont") == fold("EQUIPEMENTS DUPONT") == "equipements dupont"
    assert fold("Øresund Straße") == "oresund strasse" and fold("ŒUVRE") == "oeuvre"
    assert slugify("Milipol Paris 2027 — Édition spéciale") == "milipol-paris-2027-edition-speciale"


def _search(client, text):
    return client.get("/organiser/entries", query_string={"q": text}).get_data(as_text=True)


def test_entry_search_ignores_accents_and_case_in_company_and_title(client, make, login_as):
    edition = make.edition()
    login_as(make.user("organiser"))
    make.entry(edition=edition, organisation=make.organisation("Équipements Sécurité"), title="Gilet pare-balles")
    make.entry(edition=edition, organisation=make.organisation("Acme"), title="Caméra thermique ÉCLAIR")
    make.entry(edition=edition, organisation=make.organisation("Other"), title="Net 100% recycled")
    assert "Gilet pare-balles" in _search(client, "equipements")
    assert "Gilet pare-balles" in _search(client, "ÉQUIPEMENTS sécu")
    page = _search(client, "camera eclair")
    assert "Caméra thermique" in page and "Gilet" not in page
    # LIKE's wildcards are taken literally: "%" finds the title with a percent sign, not everything.
    page = _search(client, "%")
    assert "Net 100% recycled" in page and "Gilet" not in page


def _exhibitor_file(rows) -> bytes:
    workbook = load_workbook(io.BytesIO(exhibitor_template()))
    sheet = workbook["Data"]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_reimporting_a_company_with_an_accented_capital_updates_it(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    first = _exhibitor_file([["Équipements Dupont", "FR", "5", "A1", "no", "contact@dupont.example.com"]])
    again = _exhibitor_file([["ÉQUIPEMENTS  DUPONT", "FR", "6", "B2", "no", "contact@dupont.example.com"]])
    assert import_through_preview(client, "exhibitors", first).status_code == 302
    response = import_through_preview(client, "exhibitors", again, follow_redirects=True)
    assert response.status_code == 200 and "0 created, 1 updated" in response.get_data(as_text=True)
    companies = db.session.scalars(db.select(Organisation)).all()
    assert [(c.name, c.hall, c.stand) for c in companies] == [("Équipements Dupont", "6", "B2")]


def test_juror_import_keeps_an_accented_employer_and_its_conflict(client, make, login_as):
    make.edition()
    employer = make.organisation("Électronique Sûreté")
    login_as(make.user("organiser"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation", "Juries", "Language", "President"])
    sheet.append(["Claire Dubois", "claire@police.example.com", "electronique surete", "cyber", "fr", "no"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = import_through_preview(client, "jurors", buffer.getvalue())
    assert response.status_code == 302
    juror = db.session.scalar(db.select(User).where(User.email == "claire@police.example.com"))
    assert juror.organisation_id == employer.id
    assert conflicted_organisations(juror) == {employer.id: "employer"}


def test_registering_a_company_already_known_under_other_accents_creates_nothing(client, make):
    make.edition()
    make.organisation("Défense Systèmes", contact_email="boss@defense.example.com")
    response = client.post(
        "/auth/register",
        data={
            "name": "Mallory",
            "email": "mallory@example.com",
            "password": "a-long-password-1",
            "confirm": "a-long-password-1",
            "language": "en",
            "organisation": "DEFENSE SYSTEMES",
            "country": "FR",
            "hall": "5",
            "stand": "A1",
        },
    )
    assert response.status_code == 200  # the same answer as for a new company: the mail tells the rest
    assert "/auth/register/" not in outbox()[-1].body
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


def test_migration_fills_the_keys_of_existing_companies_and_entries(tmp_path):
    """Companies imported before the keys existed are found by the new search at once."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from judging import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
            "TESTING": True,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        upgrade(revision="0004")
        db.session.execute(
            sa.text(
                "INSERT INTO organisation (name, country, hall, stand, is_startup, contact_email, "
                "created_at) VALUES ('Équipements  Dupont', 'FR', '', '', 0, '', '2026-01-01')"
            )
        )
        db.session.commit()
        upgrade()
        assert db.session.scalar(sa.text("SELECT name_key FROM organisation")) == "equipements dupont"
        db.session.remove()
        db.engine.dispose()
