"""Show scale, end to end through the app (a logged-in organiser's requests, SQLite in a temporary folder).

- The ceremony export of 1,200 entries, 100 jurors and 6,000 scorecards, from the database to the file, with
  the rankings computed afresh (the in-process ranking cache emptied before each run). Floor: the same rows
  read with one query per table, plus openpyxl writing the same cells in write-only mode (bench_exports).
  Targets: < 1.5 s and <= 2x the floor.
- One category's CSV (200 entries). Target < 0.3 s; floor: that category's rows read with one query per table.
- The import of 5,000 exhibitors (< 2 s) and 5,000 jurors (< 3 s), the .xlsx posted to the import page.
  Floor: a bulk INSERT of the same rows (companies; accounts and jury seats).

Each line also gives the SQL statements the request sent. Run as `python -m bench.bench_scale`.
"""

from __future__ import annotations

import io
import logging
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import Workbook

from bench.common import emit, median_seconds

PASSWORD = "bench-password-1"
ENTRIES_PER_CATEGORY = 200
JURORS = 102  # 17 per category
CARDS_PER_ENTRY = 5
ROWS = 5000


def _app(tmp: str):
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    from judging import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            "UPLOAD_FOLDER": f"{tmp}/uploads",
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "memory",
            "RATELIMIT_ENABLED": False,
            # Everything answered by the request itself, never handed to a job: the same producer the worker
            # would run, timed end to end here.
            "JOB_ITEMS": 10**9,
        }
    )


def _populate():
    """Six categories of 200 submitted entries, 17 jurors each, five submitted scorecards per entry; signed off."""
    from werkzeug.security import generate_password_hash

    from judging.domain import rounds
    from judging.domain.editions import create_edition
    from judging.extensions import db
    from judging.models import Assignment, Entry, Jury, JuryMember, Organisation, Scorecard, User, utcnow

    now = utcnow()
    edition = create_edition(
        slug="bench", name="Bench 2027", current=True, status="live", submission_deadline=now + timedelta(days=1)
    )
    edition.max_entries_per_category = 10_000
    hashed = generate_password_hash(PASSWORD, method="scrypt")
    organiser = User(email="organiser@bench.example", role="organiser", password_hash=hashed, name="Organiser")
    db.session.add(organiser)
    rng = random.Random(11)
    db.session.flush()
    for position, category in enumerate(edition.categories):
        round_ = category.rounds[0]
        keys = [c.key for c in round_.criteria]
        jury = db.session.scalar(db.select(Jury).where(Jury.category_id == category.id))
        panel = [
            User(email=f"juror{position}-{j}@bench.example", name=f"Juror {position}-{j}", role="juror")
            for j in range(JURORS // 6)
        ]
        companies = [
            Organisation(name=f"Company {position}-{n}", country="FR", hall="5", stand=f"A{n}")
            for n in range(ENTRIES_PER_CATEGORY)
        ]
        db.session.add_all(panel + companies)
        db.session.flush()
        db.session.add_all(
            JuryMember(jury_id=jury.id, user_id=u.id, is_president=(j == 0)) for j, u in enumerate(panel)
        )
        entries = [
            Entry(
                edition=edition,
                category=category,
                organisation=company,
                title=f"Innovation {position}-{n}",
                summary="s",
                status="submitted",
                submitted_at=now,
                what_is_new="n",
                operational_benefit="b",
                maturity="pilot",
            )
            for n, company in enumerate(companies)
        ]
        db.session.add_all(entries)
        db.session.flush()
        for entry in entries:
            for juror in rng.sample(panel, CARDS_PER_ENTRY):
                marks = {k: rng.randint(0, 10) for k in keys}
                db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
                db.session.add(
                    Scorecard(
                        round_id=round_.id,
                        entry_id=entry.id,
                        juror_id=juror.id,
                        status="submitted",
                        marks=marks,
                        weighted_total=sum(marks.values()) * 10 / len(marks),
                        overall_comment="Convincing demonstration on the stand",
                        submitted_at=now,
                    )
                )
        db.session.flush()
        rounds.sign_off(actor=panel[0], round_=round_, accept_incomplete=True)
    db.session.commit()
    return edition


def _client(app):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "organiser@bench.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _timed_request(app, client, method: str, url: str, **kwargs) -> tuple[float, int, object]:
    """Seconds for one request, and the statements it sent."""
    from judging.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        response = client.open(url, method=method, **kwargs)
        seconds = time.perf_counter() - started
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code in (200, 302), (url, response.status_code, response.get_data(as_text=True)[:300])
    return seconds, len(statements), response


def _timed_import(app, client, kind: str, data: bytes) -> tuple[float, int, float]:
    """The whole import as the organiser does it: the upload (read, checked, previewed), then its confirmation
    (written). Seconds of both requests, their statements, and the seconds of the preview alone."""
    import re

    upload_s, upload_n, preview = _timed_request(
        app,
        client,
        "POST",
        f"/organiser/import/{kind}",
        data={"file": (io.BytesIO(data), f"{kind}.xlsx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]+)"', html)
    confirm_s, confirm_n, done = _timed_request(
        app, client, "POST", f"/organiser/import/{kind}/confirm", data={"token": token, "digest": digest.group(1)}
    )
    assert "/organiser/jobs/" not in done.headers.get("Location", ""), "the import went to a job: JOB_ITEMS too low"
    return upload_s + confirm_s, upload_n + confirm_n, upload_s


def _read_floor(app, category_id: int | None = None) -> float:
    """The export's rows read with one query per table (entries with companies, scorecards, jurors, criteria)."""
    from judging.extensions import db

    def read():
        with app.app_context():
            connection = db.session.connection()
            where = f" WHERE e.category_id = {int(category_id)}" if category_id else ""
            connection.exec_driver_sql(
                "SELECT e.id, e.title, o.name, o.country, o.hall, o.stand FROM entry e "
                f"JOIN organisation o ON o.id = e.organisation_id{where}"
            ).all()
            connection.exec_driver_sql(
                "SELECT s.juror_id, s.entry_id, s.marks, s.weighted_total, s.overall_comment, s.comments, "
                f"s.submitted_at FROM scorecard s JOIN entry e ON e.id = s.entry_id{where}"
            ).all()
            connection.exec_driver_sql("SELECT id, name, email FROM user WHERE role = 'juror'").all()
            connection.exec_driver_sql("SELECT round_id, key, weight FROM criterion").all()
            db.session.remove()

    return median_seconds(read, repeat=3, warmup=1)


def _export(app, client) -> None:
    from bench.bench_exports import _floor as write_floor
    from judging import exporting
    from judging.domain import results

    def cold(url):
        results._CACHE.clear()  # rankings and bootstraps computed afresh, as the first export of the day
        run = _timed_request(app, client, "GET", url)
        assert run[2].status_code == 200, (url, run[2].status_code)  # the file itself, not a job's page
        return run

    cold("/organiser/results/export.xlsx")  # warm-up: templates, imports
    runs = [cold("/organiser/results/export.xlsx") for _ in range(3)]
    value = sorted(r[0] for r in runs)[1]
    with app.test_request_context():
        book = exporting.results_book(_edition(), language="en")
    # The floor writes each category under its name: the same names, made valid sheet titles.
    book = replace(
        book, categories=tuple(replace(c, name=re.sub(r"[\\/*?:\[\]]", " ", c.name)[:31]) for c in book.categories)
    )
    write = median_seconds(lambda: write_floor(book), repeat=3, warmup=1)
    read = _read_floor(app)
    emit(
        "export_end_to_end_1200_entries_6000_scorecards",
        value,
        "s",
        read + write,
        statements=runs[0][1],
        floor_read_s=round(read, 4),
        floor_write_s=round(write, 4),
        file_mb=round(len(runs[0][2].data) / 1024 / 1024, 2),
        target_s=1.5,
        target_ratio=2,
    )
    with app.app_context():
        category = _edition().categories[2]
        url = f"/organiser/results/{category.id}.csv"
        category_id = category.id
    cold(url)
    runs = [cold(url) for _ in range(3)]
    emit(
        "category_csv_200_entries",
        sorted(r[0] for r in runs)[1],
        "s",
        _read_floor(app, category_id),
        statements=runs[0][1],
        rows=len(runs[0][2].get_data(as_text=True).strip().splitlines()) - 1,
        target_s=0.3,
    )


def _edition():
    from judging.extensions import db
    from judging.models import Edition

    return db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True)))


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _imports(app, client) -> None:
    from judging.extensions import db
    from judging.models import AuditEvent, Jury, JuryMember, Organisation, User, new_session_token

    exhibitors = [[f"Exhibitor {n}", "FR", "5", f"B{n}", "no", f"contact{n}@exhibitor.example"] for n in range(ROWS)]
    codes = ["cyber", "drones", "crisis", "csr", "first-responder", "event-security"]
    jurors = [
        [f"Juror {n}", f"imported{n}@jury.example", "", f"{codes[n % 6]}; {codes[(n + 1) % 6]}", "fr", ""]
        for n in range(ROWS)
    ]
    files = {
        "exhibitors": _xlsx(["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"], exhibitors),
        "jurors": _xlsx(["Name", "Email", "Organisation", "Juries", "Language", "President"], jurors),
    }

    def forget(kind: str) -> None:
        with app.app_context():
            if kind == "exhibitors":
                db.session.execute(sa.delete(Organisation).where(Organisation.name.like("Exhibitor %")))
            else:
                ids = db.select(User.id).where(User.email.like("imported%"))
                db.session.execute(sa.delete(JuryMember).where(JuryMember.user_id.in_(ids)))
                db.session.execute(sa.delete(User).where(User.email.like("imported%")))
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.action.like("%member%")))
            db.session.commit()

    def floor(kind: str) -> float:
        """A bulk INSERT of the same rows, committed; then removed again."""
        times = []
        for _ in range(3):
            with app.app_context():
                started = time.perf_counter()
                if kind == "exhibitors":
                    db.session.execute(
                        sa.insert(Organisation),
                        [
                            dict(
                                name=r[0],
                                name_key=r[0].lower(),
                                country=r[1],
                                hall=r[2],
                                stand=r[3],
                                contact_email=r[5],
                            )
                            for r in exhibitors
                        ],
                    )
                else:
                    db.session.execute(
                        sa.insert(User),
                        [
                            dict(email=r[1], name=r[0], role="juror", language="fr", session_token=new_session_token())
                            for r in jurors
                        ],
                    )
                    imported = sa.select(User.email, User.id).where(User.email.like("imported%"))
                    ids = dict(db.session.execute(imported).all())
                    juries = dict(db.session.execute(sa.select(Jury.category_id, Jury.id)).all())
                    by_code = {c.code: juries[c.id] for c in _edition().categories}
                    db.session.execute(
                        sa.insert(JuryMember),
                        [
                            dict(jury_id=by_code[code.strip()], user_id=ids[r[1]], role="member", is_president=False)
                            for r in jurors
                            for code in r[3].split(";")
                        ],
                    )
                db.session.commit()
                times.append(time.perf_counter() - started)
            forget(kind)
        return sorted(times)[1]

    targets = {"exhibitors": 2.0, "jurors": 3.0}
    for kind, data in files.items():
        runs = []
        for _ in range(3):
            runs.append(_timed_import(app, client, kind, data))
            with app.app_context():  # the rows are really written before they are removed for the next run
                if kind == "exhibitors":
                    written = db.session.scalar(
                        sa.select(sa.func.count(Organisation.id)).where(Organisation.name.like("Exhibitor %"))
                    )
                else:
                    written = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email.like("imported%")))
                assert written == ROWS, (kind, written)
            forget(kind)
        with app.app_context():
            from exports import read_exhibitors, read_jurors
            from judging.forms import country_codes

            started = time.perf_counter()
            if kind == "exhibitors":
                read_exhibitors(data, valid_countries=country_codes())
            else:
                read_jurors(data, valid_juries=set(codes))
            parse = time.perf_counter() - started
        emit(
            f"import_{ROWS}_{kind}",
            sorted(r[0] for r in runs)[1],
            "s",
            floor(kind),
            statements=runs[0][1],
            preview_s=round(sorted(r[2] for r in runs)[1], 3),
            reading_xlsx_s=round(parse, 3),
            target_s=targets[kind],
        )


def main() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(tmp)
        from flask_migrate import upgrade

        from judging.extensions import db

        with app.app_context():
            upgrade()
            _populate()
            db.session.remove()
        client = _client(app)
        only = set(sys.argv[1:])  # `python -m bench.bench_scale imports`: the imports alone
        if not only or "export" in only:
            _export(app, client)
        if not only or "imports" in only:
            _imports(app, client)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
