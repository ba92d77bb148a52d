"""Log in through the deployment's OpenID Connect provider (Authlib): the provider's page, then back here.

Authlib checks what matters in the answer: the state (no forged callback), the ID token's signature against the
provider's published keys, its issuer, audience (our client id), expiry and nonce. The rules on who may come in are
in `domain.sso`. Without OIDC_ISSUER these pages do not exist.
"""

from __future__ import annotations

import hashlib

import requests
from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError

from ..domain import sso as services
from ..errors import Refused
from ..extensions import oauth
from ..links import public_url

bp = Blueprint("sso", __name__, url_prefix="/auth/sso")


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def _client():
    """The provider's client, registered on first use under a name of its settings (Authlib keeps each client it
    creates, so other settings, in another app of the same process, get another client)."""
    config = current_app.config
    settings = "\n".join((config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"]))
    name = "oidc-" + hashlib.sha256(settings.encode()).hexdigest()[:12]
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "timeout": 10},
        )
    return client


@bp.get("/")
def start():
    if not enabled():
        abort(404)
    try:
        return _client().authorize_redirect(public_url("sso.callback"))
    except (requests.RequestException, OAuthError, ValueError, KeyError):
        return _failed(_("The identity provider cannot be reached. Try again in a moment, or log in with a password."))


def _failed(message: str, status: int = 400):
    return render_template("auth/sso_failed.html", message=message), status


@bp.get("/callback")
def callback():
    if not enabled():
        abort(404)
    try:
        token = _client().authorize_access_token()
    except OAuthError as error:  # refused on the provider's page, or a callback we never asked for
        current_app.logger.info("single sign-on refused: %s", error)
        return _failed(_("The sign-in was not completed. Start again from the login page."))
    except JoseError as error:  # the ID token is not for us, expired, or not signed by the provider's keys
        current_app.logger.warning("single sign-on ID token refused: %s", error)
        return _failed(_("The identity provider's answer could not be trusted, so you are not logged in."), 401)
    except (requests.RequestException, ValueError, KeyError):
        return _failed(_("The identity provider cannot be reached. Try again in a moment, or log in with a password."))
    claims = token.get("userinfo") or {}
    try:
        user = services.sign_in(claims=dict(claims), domains=current_app.config["OIDC_ROLE_DOMAINS"])
    except Refused as refusal:
        from ..extensions import db

        db.session.rollback()
        return _failed(refusal.message, refusal.status)
    from .routes import _home_for, _start_session

    _start_session(user, remember=False)
    flash(_("You are logged in with your organisation's account."), "success")
    return redirect(url_for(_home_for(user)))
