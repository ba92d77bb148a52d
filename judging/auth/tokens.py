"""Signed, expiring, single-use tokens for password resets (and juror invitations).

A token embeds a fingerprint of the user's current password hash: once the password changes, every
earlier token stops working, so no table of used tokens is needed.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..models import User


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"awards-{purpose}")


def _password_state(user: User) -> str:
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"user": user.id, "state": _password_state(user)})


def read_token(token: str, purpose: str, max_age: int) -> User | None:
    """The user the token was made for, or None when it is forged, expired or already used."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or data.get("state") != _password_state(user):
        return None
    return user


def sign(data: dict, purpose: str) -> str:
    """A signed, timestamped token carrying `data` (readable by whoever holds it: no secrets inside)."""
    return _serializer(purpose).dumps(data)


def unsign(token: str, purpose: str, max_age: int) -> dict | None:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) else None
