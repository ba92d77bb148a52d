"""Entry list (also sorted by score) and entry pages at 100 and 2,000 entries: median time, ratio to a bare
Flask floor, query count.

The floor is a minimal Flask route that replays exactly the SQL statements the real page sent (captured
from a real request), so the ratio measures what the app adds: login, forms, templates, permissions.
"""

from __future__ import annotations

import logging
import os
import random
import tempfile
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from bench.common import emit, median_seconds

PASSWORD = "bench-password-1"


def _build_app(tmp: str):
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    from judging import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            "UPLOAD_FOLDER": f"{tmp}/uploads",
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "memory",
        }
    )


def _populate(entries: int):
    from werkzeug.security import generate_password_hash

    from judging.domain.editions import create_edition
    from judging.extensions import db
    from judging.models import Entry, Organisation, User, utcnow

    now = utcnow()
    edition = create_edition(
        slug="bench", name="Bench 2027", current=True, status="live", submission_deadline=now + timedelta(days=30)
    )
    edition.max_entries_per_category = 10_000
    rng = random.Random(7)
    companies = [Organisation(name=f"Company {n}", country="FR", stand=f"A{n}") for n in range(max(entries // 2, 1))]
    db.session.add_all(companies)
    hashed = generate_password_hash(PASSWORD, method="scrypt")
    owner = User(email="owner@bench.example", role="exhibitor", organisation=companies[0], password_hash=hashed)
    organiser = User(email="organiser@bench.example", role="organiser", password_hash=hashed)
    db.session.add_all([owner, organiser])
    for n in range(entries):
        # The first company has five entries, as a busy exhibitor would; the rest are spread out.
        company = companies[0] if n < 5 else rng.choice(companies)
        db.session.add(
            Entry(
                edition=edition,
                category=edition.categories[n % 6],
                organisation=company,
                title=f"Innovation {n}",
                summary="Summary " * 20,
                what_is_new="New " * 50,
                status="submitted",
            )
        )
    db.session.commit()
    first = db.session.scalar(sa.select(Entry.id).where(Entry.organisation_id == companies[0].id).limit(1))
    return first


def capture_statements(app, request) -> tuple:
    """(engine, [(statement, parameters)]) of the SQL that one call of `request()` sends."""
    from judging.extensions import db

    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return engine, statements


def get_ok(client, url):
    def get():
        assert client.get(url).status_code == 200, url

    return get


def floor_app(engine, statements) -> Flask:
    """A bare Flask app whose one route replays `statements`: the floor of a page's cost."""
    floor = Flask("floor")

    @floor.get("/")
    def replay():
        rows = 0
        with engine.connect() as connection:
            for statement, parameters in statements:
                result = connection.exec_driver_sql(statement, parameters)
                rows += len(result.fetchall()) if result.returns_rows else result.rowcount
        return str(rows)

    return floor


def _login(client, email):
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302


def measure(entries: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = _build_app(tmp)
        with app.app_context():
            from flask_migrate import upgrade

            logging.getLogger("alembic").setLevel(logging.WARNING)
            upgrade()
            entry_id = _populate(entries)
        pages = {
            "exhibitor": [("entries_dashboard", "/entries/"), ("entry_page", f"/entries/{entry_id}")],
            "organiser": [
                ("organiser_entry_list", "/organiser/entries"),
                # Sorted by the score column: every category's ranking, then the page cut in Python.
                ("organiser_entry_list_by_score", "/organiser/entries?sort=score&dir=desc"),
                ("organiser_entry_page", f"/organiser/entries/{entry_id}"),
            ],
        }
        for role, urls in pages.items():
            client = app.test_client()
            _login(client, f"{'owner' if role == 'exhibitor' else 'organiser'}@bench.example")
            for name, url in urls:
                engine, statements = capture_statements(app, get_ok(client, url))
                floor_client = floor_app(engine, statements).test_client()
                value = median_seconds(lambda: client.get(url), repeat=31, warmup=3)
                floor = median_seconds(lambda: floor_client.get("/"), repeat=31, warmup=3)
                emit(f"page_{name}_{entries}_entries", value * 1000, "ms", floor * 1000, queries=len(statements))


def main() -> None:
    for entries in (100, 2000):
        measure(entries)


if __name__ == "__main__":
    main()
