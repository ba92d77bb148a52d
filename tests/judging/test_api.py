"""The REST API under /api/v1: organiser-issued tokens with scopes, hashed and revocable; reads of editions,
entries and results that never reveal a juror; company imports and juror invitations recorded in the audit trail."""

import pytest

from judging.domain import api_tokens, juries as jury_services, lifecycle, rounds
from judging.extensions import db
from judging.mail import outbox
from judging.models import ApiToken, AuditEvent, Organisation, User


@pytest.fixture
def issue(make):
    organiser = make.user("organiser")

    def issue(*scopes: str, name: str = "Exhibitor system") -> str:
        _token, secret = api_tokens.issue_token(actor=organiser, name=name, scopes=list(scopes))
        db.session.commit()
        return secret

    issue.organiser = organiser
    return issue


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _publish(world):
    president = world["jurors"][0]
    member = next(m for m in jury_services.jury_of(world["category"]).members if m.user_id == president.id)
    jury_services.set_president(actor=world["organiser"], member=member)
    lifecycle.freeze(actor=world["organiser"], edition=world["edition"])
    rounds.sign_off(actor=president, round_=rounds.deciding_round(world["category"]))
    lifecycle.publish(actor=world["organiser"], edition=world["edition"], confirmed=True)
    db.session.commit()


def test_a_token_is_stored_only_as_a_hash_and_shown_once(issue):
    secret = issue("read-entries")
    token = db.session.scalar(db.select(ApiToken))
    assert secret.startswith("mia_") and len(secret) > 40
    assert secret not in (token.token_hash, token.prefix) and token.prefix == secret[:12]
    assert token.last_used_at is None


def test_without_a_valid_token_the_api_answers_401_in_json(client, issue, login_as):
    for headers in ({}, bearer("mia_not-a-token"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/editions", headers=headers)
        assert response.status_code == 401
        assert response.json["code"] == 401 and "Bearer" in response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_organiser_session_cookie_does_not_open_the_api(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    assert client.get("/organiser/").status_code == 200  # the session works on the pages
    assert client.get("/api/v1/editions").status_code == 401


def test_a_revoked_token_stops_at_once_and_the_list_shows_last_use(client, issue, make, login_as):
    make.edition()
    secret = issue("read-entries", name="Show website")
    assert client.get("/api/v1/editions", headers=bearer(secret)).status_code == 200
    token = db.session.scalar(db.select(ApiToken))
    db.session.refresh(token)
    assert token.last_used_at is not None
    login_as(issue.organiser)
    page = client.get("/organiser/api-tokens").get_data(as_text=True)
    assert "Show website" in page and token.prefix in page and secret not in page
    assert client.post(f"/organiser/api-tokens/{token.id}/revoke", data={}).status_code == 302
    assert client.get("/api/v1/editions", headers=bearer(secret)).status_code == 401
    assert "revoked" in client.get("/organiser/api-tokens").get_data(as_text=True)


def test_issuing_a_token_on_the_page_shows_its_secret_once(client, make, login_as):
    login_as(make.user("organiser"))
    response = client.post("/organiser/api-tokens", data={"name": "Exhibitor system", "scopes": ["write-companies"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "mia_" in page
    token = db.session.scalar(db.select(ApiToken))
    assert token.scopes == ["write-companies"]
    assert "mia_" not in client.get("/organiser/api-tokens").get_data(as_text=True).replace(token.prefix, "")
    form = client.get("/organiser/api-tokens").get_data(as_text=True)
    # A `required` checkbox would make the browser demand every box: the form would never be sent.
    assert 'type="checkbox"' in form and not any("required" in tag for tag in form.split("<input") if "checkbox" in tag)
    refused = client.post("/organiser/api-tokens", data={"name": "No scope"})
    assert refused.status_code == 400 and "Choose at least one scope" in refused.get_data(as_text=True)


def test_entries_come_with_answers_and_attachment_details_only_with_the_scope(client, issue, make):
    edition = make.edition()
    entry = make.entry(edition=edition, title="Thermal camera")
    reader, other = issue("read-entries"), issue("read-results")
    response = client.get(f"/api/v1/editions/{edition.slug}/entries", headers=bearer(reader))
    assert response.status_code == 200
    [row] = response.json
    assert row["title"] == "Thermal camera" and row["answers"]["what_is_new"] == "New"
    assert row["company"]["name"] == entry.organisation.name and row["attachments"] == []
    assert response.headers["X-Total-Count"] == "1"
    assert client.get(f"/api/v1/entries/{entry.id}", headers=bearer(reader)).json["id"] == entry.id
    for url in (f"/api/v1/editions/{edition.slug}/entries", f"/api/v1/entries/{entry.id}", "/api/v1/companies"):
        response = client.get(url, headers=bearer(other))
        assert response.status_code == 403 and "read-entries" in response.json["message"]


def test_unpublished_results_need_the_scope_and_winners_appear_only_once_published(client, issue, judged):
    slug = judged["edition"].slug
    public, results = issue("read-entries"), issue("read-results")
    assert client.get(f"/api/v1/editions/{slug}/results", headers=bearer(public)).status_code == 403
    before = client.get(f"/api/v1/editions/{slug}/winners", headers=bearer(public)).json
    assert before == {"edition": slug, "published": False, "categories": []}
    ranking = client.get(f"/api/v1/editions/{slug}/results", headers=bearer(results)).json
    category = next(c for c in ranking["categories"] if c["code"] == "event-security")
    assert [s["entry"]["title"] for s in category["standings"]] == ["Gate 9", "Gate 8", "Gate 7", "Gate 6", "Gate 5"]
    assert category["standings"][0]["score"] == 90.0 and ranking["results_state"] == "open"

    _publish(judged)
    after = client.get(f"/api/v1/editions/{slug}/winners", headers=bearer(public)).json
    assert after["published"] is True
    [won] = [c for c in after["categories"] if c["winners"]]
    assert won["category"]["code"] == "event-security" and [w["title"] for w in won["winners"]] == ["Gate 9"]
    assert "score" not in str(after)


def test_no_answer_of_the_api_ever_names_a_juror(client, issue, judged, make):
    juror = judged["jurors"][0]
    company = judged["entries"][0].organisation
    juror.organisation = company  # a juror employed by an exhibitor is still not its contact
    db.session.commit()
    _publish(judged)
    secret = issue("read-results", "read-entries", "write-companies")
    slug = judged["edition"].slug
    seen = ""
    for url in (
        "/api/v1/editions",
        f"/api/v1/editions/{slug}/categories",
        f"/api/v1/editions/{slug}/entries",
        f"/api/v1/editions/{slug}/results",
        f"/api/v1/editions/{slug}/winners",
        "/api/v1/companies",
        f"/api/v1/companies/{company.id}",
    ):
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 200, url
        seen += response.get_data(as_text=True)
    for j in judged["jurors"]:
        assert j.email not in seen and j.name not in seen


def test_importing_companies_creates_and_updates_by_name_with_contacts_and_is_audited(client, issue, make):
    existing = make.organisation(name="Équipements Dupont", stand="A1")
    secret = issue("write-companies")
    body = {
        "companies": [
            {"name": "EQUIPEMENTS DUPONT", "country": "FR", "hall": "6", "stand": "F12"},
            {
                "name": "Nordic Shield",
                "country": "NO",
                "is_startup": True,
                "contacts": [{"email": "Anna@Nordic.example", "name": "Anna", "language": "en"}],
            },
        ]
    }
    response = client.put("/api/v1/companies", json=body, headers=bearer(secret))
    assert response.status_code == 200, response.json
    assert (response.json["created"], response.json["updated"], response.json["unchanged"]) == (1, 1, 0)
    db.session.refresh(existing)
    assert existing.stand == "F12" and existing.hall == "6" and existing.name == "Équipements Dupont"
    nordic = db.session.scalar(db.select(Organisation).where(Organisation.name == "Nordic Shield"))
    anna = db.session.scalar(db.select(User).where(User.email == "anna@nordic.example"))
    assert anna.role == "exhibitor" and anna.organisation_id == nordic.id and anna.password_hash == ""
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"company.create", "company.update", "api.write"} <= actions
    write = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api.write"))
    assert write.actor_id == issue.organiser.id and write.after["token"] == "Exhibitor system"
    again = client.put("/api/v1/companies", json=body, headers=bearer(secret)).json
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_an_import_is_all_or_nothing_and_never_turns_a_juror_into_a_contact(client, issue, make):
    juror = make.user("juror")
    secret = issue("write-companies")
    body = {
        "companies": [
            {"name": "First Co", "country": "FR"},
            {"name": "Second Co", "country": "FR", "contacts": [{"email": juror.email}]},
        ]
    }
    response = client.put("/api/v1/companies", json=body, headers=bearer(secret))
    assert response.status_code == 409 and juror.email in response.json["message"]
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "First Co")) is None
    assert db.session.get(User, juror.id).organisation_id is None
    # Two rows naming one company (accents and case aside) conflict: nothing is imported.
    twice = {"companies": [{"name": "Éclair", "country": "FR"}, {"name": "ECLAIR", "country": "BE"}]}
    response = client.put("/api/v1/companies", json=twice, headers=bearer(secret))
    assert response.status_code == 409 and "twice" in response.json["message"]
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "Éclair")) is None


def test_bad_input_is_a_422_naming_the_field_never_a_500(client, issue):
    secret = issue("write-companies")
    for body in ({}, {"companies": []}, {"companies": [{"name": "X", "country": "France"}]}, {"companies": "x"}):
        response = client.put("/api/v1/companies", json=body, headers=bearer(secret))
        assert response.status_code == 422, body
        assert response.json["errors"]["json"]
    response = client.put("/api/v1/companies", data="not json", headers=bearer(secret))
    assert 400 <= response.status_code < 500


def test_a_write_needs_its_scope_and_a_read_token_changes_nothing(client, issue, make):
    company = make.organisation(name="Aegis")
    secret = issue("read-entries", "read-results")
    response = client.patch(f"/api/v1/companies/{company.id}", json={"stand": "Z9"}, headers=bearer(secret))
    assert response.status_code == 403
    assert db.session.get(Organisation, company.id).stand != "Z9"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api.write")) is None


def test_inviting_a_juror_seats_them_mails_the_link_and_is_audited(client, issue, make):
    edition = make.edition()
    category = make.category(edition, "cyber")
    secret = issue("invite-jurors")
    response = client.post(
        f"/api/v1/categories/{category.id}/juror-invitations",
        json={"email": "New.Juror@Police.example", "name": "New Juror", "language": "fr"},
        headers=bearer(secret),
    )
    assert response.status_code == 201 and response.json == {
        "email": "new.juror@police.example",
        "category": "cyber",
        "invited": True,
    }
    juror = db.session.scalar(db.select(User).where(User.email == "new.juror@police.example"))
    assert juror.role == "juror" and juror.language == "fr"
    assert any(m.to == juror.email for m in outbox())
    assert {"jury.add_member", "api.write"} <= set(db.session.scalars(db.select(AuditEvent.action)))
    assert (
        client.post(
            f"/api/v1/categories/{category.id}/juror-invitations",
            json={"email": "x@y.example", "name": "X"},
            headers=bearer(issue("write-companies")),
        ).status_code
        == 403
    )


def test_each_token_has_its_own_rate_limit(app, client, issue, make):
    app.config.update(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    make.edition()
    first, second = issue("read-entries"), issue("read-entries")
    answers = [client.get("/api/v1/editions", headers=bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/editions", headers=bearer(first))
    assert limited.json["code"] == 429 and int(limited.headers["Retry-After"]) > 0
    assert client.get("/api/v1/editions", headers=bearer(second)).status_code == 200


def test_the_openapi_document_is_served_and_describes_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/editions/{slug}/winners" in spec["paths"] and "put" in spec["paths"]["/api/v1/companies"]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_an_unknown_api_address_is_a_json_404(client, issue):
    response = client.get("/api/v1/nothing-here", headers=bearer(issue("read-entries")))
    assert response.status_code == 404 and response.json["code"] == 404
