"""Saved views: an organiser names a list's filters and sort, and comes back to them in one click."""

import re

from judging.extensions import db
from judging.models import SavedView


def test_organiser_saves_a_view_of_the_entry_list_and_opens_it_again(client, make, login_as):
    edition = make.edition()
    make.entry(edition=edition, title="Siren", status="draft")
    make.entry(edition=edition, title="Firewall")
    me = login_as(make.user("organiser"))
    saved = client.post(
        "/organiser/views/entries",
        data={"name": "  Drafts   by company ", "status": "draft", "sort": "company", "dir": "desc", "page": "3"},
    )
    assert saved.status_code == 302 and "status=draft" in saved.headers["Location"]
    page = client.get("/organiser/entries").get_data(as_text=True)
    link = re.search(r'<a href="(/organiser/entries\?[^"]+)">Drafts by company</a>', page).group(1)
    assert "page=" not in link
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Siren" in listed and "Firewall" not in listed
    view = db.session.scalar(db.select(SavedView))
    assert (view.user_id, view.page) == (me.id, "entries")
    assert client.post(f"/organiser/views/{view.id}/remove").status_code == 302
    assert db.session.scalar(db.select(SavedView)) is None


def test_views_are_per_organiser_and_saving_the_same_name_replaces_it(client, make, login_as):
    make.edition()
    other = make.user("organiser", email="other@awards.example")
    login_as(make.user("organiser"))
    client.post("/organiser/views/companies", data={"name": "French", "country": "FR"})
    client.post("/organiser/views/companies", data={"name": "French", "country": "FR", "startup": "yes"})
    views = db.session.scalars(db.select(SavedView)).all()
    assert len(views) == 1 and "startup=yes" in views[0].query
    assert "French</a>" in client.get("/organiser/companies").get_data(as_text=True)
    client.post("/auth/logout")
    login_as(other)
    assert "French</a>" not in client.get("/organiser/companies").get_data(as_text=True)
    assert client.post(f"/organiser/views/{views[0].id}/remove").status_code == 404
    assert client.post("/organiser/views/elsewhere", data={"name": "x"}).status_code == 404
    nameless = client.post("/organiser/views/companies", data={"name": ""}, follow_redirects=True)
    assert "Give the view a name." in nameless.get_data(as_text=True)
