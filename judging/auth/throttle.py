"""Throttling of the account pages, sized for a trade show where a hundred jurors share one address.

Only failed logins count, per address and per account, so a successful login never uses up anyone's
allowance; mails (reset, registration) count per address and per recipient. The counts live in the
limiter's storage (RATELIMIT_STORAGE_URI: Redis when several workers must share them).
"""

from __future__ import annotations

from flask import abort, current_app, request
from flask_babel import gettext as _
from limits import parse_many

from ..extensions import limiter


def _limits(setting: str):
    return parse_many(current_app.config[setting])


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def address() -> str:
    """The client's address (behind TRUSTED_PROXIES proxies, the one they forwarded)."""
    return request.remote_addr or "unknown"


def _prefix() -> str:
    """The deployment's own counts in a Redis others may use too (RATELIMIT_KEY_PREFIX)."""
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or "awards"


def refuse_if_exhausted(*counters: tuple[str, str, str]) -> None:
    """429 if any (name, key, setting) counter is already at its limit; nothing is counted here."""
    if not _enabled():
        return
    for name, key, setting in counters:
        if any(not limiter.limiter.test(item, _prefix(), name, key) for item in _limits(setting)):
            abort(429, description=_("Too many attempts in a short time. Wait a minute, then try again."))


def count(*counters: tuple[str, str, str]) -> None:
    """Add one to each (name, key, setting) counter."""
    if not _enabled():
        return
    for name, key, setting in counters:
        for item in _limits(setting):
            limiter.limiter.hit(item, _prefix(), name, key)


def login_counters(email: str) -> tuple[tuple[str, str, str], ...]:
    return (("login-address", address(), "LOGIN_RATE_LIMIT"), ("login-account", email, "LOGIN_ACCOUNT_RATE_LIMIT"))


def mail_counters(action: str, email: str) -> tuple[tuple[str, str, str], ...]:
    return (
        (f"{action}-address", address(), "MAIL_RATE_LIMIT"),
        (f"{action}-recipient", email, "MAIL_RECIPIENT_RATE_LIMIT"),
    )


def guard_mail(action: str, email: str) -> None:
    """Refuse when the address or the recipient had too many mails of this kind; else count this one."""
    counters = mail_counters(action, email)
    refuse_if_exhausted(*counters)
    count(*counters)
