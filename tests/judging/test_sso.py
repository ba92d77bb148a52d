"""Single sign-on against a real OpenID Connect provider started here: discovery, keys, authorize and token
endpoints over HTTP, with ID tokens signed by its own RSA key. The app must refuse a token for another audience,
an expired one, one signed by another key and an unverified address, and never let an exhibitor in this way."""

import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

from judging.extensions import db
from judging.models import AuditEvent, User

CLIENT_ID, CLIENT_SECRET = "awards-app", "client-secret-for-tests"


class Provider:
    """A minimal OpenID Connect provider: it signs in whoever `person` says, with the claims `overrides` says."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
        self.signing_key = self.key
        self.person = {"email": "anna@jury.example", "email_verified": True, "name": "Anna Juror"}
        self.overrides: dict = {}
        self.codes: dict[str, dict] = {}
        app = Flask("provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            if request.args["client_id"] != CLIENT_ID:
                return "unknown client", 400
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": request.args.get("nonce"), "redirect_uri": request.args["redirect_uri"]}
            query = urlencode({"code": code, "state": request.args["state"]})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            client_id = request.authorization.username if request.authorization else request.form.get("client_id")
            secret = request.authorization.password if request.authorization else request.form.get("client_secret")
            if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            grant = self.codes.pop(request.form["code"], None)
            if grant is None or grant["redirect_uri"] != request.form["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            now = int(time.time())
            claims = {
                "iss": self.issuer,
                "sub": "user-" + self.person["email"],
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                **self.person,
                **self.overrides,
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "provider-key"}, claims, self.signing_key)
            return jsonify(
                access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300, id_token=id_token
            )

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def provider(app):
    provider = Provider()
    app.config.update(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_ROLE_DOMAINS={"jury.example": "juror", "milipol.example": "organiser"},
    )
    yield provider
    provider.close()


def sign_in(client):
    """The browser's trip: our start page -> the provider's authorize page -> our callback."""
    start = client.get("/auth/sso/")
    assert start.status_code == 302 and start.headers["Location"].startswith("http://127.0.0.1")
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_a_verified_juror_address_signs_in_and_gets_a_juror_account(client, provider, make):
    make.edition()
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/jury/")
    user = db.session.scalar(db.select(User).where(User.email == "anna@jury.example"))
    assert user.role == "juror" and user.name == "Anna Juror" and user.password_hash == ""
    assert client.get("/jury/").status_code == 200
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "account.sso_create"))


def test_an_organiser_domain_opens_the_organiser_pages(client, provider, make):
    make.edition()
    provider.person = {"email": "Chief@Milipol.example", "email_verified": True, "name": "Chief"}
    assert sign_in(client).headers["Location"].endswith("/organiser/")
    assert client.get("/organiser/").status_code == 200


def test_an_existing_account_keeps_its_role(client, provider, make):
    make.edition()
    organiser = make.user("organiser", email="boss@jury.example")
    assert sign_in(client).status_code == 302
    provider.person["email"] = organiser.email
    client.post("/auth/logout")
    assert sign_in(client).headers["Location"].endswith("/organiser/")
    assert db.session.get(User, organiser.id).role == "organiser"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"aud": "another-app"}, "could not be trusted"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "could not be trusted"),
        ({"iss": "https://impostor.example"}, "could not be trusted"),
        ({"email_verified": False}, "has not verified"),
    ],
    ids=["wrong audience", "expired", "wrong issuer", "unverified email"],
)
def test_an_untrustworthy_answer_logs_nobody_in(client, provider, make, overrides, message):
    make.edition()
    provider.overrides = overrides
    response = sign_in(client)
    assert 400 <= response.status_code < 500 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "anna@jury.example")) is None
    assert client.get("/jury/").status_code == 302  # still a stranger


def test_a_token_signed_by_another_key_is_refused(client, provider, make):
    make.edition()
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
    response = sign_in(client)
    assert response.status_code == 401 and "could not be trusted" in response.get_data(as_text=True)


def test_exhibitors_and_unlisted_domains_keep_to_passwords(client, provider, make):
    make.edition()
    exhibitor = make.user("exhibitor", email="sales@jury.example")
    provider.person["email"] = exhibitor.email
    response = sign_in(client)
    assert response.status_code == 403 and "password" in response.get_data(as_text=True)
    provider.person["email"] = "someone@elsewhere.example"
    response = sign_in(client)
    assert (
        response.status_code == 403
        and db.session.scalar(db.select(User).where(User.email == "someone@elsewhere.example")) is None
    )


def test_a_forged_callback_is_refused(client, provider, make):
    make.edition()
    client.get("/auth/sso/")
    response = client.get("/auth/sso/callback?code=stolen&state=forged")
    assert response.status_code == 400 and "not completed" in response.get_data(as_text=True)


def test_the_login_page_offers_single_sign_on_only_when_configured(app, client, provider):
    assert "/auth/sso/" in client.get("/auth/login").get_data(as_text=True)
    app.config["OIDC_ISSUER"] = ""
    assert "/auth/sso/" not in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/auth/sso/").status_code == 404


def test_the_role_mapping_refuses_an_exhibitor_role():
    from judging.domain.sso import parse_role_domains

    assert parse_role_domains(" milipol.com=organiser, @Police.fr=juror") == {
        "milipol.com": "organiser",
        "police.fr": "juror",
    }
    with pytest.raises(ValueError):
        parse_role_domains("shop.example=exhibitor")
