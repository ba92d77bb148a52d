"""API tokens: issued by an organiser with scopes, kept only as a hash, revocable, and their last use recorded.

The secret is `mia_` followed by 32 random bytes (URL-safe); it is shown once when issued. A token is looked
up by the SHA-256 of what the caller sends, so a stolen database gives no usable token.
"""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import gettext as _

from ..errors import Refused
from ..extensions import db
from ..models import API_SCOPES, ApiToken, User, utcnow
from . import audit

TOKEN_PREFIX = "mia_"
# Writing `last_used_at` on every call would make each read a write; once a minute is precise enough for the list.
LAST_USE_PRECISION_SECONDS = 60


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(*, actor: User, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A new token with these scopes; returns it with its secret, which is never stored nor shown again."""
    name = name.strip()
    if not name:
        raise Refused(_("Give the token a name (who or what uses it)."), 400, field="name")
    unknown = [s for s in scopes if s not in API_SCOPES]
    if unknown or not scopes:
        raise Refused(_("Choose at least one scope."), 400, field="scopes")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:100],
        prefix=secret[:12],
        token_hash=_digest(secret),
        scopes=sorted(set(scopes)),
        created_by_id=actor.id,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor=actor,
        action="api_token.issue",
        obj=token,
        edition_id=None,
        after={"name": token.name, "scopes": token.scopes},
    )
    return token, secret


def revoke_token(*, actor: User, token: ApiToken) -> None:
    """The token stops working at once; the row stays so that the list and the audit trail still name it."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(actor=actor, action="api_token.revoke", obj=token, edition_id=None, after={"name": token.name})
    db.session.flush()


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret, None for an unknown or revoked one; its last use is noted."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USE_PRECISION_SECONDS:
        token.last_used_at = now
    return token


def tokens() -> list[ApiToken]:
    """Every token, live ones first, newest first."""
    return list(
        db.session.scalars(
            db.select(ApiToken).order_by(
                ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()
            )
        )
    )
