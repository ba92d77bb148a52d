"""The company directory: search, filters, sort and pages; editing, merging duplicates, inviting the contact."""

import re

from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, AuditEvent, Conflict, Entry, Organisation, User
from support import PASSWORD


def _names(client, **args):
    page = client.get("/organiser/companies", query_string=args)
    assert page.status_code == 200
    return re.findall(r'/organiser/companies/\d+">([^<]+)</a>', page.get_data(as_text=True))


def _world(make):
    edition = make.edition()
    dupont = make.organisation("Équipements Dupont", country="FR", hall="5", stand="A001", is_startup=True)
    zeta = make.organisation("Zeta Optics", country="DE", hall="6", stand="B010")
    alpha = make.organisation("Alpha Drones", country="FR", hall="4", stand="C100")
    make.organisation("Øresund Security", country="DK", hall="6", stand="B011")
    make.user("exhibitor", organisation=dupont)
    make.user("exhibitor", organisation=zeta)
    make.entry(edition=edition, organisation=dupont, category="cyber")
    make.entry(edition=edition, organisation=dupont, category="drones", status="draft")
    make.entry(edition=edition, organisation=zeta, category="cyber")
    return edition, dupont, zeta, alpha


def test_directory_search_ignores_accents_and_case(client, make, login_as):
    _world(make)
    login_as(make.user("organiser"))
    assert _names(client, q="equipements") == ["Équipements Dupont"]
    assert _names(client, q="ÉQUIPEMENTS dupont") == ["Équipements Dupont"]
    assert _names(client, q="oresund") == ["Øresund Security"]
    assert _names(client, q="nothing like it") == []


def test_directory_filters_by_country_hall_stand_startup_account_entered_and_drafts(client, make, login_as):
    _world(make)
    login_as(make.user("organiser"))
    assert _names(client, country="FR") == ["Alpha Drones", "Équipements Dupont"]
    assert _names(client, hall="6") == ["Øresund Security", "Zeta Optics"]
    assert _names(client, stand="b010") == ["Zeta Optics"]
    assert _names(client, startup="yes") == ["Équipements Dupont"]
    assert _names(client, account="no") == ["Alpha Drones", "Øresund Security"]
    assert _names(client, entered="yes") == ["Équipements Dupont", "Zeta Optics"]
    assert _names(client, entered="no", country="FR") == ["Alpha Drones"]
    assert _names(client, drafts="1") == ["Équipements Dupont"]


def test_directory_sorts_and_pages(client, make, login_as):
    _world(make)
    login_as(make.user("organiser"))
    assert _names(client) == ["Alpha Drones", "Équipements Dupont", "Øresund Security", "Zeta Optics"]
    assert _names(client, sort="entries", dir="desc")[:2] == ["Équipements Dupont", "Zeta Optics"]
    assert _names(client, sort="country") == ["Zeta Optics", "Øresund Security", "Alpha Drones", "Équipements Dupont"]
    for n in range(30):
        make.organisation(f"Filler {n:02d}")
    first = _names(client, per_page=25)
    second = _names(client, per_page=25, page=2)
    assert len(first) == 25 and len(second) == 9 and not set(first) & set(second)
    assert "34 companies" in client.get("/organiser/companies").get_data(as_text=True)


def test_organiser_edits_a_company_and_a_taken_name_is_said_beside_the_field(client, make, login_as):
    _, dupont, zeta, _ = _world(make)
    login_as(make.user("organiser"))
    form = dict(name="Zeta  Optics GmbH", country="DE", hall="7", stand="D1", contact_email="Sales@Zeta.example")
    assert client.post(f"/organiser/companies/{zeta.id}", data=form).status_code == 302
    db.session.refresh(zeta)
    assert (zeta.name, zeta.hall, zeta.contact_email, zeta.name_key) == (
        "Zeta Optics GmbH",
        "7",
        "sales@zeta.example",
        "zeta optics gmbh",
    )
    taken = client.post(f"/organiser/companies/{zeta.id}", data=dict(form, name="EQUIPEMENTS DUPONT"))
    assert taken.status_code == 400
    page = taken.get_data(as_text=True)
    assert "Another company is already called" in page and 'value="EQUIPEMENTS DUPONT"' in page
    db.session.refresh(zeta)
    assert zeta.name == "Zeta Optics GmbH"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "organisation.updated")) is not None


def test_merging_a_duplicate_moves_entries_accounts_and_conflicts_after_a_preview(client, make, login_as):
    edition = make.edition(max_entries=2)
    survivor = make.organisation("Aegis Systems", contact_email="")
    duplicate = make.organisation("AEGIS Systems SAS", contact_email="ceo@aegis.example", stand="Z9")
    make.user("exhibitor", organisation=duplicate, email="ceo@aegis.example")
    entry = make.entry(edition=edition, organisation=duplicate, category="cyber")
    make.entry(edition=edition, organisation=survivor, category="cyber")
    juror, other = make.user("juror"), make.user("juror")
    db.session.add_all(
        [
            Conflict(juror_id=juror.id, organisation_id=duplicate.id, kind="client"),
            Conflict(juror_id=other.id, organisation_id=duplicate.id, kind="family"),
            Conflict(juror_id=other.id, organisation_id=survivor.id, kind="family"),
        ]
    )
    db.session.commit()
    duplicate_id = duplicate.id
    login_as(make.user("organiser"))
    preview = client.post(f"/organiser/companies/{survivor.id}/merge", data={"duplicate": "aegis systems sas"})
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "1 entry" in text and "1 account<" in text and "2 declared conflicts" in text
    assert db.session.get(Organisation, duplicate.id) is not None  # nothing changed by the preview
    done = client.post(
        f"/organiser/companies/{survivor.id}/merge", data={"duplicate": "AEGIS Systems SAS", "confirm": duplicate.id}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, duplicate_id) is None
    assert db.session.get(Entry, entry.id).organisation_id == survivor.id
    assert db.session.scalar(db.select(User).where(User.email == "ceo@aegis.example")).organisation_id == survivor.id
    conflicts = db.session.scalars(db.select(Conflict).where(Conflict.organisation_id == survivor.id)).all()
    assert sorted(c.juror_id for c in conflicts) == sorted([juror.id, other.id])
    merged = db.session.get(Organisation, survivor.id)
    assert merged.contact_email == "ceo@aegis.example"  # the survivor had none: taken from the duplicate
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "organisation.merged"))
    assert event.before["duplicate"] == "AEGIS Systems SAS" and event.after["entries"] == 1


def test_a_merge_over_the_entry_limit_is_refused_and_changes_nothing(client, make, login_as):
    edition = make.edition(max_entries=1)
    survivor, duplicate = make.organisation("Aegis"), make.organisation("Aegis SAS")
    make.entry(edition=edition, organisation=survivor, category="cyber")
    make.entry(edition=edition, organisation=duplicate, category="cyber")
    login_as(make.user("organiser"))
    refused = client.post(
        f"/organiser/companies/{survivor.id}/merge", data={"duplicate": "Aegis SAS", "confirm": duplicate.id}
    )
    assert refused.status_code == 409
    assert "over the limit of 1" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, duplicate.id) is not None


def test_a_merge_that_would_leave_a_juror_judging_a_conflicted_company_is_refused(client, make, login_as):
    edition = make.edition(max_entries=3)
    survivor, duplicate = make.organisation("Aegis"), make.organisation("Aegis SAS")
    entry = make.entry(edition=edition, organisation=duplicate, category="cyber")
    juror = make.user("juror", organisation=survivor)  # employed by the survivor
    round_ = make.category(edition, "cyber").rounds[0]
    db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()
    login_as(make.user("organiser"))
    refused = client.post(
        f"/organiser/companies/{survivor.id}/merge", data={"duplicate": "Aegis SAS", "confirm": duplicate.id}
    )
    assert refused.status_code == 409
    assert juror.email in refused.get_data(as_text=True)


def test_merging_with_an_unknown_name_or_itself_is_said_on_the_page(client, make, login_as):
    company = make.organisation("Aegis")
    login_as(make.user("organiser"))
    unknown = client.post(f"/organiser/companies/{company.id}/merge", data={"duplicate": "Nobody"})
    assert unknown.status_code == 400 and "No company is called" in unknown.get_data(as_text=True)
    itself = client.post(f"/organiser/companies/{company.id}/merge", data={"duplicate": "AEGIS"})
    assert itself.status_code == 409 and "cannot be merged with itself" in itself.get_data(as_text=True)


def test_an_imported_company_gets_its_first_account_through_a_single_use_invitation(app, client, make, login_as):
    company = make.organisation("Équipements Dupont", contact_email="contact@dupont.example")
    login_as(make.user("organiser"))
    page = client.get(f"/organiser/companies/{company.id}").get_data(as_text=True)
    assert "Nobody from this company has an account yet" in page
    assert 'value="contact@dupont.example"' in page  # the contact's address is offered
    sent = client.post(
        f"/organiser/companies/{company.id}/invite",
        data={"name": "Anne Dupont", "email": "contact@dupont.example", "language": "fr"},
    )
    assert sent.status_code == 302
    mail = outbox()[-1]
    assert mail.to == "contact@dupont.example" and "Équipements Dupont" in mail.body and "Bonjour" in mail.body
    link = re.search(r"http://awards\.test(/auth/join/\S+)", mail.body).group(1)
    client.post("/auth/logout")
    joined = client.post(link, data={"password": PASSWORD + "-x", "confirm": PASSWORD + "-x"})
    assert joined.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "contact@dupont.example"))
    assert (user.organisation_id, user.role, user.language) == (company.id, "exhibitor", "fr")
    client.post("/auth/logout")
    assert client.get(link).status_code == 400  # used once: the link no longer works


def test_organiser_gives_a_colleague_access_and_an_existing_account_gets_a_note(client, make, login_as):
    company = make.organisation("Aegis", contact_email="boss@aegis.example")
    make.user("exhibitor", organisation=company, email="boss@aegis.example")
    login_as(make.user("organiser"))
    client.post(
        f"/organiser/companies/{company.id}/invite",
        data={"name": "Colleague", "email": "Colleague@Aegis.example", "language": "en"},
    )
    assert outbox()[-1].to == "colleague@aegis.example" and "/auth/join/" in outbox()[-1].body
    note = client.post(
        f"/organiser/companies/{company.id}/invite",
        data={"name": "Boss", "email": "boss@aegis.example", "language": "en"},
        follow_redirects=True,
    )
    assert "already has an account" in note.get_data(as_text=True)
    assert "/auth/join/" not in outbox()[-1].body
    bad = client.post(f"/organiser/companies/{company.id}/invite", data={"name": "", "email": "not-an-address"})
    assert bad.status_code == 400


def test_company_page_lists_its_accounts(client, make, login_as):
    company = make.organisation("Aegis")
    make.user("exhibitor", organisation=company, email="one@aegis.example")
    make.user("juror", organisation=company, email="judge@aegis.example")
    login_as(make.user("organiser"))
    page = client.get(f"/organiser/companies/{company.id}").get_data(as_text=True)
    assert "one@aegis.example" in page and "judge@aegis.example" in page
    assert client.get("/organiser/companies/999999").status_code == 404
