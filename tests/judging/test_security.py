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
