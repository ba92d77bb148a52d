"""Every route of the app against every kind of visitor, generated from the URL map.

A new route fails this test until it is classified below. "Allowed" means the visitor reached the view
(any answer but 401, 403, 404 or a redirect to the login page); "refused" means one of those.
"""

from datetime import timedelta

import pytest

from judging.domain import juries as services
from judging.extensions import db
from judging.jury.offline import asset_version
from judging.models import (
    Assignment,
    Attachment,
    CalibrationSample,
    Conflict,
    JuryMember,
    Message,
    SavedView,
    Scorecard,
    utcnow,
)
from support import PASSWORD, empty_all_tables

VISITORS = (
    "anonymous",
    "exhibitor_a",
    "exhibitor_b",
    "juror_of_jury",
    "juror_of_other_jury",
    "conflicted_juror",
    "organiser",
)
EVERYONE = set(VISITORS)
LOGGED_IN = EVERYONE - {"anonymous"}
JURORS = {"juror_of_jury", "juror_of_other_jury", "conflicted_juror"}
EXHIBITORS = {"exhibitor_a", "exhibitor_b"}
ORGANISER = {"organiser"}

# endpoint -> the visitors allowed in.
ACCESS = {
    "public.index": EVERYONE,
    "public.healthz": EVERYONE,
    "public.winners": EVERYONE,
    "static": EVERYONE,
    "auth.login": EVERYONE,
    "auth.register": EVERYONE,
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": EVERYONE,
    "auth.accept_invitation": EVERYONE,
    "auth.set_language": EVERYONE,
    "auth.complete_registration": EVERYONE,
    "auth.join_company": EVERYONE,
    "auth.invite_colleague": EXHIBITORS,
    "auth.logout": EVERYONE,
    "auth.account": LOGGED_IN,
    "entries.dashboard": EXHIBITORS,
    "entries.new": EXHIBITORS,
    "entries.show": {"exhibitor_a"},
    "entries.edit": {"exhibitor_a"},
    "entries.submit": {"exhibitor_a"},
    "entries.withdraw": {"exhibitor_a"},
    "entries.upload": {"exhibitor_a"},
    "entries.delete_attachment": {"exhibitor_a"},
    "entries.attachment": {"exhibitor_a", "organiser", "juror_of_jury"},
    "jury.my_entries": JURORS,
    "jury.conflicts": JURORS,
    "jury.schedule": JURORS,
    "jury.service_worker": JURORS,
    "jury.score": {"juror_of_jury"},
    "jury.save_scorecard_json": {"juror_of_jury"},
    "jury.recuse": {"juror_of_jury"},
    "jury.calibration": {"juror_of_jury"},  # the sample is company A's entry: a conflicted juror never reads it
    "jury.president_sign_off": {"juror_of_jury"},
    "jury.asset": JURORS,
    "jury.offline_page": JURORS,
    "jury.attachment": {"juror_of_jury"},
    # The floor of a final. Without `?round` the page opens the juror's first final; the round of this world is a
    # pre-selection, which has no floor: refused to all (tests/judging/test_floor.py checks the final's access).
    "jury.next_stand_page": JURORS,
    "jury.next_stand_json": set(),
    "jury.go_to_stand": set(),
    "jury.skip_stand": set(),
    "jury.compare_with_previous": set(),
    "jury.floor_control": set(),
    "jury.floor_control_json": set(),
    "jury.floor_send": set(),
    "jury.floor_close": set(),
    "jury.floor_reopen": set(),
}
ORGANISER_ONLY_BLUEPRINTS = ("organiser.",)


def expected_visitors(endpoint: str) -> set[str]:
    if endpoint.startswith(ORGANISER_ONLY_BLUEPRINTS):
        return ORGANISER
    return ACCESS[endpoint]


def _world(make):
    edition = make.edition(deadline_in=timedelta(days=5))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=20)
    cyber = make.category(edition, "cyber")
    people = {"organiser": make.user("organiser")}
    company_a, company_b = make.organisation("Company A"), make.organisation("Company B")
    people["exhibitor_a"] = make.user("exhibitor", organisation=company_a, email="a@exhibitor.example.com")
    people["exhibitor_b"] = make.user("exhibitor", organisation=company_b, email="b@exhibitor.example.com")
    for key in JURORS:
        people[key] = make.user("juror", email=f"{key}@jury.example.com")
    for key in ("juror_of_jury", "conflicted_juror"):
        services.add_member(actor=people["organiser"], category=cyber, juror=people[key])
    services.add_member(
        actor=people["organiser"], category=make.category(edition, "drones"), juror=people["juror_of_other_jury"]
    )
    member = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == people["juror_of_jury"].id))
    services.set_president(actor=people["organiser"], member=member)
    entry = make.entry(edition=edition, organisation=company_a, title="Entry of A")
    round_ = cyber.rounds[0]
    attachment = Attachment(
        entry_id=entry.id,
        original_name="a.pdf",
        stored_name="0" * 32 + ".pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    conflict = Conflict(
        juror_id=people["conflicted_juror"].id, organisation_id=company_a.id, kind="client", reason="Buys from A"
    )
    assignment = Assignment(round_id=round_.id, entry_id=entry.id, juror_id=people["juror_of_jury"].id)
    db.session.add_all([attachment, conflict, assignment, CalibrationSample(round_id=round_.id, entry_id=entry.id)])
    from pathlib import Path

    from flask import current_app

    (Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_name).write_bytes(b"%PDF-1.4\n%%EOF\n")
    db.session.flush()
    card = Scorecard(round_id=round_.id, entry_id=entry.id, juror_id=people["juror_of_jury"].id, marks={})
    view = SavedView(user_id=people["organiser"].id, page="entries", name="Drafts", query="status=draft")
    message = Message(edition_id=edition.id, audience="jurors", subject_en="S", body_en="B", subject_fr="", body_fr="")
    db.session.add_all([card, view, message])
    db.session.commit()
    values = dict(
        entry_id=entry.id,
        attachment_id=attachment.id,
        round_id=round_.id,
        category_id=cyber.id,
        edition_id=edition.id,
        member_id=member.id,
        conflict_id=conflict.id,
        assignment_id=assignment.id,
        scorecard_id=card.id,
        token="not-a-token",
        slug=edition.slug,
        kind="exhibitors",
        filename="app.css",
        user_id=people["exhibitor_b"].id,
        organisation_id=company_b.id,
        view_id=view.id,
        message_id=message.id,
        page="entries",
        name="jury.js",
        version=asset_version("jury.js"),
    )
    return people, values, edition


def _url(rule, values) -> str:
    url = rule.rule
    for argument in rule.arguments:
        url = url.replace(f"<int:{argument}>", str(values[argument])).replace(
            f"<path:{argument}>", str(values[argument])
        )
        url = url.replace(f"<{argument}>", str(values[argument]))
    return url


def _allowed(response) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    return not (response.status_code in (301, 302, 303) and "/auth/login" in response.headers.get("Location", ""))


def test_every_route_is_classified(app):
    unclassified = [
        r.endpoint
        for r in app.url_map.iter_rules()
        if not r.endpoint.startswith(ORGANISER_ONLY_BLUEPRINTS) and r.endpoint not in ACCESS
    ]
    assert unclassified == [], f"Classify these routes in ACCESS: {unclassified}"


def test_authorisation_matrix(app, client, make):
    from flask.testing import FlaskClient

    people, values, edition = _world(make)
    edition.results_state = "published"  # the public winners page exists; scores are then frozen
    db.session.commit()
    clients = {}
    for visitor in VISITORS:
        client = app.test_client()  # an isolated client (see the `client` fixture): one session per visitor
        if visitor != "anonymous":
            response = client.post("/auth/login", data={"email": people[visitor].email, "password": PASSWORD})
            assert response.status_code == 302, visitor
        clients[visitor] = client
    tokens = {visitor: db.session.get(type(person), person.id).session_token for visitor, person in people.items()}
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.endpoint))
    failures = []
    for rule in rules:
        # Each route meets the same world: what an organiser's POST changes does not leak into the next.
        empty_all_tables()
        people, values, edition = _world(make)
        edition.results_state = "published"
        for visitor, token in tokens.items():  # the rebuilt accounts keep the sessions opened above
            people[visitor].session_token = token
        db.session.commit()
        url = _url(rule, values)
        method = "GET" if "GET" in rule.methods else "POST"
        for visitor, client in clients.items():
            if rule.endpoint == "auth.logout":
                continue  # logging out would end the session the other routes need; tested on its own
            response = client.open(url, method=method, data={}) if method == "POST" else client.get(url)
            if response.status_code >= 500:
                failures.append(f"{visitor} {method} {url}: {response.status_code}")
            elif _allowed(response) != (visitor in expected_visitors(rule.endpoint)):
                failures.append(
                    f"{visitor} {method} {url}: {response.status_code} "
                    f"({'allowed' if _allowed(response) else 'refused'})"
                )
        db.session.remove()
    assert failures == []
    assert isinstance(clients["anonymous"], FlaskClient)


@pytest.mark.parametrize("visitor", ["exhibitor_b", "juror_of_other_jury", "conflicted_juror"])
def test_refusals_never_reveal_another_companys_entry_title(app, client, make, visitor):
    people, values, _ = _world(make)
    client.post("/auth/login", data={"email": people[visitor].email, "password": PASSWORD})
    for url in (
        f"/entries/{values['entry_id']}",
        f"/jury/entries/{values['entry_id']}/score",
        f"/entries/files/{values['attachment_id']}",
    ):
        assert "Entry of A" not in client.get(url).get_data(as_text=True)


def test_every_state_changing_route_refuses_a_post_without_csrf_token(app, client, make):
    """With CSRF on, as it is in production: a forged form from another site changes nothing anywhere."""
    people, values, _ = _world(make)
    app.config["WTF_CSRF_ENABLED"] = True
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) > 30
    for visitor in ("organiser", "juror_of_jury", "exhibitor_a"):
        session = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        session.post("/auth/login", data={"email": people[visitor].email, "password": PASSWORD})
        app.config["WTF_CSRF_ENABLED"] = True
        for rule in posts:
            response = session.post(_url(rule, values), data={"reason": "forged", "title": "forged"})
            assert response.status_code == 400, (visitor, rule.rule, response.status_code)
        json_post = session.post(
            f"/jury/api/scorecards/{values['round_id']}/{values['entry_id']}", json={"marks": {}, "version": 1}
        )
        assert json_post.status_code == 400


def test_back_office_routes_are_organiser_pages(app):
    """The edition and entry pages of the back office live on the organiser blueprint, so the matrix above
    checks them for every visitor (and the CSRF test for every POST)."""
    endpoints = {r.endpoint: r.methods for r in app.url_map.iter_rules()}
    for endpoint in (
        "organiser.new_edition",
        "organiser.edit_edition",
        "organiser.entries.reinstate_entry",
        "organiser.entries.entries",
        "organiser.entries.entry",
    ):
        assert expected_visitors(endpoint) == ORGANISER
    assert "POST" in endpoints["organiser.new_edition"] and "POST" in endpoints["organiser.entries.reinstate_entry"]
