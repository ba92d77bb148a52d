"""Shared fixtures: a real database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set),
the app, a client, and small factories for the awards world."""

from __future__ import annotations

import contextvars
import os
from datetime import timedelta
from functools import lru_cache
from itertools import count
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase

from judging import create_app
from judging.extensions import db
from judging.models import Category, Edition, Entry, Organisation, User, utcnow
from support import PASSWORD, empty_all_tables as _empty_all_tables

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

# Hypothesis keeps the examples that failed in a directory of the tree (.hypothesis/ is ignored by git): a developer
# replays them on every run and commits the ones worth keeping next to the fix, so that CI replays them too. CI only
# reads them, and prints the blob that reproduces a new failure; .ci/run fixes the seed so that a run can be repeated.
EXAMPLES = DirectoryBasedExampleDatabase(Path(__file__).resolve().parent / ".hypothesis-examples")


def pytest_configure(config):
    # In a hook, not at import: a test that imports this module again (`from conftest import Factory`) would
    # otherwise register the profiles a second time, inside a running test's settings.
    settings.register_profile("dev", database=EXAMPLES)
    settings.register_profile("ci", database=ReadOnlyDatabase(EXAMPLES), print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def _database_url(tmp_path_factory) -> str:
    if os.environ.get("REQUIRE_POSTGRES") and not (TEST_DATABASE_URL or "").startswith("postgresql"):
        pytest.fail("REQUIRE_POSTGRES is set but TEST_DATABASE_URL does not name a PostgreSQL database")
    if TEST_DATABASE_URL:
        return (
            TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
            if TEST_DATABASE_URL.startswith("postgresql://")
            else TEST_DATABASE_URL
        )
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The schema is built once per run by the real migrations, so models and migrations must agree."""
    url = _database_url(tmp_path_factory)
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads-migrate")),
        }
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "memory",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SECRET_KEY": "test-secret",
            "SERVER_NAME": "awards.test",
            "PUBLIC_BASE_URL": "http://awards.test",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context and database session, as in production.

    Without this, requests would reuse the test's app context and its identity map, hiding queries and
    stale reads. The test's own session is committed around each request so it sees what the request wrote.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        response = contextvars.copy_context().run(self._open_alone, *args, **kwargs)
        db.session.commit()
        return response

    def _open_alone(self, *args, **kwargs):
        _cv_app.set(None)  # only inside this copied context: the request pushes a fresh app context
        return FlaskClient.open(self, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_numbers = count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    """scrypt is slow on purpose; the tests hash the shared password once."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="scrypt")


class Factory:
    """Small builders for the awards world; each returns a committed object."""

    def edition(self, *, deadline_in=timedelta(days=10), current=True, max_entries=1, **values) -> Edition:
        from judging.domain.editions import create_edition

        n = next(_numbers)
        now = utcnow()
        defaults = dict(
            slug=f"edition-{n}",
            name=f"Milipol Test {n}",
            venue="Paris Nord Villepinte",
            submission_deadline=now + deadline_in,
            scoring_opens_at=now + deadline_in + timedelta(days=1),
            scoring_closes_at=now + deadline_in + timedelta(days=20),
            status="live",
            current=current,
        )
        defaults.update(values)
        edition = create_edition(**defaults)
        edition.max_entries_per_category = max_entries
        db.session.commit()
        return edition

    def category(self, edition: Edition, code: str = "cyber") -> Category:
        return next(c for c in edition.categories if c.code == code)

    def organisation(self, name: str | None = None, **values) -> Organisation:
        n = next(_numbers)
        values = {"country": "FR", "stand": f"A{n:03d}", "hall": "5", **values}
        organisation = Organisation(name=name or f"Company {n}", **values)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    def user(
        self,
        role: str = "exhibitor",
        *,
        organisation: Organisation | None = None,
        email: str | None = None,
        language: str = "en",
    ) -> User:
        n = next(_numbers)
        if role == "exhibitor" and organisation is None:
            organisation = self.organisation()
        user = User(
            email=email or f"{role}{n}@example.com",
            name=f"{role.title()} {n}",
            role=role,
            language=language,
            organisation=organisation,
        )
        user.password_hash = _password_hash()
        db.session.add(user)
        db.session.commit()
        return user

    def entry(
        self,
        *,
        edition: Edition | None = None,
        category: str = "cyber",
        organisation: Organisation | None = None,
        status: str = "submitted",
        title: str | None = None,
    ) -> Entry:
        edition = edition or db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True))) or self.edition()
        organisation = organisation or self.organisation()
        cat = self.category(edition, category)
        n = next(_numbers)
        entry = Entry(
            edition=edition,
            category=cat,
            organisation=organisation,
            title=title or f"Innovation {n}",
            summary="A short summary.",
            innovation_type="product",
            status=status,
            submitted_at=utcnow() if status == "submitted" else None,
        )
        if cat.question_set == "csr":
            entry.initiative, entry.measurable_impact, entry.beneficiaries = "Initiative", "Impact", "People"
        else:
            entry.what_is_new, entry.operational_benefit, entry.maturity = "New", "Benefit", "pilot"
            entry.availability_date = utcnow().date()
        db.session.add(entry)
        db.session.commit()
        return entry


@pytest.fixture
def make(app):
    return Factory()


@pytest.fixture
def login_as(client):
    """Log a user in through the real login form; returns the user."""

    def login(user: User):
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements sent to the database."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture(scope="session", autouse=True)
def french_catalogue():
    """Compile the French catalogue in the source tree when it is missing or older than its .po, as the editable
    install and `make` do, with the build's own function. What a wheel carries is checked in test_i18n.py."""
    from judging.translations.compile import SOURCE, compile_catalogues

    po = SOURCE / "fr/LC_MESSAGES/messages.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        compile_catalogues()


def pytest_terminal_summary(terminalreporter):
    """On a bare machine some tests skip (no browser, LibreOffice or Redis): say which, and the one command that
    adds them; and that CI also runs the suite on PostgreSQL."""
    reasons = sorted(
        {
            str(report.longrepr[2])
            for report in terminalreporter.stats.get("skipped", [])
            if isinstance(report.longrepr, tuple)
        }
    )
    write = terminalreporter.write_line
    if reasons:
        terminalreporter.write_sep("=", "what this run skipped")
        for reason in reasons:
            write(f"  - {reason}")
        write("Add what they need with `make system-deps` (Debian packages and services, as CI does), then run again.")
    if not TEST_DATABASE_URL and terminalreporter.config.option.markexpr == "":
        write("This run used SQLite; CI also runs the whole suite on PostgreSQL: `make test-postgres`.")
