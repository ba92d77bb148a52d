"""The REST API, version 1, under /api/v1: read editions, categories, companies, entries and results; import
companies and invite jurors. Authenticated by organiser-issued tokens only (never the session cookie), so it is
exempt from CSRF; its OpenAPI document is generated from the code by flask-smorest at /api/v1/openapi.json.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from ..extensions import csrf

API_PREFIX = "/api/v1"


class _Api(Api):
    """flask-smorest's Api without its app-wide error handlers: the app's own (judging.errors) answer the web pages
    with HTML and the API with the same JSON error document that the specification declares."""

    def _register_error_handlers(self):
        pass


api = _Api()


def register(app: Flask) -> None:
    from . import routes

    app.config.setdefault("API_TITLE", "Milipol Innovation Awards")
    app.config.setdefault("API_VERSION", "1.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "Read the awards' editions, categories, companies, entries and results; import companies from "
                    "an exhibitor system and invite jurors. Send `Authorization: Bearer <token>` with a token "
                    "issued on the organiser's API tokens page; each operation names the scope it needs."
                )
            },
            "servers": [{"url": app.config["PUBLIC_BASE_URL"].rstrip("/")}],
        },
    )
    api.init_app(app)
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    csrf.exempt(routes.blp)
    api.register_blueprint(routes.blp, url_prefix=API_PREFIX)
