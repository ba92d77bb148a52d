"""Accounts: registration, login, logout, password reset, language."""

import re

from judging.extensions import db
from judging.mail import outbox
from judging.models import Organisation, User
from support import PASSWORD

REGISTRATION = dict(
    name="Ada Martin",
    email="ada@aegis.example",
    language="fr",
    organisation="Aegis Systems",
    country="FR",
    hall="5",
    stand="B123",
    is_startup="y",
)


def test_exhibitor_registers_with_company_and_lands_on_entries(client, make):
    make.edition()
    response = client.post("/auth/register", data=REGISTRATION)
    assert response.status_code == 200 and "Check your mailbox" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User)) is None  # nothing exists before the address is proven
    assert "Confirmez votre adresse" in outbox()[-1].subject  # in the language chosen on the form
    link = re.search(r"https?://\S+", outbox()[-1].body).group(0).replace("http://awards.test", "")
    response = client.post(link, data={"password": "Secure-pass-2027", "confirm": "Secure-pass-2027"})
    assert response.status_code == 302 and response.location.endswith("/entries/")
    user = db.session.scalar(db.select(User).where(User.email == "ada@aegis.example"))
    assert user.role == "exhibitor" and user.language == "fr"
    assert user.organisation.name == "Aegis Systems" and user.organisation.is_startup
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    page = client.get("/entries/").get_data(as_text=True)
    assert "ada@aegis.example" in page and '<html lang="fr">' in page  # logged in, in the language chosen
    client.post("/auth/logout")
    assert client.get(link).status_code == 400  # the link works once


def test_registration_shows_field_errors_and_creates_nothing(client, make):
    make.edition()
    bad = dict(REGISTRATION, email="not-an-email", country="XX")
    response = client.post("/auth/register", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Invalid email address" in page and "Choose a country from the list" in page
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0 and outbox() == []


def test_registering_a_taken_address_answers_the_same_and_mails_its_owner(client, make):
    make.edition()
    make.user(email="ada@aegis.example")
    taken = client.post("/auth/register", data=REGISTRATION)
    free = client.post("/auth/register", data=dict(REGISTRATION, email="bea@aegis.example"))
    assert taken.status_code == free.status_code == 200

    def page(response):  # the form tokens of the page layout differ by their time stamp only
        return re.sub(r'name="csrf_token"[^>]*', "", response.get_data(as_text=True)).replace("ada@", "bea@")

    assert page(taken) == page(free)
    assert outbox()[0].to == "ada@aegis.example" and "already have an account" in outbox()[0].subject


def test_nobody_can_join_an_existing_company_by_typing_its_name(client, make):
    make.edition()
    make.organisation("Aegis Systems", contact_email="boss@aegis.example")
    response = client.post("/auth/register", data=dict(REGISTRATION, email="intruder@evil.example"))
    assert response.status_code == 200 and "Check your mailbox" in response.get_data(as_text=True)
    assert "/auth/register/" not in outbox()[-1].body  # no link: an invitation is the only way in
    assert db.session.scalar(db.select(User).where(User.email == "intruder@evil.example")) is None


def test_imported_company_contact_is_told_to_ask_for_the_invitation(client, make):
    make.edition()
    make.organisation("Aegis Systems", contact_email="ada@aegis.example")
    client.post("/auth/register", data=REGISTRATION)
    assert outbox()[-1].to == "ada@aegis.example" and "/auth/register/" not in outbox()[-1].body
    assert "organisateurs" in outbox()[-1].body  # the language chosen on the form
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


def test_wrong_email_and_wrong_password_get_the_same_answer(client, make):
    user = make.user()
    wrong_password = client.post("/auth/login", data={"email": user.email, "password": "nope-nope-1"})
    wrong_email = client.post("/auth/login", data={"email": "nobody@example.com", "password": PASSWORD})
    assert wrong_password.status_code == wrong_email.status_code == 401
    assert "Wrong email or password." in wrong_password.get_data(as_text=True)
    assert "Wrong email or password." in wrong_email.get_data(as_text=True)


def test_login_then_logout_ends_the_session(client, make, login_as):
    make.edition()
    user = login_as(make.user())
    assert user.email in client.get("/entries/").get_data(as_text=True)
    assert client.post("/auth/logout").status_code == 302
    response = client.get("/entries/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_login_ignores_a_next_parameter_pointing_to_another_site(client, make):
    make.edition()
    user = make.user()
    response = client.post("/auth/login?next=//evil.test/phish", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "evil.test" not in response.location


def test_inactive_account_cannot_log_in(client, make):
    user = make.user()
    user.active = False
    db.session.commit()
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 401


def _reset_link() -> str:
    mail = outbox()[-1]
    return re.search(r"https?://\S+", mail.body).group(0).replace("http://awards.test", "")


def test_forgotten_password_is_reset_through_a_single_use_emailed_link(client, make):
    make.edition()
    user = make.user(language="fr")
    response = client.post("/auth/forgot", data={"email": user.email})
    assert response.status_code == 302
    assert outbox()[-1].to == user.email and "mot de passe" in outbox()[-1].subject
    link = _reset_link()
    assert client.post(link, data={"password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"}).status_code == 302
    assert client.post("/auth/login", data={"email": user.email, "password": "Brand-new-pass-9"}).status_code == 302
    # The same link cannot be used twice.
    again = client.post(link, data={"password": "Another-pass-99", "confirm": "Another-pass-99"})
    assert again.status_code == 400 and "déjà utilisé" in again.get_data(as_text=True)  # the user reads French


def test_forgot_password_does_not_reveal_whether_an_account_exists(client, make):
    make.edition()
    response = client.post("/auth/forgot", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert response.status_code == 200 and "If an account exists" in response.get_data(as_text=True)
    # A mail leaves either way (so the time taken tells nothing), and it carries no reset link.
    assert outbox()[-1].to == "nobody@example.com" and "/auth/reset/" not in outbox()[-1].body


def test_forged_reset_token_is_refused(client):
    assert client.get("/auth/reset/not-a-real-token").status_code == 400


def test_language_choice_is_remembered_on_the_account(client, make, login_as):
    make.edition()
    user = login_as(make.user(language="en"))
    client.post("/auth/language", data={"language": "fr", "next": "/entries/"})
    assert db.session.get(User, user.id).language == "fr"


def test_session_cookie_is_httponly_and_samesite_lax(client, make):
    user = make.user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
