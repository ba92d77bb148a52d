"""Who calls the API: a token in `Authorization: Bearer`, never a session cookie; its scopes; its rate limit."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from limits import parse_many

from ..domain import api_tokens, audit
from ..extensions import limiter
from ..models import ApiToken


def current_token() -> ApiToken:
    return g.api_token


def _bearer() -> str:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _authenticate():
    if request.endpoint is None:  # unknown address: the 404 says so, whoever asks
        return
    token = api_tokens.token_for(_bearer())
    if token is None:
        abort(401, description=_("Send a valid API token: Authorization: Bearer <token>."))
    g.api_token = token
    _count_call(token)


def _count_call(token: ApiToken) -> None:
    """Every token has its own allowance (API_RATE_LIMIT), whatever address it comes from."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    for item in parse_many(current_app.config["API_RATE_LIMIT"]):
        if not limiter.limiter.hit(item, "api-token", str(token.id)):
            g.api_retry_after = item.get_expiry()
            abort(429, description=_("Too many requests with this token. Wait a minute, then try again."))


def _record_write(response):
    """Every change made through the API is in the audit trail, with the token that made it."""
    token = g.get("api_token")
    if token is not None and request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
        audit.record(
            actor=token.created_by,
            action="api.write",
            obj=token,
            edition_id=None,
            after={"token": token.name, "method": request.method, "path": request.path, "status": response.status_code},
        )
    if g.get("api_retry_after"):
        response.headers["Retry-After"] = str(g.api_retry_after)
    return response


def install(blueprint) -> None:
    blueprint.before_request(_authenticate)
    blueprint.after_request(_record_write)


def require(scope: str):
    """Refuse (403) a token without `scope`; documents the scope in the OpenAPI operation."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_token().allows(scope):
                abort(403, description=_("This token lacks the scope %(scope)s.", scope=scope))
            return view(*args, **kwargs)

        checked._api_scope = scope
        return checked

    return decorate


def require_any(*scopes: str):
    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not any(current_token().allows(s) for s in scopes):
                abort(403, description=_("This token lacks the scope %(scope)s.", scope=" or ".join(scopes)))
            return view(*args, **kwargs)

        return checked

    return decorate
