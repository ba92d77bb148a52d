"""The Innovation Awards web app: `create_app()` builds it, one blueprint per actor."""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config
from .extensions import babel, csrf, db, limiter, login_manager, migrate, oauth

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/ sits at the top level; an installed wheel carries it inside the package (see pyproject).
TEMPLATE_DIR = PACKAGE_DIR.parent / "templates"
if not TEMPLATE_DIR.is_dir():
    TEMPLATE_DIR = PACKAGE_DIR / "templates"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; `test_config` overrides the environment (the tests pass their database here)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(TEMPLATE_DIR),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    instance = Path(os.environ.get("INSTANCE_PATH", app.instance_path))
    app.instance_path = str(instance)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(instance))
    if test_config:
        app.config.from_mapping(test_config)
    config.finish(app.config)
    if app.config["TRUSTED_PROXIES"]:
        # Only behind the documented number of proxies: otherwise anyone could forge their address or scheme.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    from . import storage

    storage.init_app(app)

    from . import security

    security.install_input_guards(app)  # before the blueprints: their routes read the URL converters
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    babel.init_app(app, locale_selector=_select_language)
    limiter.init_app(app)
    oauth.init_app(app)

    from . import models  # noqa: F401  (registers the tables)
    from .auth.routes import bp as auth_bp
    from .auth.sso import bp as sso_bp
    from .entries.routes import bp as entries_bp
    from .jury import bp as jury_bp
    from .organiser import bp as organiser_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(entries_bp)
    app.register_blueprint(jury_bp)
    app.register_blueprint(organiser_bp)

    from . import api

    api.register(app)

    from . import assets, cli, errors, jobs, mail, tasks, templating, transaction
    from .domain import seal

    # Tests run each task at once in the caller (the outbox is still written and read back the same way).
    if app.config.get("TASKS_IMMEDIATE", app.config.get("TESTING", False)):
        tasks.huey.immediate = True

    assets.register(app)
    transaction.register(app)
    seal.register()
    mail.register()
    jobs.register()
    security.register(app)
    errors.register(app)
    templating.register(app)
    cli.register(app)
    return app


@login_manager.user_loader
def _load_user(user_id: str):
    """The user of a session or remember cookie, only while its session token is the account's current one."""
    from .models import User

    number, _, token = user_id.partition(":")
    if not number.isdigit() or not token:
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def _select_language() -> str:
    """The user's saved language, else the browser's preference between English and French."""
    if not has_request_context():  # command line, background work
        return "en"
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.language
    chosen = request.cookies.get("lang")
    if chosen in ("en", "fr"):
        return chosen
    return request.accept_languages.best_match(["en", "fr"]) or "en"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys and use WAL so readers don't block the autosaving jurors."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
