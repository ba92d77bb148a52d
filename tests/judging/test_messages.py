"""Announcements: to an audience of the edition, in each recipient's language, previewed, then logged."""

import re

from judging.extensions import db
from judging.mail import outbox
from judging.models import AuditEvent, Message, MessageRecipient


def _world(make):
    edition = make.edition(name="Milipol Paris 2027")
    drafting = make.organisation("Équipements Dupont")
    done = make.organisation("Aegis")
    silent = make.organisation("Zeta")
    anne = make.user("exhibitor", organisation=drafting, email="anne@dupont.example", language="fr")
    bob = make.user("exhibitor", organisation=done, email="bob@aegis.example")
    make.user("exhibitor", organisation=silent, email="zed@zeta.example")
    make.entry(edition=edition, organisation=drafting, status="draft")
    make.entry(edition=edition, organisation=done, status="submitted")
    return edition, anne, bob


MESSAGE = {
    "audience": "exhibitors_with_drafts",
    "subject_en": "48 hours left, {name}",
    "body_en": "Hello {name}, {company} still has a draft. Deadline: {deadline}.",
    "subject_fr": "Plus que 48 heures, {name}",
    "body_fr": "Bonjour {name}, {company} a encore un brouillon. Date limite : {deadline}.",
}


def test_preview_says_who_receives_what_in_which_language_and_sends_nothing(client, make, login_as):
    _world(make)
    login_as(make.user("organiser"))
    before = len(outbox())
    preview = client.post("/organiser/messages", data=MESSAGE)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "anne@dupont.example (fr)" in page and "bob@aegis.example" not in page
    assert "Bonjour Exhibitor" in page and "Équipements Dupont a encore un brouillon" in page
    assert "Yes: send it to 1 person" in page
    assert len(outbox()) == before and db.session.scalar(db.select(Message)) is None


def test_sent_message_reaches_each_recipient_in_their_language_and_is_logged(client, make, login_as):
    edition, anne, bob = _world(make)
    login_as(make.user("organiser"))
    sent = client.post("/organiser/messages", data={**MESSAGE, "audience": "exhibitors", "confirm": "1"})
    assert sent.status_code == 302
    mails = {m.to: m for m in outbox()}
    assert mails["anne@dupont.example"].subject.startswith("Plus que 48 heures")
    assert "Équipements Dupont a encore un brouillon" in mails["anne@dupont.example"].body
    assert mails["bob@aegis.example"].subject == f"48 hours left, {bob.name}"
    assert "Europe/Paris" in mails["bob@aegis.example"].body
    assert len(mails) == 3
    message = db.session.scalar(db.select(Message))
    logged = db.session.scalars(db.select(MessageRecipient.email).order_by(MessageRecipient.email)).all()
    assert logged == ["anne@dupont.example", "bob@aegis.example", "zed@zeta.example"]
    log = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Sent to 3 people" in log and "zed@zeta.example" in log
    assert message.subject_en in client.get("/organiser/messages").get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "message.send")).after["recipients"] == 3


def test_french_left_empty_sends_the_english_and_a_typo_in_a_placeholder_is_refused(client, make, login_as):
    _world(make)
    login_as(make.user("organiser"))
    english_only = {**MESSAGE, "subject_fr": "", "body_fr": "", "confirm": "1"}
    assert client.post("/organiser/messages", data=english_only).status_code == 302
    assert outbox()[-1].to == "anne@dupont.example" and outbox()[-1].subject.startswith("48 hours left")
    typo = client.post("/organiser/messages", data={**MESSAGE, "body_en": "Hello {nmae}"})
    assert typo.status_code == 400 and "Unknown placeholder(s): {nmae}" in typo.get_data(as_text=True)
    half = client.post("/organiser/messages", data={**MESSAGE, "subject_fr": ""})
    assert half.status_code == 400 and "Give both the French subject and message" in half.get_data(as_text=True)


def test_an_audience_nobody_is_in_is_said_before_sending(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    answer = client.post("/organiser/messages", data={**MESSAGE, "confirm": "1"})
    assert answer.status_code == 409 and "Nobody receives this message" in answer.get_data(as_text=True)


def test_jurors_and_the_exhibitors_of_chosen_entries(client, make, login_as):
    from judging.domain import juries

    edition, anne, bob = _world(make)
    organiser = login_as(make.user("organiser"))
    juror = make.user("juror", email="judge@example.com")
    juries.add_member(actor=organiser, category=make.category(edition, "cyber"), juror=juror)
    page = client.post("/organiser/messages", data={**MESSAGE, "audience": "jurors"}).get_data(as_text=True)
    assert "judge@example.com" in page and "anne@dupont.example" not in page
    entry = db.session.scalar(db.select(MessageRecipient).limit(1))  # nothing logged by previews
    assert entry is None
    submitted = [e for e in edition_entries(edition) if e.status == "submitted"]
    form = client.post("/organiser/entries/bulk", data={"action": "message", "entry": [submitted[0].id]})
    assert form.status_code == 200
    ids = re.search(r'name="entry_ids"[^>]*value="([^"]+)"', form.get_data(as_text=True)).group(1)
    chosen = client.post("/organiser/messages", data={**MESSAGE, "audience": "selected_entries", "entry_ids": ids})
    text = chosen.get_data(as_text=True)
    assert "bob@aegis.example" in text and "anne@dupont.example" not in text


def edition_entries(edition):
    from judging.models import Entry

    return db.session.scalars(db.select(Entry).where(Entry.edition_id == edition.id)).all()


def test_a_communications_organiser_may_send_messages_but_a_read_only_one_may_not(client, make, login_as):
    _world(make)
    writer = make.user("organiser", email="comms@awards.example")
    writer.organiser_role = "communications"
    db.session.commit()
    login_as(writer)
    assert client.post("/organiser/messages", data=MESSAGE).status_code == 200
    client.post("/auth/logout")
    reader = make.user("organiser", email="reader@awards.example")
    reader.organiser_role = "read_only"
    db.session.commit()
    login_as(reader)
    assert client.post("/organiser/messages", data=MESSAGE).status_code == 403
