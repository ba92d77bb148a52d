"""Every refusal becomes a readable page with a 4xx status; nothing a user sends may give a 500."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound, SecurityError


class Refused(Exception):
    """A business rule says no (deadline passed, limit reached...). Raised by services, shown by the handler."""

    def __init__(self, message: str, status: int = 403, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field  # the form field the refusal is about, for pages that show it beside that field

    def show_on(self, form) -> None:
        """Put the refusal on `form`: beside its field when there is one, else above the form."""
        if self.field and self.field in form:
            form[self.field].errors = list(form[self.field].errors) + [self.message]
        else:
            form.form_errors.append(self.message)


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, message: str, errors: dict | None = None):
    """The API's error document (the `Error` schema of its OpenAPI document): code, status, message, errors."""
    from http import HTTPStatus

    body = {"code": status, "status": HTTPStatus(status).phrase, "message": str(message)}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _page(status: int, title: str, message: str):
    if _is_api():
        return _api_error(status, message)
    if _wants_json():
        return jsonify(error=title, message=message), status
    return render_template("errors.html", status=status, title=title, message=message), status


def refusal_response(error: Refused):
    from .extensions import db

    db.session.rollback()  # nothing half-applied: a refusal undoes whatever the action had changed
    return _page(error.status, str(TITLES.get(error.status, _l("Refused"))), error.message)


# Marked with _l so that the titles are extracted into the catalogue and shown in the reader's language.
TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    429: _l("Too many requests"),
}


def register(app: Flask) -> None:
    titles = TITLES

    @app.errorhandler(Refused)
    def refused(error: Refused):
        return refusal_response(error)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _page(
            400,
            _("Form expired"),
            _(
                "The form's security token is missing or expired. Go back, reload the page and try again; "
                "what you saved before is kept."
            ),
        )

    @app.errorhandler(413)
    def too_large(error):
        limit_mb = app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
        return _page(
            413,
            _("File too large"),
            _("The file is larger than the %(limit).0f MB limit. Your entry was not changed.", limit=limit_mb),
        )

    @app.errorhandler(429)
    def too_many(error):
        return _page(
            429, _("Too many requests"), _("Too many attempts in a short time. Wait a minute, then try again.")
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # The Host header is not one of TRUSTED_HOSTS: no page, since no link can be built for that host.
        return "Unknown host.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if _is_api():  # webargs puts the field messages of a refused body in `data`
            data = getattr(error, "data", None) or {}
            return _api_error(status, error.description, data.get("messages") if isinstance(data, dict) else None)
        title = str(titles[status]) if status in titles else error.name
        message = error.description
        if status == 404 and message == NotFound.description:
            message = _("This page does not exist, or you are not allowed to see it.")
        return _page(status, title, message)
