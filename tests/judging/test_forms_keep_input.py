"""Every form keeps what was typed: a refusal (an expired token, a bad value, a rule of the awards) brings the
same page back with the reason beside the field or above the form, in the reader's language, with a 4xx
status, never a dead-end "Bad request" or "Conflict" page."""

import io
from datetime import timedelta

import pytest

from judging.domain import juries as jury_services
from judging.extensions import db
from judging.models import Assignment, Entry, utcnow

EXPIRED = "Your session expired: nothing was saved."
EXPIRED_FR = "Votre session a expiré : rien n’a été enregistré."
DEAD_ENDS = ("Bad request", "Conflict", "Requête invalide", "Conflit")


@pytest.fixture
def world(make):
    edition = make.edition(deadline_in=timedelta(days=5))
    category = make.category(edition, "cyber")
    organiser, juror = make.user("organiser"), make.user("juror")
    jury_services.add_member(actor=organiser, category=category, juror=juror)
    exhibitor = make.user("exhibitor")
    entry = make.entry(edition=edition, organisation=exhibitor.organisation, status="draft", title="Saved title")
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)  # the jury scores already (the demo's first show day)
    scored = make.entry(edition=edition, title="Scored entry")
    round_ = category.rounds[0]
    db.session.add(Assignment(round_id=round_.id, entry_id=scored.id, juror_id=juror.id))
    db.session.commit()
    return dict(
        edition=edition,
        category=category,
        entry=entry,
        scored=scored,
        round=round_,
        organiser=organiser,
        exhibitor=exhibitor,
        juror=juror,
    )


# (who posts, the page's address, what is typed, a typed value the page must show again)
TYPED_FORMS = {
    "login": (None, "/auth/login", lambda w: {"email": "kept@example.com", "password": "x"}, "kept@example.com"),
    "register": (
        None,
        "/auth/register",
        lambda w: {"name": "Kept Name", "email": "new@example.com", "organisation": "Kept Company", "country": "FR"},
        "Kept Company",
    ),
    "forgotten password": (None, "/auth/forgot", lambda w: {"email": "kept@example.com"}, "kept@example.com"),
    "new entry": (
        "exhibitor",
        "/entries/new",
        lambda w: {"category": w["category"].id, "title": "Kept fence", "what_is_new": "Typed at length"},
        "Typed at length",
    ),
    "edit entry": (
        "exhibitor",
        "/entries/{entry}/edit",
        lambda w: {"category": w["category"].id, "title": "Kept fence", "summary": "Typed summary"},
        "Typed summary",
    ),
    "invite a colleague": (
        "exhibitor",
        "/auth/colleagues",
        lambda w: {"name": "Kept Colleague", "email": "colleague@example.com", "language": "fr"},
        "Kept Colleague",
    ),
    "edition settings": (
        "organiser",
        "/organiser/edition",
        lambda w: {"name": "Kept edition name", "timezone": "Europe/Paris", "max_entries_per_category": "2"},
        "Kept edition name",
    ),
    "category": (
        "organiser",
        "/organiser/categories/{category}",
        lambda w: {"name_en": "Kept category", "name_fr": "Catégorie", "position": "1", "jurors_per_entry": "3"},
        "Kept category",
    ),
    "new edition": (
        "organiser",
        "/organiser/editions/new",
        lambda w: {"name": "Kept new edition", "slug": "kept-2027", "timezone": "Europe/Paris"},
        "Kept new edition",
    ),
    "message": (
        "organiser",
        "/organiser/messages",
        lambda w: {"audience": "all_exhibitors", "subject_en": "Kept subject", "body_en": "Kept body"},
        "Kept subject",
    ),
    "api token": ("organiser", "/organiser/api-tokens", lambda w: {"name": "Kept token name"}, "Kept token name"),
    "company": (
        "organiser",
        "/organiser/companies/{company}",
        lambda w: {"name": "Kept company name", "country": "FR", "hall": "5", "stand": "B1"},
        "Kept company name",
    ),
    "invite a juror": (
        "organiser",
        "/organiser/juries/invite",
        lambda w: {"name": "Kept Juror", "email": "kept.juror@example.com", "category": w["category"].id},
        "Kept Juror",
    ),
    "round settings": (
        "organiser",
        "/organiser/rounds/{round}/settings",
        lambda w: {"name": "Kept round", "name_fr": "Tour", "jurors_per_entry": "3", "slot_minutes": "10"},
        "Kept round",
    ),
    "disqualify": (
        "organiser",
        "/organiser/entries/{entry}",
        lambda w: {"reason": "Kept reason for disqualifying"},
        "Kept reason for disqualifying",
    ),
    "merge a duplicate": (
        "organiser",
        "/organiser/companies/{company}/merge",
        lambda w: {"duplicate": "Kept duplicate name"},
        "Kept duplicate name",
    ),
    "conflict register": (
        "organiser",
        "/organiser/conflicts",
        lambda w: {"juror": w["juror"].id, "organisation": w["exhibitor"].organisation_id, "reason": "Kept cousin"},
        "Kept cousin",
    ),
    "webhook": (
        "organiser",
        "/organiser/webhooks",
        lambda w: {"url": "https://kept.example/hook"},
        "https://kept.example/hook",
    ),
    "declare a conflict": (
        "juror",
        "/jury/conflicts",
        lambda w: {"organisation": w["exhibitor"].organisation_id, "kind": "other", "reason": "Kept tie"},
        "Kept tie",
    ),
    "scorecard": (
        "juror",
        "/jury/entries/{scored}/score",
        lambda w: {"mark-innovation": "7", "overall_comment": "Kept comment of the juror", "version": "0"},
        "Kept comment of the juror",
    ),
}


def _login(login_as, world, who):
    if who is not None:
        login_as(world[who])


def _address(world, template):
    return template.format(
        entry=world["entry"].id,
        category=world["category"].id,
        company=world["exhibitor"].organisation_id,
        round=world["round"].id,
        scored=world["scored"].id,
    )


def _assert_same_page(response, kept, message):
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, (response.status_code, page[:500])
    assert message in page
    assert kept in page, "what was typed is lost"
    assert not any(f"<h1>{dead}</h1>" in page for dead in DEAD_ENDS)
    assert 'name="csrf_token"' in page  # a fresh token: submitting again works


@pytest.mark.parametrize("name", TYPED_FORMS)
def test_expired_session_gives_the_form_back_as_typed(app, client, login_as, world, name):
    who, template, data, kept = TYPED_FORMS[name]
    _login(login_as, world, who)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(_address(world, template), data=dict(data(world), csrf_token="expired"))
    _assert_same_page(response, kept, EXPIRED)
    db.session.refresh(world["entry"])
    assert world["entry"].title == "Saved title"


def test_an_expired_session_never_acts_on_a_form_that_is_not_shown_again(app, client, login_as, world):
    login_as(world["exhibitor"])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/auth/logout", data={"csrf_token": "expired"})
    assert response.status_code == 400
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.get("/entries/").status_code == 200  # still logged in: a forged logout does nothing


def test_a_form_not_shown_again_goes_back_to_its_page_after_an_expired_session(app, client, login_as, world):
    login_as(world["organiser"])
    app.config["WTF_CSRF_ENABLED"] = True
    juries = "http://awards.test/organiser/juries"
    response = client.post(
        f"/organiser/juries/{world['category'].id}/members", data={"juror": "1"}, headers={"Referer": juries}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/organiser/juries"
    assert EXPIRED in client.get("/organiser/juries").get_data(as_text=True)


def test_expired_session_is_said_in_the_readers_language(app, client, login_as, make, world):
    login_as(make.user("exhibitor", language="fr", organisation=world["exhibitor"].organisation))
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        f"/entries/{world['entry'].id}/edit",
        data={"category": world["category"].id, "title": "Titre gardé"},
    )
    _assert_same_page(response, "Titre gardé", EXPIRED_FR)


def test_a_one_button_form_with_an_expired_session_goes_back_to_its_page(app, client, login_as, world):
    login_as(world["exhibitor"])
    app.config["WTF_CSRF_ENABLED"] = True
    page = f"http://awards.test/entries/{world['entry'].id}"
    response = client.post(f"/entries/{world['entry'].id}/submit", headers={"Referer": page})
    assert response.status_code == 303 and response.headers["Location"] == f"/entries/{world['entry'].id}"
    assert EXPIRED in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Entry, world["entry"].id).status == "draft"


def test_a_refused_colleague_invitation_is_shown_on_the_dashboard_as_typed(client, login_as, world):
    login_as(world["exhibitor"])
    response = client.post("/auth/colleagues", data={"name": "Kept Colleague", "email": "not an address"})
    _assert_same_page(response, "Kept Colleague", "Invalid email address")
    page = response.get_data(as_text=True)
    email_field = page[page.index('for="email"') :]
    assert "Invalid email address" in email_field[: email_field.index("</div>")]


def test_a_form_refused_as_a_whole_goes_back_to_its_page_with_the_reason(client, login_as, world):
    login_as(world["organiser"])
    dashboard = "http://awards.test/organiser/"
    response = client.post("/organiser/results/unfreeze", data={"reason": ""}, headers={"Referer": dashboard})
    assert response.status_code == 303 and response.headers["Location"] == "/organiser/"
    assert "Give the reason for unfreezing" in client.get("/organiser/").get_data(as_text=True)


def test_the_entry_limit_is_said_before_the_form_is_filled(client, login_as, make, world):
    login_as(world["exhibitor"])
    choose = client.get("/entries/new").get_data(as_text=True)
    assert "Each company may enter 1 entry per category." in choose
    assert "Limit reached: your company already has 1 entry in this category." in choose
    drones = make.category(world["edition"], "drones")
    assert "You can enter 1 more entry in this category." in choose
    assert f"/entries/new?category={world['category'].id}" not in choose  # no form to fill in vain
    form = client.get(f"/entries/new?category={drones.id}").get_data(as_text=True)
    assert "You can enter 1 more entry in this category." in form


def test_an_expired_session_never_shows_a_page_its_visitor_may_not_see(app, client, login_as, world):
    login_as(world["exhibitor"])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/organiser/edition", data={"name": "Forged name", "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Forged name" not in page and 'name="timezone"' not in page
    db.session.refresh(world["edition"])
    assert world["edition"].name != "Forged name"


def test_a_refused_file_is_said_beside_the_file_field_on_the_entrys_page(client, login_as, world):
    login_as(world["exhibitor"])
    entry = world["entry"]
    response = client.post(
        f"/entries/{entry.id}/attachments", data={"file": (io.BytesIO(b"MZ\x90\x00 program"), "brochure.pdf")}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Saved title" in page and "Upload refused" not in page
    file_field = page[page.index('for="file"') :]
    assert "Only PDF, JPEG and PNG" in file_field[: file_field.index("</div>")]

    response = client.post(f"/entries/{entry.id}/attachments", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose a file to upload." in page and "Saved title" in page


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_files_chosen_on_a_refused_entry_form_are_kept_until_it_is_saved(client, login_as, make, world):
    login_as(world["exhibitor"])
    drones = make.category(world["edition"], "drones")
    address = f"/entries/new?category={drones.id}"
    chosen = [(io.BytesIO(PDF), "brochure.pdf"), (io.BytesIO(b"MZ\x90 program"), "setup.pdf")]
    response = client.post(address, data={"category": drones.id, "title": "", "files": chosen})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kept: brochure.pdf" in page  # the valid file is kept...
    assert "setup.pdf: Only PDF, JPEG and PNG" in page  # ...the refused one said beside the field
    kept = page[page.index('name="keep" value="') + len('name="keep" value="') :].split('"')[0]

    # Saved on the next try, without choosing the file again: the kept file is attached to the draft.
    response = client.post(address, data={"category": drones.id, "title": "Kept drone", "keep": kept})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(Entry).where(Entry.title == "Kept drone"))
    assert [a.original_name for a in entry.attachments] == ["brochure.pdf"]
    assert client.get(f"/entries/files/{entry.attachments[0].id}").data == PDF


def test_a_kept_file_unticked_is_not_attached(client, login_as, world):
    login_as(world["exhibitor"])
    entry = world["entry"]
    address = f"/entries/{entry.id}/edit"
    data = {"category": world["category"].id, "title": ""}
    page = client.post(address, data=dict(data, files=[(io.BytesIO(PDF), "old.pdf")])).get_data(as_text=True)
    assert "Kept: old.pdf" in page
    assert client.post(address, data=dict(data, title="Saved again")).status_code == 302
    db.session.refresh(entry)
    assert entry.title == "Saved again" and entry.attachments == []


def test_a_rule_of_the_awards_is_said_on_the_form_as_typed(client, login_as, world):
    """Refusals raised by the services (not by a field's own check) come back on the form too."""
    login_as(world["organiser"])
    response = client.post(
        "/organiser/juries/invite",
        data={
            "name": "Typed Juror",
            "email": world["exhibitor"].email,
            "category": world["category"].id,
            "language": "en",
        },
    )
    _assert_same_page(response, "Typed Juror", "already has an account that is not a juror")
    page = response.get_data(as_text=True)
    email_field = page[page.index('for="email"') :]
    assert "not a juror" in email_field[: email_field.index("</div>")]

    conflict = {
        "juror": world["juror"].id,
        "organisation": world["exhibitor"].organisation_id,
        "kind": "other",
        "reason": "Typed cousin",
    }
    assert client.post("/organiser/conflicts", data=conflict).status_code == 302
    response = client.post("/organiser/conflicts", data=dict(conflict, reason="Typed again"))
    _assert_same_page(response, "Typed again", "This conflict is already declared.")


def test_a_form_refused_without_a_reason_says_so_in_the_readers_language(client, login_as, make, world):
    login_as(make.user("organiser", language="fr"))
    response = client.post(
        "/organiser/entries/bulk",
        data={"action": "no-such-action", "entry": world["entry"].id},
        headers={"Referer": "http://awards.test/organiser/entries"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/organiser/entries"
    page = client.get("/organiser/entries").get_data(as_text=True)
    assert "Ce formulaire n’a pas pu être lu et rien n’a été enregistré" in page
