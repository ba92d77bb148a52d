"""Response headers that every page carries: no inline script, no framing, no sniffing, no referrer leak."""
from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
])


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        """No text field may hold a NUL character (PostgreSQL refuses them): a clear 400, never a 500."""
        values = list(request.args.values()) + list(request.form.values())
        if _has_nul(values) or (request.is_json and _has_nul(request.get_json(silent=True))):
            abort(400, description=_("Text cannot contain NUL characters."))

    @app.after_request
    def security_headers(response):
        # Attachments set their own, stricter policy (sandbox); keep it.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
