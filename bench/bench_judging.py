"""The two requests of show week that matter most, in process on SQLite: a juror's autosave and the
organiser's dashboard, with 100 jurors on 200 entries (the `make load` world).

Floors as in bench_pages: a bare Flask route replaying the SQL the real request sent, so the ratio is what
the app adds (session, CSRF-free JSON parsing, permission checks, ranking, template).
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time

from bench.bench_pages import capture_statements, floor_app, get_ok
from bench.common import emit, median_seconds


def _saving(app, client, plan: dict):
    """A work function posting one autosave per call, each on the version the previous one returned."""
    entry = plan["entries"][0]
    url = f"/jury/api/scorecards/{plan['round']}/{entry}"
    state = {"version": 0, "mark": 0}

    def save():
        state["mark"] = (state["mark"] + 1) % 11
        response = client.post(
            url, json={"marks": {key: state["mark"] for key in plan["criteria"]}, "version": state["version"]}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        state["version"] = response.get_json()["version"]

    return url, save


def main() -> None:
    from bench import load

    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.sqlite3"
        world = load.prepare(database_url, tmp, jurors=100, exhibitors=200, organisers=1)
        os.environ.setdefault("SECRET_KEY", "bench-secret")
        from judging import create_app

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "MAIL_BACKEND": "memory",
                "UPLOAD_FOLDER": f"{tmp}/uploads",
            }
        )
        email, plan = next(iter(world["jurors"].items()))
        juror = app.test_client()
        assert juror.post("/auth/login", data={"email": email, "password": load.PASSWORD}).status_code == 302
        url, save = _saving(app, juror, plan)
        save()  # the first save creates the scorecard; later ones update it, as autosave does
        engine, statements = capture_statements(app, save)
        floor = floor_app(engine, statements).test_client()
        emit(
            "autosave_100_jurors",
            median_seconds(save, repeat=51, warmup=5) * 1000,
            "ms",
            median_seconds(lambda: floor.get("/"), repeat=51, warmup=5) * 1000,
            queries=len(statements),
        )

        organiser = app.test_client()
        assert (
            organiser.post("/auth/login", data={"email": world["organisers"][0], "password": load.PASSWORD}).status_code
            == 302
        )
        engine, statements = capture_statements(app, get_ok(organiser, "/organiser/"))
        floor = floor_app(engine, statements).test_client()
        floor_ms = median_seconds(lambda: floor.get("/"), repeat=15, warmup=2) * 1000
        emit(
            "organiser_dashboard_100_jurors",
            median_seconds(lambda: organiser.get("/organiser/"), repeat=15, warmup=2) * 1000,
            "ms",
            floor_ms,
            queries=len(statements),
        )
        # After a scorecard is submitted the rankings' cache no longer matches: the next refresh re-ranks.
        submit, times = _submitter(app, world), []
        for _ in range(9):
            submit()
            started = time.perf_counter()
            assert organiser.get("/organiser/").status_code == 200
            times.append(time.perf_counter() - started)
        emit(
            "organiser_dashboard_100_jurors_after_a_submission",
            statistics.median(times) * 1000,
            "ms",
            floor_ms,
            queries=len(statements),
        )


def _submitter(app, world):
    """Each call submits one more scorecard, by the next juror."""
    from bench import load

    pending = iter(list(world["jurors"].items())[1:])

    def submit():
        email, plan = next(pending)
        client = app.test_client()
        assert client.post("/auth/login", data={"email": email, "password": load.PASSWORD}).status_code == 302
        response = client.post(
            f"/jury/api/scorecards/{plan['round']}/{plan['entries'][0]}",
            json={"marks": {key: 7 for key in plan["criteria"]}, "version": 0, "submit": True},
        )
        assert response.status_code == 200, response.get_data(as_text=True)

    return submit


if __name__ == "__main__":
    main()
