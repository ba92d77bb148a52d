"""Security, second pass: links and hosts, sessions, throttling, and input that must never give a 500."""
import re

import pytest

from judging.extensions import db
from judging.links import public_url
from judging.mail import outbox

from support import PASSWORD

PUBLIC = "https://awards.milipol.example"


def _link(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0)


# Links and hosts ---------------------------------------------------------------------------------------------

def test_reset_mail_links_to_the_public_base_url_not_to_the_host_the_request_named(app, client, make):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    user = make.user()
    response = client.post("/auth/forgot", data={"email": user.email}, base_url="http://127.0.0.1")
    assert response.status_code == 302
    assert _link(outbox()[-1]).startswith(f"{PUBLIC}/auth/reset/")


def test_a_forged_host_header_is_refused_and_no_mail_leaves(client, make):
    user = make.user()
    response = client.post("/auth/forgot", data={"email": user.email}, base_url="http://attacker.example")
    assert response.status_code == 400
    assert outbox() == []


def test_invitation_link_uses_the_public_base_url(app, client, make):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    edition = make.edition()
    organiser = make.user("organiser")
    client.post("/auth/login", data={"email": organiser.email, "password": PASSWORD}, base_url="http://localhost")
    category = make.category(edition, "drones")
    client.post("/organiser/juries/invite", base_url="http://localhost",
                data={"name": "Claire Dubois", "email": "claire@police.example", "language": "fr",
                      "category": category.id})
    assert _link(outbox()[-1]).startswith(f"{PUBLIC}/auth/invitation/")


def test_public_url_keeps_a_path_prefix_and_ignores_the_request(app):
    app.config["PUBLIC_BASE_URL"] = "https://expo.example/awards/"
    with app.test_request_context("/", base_url="http://127.0.0.1:8000"):
        assert public_url("jury.my_entries") == "https://expo.example/awards/jury/"


@pytest.mark.parametrize("value", ["awards.example", "ftp://awards.example", "https://user@awards.example",
                                   "https://awards.example/?x=1"])
def test_a_malformed_public_base_url_stops_the_app_at_start_up(database_url, value):
    from judging import create_app
    with pytest.raises(ValueError):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PUBLIC_BASE_URL": value, "SECRET_KEY": "x"})


# Sessions ----------------------------------------------------------------------------------------------------

def _copy_of(client, app):
    """A second browser holding the same cookies: what an attacker has after stealing them."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def _logged_in(some_client) -> bool:
    return some_client.get("/auth/account").status_code == 302 and \
        "/auth/login" not in some_client.get("/auth/account").location


def test_a_stolen_session_cookie_stops_working_after_logout(app, client, make, login_as):
    login_as(make.user())
    thief = _copy_of(client, app)
    assert _logged_in(thief)
    client.post("/auth/logout")
    assert not _logged_in(thief)


def test_a_password_reset_ends_every_session_and_remember_cookie(app, client, make):
    user = make.user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    thief = _copy_of(client, app)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", client.get_cookie("remember_token", domain="awards.test").value, domain="awards.test")
    assert _logged_in(thief) and _logged_in(remembered)
    other = app.test_client()
    other.post("/auth/forgot", data={"email": user.email})
    link = _link(outbox()[-1]).replace("http://awards.test", "")
    assert other.post(link, data={"password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"}).status_code == 302
    assert not _logged_in(thief) and not _logged_in(remembered)


def test_remember_me_lasts_two_weeks_and_is_renewed_on_each_visit(app, client, make):
    user = make.user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "Max-Age=1209600" in cookie or "Expires=" in cookie
    assert client.get_cookie("remember_token", domain="awards.test").expires is not None
    days = (client.get_cookie("remember_token", domain="awards.test").expires - __import__("datetime").datetime.now(
        __import__("datetime").timezone.utc)).days
    assert 13 <= days <= 14
    again = client.get("/auth/account")
    assert any(h.startswith("remember_token=") for h in again.headers.getlist("Set-Cookie"))


def test_organiser_logs_a_juror_out_everywhere_from_the_juries_page(app, client, make, login_as):
    from judging.jury import services
    edition = make.edition()
    juror, organiser = make.user("juror"), make.user("organiser")
    services.add_member(actor=organiser, category=make.category(edition, "cyber"), juror=juror)
    tablet = app.test_client()
    tablet.post("/auth/login", data={"email": juror.email, "password": PASSWORD, "remember": "y"})
    assert _logged_in(tablet)
    login_as(organiser)
    page = client.get("/organiser/juries").get_data(as_text=True)
    assert f"/organiser/users/{juror.id}/end-sessions" in page
    assert client.post(f"/organiser/users/{juror.id}/end-sessions").status_code == 302
    assert not _logged_in(tablet)
    assert _logged_in(client)  # the organiser's own session is untouched
    assert client.post(f"/organiser/users/{organiser.id + 1000}/end-sessions").status_code == 404


def test_ending_sessions_needs_the_form_token(app, client, make, login_as):
    juror = make.user("juror")
    login_as(make.user("organiser"))
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/organiser/users/{juror.id}/end-sessions").status_code == 400
