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
    "removed_juror",
    "trainee_juror",
    "observer_juror",
    "organiser",
)
EVERYONE = set(VISITORS)
LOGGED_IN = EVERYONE - {"anonymous"}
JURORS = {
    "juror_of_jury",
    "juror_of_other_jury",
    "conflicted_juror",
    "removed_juror",
    "trainee_juror",
    "observer_juror",
}
# Seated on the entry's jury, assigned to it: trainees and observers score like members (their marks do not count).
JUDGES_OF_THE_ENTRY = {"juror_of_jury", "trainee_juror", "observer_juror"}
# Jurors who sit on a jury today (the removed juror sat on the entry's jury, with an assignment, and was removed).
SEATED = JURORS - {"removed_juror"}
EXHIBITORS = {"exhibitor_a", "exhibitor_b"}
ORGANISER = {"organiser"}

# endpoint -> the visitors allowed in.
ACCESS = {
    "public.index": EVERYONE,
    "public.healthz": EVERYONE,
    "public.winners": EVERYONE,
    # A show's welcome page and the winners of its latest published edition (the matrix's edition is published).
    "public.show": EVERYONE,
    "public.show_winners": EVERYONE,
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
    # Single sign-on exists only where OIDC_ISSUER is set (tests/judging/test_sso.py); the matrix runs without it.
    "sso.start": set(),
    "sso.callback": set(),
    "entries.dashboard": EXHIBITORS,
    "entries.new": EXHIBITORS,
    "entries.show": {"exhibitor_a"},
    "entries.edit": {"exhibitor_a"},
    "entries.submit": {"exhibitor_a"},
    "entries.withdraw": {"exhibitor_a"},
    "entries.upload": {"exhibitor_a"},
    "entries.delete_attachment": {"exhibitor_a"},
    "entries.attachment": {"exhibitor_a", "organiser", *JUDGES_OF_THE_ENTRY},
    "jury.my_entries": JURORS,
    "jury.conflicts": JURORS,
    "jury.schedule": SEATED,  # a juror on no jury has no stand visits: a 404 that says so
    "jury.service_worker": JURORS,
    "jury.score": JUDGES_OF_THE_ENTRY,
    "jury.save_scorecard_json": JUDGES_OF_THE_ENTRY,
    "jury.recuse": JUDGES_OF_THE_ENTRY,
    # The sample is company A's entry: a conflicted juror never reads it, a removed one no longer does.
    "jury.calibration": JUDGES_OF_THE_ENTRY,
    "jury.president_sign_off": {"juror_of_jury"},  # the president only, never a trainee or an observer
    "jury.asset": JURORS,
    "jury.offline_page": JURORS,
    "jury.attachment": JUDGES_OF_THE_ENTRY,
    # The floor of a final. Without `?round` the page opens the juror's first final; the round of this world is a
    # pre-selection, which has no floor: refused to all (tests/judging/test_floor.py checks the final's access).
    "jury.next_stand_page": SEATED,  # a juror on no jury has no final to open: a 404, as for the schedule
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
ACCESS["api-docs.openapi_json"] = EVERYONE  # the API's description is public; its operations need a token
ORGANISER_ONLY_BLUEPRINTS = ("organiser.",)
# The API never accepts a session cookie: no visitor of the pages reaches an operation without a token.
API_BLUEPRINT = "api."

# The API, endpoint -> the token scopes that open it (ANY_SCOPE: every live token).
SCOPES = ("read-results", "read-entries", "write-companies", "invite-jurors")
ANY_SCOPE = set(SCOPES)
API_ACCESS = {
    "api.editions": ANY_SCOPE,
    "api.edition": ANY_SCOPE,
    "api.categories": ANY_SCOPE,
    "api.winners": ANY_SCOPE,
    "api.results": {"read-results"},
    "api.entries": {"read-entries"},
    "api.entry": {"read-entries"},
    "api.companies": {"read-entries", "write-companies"},
    "api.company": {"read-entries", "write-companies"},
    "api.import_companies": {"write-companies"},
    "api.update_company": {"write-companies"},
    "api.invite_juror": {"invite-jurors"},
}
TOKEN_KINDS = ("no token", "revoked", *SCOPES)


def expected_visitors(endpoint: str) -> set[str]:
    if endpoint.startswith(ORGANISER_ONLY_BLUEPRINTS):
        return ORGANISER
    if endpoint.startswith(API_BLUEPRINT):
        return set()
    return ACCESS[endpoint]


def _method(rule) -> str:
    return next(m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in rule.methods)


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
    for key in ("juror_of_jury", "conflicted_juror", "removed_juror"):
        services.add_member(actor=people["organiser"], category=cyber, juror=people[key])
    for key, role in (("trainee_juror", "trainee"), ("observer_juror", "observer")):
        services.add_member(actor=people["organiser"], category=cyber, juror=people[key], role=role)
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
    dossier = Assignment(round_id=round_.id, entry_id=entry.id, juror_id=people["removed_juror"].id)
    db.session.add_all(
        [attachment, conflict, assignment, dossier, CalibrationSample(round_id=round_.id, entry_id=entry.id)]
    )
    db.session.flush()
    removed = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == people["removed_juror"].id))
    services.remove_member(actor=people["organiser"], member=removed)  # the real path: seat and dossiers go
    # Trainees and observers get dossiers like members (assigned after the removal, which reassigns the entry);
    # the removed juror's dossier is put back as a leftover row would be: the seat decides, not the row.
    db.session.add_all(
        Assignment(round_id=round_.id, entry_id=entry.id, juror_id=people[key].id)
        for key in ("trainee_juror", "observer_juror", "removed_juror")
    )
    from pathlib import Path

    from flask import current_app

    (Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_name).write_bytes(b"%PDF-1.4\n%%EOF\n")
    db.session.flush()
    card = Scorecard(round_id=round_.id, entry_id=entry.id, juror_id=people["juror_of_jury"].id, marks={})
    db.session.add(card)
    from judging.domain import notifications
    from judging.models import Job

    message = notifications.notify(people["juror_of_jury"], "jury_invitation", link="http://awards.test/x")
    job = Job(
        kind="import_jurors",
        status="done",
        created_by_id=people["organiser"].id,
        edition_id=edition.id,
        total=1,
        result={"rows": 1, "created": 1, "seats": 1},
    )
    db.session.add(job)
    from judging.domain import api_tokens, webhooks

    token, _secret = api_tokens.issue_token(actor=people["organiser"], name="World", scopes=["read-entries"])
    endpoint, _secret = webhooks.register_endpoint(
        actor=people["organiser"], url="http://127.0.0.1:9/hook", events=["entry.submitted"]
    )
    [delivery] = webhooks.emit("entry.submitted", {"entry": {"id": entry.id}})
    delivery.status = "failed"
    view = SavedView(user_id=people["organiser"].id, page="entries", name="Drafts", query="status=draft")
    office_message = Message(
        edition_id=edition.id, audience="jurors", subject_en="S", body_en="B", subject_fr="", body_fr=""
    )
    db.session.add_all([view, office_message])
    db.session.commit()
    values = dict(
        company_id=company_a.id,
        token_id=token.id,
        endpoint_id=endpoint.id,
        delivery_id=delivery.id,
        entry_id=entry.id,
        attachment_id=attachment.id,
        round_id=round_.id,
        category_id=cyber.id,
        edition_id=edition.id,
        member_id=member.id,
        conflict_id=conflict.id,
        assignment_id=assignment.id,
        scorecard_id=card.id,
        mail_id=message.id,
        job_id=job.id,
        token="not-a-token",
        slug=edition.slug,
        show_id=edition.show_id,
        show_slug=edition.show.slug,
        kind="exhibitors",
        filename="app.css",
        user_id=people["exhibitor_b"].id,
        organisation_id=company_b.id,
        view_id=view.id,
        message_id=office_message.id,
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
        if not r.endpoint.startswith(ORGANISER_ONLY_BLUEPRINTS)
        and r.endpoint not in ACCESS
        and r.endpoint not in API_ACCESS
    ]
    assert unclassified == [], f"Classify these routes in ACCESS (or API_ACCESS): {unclassified}"


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
        method = _method(rule)
        for visitor, client in clients.items():
            if rule.endpoint == "auth.logout":
                continue  # logging out would end the session the other routes need; tested on its own
            response = client.open(url, method=method, data={}) if method != "GET" else client.get(url)
            if response.status_code >= 500:
                failures.append(f"{visitor} {method} {url}: {response.status_code}")
            elif _allowed(response) != (visitor in expected_visitors(rule.endpoint)):
                failures.append(
                    f"{visitor} {method} {url}: {response.status_code} "
                    f"({'allowed' if _allowed(response) else 'refused'})"
                )
        db.session.remove()
    assert failures == [], "\n".join(failures)
    assert isinstance(clients["anonymous"], FlaskClient)


@pytest.mark.parametrize("visitor", ["exhibitor_b", "juror_of_other_jury", "conflicted_juror", "removed_juror"])
def test_refusals_never_reveal_another_companys_entry_title(app, client, make, visitor):
    people, values, _ = _world(make)
    client.post("/auth/login", data={"email": people[visitor].email, "password": PASSWORD})
    for url in (
        f"/entries/{values['entry_id']}",
        f"/jury/entries/{values['entry_id']}/score",
        f"/entries/files/{values['attachment_id']}",
        f"/jury/entries/{values['entry_id']}/recuse",
        "/jury/",
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
            # The API takes no cookie at all (so it needs no CSRF token): without its bearer token it refuses.
            expected = 401 if rule.endpoint.startswith(API_BLUEPRINT) else 400
            assert response.status_code == expected, (visitor, rule.rule, response.status_code)
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


# Each kind of account and each jury role has its visitor above: a new role fails here until the matrix meets it.
JURY_ROLE_VISITORS = {"member": "juror_of_jury", "trainee": "trainee_juror", "observer": "observer_juror"}


def test_every_account_role_and_jury_role_visits_the_matrix(app, make):
    from judging.models import JURY_ROLES, ROLES

    people, _values, _edition = _world(make)
    assert {people[v].role for v in VISITORS if v != "anonymous"} == set(ROLES)
    assert set(JURY_ROLE_VISITORS) == set(JURY_ROLES)
    for role, visitor in JURY_ROLE_VISITORS.items():
        seat = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == people[visitor].id))
        assert seat.role == role
    assert db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == people["removed_juror"].id)) is None


def test_api_matrix_every_operation_for_every_token_scope(app, client, make):
    """Every API route against no token, a revoked token and a token of each single scope: only the scopes in
    API_ACCESS pass (any answer but 401 or 403); a page visitor's cookie never stands in for a token."""
    from judging.domain import api_tokens

    people, values, edition = _world(make)
    edition.results_state = "published"
    db.session.commit()
    secrets = {"no token": None}
    for scope in SCOPES:
        secrets[scope] = api_tokens.issue_token(actor=people["organiser"], name=scope, scopes=[scope])[1]
    revoked, secrets["revoked"] = api_tokens.issue_token(actor=people["organiser"], name="old", scopes=list(SCOPES))
    api_tokens.revoke_token(actor=people["organiser"], token=revoked)
    db.session.commit()
    bodies = {
        "api.import_companies": {"companies": [{"name": "Matrix Co", "country": "FR"}]},
        "api.update_company": {"stand": "M1"},
        "api.invite_juror": {"email": "matrix@jury.example.com", "name": "Matrix"},
    }
    api_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(API_BLUEPRINT)]
    assert {r.endpoint for r in api_rules} == set(API_ACCESS), "classify every API route in API_ACCESS"
    failures = []
    for rule in api_rules:
        method = _method(rule)
        for kind in TOKEN_KINDS:
            headers = {"Authorization": f"Bearer {secrets[kind]}"} if secrets[kind] else {}
            response = client.open(_url(rule, values), method=method, json=bodies.get(rule.endpoint), headers=headers)
            allowed = response.status_code not in (401, 403)
            if response.status_code >= 500 or allowed != (kind in API_ACCESS[rule.endpoint]):
                failures.append(f"{kind} {method} {rule.rule}: {response.status_code}")
    assert failures == []
