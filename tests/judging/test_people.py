"""People: every account with its last login; deactivate, reactivate, resend invitations; organiser roles."""

import re

import pytest

from judging.domain.permissions import organiser_may
from judging.extensions import db
from judging.mail import outbox
from judging.models import AuditEvent, User
from support import PASSWORD


def test_people_page_lists_every_account_with_its_last_login_and_state(client, make, login_as):
    company = make.organisation("Équipements Dupont")
    exhibitor = make.user("exhibitor", organisation=company, email="anne@dupont.example")
    invited = make.user("juror", email="new.juror@example.com")
    invited.password_hash = ""
    db.session.commit()
    login_as(exhibitor)
    client.post("/auth/logout")
    login_as(make.user("organiser", email="boss@awards.example"))
    page = client.get("/organiser/people").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-email="([^"]+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {"anne@dupont.example", "new.juror@example.com", "boss@awards.example"}
    assert (
        "Équipements Dupont" in rows["anne@dupont.example"] and "—" not in rows["anne@dupont.example"].split("<td>")[6]
    )
    assert "invited" in rows["new.juror@example.com"]
    assert "Resend the invitation" in rows["new.juror@example.com"]
    filtered = client.get("/organiser/people", query_string={"q": "equipements"}).get_data(as_text=True)
    assert "anne@dupont.example" in filtered and "new.juror@example.com" not in filtered
    jurors = client.get("/organiser/people", query_string={"role": "juror", "state": "invited"}).get_data(as_text=True)
    assert "new.juror@example.com" in jurors and "anne@dupont.example" not in jurors


def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(app, client, make, login_as):
    make.edition()
    juror = make.user("juror", email="judge@example.com")
    juror_client = app.test_client()
    assert juror_client.post("/auth/login", data={"email": juror.email, "password": PASSWORD}).status_code == 302
    assert juror_client.get("/jury/").status_code == 200
    login_as(make.user("organiser"))
    assert client.post(f"/organiser/users/{juror.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, juror.id).active is False
    assert juror_client.get("/jury/").status_code == 302  # the open session ended: back to the login page
    again = juror_client.post("/auth/login", data={"email": juror.email, "password": PASSWORD})
    assert again.status_code == 401
    assert client.post(f"/organiser/users/{juror.id}/reactivate").status_code == 302
    assert juror_client.post("/auth/login", data={"email": juror.email, "password": PASSWORD}).status_code == 302
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "user.deactivated" in actions and "user.reactivated" in actions


def test_an_organiser_cannot_deactivate_themselves(client, make, login_as):
    me = login_as(make.user("organiser"))
    answer = client.post(f"/organiser/users/{me.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, me.id).active


def test_resend_invitation_mails_a_fresh_link_to_an_invited_juror_only(client, make, login_as):
    invited = make.user("juror", email="new.juror@example.com", language="fr")
    invited.password_hash = ""
    db.session.commit()
    member = make.user("juror", email="member@example.com")
    login_as(make.user("organiser"))
    assert client.post(f"/organiser/users/{invited.id}/resend-invitation").status_code == 302
    mail = outbox()[-1]
    assert mail.to == "new.juror@example.com" and "/auth/invitation/" in mail.body and "Bonjour" in mail.body
    link = re.search(r"http://awards\.test(/auth/invitation/\S+)", mail.body).group(1)
    assert client.get(link).status_code == 200
    refused = client.post(f"/organiser/users/{member.id}/resend-invitation", follow_redirects=True)
    assert "already chosen a password" in refused.get_data(as_text=True)
    assert outbox()[-1].to == "new.juror@example.com"


@pytest.mark.parametrize(
    ("role", "endpoint", "method", "allowed"),
    [
        ("full", "organiser.people.deactivate", "POST", True),
        ("read_only", "organiser.entries.entries", "GET", True),
        ("read_only", "organiser.people.deactivate", "POST", False),
        ("read_only", "organiser.send_reminders", "POST", False),
        ("communications", "organiser.send_reminders", "POST", True),
        ("communications", "organiser.people.resend_invitation", "POST", True),
        ("communications", "organiser.entries.entry", "POST", False),
    ],
)
def test_organiser_roles_follow_one_rule(make, role, endpoint, method, allowed):
    organiser = make.user("organiser")
    organiser.organiser_role = role
    assert organiser_may(organiser, endpoint, method) is allowed
    assert organiser_may(make.user("juror"), "organiser.entries.entries", "GET") is False


def test_a_read_only_organiser_sees_the_pages_but_every_change_is_refused(client, make, login_as):
    make.edition()
    juror = make.user("juror")
    reader = make.user("organiser", email="reader@awards.example")
    reader.organiser_role = "read_only"
    db.session.commit()
    login_as(reader)
    for page in ("/organiser/people", "/organiser/companies", "/organiser/entries", "/organiser/"):
        assert client.get(page).status_code == 200, page
    assert "Read-only access" in client.get("/organiser/people").get_data(as_text=True)
    assert "Deactivate" not in client.get("/organiser/people").get_data(as_text=True)
    dashboard = client.get("/organiser/").get_data(as_text=True)
    assert "Shows…" in dashboard and "New edition" not in dashboard  # the switcher offers no change either
    assert client.post(f"/organiser/users/{juror.id}/deactivate").status_code == 403
    company = make.organisation("Aegis")
    assert client.post(f"/organiser/companies/{company.id}", data={"name": "X", "country": "FR"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, juror.id).active


def test_full_organiser_sets_roles_but_the_last_full_organiser_stays(client, make, login_as):
    boss = login_as(make.user("organiser"))
    colleague = make.user("organiser", email="comms@awards.example")
    assert client.post(f"/organiser/users/{colleague.id}/organiser-role", data={"organiser_role": "communications"})
    db.session.expire_all()
    assert db.session.get(User, colleague.id).organiser_role == "communications"
    answer = client.post(
        f"/organiser/users/{boss.id}/organiser-role", data={"organiser_role": "read_only"}, follow_redirects=True
    )
    assert "At least one active organiser must keep full rights." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, boss.id).organiser_role == "full"
    assert (
        client.post(f"/organiser/users/{colleague.id}/organiser-role", data={"organiser_role": "god"}).status_code
        == 400
    )
