"""The next-stand decision of a final with 120 finalists and 30 jurors on the floor (target: under 20 ms).

Two figures, one JSON line each:

- `floor_next_stand_decision_120_finalists_30_jurors`: the pure rule (`scoring.floor.next_stand`, with
  `occupied_stands`) for one juror, halfway through the final (every juror has scored a third of the stands and
  skipped two, 29 colleagues stand somewhere). Floor: a bare loop over the same stands picking the first one not
  scored (the schedule's order, what the tablet does offline), measured in the same run.
- `floor_next_stand_request_120_finalists_30_jurors`: the whole request the juror's page polls
  (`GET /jury/api/floor/<round>`) on SQLite, the same floor of play. Floor: a bare Flask route replaying the SQL
  the request sent (as in bench_pages), so the ratio is what the app adds.
"""

from __future__ import annotations

import logging
import os
import random
import tempfile
from datetime import datetime, timedelta

from bench.bench_pages import capture_statements, floor_app, get_ok
from bench.common import emit, median_seconds
from scoring.floor import Presence, Stand, next_stand, occupied_stands

FINALISTS, JURORS = 120, 30
PASSWORD = "bench-password-1"


def _pure_world(seed: int = 3):
    rng = random.Random(seed)
    stands = [Stand(entry=n, order=n, hall=str(5 + n // 40), stand=f"B{n % 40}") for n in range(FINALISTS)]
    now = datetime(2027, 11, 18, 11, 0)
    scored = {j: set(rng.sample(range(FINALISTS), FINALISTS // 3)) for j in range(JURORS)}
    skipped = {j: rng.sample(range(FINALISTS), 2) for j in range(JURORS)}
    where = {j: rng.randrange(FINALISTS) for j in range(JURORS)}
    presences = [Presence(juror=j, entry=e, since=now - timedelta(minutes=rng.randrange(12))) for j, e in where.items()]
    return stands, now, scored, skipped, where, presences


def _pure() -> None:
    stands, now, scored, skipped, where, presences = _pure_world()
    jurors = set(range(JURORS))

    def decide():
        for juror in range(JURORS):  # every juror asks once; the figure is per decision
            taken = occupied_stands(presences, juror=juror, colleagues=jurors, now=now, window=timedelta(minutes=10))
            next_stand(
                juror=juror,
                stands=stands,
                scored=scored[juror],
                occupied=taken,
                skipped=skipped[juror],
                current=where[juror],
            )

    def bare():
        for juror in range(JURORS):
            done = scored[juror]
            next((s.entry for s in stands if s.entry not in done), None)

    emit(
        f"floor_next_stand_decision_{FINALISTS}_finalists_{JURORS}_jurors",
        median_seconds(decide, repeat=31, warmup=3) * 1000 / JURORS,
        "ms",
        median_seconds(bare, repeat=31, warmup=3) * 1000 / JURORS,
        target_ms=20,
    )


def _populate():
    """One final of 120 finalists (three halls) judged by a jury of 30, halfway through: a third scored, each juror
    at a stand. Returns (juror e-mail, round id)."""
    from werkzeug.security import generate_password_hash

    from judging.domain.editions import create_edition
    from judging.extensions import db
    from judging.models import Assignment, FloorVisit, Jury, JuryMember, Organisation, Scorecard, User, utcnow

    rng = random.Random(5)
    now = utcnow()
    edition = create_edition(
        slug="bench-floor",
        name="Bench floor 2027",
        current=True,
        status="live",
        submission_deadline=now - timedelta(days=2),
        scoring_opens_at=now - timedelta(days=1),
        scoring_closes_at=now + timedelta(days=5),
    )
    category = edition.categories[0]
    final = max(category.rounds, key=lambda r: r.position)
    final.visit_starts_at = now
    hashed = generate_password_hash(PASSWORD, method="scrypt")
    jurors = [User(email=f"juror{n}@bench.example", role="juror", password_hash=hashed) for n in range(JURORS)]
    db.session.add_all(jurors)
    db.session.flush()
    jury = db.session.scalar(db.select(Jury).where(Jury.category_id == category.id))
    db.session.add_all(JuryMember(jury_id=jury.id, user_id=j.id) for j in jurors)
    from judging.models import Entry

    entries = []
    for n in range(FINALISTS):
        company = Organisation(name=f"Finalist {n}", country="FR", hall=str(5 + n // 40), stand=f"B{n % 40}")
        entry = Entry(
            edition=edition,
            category=category,
            organisation=company,
            title=f"Innovation {n}",
            summary="Summary",
            status="submitted",
            round_reached=final.position,
        )
        db.session.add_all([company, entry])
        entries.append(entry)
    db.session.flush()
    keys = [c.key for c in final.criteria]
    for juror in jurors:
        db.session.add_all(Assignment(round_id=final.id, entry_id=e.id, juror_id=juror.id) for e in entries)
        for entry in rng.sample(entries, FINALISTS // 3):
            db.session.add(
                Scorecard(
                    round_id=final.id,
                    entry_id=entry.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={k: 7 for k in keys},
                    weighted_total=70.0,
                    submitted_at=now,
                )
            )
        db.session.add(FloorVisit(round_id=final.id, juror_id=juror.id, entry_id=rng.choice(entries).id, opened_at=now))
    db.session.commit()
    return jurors[0].email, final.id


def _request() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SECRET_KEY", "bench-secret")
        from judging import create_app

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "UPLOAD_FOLDER": f"{tmp}/uploads",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "MAIL_BACKEND": "memory",
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            logging.getLogger("alembic").setLevel(logging.WARNING)
            upgrade()
            email, round_id = _populate()
        client = app.test_client()
        assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
        url = f"/jury/api/floor/{round_id}"
        engine, statements = capture_statements(app, get_ok(client, url))
        floor_client = floor_app(engine, statements).test_client()
        emit(
            f"floor_next_stand_request_{FINALISTS}_finalists_{JURORS}_jurors",
            median_seconds(get_ok(client, url), repeat=31, warmup=3) * 1000,
            "ms",
            median_seconds(lambda: floor_client.get("/"), repeat=31, warmup=3) * 1000,
            queries=len(statements),
            target_ms=20,
        )


def main() -> None:
    _pure()
    _request()
