"""Nobody joins or claims a company by typing its name: an existing company is entered only by invitation.

An imported company (no account yet) is claimed through the organisers' invitation to its contact address;
registration answers the same whatever the name or the address, and an import never hands a company that
registered itself to another contact.
"""

import html
import io
import re

from openpyxl import Workbook

from judging.extensions import db
from judging.mail import outbox
from judging.models import AuditEvent, Organisation, User
from support import import_through_preview

REGISTRATION = dict(
    name="Mallory",
    email="mallory@evil.example",
    language="en",
    organisation="EQUIPEMENTS  dupont",
    country="FR",
    hall="5",
    stand="B123",
    is_startup="",
)


def _page(response, email):
    """The page without its form token's time stamp, the address typed replaced by a placeholder."""
    text = re.sub(r'name="csrf_token"[^>]*', "", response.get_data(as_text=True))
    return text.replace(email, "EMAIL")


def _link(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0).replace("http://awards.test", "")


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_registering_the_name_of_an_existing_company_answers_the_same_and_links_nothing(client, make):
    make.edition()
    make.organisation("Équipements Dupont", contact_email="boss@dupont.example")
    taken = client.post("/auth/register", data=REGISTRATION)
    free = client.post(
        "/auth/register", data=dict(REGISTRATION, email="bea@new.example", organisation="Brand New Company")
    )
    assert taken.status_code == free.status_code == 200
    assert _page(taken, "mallory@evil.example") == _page(free, "bea@new.example")
    mail = next(m for m in outbox() if m.to == "mallory@evil.example")
    assert "/auth/register/" not in mail.body and "already registered" in mail.body and "invit" in mail.body
    assert _count(User) == 0 and _count(Organisation) == 1


def test_the_contact_address_itself_does_not_claim_its_company_by_registering(client, make):
    make.edition()
    make.organisation("Équipements Dupont", contact_email="boss@dupont.example")
    client.post("/auth/register", data=dict(REGISTRATION, email="boss@dupont.example"))
    body = outbox()[-1].body
    assert "/auth/register/" not in body and "/auth/join/" not in body and "already registered" in body
    assert _count(User) == 0


def test_a_registration_link_is_refused_once_a_company_of_that_name_exists(client, make):
    make.edition()
    client.post("/auth/register", data=dict(REGISTRATION, organisation="Aegis Systems"))
    link = _link(outbox()[-1])
    make.organisation("AEGIS systems", contact_email="contact@aegis.example")  # the organisers' import, meanwhile
    response = client.post(link, data={"password": "Secure-pass-2027", "confirm": "Secure-pass-2027"})
    assert response.status_code == 409
    assert "already registered" in response.get_data(as_text=True)
    assert _count(User) == 0 and _count(Organisation) == 1


def test_the_organisers_invite_an_imported_companys_contact_who_claims_it_once(app, client, make, login_as):
    edition = make.edition()
    company = make.organisation("Équipements Dupont", contact_email="boss@dupont.example")
    entry = make.entry(edition=edition, organisation=company, title="Thermal camera")
    organiser = login_as(make.user("organiser"))
    page = html.unescape(client.get("/organiser/import").get_data(as_text=True))
    assert "Companies nobody manages yet" in page and "boss@dupont.example" in page
    invite = f"/organiser/companies/{company.id}/invite-contact"
    assert client.post(invite, follow_redirects=True).status_code == 200
    mail = outbox()[-1]
    assert mail.to == "boss@dupont.example" and "Équipements Dupont" in mail.body and "/auth/join/" in mail.body
    assert "Vos candidatures" in mail.subject  # a French company hears in French
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "company.contact_invited"))
    assert event is not None and event.actor_id == organiser.id
    listed = client.get("/organiser/import").get_data(as_text=True)
    assert "Invited " in listed and "Invite again" in listed  # the organisers see it went, and may resend
    contact = app.test_client()
    link = _link(mail)
    assert contact.get(link).status_code == 200
    response = contact.post(link, data={"password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"})
    assert response.status_code == 302
    boss = db.session.scalar(db.select(User).where(User.email == "boss@dupont.example"))
    assert boss.organisation_id == company.id and boss.role == "exhibitor" and boss.language == "fr"
    assert "Thermal camera" in contact.get("/entries/").get_data(as_text=True)
    contact.post("/auth/logout")
    assert contact.get(link).status_code == 400  # once only
    assert "boss@dupont.example" not in client.get("/organiser/import").get_data(as_text=True)
    assert client.post(invite).status_code == 409  # already managed: nothing is sent again
    assert entry.id


def test_an_invitation_to_a_contact_is_void_once_the_contact_changes(app, client, make, login_as):
    make.edition()
    company = make.organisation("Aegis Systems", contact_email="old@aegis.example")
    login_as(make.user("organiser"))
    client.post(f"/organiser/companies/{company.id}/invite-contact")
    link = _link(outbox()[-1])
    company.contact_email = "new@aegis.example"  # a new import corrects the contact
    db.session.commit()
    assert app.test_client().get(link).status_code == 400


def test_inviting_a_contact_who_already_has_an_account_elsewhere_sends_nothing(client, make, login_as):
    make.edition()
    other = make.user("exhibitor", email="shared@example.com")
    company = make.organisation("Aegis Systems", contact_email="shared@example.com")
    login_as(make.user("organiser"))
    response = client.post(f"/organiser/companies/{company.id}/invite-contact")
    assert response.status_code == 409 and "already has an account" in response.get_data(as_text=True)
    assert outbox() == [] and db.session.get(User, other.id).organisation_id != company.id


def _exhibitors_file(contact: str) -> bytes:
    workbook = Workbook()
    workbook.active.append(["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"])
    workbook.active.append(["THALES", "FR", "6", "C42", "no", contact])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_import_never_hands_a_self_registered_company_to_another_contact(client, make, login_as):
    make.edition()
    squatted = make.organisation("Thalès", contact_email="mallory@evil.example", hall="1", stand="Z9")
    make.user("exhibitor", organisation=squatted, email="mallory@evil.example")
    login_as(make.user("organiser"))
    response = client.post(
        "/organiser/import/exhibitors",
        data={"file": (io.BytesIO(_exhibitors_file("contact@thales.example")), "exhibitors.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "Nothing was imported" in page and "mallory@evil.example" in page and "contact@thales.example" in page
    db.session.expire_all()
    company = db.session.get(Organisation, squatted.id)
    assert (company.contact_email, company.hall, company.stand) == ("mallory@evil.example", "1", "Z9")
    # The organisers checked: the address is the company's. Put in the file, it imports (after its preview).
    response = import_through_preview(client, "exhibitors", _exhibitors_file("mallory@evil.example"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, squatted.id).stand == "C42"


def test_one_click_invites_every_contact_never_invited_and_skips_addresses_with_an_account(client, make, login_as):
    make.edition()
    first = make.organisation("Aegis Systems", contact_email="contact@aegis.example")
    second = make.organisation("Cerberus Protect", contact_email="info@cerberus.example")
    make.organisation("Shared Contact", contact_email="taken@example.com")
    make.user("exhibitor", email="taken@example.com")
    login_as(make.user("organiser"))
    client.post(f"/organiser/companies/{first.id}/invite-contact")  # invited already: not again
    page = client.get("/organiser/import").get_data(as_text=True)
    assert "Invite every contact not yet invited (2)" in page
    response = client.post("/organiser/companies/invite-contacts", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Invitations sent: 1." in page and "already has an account: 1." in page
    assert [m.to for m in outbox()] == ["contact@aegis.example", "info@cerberus.example"]
    assert "/auth/join/" in outbox()[-1].body and second.name in outbox()[-1].body
    assert "not yet invited (1)" in client.get("/organiser/import").get_data(as_text=True)
