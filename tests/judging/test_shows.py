"""Several shows side by side (Milipol Paris, Qatar...): each with its own editions, current edition and branding
name; an organiser's pages of one show never list another show's entries; exhibitors enter any show's open edition;
the public pages are per show."""

import io

import pytest
from openpyxl import load_workbook

from judging.domain import editions as edition_services, shows as show_services
from judging.extensions import db
from judging.models import AuditEvent, Edition, Entry, OutboxMessage, Show

from .test_editions import _form
from .test_entries import PRODUCT


@pytest.fixture
def two_shows(make):
    """Milipol Paris (the default show) and Milipol Qatar, each with a live edition and one entry of its own."""
    paris = make.edition(name="Milipol Paris 2027", max_entries=5)
    qatar_show = show_services.create_show(actor=None, name="Milipol Qatar")
    qatar = make.edition(name="Milipol Qatar 2028", show=qatar_show, max_entries=5)
    paris_entry = make.entry(edition=paris, category="cyber")
    paris_entry.title = "Paris perimeter radar"
    qatar_entry = make.entry(edition=qatar, category="cyber")
    qatar_entry.title = "Doha desert drone"
    db.session.commit()
    return paris, qatar, paris_entry, qatar_entry


def _switch(client, edition):
    return client.post(f"/organiser/editions/{edition.id}/work", follow_redirects=True)


def test_each_show_has_its_own_current_edition(two_shows):
    paris, qatar, _p, _q = two_shows
    assert paris.is_current and qatar.is_current  # the database allows one current edition per show
    later = edition_services.create_edition(name="Milipol Qatar 2030", show=qatar.show, current=True)
    db.session.commit()
    db.session.refresh(qatar)
    assert later.is_current and not qatar.is_current and db.session.get(Edition, paris.id).is_current


def test_organiser_pages_of_one_show_never_list_another_shows_entries(two_shows, client, make, login_as):
    paris, qatar, paris_entry, qatar_entry = two_shows
    login_as(make.user("organiser"))

    page = client.get("/organiser/entries").get_data(as_text=True)
    assert "Paris perimeter radar" in page and "Doha desert drone" not in page
    assert "Show: Milipol Paris · Edition: Milipol Paris 2027" in page

    page = _switch(client, qatar).get_data(as_text=True)
    assert "Show: Milipol Qatar · Edition: Milipol Qatar 2028" in page  # the dashboard says where one is
    for url in ("/organiser/entries", "/organiser/results", "/organiser/"):
        page = client.get(url).get_data(as_text=True)
        assert "Doha desert drone" in page or url != "/organiser/entries"
        assert "Paris perimeter radar" not in page, url
        assert "Milipol Qatar Innovation Awards" in page  # the show's branding name in the header
    workbook = load_workbook(io.BytesIO(client.get("/organiser/entries/export.xlsx").data))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert "Doha desert drone" in cells and "Paris perimeter radar" not in cells

    _switch(client, paris)
    page = client.get("/organiser/entries").get_data(as_text=True)
    assert "Paris perimeter radar" in page and "Doha desert drone" not in page


def test_the_switcher_lists_every_show_with_its_editions(two_shows, client, make, login_as):
    reader = make.user("organiser")
    reader.organiser_role = "read_only"
    db.session.commit()
    login_as(reader)
    page = client.get("/organiser/").get_data(as_text=True)
    assert page.index("Milipol Paris 2027") < page.index("Milipol Qatar 2028")
    assert 'class="menu-group">Milipol Qatar<' in page
    response = _switch(client, two_shows[1])  # a read-only organiser may look at another show
    assert response.status_code == 200 and "Edition: Milipol Qatar 2028" in response.get_data(as_text=True)


def test_organiser_creates_a_show_then_its_first_edition(app, client, make, login_as):
    make.edition(name="Milipol Paris 2027")
    login_as(make.user("organiser"))
    response = client.post("/organiser/shows", data={"new-name": "Milipol Asia-Pacific", "new-branding_name": ""})
    assert response.status_code == 302
    show = db.session.scalar(db.select(Show).where(Show.slug == "milipol-asia-pacific"))
    assert show.branding_name == "Milipol Asia-Pacific Innovation Awards" and not show.is_default
    assert response.headers["Location"].endswith(f"/organiser/editions/new?show={show.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<option selected value="{show.id}">Milipol Asia-Pacific</option>' in page

    response = client.post("/organiser/shows", data={"new-name": "Milipol Asia-Pacific"})
    assert response.status_code == 400 and "A show is already called Milipol Asia-Pacific." in response.get_data(
        as_text=True
    )

    response = client.post("/organiser/editions/new", data=_form(name="Milipol Asia-Pacific 2028", show=str(show.id)))
    assert response.status_code == 302
    edition = db.session.scalar(db.select(Edition).where(Edition.slug == "milipol-asia-pacific-2028"))
    assert edition.show_id == show.id and edition.is_current
    page = client.get("/organiser/entries").get_data(as_text=True)  # the organiser now works on it
    assert "Show: Milipol Asia-Pacific · Edition: Milipol Asia-Pacific 2028" in page
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "show.create")) is not None

    response = client.post(
        f"/organiser/shows/{show.id}",
        data={f"show{show.id}-name": "Milipol Singapore", f"show{show.id}-branding_name": "Milipol Singapore Awards"},
    )
    assert response.status_code == 302
    db.session.refresh(show)
    assert (show.name, show.branding_name, show.slug) == (
        "Milipol Singapore",
        "Milipol Singapore Awards",
        "milipol-asia-pacific",
    )


def test_an_edition_is_copied_only_from_the_same_show(two_shows, client, make, login_as):
    paris, qatar, _p, _q = two_shows
    login_as(make.user("organiser"))
    response = client.post(
        "/organiser/editions/new",
        data=_form(name="Milipol Qatar 2030", show=str(qatar.show_id), clone_from=str(paris.id)),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "copied from an earlier edition of the same show" in page
    assert 'value="Milipol Qatar 2030"' in page  # what was typed is kept
    response = client.post(
        "/organiser/editions/new",
        data=_form(name="Milipol Qatar 2030", show=str(qatar.show_id), clone_from=str(qatar.id)),
    )
    assert response.status_code == 302
    copy = db.session.scalar(db.select(Edition).where(Edition.name == "Milipol Qatar 2030"))
    assert copy.show_id == qatar.show_id and len(copy.categories) == len(qatar.categories)


def test_exhibitor_sees_every_shows_open_edition_and_enters_show_b(two_shows, client, make, login_as):
    paris, qatar, _p, _q = two_shows
    company = make.organisation()
    login_as(make.user("exhibitor", organisation=company))
    page = client.get("/entries/").get_data(as_text=True)
    assert "Milipol Paris · Milipol Paris 2027" in page and "Milipol Qatar · Milipol Qatar 2028" in page

    category = next(c for c in qatar.categories if c.code == "cyber")
    response = client.post(
        f"/entries/new?edition={qatar.id}&category={category.id}", data=dict(PRODUCT, category=category.id)
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    entry = db.session.scalar(db.select(Entry).where(Entry.organisation_id == company.id))
    assert entry.edition_id == qatar.id
    page = client.get(f"/entries/?edition={qatar.id}").get_data(as_text=True)
    assert "Smart fence" in page and "Milipol Qatar Innovation Awards" in page
    assert "Smart fence" not in client.get("/entries/").get_data(as_text=True)  # the default show's edition


def test_public_pages_are_per_show(two_shows, client):
    paris, qatar, _p, _q = two_shows
    assert client.get("/shows/milipol-qatar/winners").status_code == 404  # nothing published yet
    paris.results_state = qatar.results_state = "published"
    db.session.commit()

    page = client.get("/").get_data(as_text=True)
    assert "Milipol Paris 2027" in page and "Milipol Qatar 2028" not in page  # the default show
    page = client.get("/shows/milipol-qatar").get_data(as_text=True)
    assert "Milipol Qatar 2028" in page and "Milipol Paris 2027" not in page
    assert "<h1>Milipol Qatar Innovation Awards</h1>" in page
    assert "Milipol Qatar 2028" in client.get("/?show=milipol-qatar").get_data(as_text=True)
    page = client.get("/shows/milipol-qatar/winners").get_data(as_text=True)
    assert "Milipol Qatar 2028" in page and "Milipol Paris 2027" not in page
    assert client.get("/shows/nowhere").status_code == 404


def test_mails_carry_the_shows_branding_name(two_shows, client, make, login_as):
    _paris, qatar, _p, _q = two_shows
    company = make.organisation()
    login_as(make.user("exhibitor", organisation=company))
    category = next(c for c in qatar.categories if c.code == "cyber")
    client.post(f"/entries/new?edition={qatar.id}&category={category.id}", data=dict(PRODUCT, category=category.id))
    entry = db.session.scalar(db.select(Entry).where(Entry.organisation_id == company.id))
    assert client.post(f"/entries/{entry.id}/submit").status_code == 302
    receipt = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "receipt"))
    assert "Milipol Qatar Innovation Awards" in receipt.body_html


def test_command_line_creates_an_edition_in_a_show(app, runner):
    result = runner.invoke(args=["create-edition", "--name", "Milipol Paris 2027", "--current"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["create-edition", "--name", "Milipol Qatar 2028", "--show", "Milipol Qatar", "--timezone", "Asia/Qatar"]
    )
    assert result.exit_code == 0 and "show Milipol Qatar" in result.output, result.output
    qatar = db.session.scalar(db.select(Edition).where(Edition.slug == "milipol-qatar-2028"))
    paris = db.session.scalar(db.select(Edition).where(Edition.slug == "milipol-paris-2027"))
    assert qatar.show.name == "Milipol Qatar" and paris.show.name == "Milipol Paris" and paris.show.is_default
    result = runner.invoke(args=["create-edition", "--name", "Milipol Qatar 2030", "--show", "milipol-qatar"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count(Show.id))) == 2


def test_a_juror_of_another_show_finds_their_entries_without_any_address_parameter(two_shows, client, make, login_as):
    from judging.domain import juries as jury_services

    _paris, qatar, _p, qatar_entry = two_shows
    juror = make.user("juror")
    category = next(c for c in qatar.categories if c.code == "cyber")
    jury_services.add_member(actor=make.user("organiser"), category=category, juror=juror)
    db.session.commit()
    login_as(juror)
    page = client.get("/jury/").get_data(as_text=True)
    assert "Milipol Qatar Innovation Awards" in page  # the page is about the Qatar edition, not the default show's


def test_the_ceremony_workbook_carries_the_shows_branding_name(two_shows, app):
    from exports import write_results_workbook
    from judging.exporting import results_book

    _paris, qatar, _p, _q = two_shows
    buffer = io.BytesIO()
    with app.test_request_context():
        write_results_workbook(results_book(qatar, ceremony=False, language="en"), buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook["Ceremony"]["A1"].value == "Milipol Qatar 2028 ceremony - Milipol Qatar Innovation Awards"
    assert workbook.properties.creator == "Milipol Qatar Innovation Awards"


def test_the_api_says_which_show_each_edition_belongs_to(two_shows, client, make):
    from judging.domain import api_tokens

    organiser = make.user("organiser")
    _token, secret = api_tokens.issue_token(actor=organiser, name="Show website", scopes=["read-results"])
    db.session.commit()
    editions = client.get("/api/v1/editions", headers={"Authorization": f"Bearer {secret}"}).json
    assert {(e["name"], e["show"], e["is_current"]) for e in editions} == {
        ("Milipol Paris 2027", "milipol-paris", True),
        ("Milipol Qatar 2028", "milipol-qatar", True),
    }
