"""Organisers create editions from a fresh install (pages and command line), copy last year's, and set
their dates in the edition's own time zone, in order."""

from datetime import datetime

from judging.domain import juries as jury_services
from judging.extensions import db
from judging.models import AuditEvent, Category, Edition, Entry, JuryMember

DATES = {
    "entries_open_at": "2027-03-01T09:00",
    "submission_deadline": "2027-09-15T18:00",
    "scoring_opens_at": "2027-09-20T09:00",
    "scoring_closes_at": "2027-11-15T12:00",
    "ceremony_at": "2027-11-16T17:30",
}


def _form(**values):
    data = {
        "name": "Milipol Paris 2027",
        "venue": "Paris Nord Villepinte",
        "timezone": "Europe/Paris",
        "status": "preparing",
        "clone_from": "0",
        "make_current": "y",
        **DATES,
    }
    data.update(values)
    return data


def test_fresh_install_organiser_is_sent_to_create_the_first_edition(client, make, login_as):
    login_as(make.user("organiser"))
    response = client.get("/organiser/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/organiser/editions/new")
    page = client.get("/organiser/editions/new").get_data(as_text=True)
    assert "No edition exists yet" in page

    response = client.post("/organiser/editions/new", data=_form())
    assert response.status_code == 302
    edition = db.session.scalar(db.select(Edition))
    assert edition.is_current and edition.slug == "milipol-paris-2027" and len(edition.categories) == 6
    dashboard = client.get("/organiser/").get_data(as_text=True)
    assert "Milipol Paris 2027" in dashboard and "current" in dashboard
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "edition.create")) is not None


def test_dates_are_typed_and_shown_in_the_editions_time_zone(client, make, login_as):
    login_as(make.user("organiser"))
    client.post("/organiser/editions/new", data=_form())
    edition = db.session.scalar(db.select(Edition))
    # 18:00 in Paris in September (summer time) is 16:00 UTC; 17:30 in November (winter time) is 16:30 UTC.
    assert edition.submission_deadline == datetime(2027, 9, 15, 16, 0)
    assert edition.ceremony_at == datetime(2027, 11, 16, 16, 30)
    page = client.get(f"/organiser/edition?edition={edition.id}").get_data(as_text=True)
    assert 'value="2027-09-15T18:00"' in page and "Submission deadline (Europe/Paris)" in page
    dashboard = client.get(f"/organiser/?edition={edition.id}").get_data(as_text=True)
    assert "Sep 15, 2027, 6:00" in dashboard  # the deadline, in Paris time on the dashboard too

    # Doha has no summer time: 18:00 there is 15:00 UTC.
    client.post(
        f"/organiser/edition?edition={edition.id}",
        data={
            **_form(name="Milipol Qatar 2027", timezone="Asia/Qatar"),
            "max_entries_per_category": "1",
            "scoring_method": "mean",
        },
    )
    db.session.refresh(edition)
    assert edition.timezone == "Asia/Qatar" and edition.submission_deadline == datetime(2027, 9, 15, 15, 0)
    assert 'value="2027-09-15T18:00"' in client.get(f"/organiser/edition?edition={edition.id}").get_data(as_text=True)


def test_dates_out_of_order_are_refused_beside_the_field_keeping_what_was_typed(client, make, login_as):
    login_as(make.user("organiser"))
    response = client.post(
        "/organiser/editions/new",
        data=_form(submission_deadline="2027-09-21T18:00", ceremony_at="2027-11-15T11:00", venue="Hall 5 typed"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Must be after “Entries open”" not in page
    assert (
        "Cannot be before “Submission deadline” (21 Sept 2027, 18:00)" in page
        or "Cannot be before “Submission deadline” (Sep 21, 2027, 6:00" in page
    )
    assert "Cannot be before “Scoring closes”" in page
    assert 'value="Hall 5 typed"' in page and 'value="2027-09-21T18:00"' in page
    assert db.session.scalar(db.select(Edition)) is None

    # Equal entry opening and deadline: the deadline must come strictly later.
    page = client.post("/organiser/editions/new", data=_form(entries_open_at=DATES["submission_deadline"])).get_data(
        as_text=True
    )
    assert "Must be after “Entries open”" in page


def test_date_order_is_explained_in_french(client, make, login_as):
    login_as(make.user("organiser", language="fr"))
    page = client.post("/organiser/editions/new", data=_form(scoring_closes_at="2027-09-20T09:00")).get_data(
        as_text=True
    )
    assert "Doit être après « Ouverture de la notation »" in page


def test_unknown_time_zone_and_taken_short_name_are_said_beside_the_field(client, make, login_as):
    login_as(make.user("organiser"))
    make.edition(slug="milipol-paris-2027")
    response = client.post("/organiser/editions/new", data=_form(timezone="Europe/Lutece"))
    assert response.status_code == 400 and "Unknown time zone" in response.get_data(as_text=True)
    response = client.post("/organiser/editions/new", data=_form(slug="milipol-paris-2027"))
    assert response.status_code == 400
    assert "An edition already uses the short name milipol-paris-2027" in response.get_data(as_text=True)
    # Without a short name, one is made from the name and kept free.
    assert client.post("/organiser/editions/new", data=_form()).status_code == 302
    assert db.session.scalar(db.select(Edition).where(Edition.slug == "milipol-paris-2027-2")) is not None


def test_copy_of_last_years_edition_keeps_categories_criteria_weights_rounds_juries_and_settings(
    client, make, login_as
):
    organiser = login_as(make.user("organiser"))
    old = make.edition(name="Milipol Paris 2025", max_entries=2)
    old.scoring_method, old.venue = "trimmed", "Villepinte"
    cyber = make.category(old, "cyber")
    cyber.name_en, cyber.jurors_per_entry = "Cyber defence", 4
    cyber.rounds[0].criteria[0].weight = 55
    juror, president = make.user("juror"), make.user("juror")
    jury_services.add_member(actor=organiser, category=cyber, juror=juror)
    jury_services.add_member(actor=organiser, category=cyber, juror=president)
    member = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == president.id))
    jury_services.set_president(actor=organiser, member=member)
    make.entry(edition=old)
    db.session.commit()

    response = client.post("/organiser/editions/new", data=_form(clone_from=str(old.id), venue=""))
    assert response.status_code == 302
    new = db.session.scalar(db.select(Edition).where(Edition.slug == "milipol-paris-2027"))
    assert (new.max_entries_per_category, new.scoring_method, new.venue) == (2, "trimmed", "Villepinte")
    copied = make.category(new, "cyber")
    assert copied.id != cyber.id and (copied.name_en, copied.jurors_per_entry) == ("Cyber defence", 4)
    assert [r.name for r in copied.rounds] == [r.name for r in cyber.rounds]
    assert copied.rounds[0].criteria[0].weight == 55
    assert [c.key for c in copied.rounds[1].criteria] == [c.key for c in cyber.rounds[1].criteria]
    seats = db.session.scalars(
        db.select(JuryMember).join(JuryMember.jury).where(JuryMember.jury.has(category_id=copied.id))
    ).all()
    assert {(s.user_id, s.is_president) for s in seats} == {(juror.id, False), (president.id, True)}
    assert db.session.scalar(db.select(db.func.count(Entry.id)).where(Entry.edition_id == new.id)) == 0
    assert db.session.scalar(db.select(db.func.count(Category.id)).where(Category.edition_id == new.id)) == 6


def test_command_line_creates_an_edition_with_dates_in_its_zone(app, runner):
    result = runner.invoke(
        args=[
            "create-edition",
            "--name",
            "Milipol Paris 2027",
            "--current",
            "--deadline",
            "2027-09-15 18:00",
            "--scoring-opens",
            "2027-09-20 09:00",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created Milipol Paris 2027 (milipol-paris-2027" in result.output
    edition = db.session.scalar(db.select(Edition))
    assert edition.is_current and edition.submission_deadline == datetime(2027, 9, 15, 16, 0)

    result = runner.invoke(
        args=[
            "create-edition",
            "--name",
            "Milipol Qatar 2028",
            "--clone-from",
            "milipol-paris-2027",
            "--timezone",
            "Asia/Qatar",
            "--deadline",
            "2028-05-01 18:00",
        ]
    )
    assert result.exit_code == 0, result.output
    qatar = db.session.scalar(db.select(Edition).where(Edition.slug == "milipol-qatar-2028"))
    assert qatar.submission_deadline == datetime(2028, 5, 1, 15, 0) and len(qatar.categories) == 6
    assert not qatar.is_current


def test_command_line_refuses_dates_out_of_order_and_unknown_sources(app, runner):
    result = runner.invoke(
        args=["create-edition", "--name", "X", "--deadline", "2027-09-15 18:00", "--scoring-opens", "2027-09-14 09:00"]
    )
    assert result.exit_code != 0 and "Scoring opens: Cannot be before “Submission deadline”" in result.output
    result = runner.invoke(args=["create-edition", "--name", "X", "--clone-from", "nowhere"])
    assert result.exit_code != 0 and "No edition with the short name 'nowhere'" in result.output
    assert db.session.scalar(db.select(Edition)) is None


def test_entries_cannot_be_created_before_entries_open(client, make, login_as):
    from datetime import timedelta

    from judging.models import utcnow

    edition = make.edition()
    edition.entries_open_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert not edition.accepts_entries()
    edition.entries_open_at = utcnow() - timedelta(days=1)
    assert edition.accepts_entries()


def test_round_times_are_in_the_editions_zone_and_a_refusal_keeps_the_round_page(client, make, login_as):
    login_as(make.user("organiser"))
    edition = make.edition()
    final = make.category(edition, "cyber").rounds[1]
    data = {
        "name": "Final",
        "name_fr": "Finale",
        "method": "",
        "previous_round_weight": "30",
        "slot_minutes": "10",
        "scoring_opens_at": "2027-11-16T09:00",
        "scoring_closes_at": "2027-11-17T18:00",
        "visit_starts_at": "2027-11-16T10:00",
    }
    assert client.post(f"/organiser/rounds/{final.id}/settings", data=data).status_code == 302
    db.session.refresh(final)
    assert final.scoring_opens_at == datetime(2027, 11, 16, 8, 0) and final.visit_starts_at == datetime(
        2027, 11, 16, 9, 0
    )
    page = client.get(f"/organiser/rounds/{final.id}").get_data(as_text=True)
    assert 'value="2027-11-16T09:00"' in page and "Stand visits start (Europe/Paris)" in page

    response = client.post(
        f"/organiser/rounds/{final.id}/settings",
        data={**data, "scoring_closes_at": "2027-11-16T08:00", "name": "Grand final typed"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Scoring must close after it opens" in page
    assert 'value="Grand final typed"' in page and "Bad request" not in page


def test_before_any_edition_other_pages_say_how_to_start(client, make, login_as):
    login_as(make.user("exhibitor"))
    response = client.get("/entries/")
    assert response.status_code == 404 and "Organisers create one from their dashboard" in response.get_data(
        as_text=True
    )
