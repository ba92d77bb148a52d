"""Response headers that every page carries: no inline script, no framing, no sniffing, no referrer leak."""

from __future__ import annotations

from flask import Flask, Request, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

# The largest value of a PostgreSQL `integer` column (every id and count here): a larger number in a
# request names nothing that exists, and handing it to the database would raise instead of finding nothing.
DB_INT_MAX = 2**31 - 1
# JSON bodies nested deeper than this are refused before anything walks them (the tablet sends depth 2).
MAX_JSON_DEPTH = 32

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class BoundedParameters(ImmutableMultiDict):
    """Query and form values: `get(name, type=int)` refuses a number no column can hold with a 400."""

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        value = super().get(key, default=default, type=type)
        if type is int and isinstance(value, int) and not -DB_INT_MAX - 1 <= value <= DB_INT_MAX:
            abort(400, description=_("The number in '%(name)s' is too large.", name=key))
        return value


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in a route: an id larger than any column can hold is simply not found (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def json_depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (walked without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class AwardsRequest(Request):
    parameter_storage_class = BoundedParameters

    def on_json_loading_failed(self, e):
        abort(400, description=_("The request body is not valid JSON."))

    def get_json(self, force=False, silent=False, cache=True):
        # Refused even when `silent`: no view has a use for such a body, and walking it could exhaust the stack.
        try:
            value = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:  # deeper than the parser itself can go
            value, too_deep = None, True
        else:
            too_deep = value is not None and json_depth(value) > MAX_JSON_DEPTH
        if too_deep:
            abort(400, description=_("The request body is nested too deeply."))
        return value


def install_input_guards(app: Flask) -> None:
    """Before any blueprint is registered: the URL converter is read when routes are added."""
    app.request_class = AwardsRequest
    app.url_map.converters["int"] = BoundedIntegerConverter


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
