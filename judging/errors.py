"""Every refusal becomes a readable page with a 4xx status; nothing a user sends may give a 500."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, session
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, SecurityError


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


def keeps_typed_input(view):
    """Mark a form's view that changes nothing until its form validates: when the form's security token is
    refused (an expired session), the view runs again to show its page with what was typed. Views that act on
    a post without validating a form (logging out) are never run again so, and stay unmarked."""
    view.keeps_typed_input = True
    return view


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
    if _is_button_post() and (back := _back_with(error.message)) is not None:  # nothing was typed: the reason on top
        return back
    return _page(error.status, str(TITLES.get(error.status, _l("Refused"))), error.message)


def _is_page_form_post() -> bool:
    """A form posted from one of our pages (not the API, not a script's JSON)."""
    return request.method == "POST" and not _is_api() and not _wants_json() and request.endpoint is not None


def _is_button_post() -> bool:
    """A one-button form (confirm, remove, resend...): nothing typed but its token."""
    return _is_page_form_post() and not request.files and not (set(request.form) - {"csrf_token"})


def _page_came_from() -> str | None:
    """The page of our site the form was posted from (path and query), or None."""
    came_from = urlsplit(request.referrer or "")
    if not came_from.path.startswith("/") or (came_from.netloc and came_from.netloc != request.host):
        return None
    target = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return None if target.startswith("//") else target


def _back_with(message: str):
    """Back (303) to the page of our site the form was posted from, `message` on top; None without one."""
    back = _page_came_from()
    if back is None:
        return None
    flash(message, "error")
    return redirect(back, 303)


def _unflash(message: str) -> None:
    """Take back a message flashed during this request (whether or not a page has read the flashes yet)."""
    from flask.globals import request_ctx

    session["_flashes"] = [f for f in session.get("_flashes", []) if f != ("error", message)]
    if getattr(request_ctx, "flashes", None) is not None:
        request_ctx.flashes = [f for f in request_ctx.flashes if f != ("error", message)]


def _checks_after_csrf():
    """Run the before-request checks that come after the CSRF check (the app's, then the blueprints'), which a
    refused token skipped; the first answer any of them gives, or None."""
    after = False
    for name in (None, *reversed(request.blueprints)):
        for check in current_app.before_request_funcs.get(name, ()):
            if after:
                answer = check()
                if answer is not None:
                    return answer
            after = after or getattr(check, "__module__", "") == "flask_wtf.csrf"
    return None


def _form_again(message: str):
    """The page of a refused form again, as typed, with `message` on top and a 4xx status; None when the page
    cannot be shown again so (its view answers with a redirect or refuses anew).

    The form's view runs once more on the same posted data: its form fails validation (the refusal that brought
    us here, e.g. the CSRF token, fails again), so it renders its page with what was typed. Whatever the run
    changed in the database is rolled back."""
    from .extensions import db

    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "keeps_typed_input", False) or not _is_page_form_post():
        return None
    flash(message, "error")
    try:
        # The checks that the refusal cut short (who may see the page, NUL characters...) run first.
        answer = _checks_after_csrf()
        answer = current_app.make_response(answer if answer is not None else view(**(request.view_args or {})))
    except Exception:  # noqa: BLE001 - refused anew (an abort, a Refused): the caller falls back
        answer = None
    db.session.rollback()
    # Only the form's own page (shown, or shown with its fields' errors) is the page again; a redirect (the
    # action would have gone through) or any other refusal (not found, not allowed...) is not.
    if answer is None or answer.status_code not in (200, 400) or answer.mimetype != "text/html":
        _unflash(message)  # not shown: the caller says it its own way
        return None
    answer.status_code = 400
    return answer


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
        # No dead end: the form's page again with what was typed and a fresh token (views marked
        # keeps_typed_input), else the page the form was on with the message; the bare page only without either.
        again = _("Your session expired: nothing was saved. Check the form and submit it again.")
        page = _form_again(again)
        if page is not None:
            return page
        if _is_page_form_post() and (back := _back_with(again)) is not None:
            return back
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
        if status == 400 and _is_page_form_post() and _page_came_from() is not None:
            from .extensions import db

            db.session.rollback()  # a form refused as a whole: back to its page, the reason on top, nothing kept
            if message == BadRequest.description:  # werkzeug's words, in English only
                message = _("This form could not be read, and nothing was saved: check it and send it again.")
            return _back_with(message)
        if status == 404 and message == NotFound.description:
            message = _("This page does not exist, or you are not allowed to see it.")
        return _page(status, title, message)
