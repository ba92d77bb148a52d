"""`make load`: gunicorn with several workers under 100 autosaving jurors, 10 organisers and 200 exhibitors.

Loopback only, bounded in time. Mid-run it kills one worker, then the whole server, and restarts it; the
jurors' tablets resend what was not acknowledged. At the end every acknowledged save must be in the
database. Prints one JSON object a line: per action throughput, p50/p95/p99 latency and errors.

    python -m bench.load [--database postgresql|sqlite] [--seconds 40]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PASSWORD = "load-test-password-1"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database_url: str, instance: str, jurors: int, exhibitors: int, organisers: int) -> dict:
    """Migrate an empty database and fill it: an edition mid-scoring, assignments, drafts."""
    os.environ.update(DATABASE_URL=database_url, INSTANCE_PATH=instance, SECRET_KEY="load-test-secret")
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from judging import create_app
    from judging.domain.editions import create_edition
    from judging.extensions import db
    from judging.models import Assignment, Entry, JuryMember, Organisation, User, utcnow

    app = create_app()
    with app.app_context():
        if database_url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        now = utcnow()
        edition = create_edition(
            slug="load",
            name="Load 2027",
            current=True,
            status="live",
            submission_deadline=now + timedelta(days=2),
            scoring_opens_at=now - timedelta(hours=1),
            scoring_closes_at=now + timedelta(days=2),
        )
        edition.max_entries_per_category = 100
        hashed = generate_password_hash(PASSWORD, method="scrypt")
        users = {"juror": [], "exhibitor": [], "organiser": []}
        for n in range(organisers):
            users["organiser"].append(
                User(email=f"organiser{n}@load.example.com", role="organiser", password_hash=hashed)
            )
        companies = [Organisation(name=f"Load company {n}", country="FR", stand=f"A{n}") for n in range(exhibitors)]
        db.session.add_all(companies + users["organiser"])
        entries = []
        for n, company in enumerate(companies):
            user = User(
                email=f"exhibitor{n}@load.example.com", role="exhibitor", organisation=company, password_hash=hashed
            )
            users["exhibitor"].append(user)
            entry = Entry(
                edition=edition,
                category=edition.categories[n % 6],
                organisation=company,
                title=f"Load entry {n}",
                summary="s",
                status="submitted" if (n // 6) % 2 == 0 else "draft",
                what_is_new="n",
                operational_benefit="b",
                maturity="pilot",
            )
            entries.append(entry)
        db.session.add_all(users["exhibitor"] + entries)
        db.session.flush()
        plan = {}
        submitted = [e for e in entries if e.status == "submitted"]
        for n in range(jurors):
            juror = User(email=f"juror{n}@load.example.com", role="juror", password_hash=hashed)
            db.session.add(juror)
            db.session.flush()
            category = edition.categories[n % 6]
            jury = category.id
            from judging.models import Jury

            db.session.add(
                JuryMember(
                    jury_id=db.session.scalar(db.select(Jury.id).where(Jury.category_id == jury)), user_id=juror.id
                )
            )
            in_category = [e for e in submitted if e.category_id == category.id]
            mine = (in_category[n // 6 % 3 :: 3] or in_category)[:4]  # a small run has fewer entries than thirds
            for entry in mine:
                db.session.add(Assignment(round_id=category.rounds[0].id, entry_id=entry.id, juror_id=juror.id))
            plan[juror.email] = {
                "round": category.rounds[0].id,
                "entries": [e.id for e in mine],
                "criteria": [c.key for c in category.rounds[0].criteria],
            }
        db.session.commit()
        drafts = {u.email: e.id for u, e in zip(users["exhibitor"], entries) if e.status == "draft"}
        return {"jurors": plan, "exhibitors": drafts, "organisers": [u.email for u in users["organiser"]]}


def _own_postgres_database(name: str) -> str:
    """A database of the load run's own (created once), so a run never wipes the test suite's `test`."""
    import sqlalchemy as sa

    engine = sa.create_engine("postgresql+psycopg://root@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')  # nosec B608: a constant name, not input
    engine.dispose()
    return f"postgresql://root@127.0.0.1:5432/{name}"


def wait_healthy(port: int, seconds: float = 30) -> None:
    """Return once the app on `port` answers /healthz with 200; fail after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing healthy on port {port}")


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    """gunicorn serving the app on `port` in a process group of its own (killed whole, as a machine dies),
    started once it answers /healthz."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "2",
            "--log-level",
            "warning",
            "--preload",
            "judging.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    wait_healthy(port)
    return process


class Server:
    def __init__(self, port: int, workers: int, env: dict):
        self.port, self.workers, self.env, self.process = port, workers, env, None

    def start(self) -> None:
        self.process = start_gunicorn(self.port, self.workers, self.env)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_one_worker(self) -> None:
        pids = self.worker_pids()
        if pids:
            os.kill(pids[0], signal.SIGKILL)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class Session:
    """One person's browser: a cookie jar and a keep-alive connection."""

    def __init__(self, port: int):
        self.port, self.cookies, self.connection = port, {}, None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                for header in response.headers.get_all("Set-Cookie") or []:
                    cookie = SimpleCookie(header)
                    for key, morsel in cookie.items():
                        self.cookies[key] = morsel.value
                return response.status, data
            except (OSError, http.client.HTTPException):
                self.connection = None
                if attempt:
                    raise
        raise OSError("unreachable")

    def csrf(self, path: str) -> str:
        status, page = self.request("GET", path)
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if not match:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return match.group(1).decode()

    def login(self, email: str) -> None:
        token = self.csrf("/auth/login")
        status, _ = self.request(
            "POST",
            "/auth/login",
            urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise RuntimeError(f"login of {email} failed: {status}")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(lambda: defaultdict(int))
        self.at = defaultdict(list)
        self.statuses = defaultdict(lambda: defaultdict(int))

    def record(self, action: str, seconds: float, status: int | str) -> None:
        """One answered request's latency; an unanswered one (the planned outage) counts as an error only."""
        with self.lock:
            self.statuses[action][str(status)] += 1
            if status != "unreachable":
                self.latency[action].append(seconds)
                self.at[action].append(time.time())
            if status == "unreachable" or (isinstance(status, int) and status >= 500):
                self.errors[action][str(status)] += 1


def _log_in(session, email, stop, ready, interval, open_page=None):
    """Log in and open the first page before the measured window (jurors arrive over the morning with their
    scoring page already open, not all in one second), then start at a random point of the first interval."""
    while not stop.is_set():
        try:
            session.login(email)
            if open_page is not None:
                open_page()
            break
        except (OSError, RuntimeError):
            time.sleep(1)
    ready.release()
    GO.wait()
    stop.wait(random.Random(email).uniform(0, interval))


GO = threading.Event()
SLICE_SECONDS = int(os.environ.get("LOAD_SLICE_SECONDS", "5"))


def juror_loop(port, email, plan, stop, recorder, acknowledged, unacknowledged, ready):
    """A tablet: autosave every ~2 s; what is not acknowledged is resent, and a 409 is reconciled."""
    session = Session(port)
    token = None

    def open_scoring_page():
        nonlocal token
        token = session.csrf(f"/jury/entries/{plan['entries'][0]}/score?round={plan['round']}")

    _log_in(session, email, stop, ready, 2.0, open_scoring_page)
    rng = random.Random(email)
    retry_delay = 1.0
    versions = {entry: 0 for entry in plan["entries"]}
    pending: dict = {}
    while not stop.is_set():
        for entry in plan["entries"]:
            if stop.is_set():
                break
            try:
                if token is None:
                    token = session.csrf(f"/jury/entries/{entry}/score?round={plan['round']}")
                marks = pending.get(entry) or {k: rng.randint(0, 10) for k in plan["criteria"]}
                pending[entry] = marks
                unacknowledged[(email, entry)] = marks
                body = json.dumps({"marks": marks, "version": versions[entry]}).encode()
                started = time.perf_counter()
                status, data = session.request(
                    "POST",
                    f"/jury/api/scorecards/{plan['round']}/{entry}",
                    body,
                    {"Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json"},
                )
                recorder.record("scorecard_save", time.perf_counter() - started, status)
                reply = json.loads(data or b"{}")
                if status == 200:
                    versions[entry] = reply["version"]
                    acknowledged[(email, entry)] = marks
                    del pending[entry]
                    unacknowledged.pop((email, entry), None)
                elif status == 409 and "server" in reply:
                    # Our earlier save may have landed before the server died: adopt the server's version.
                    versions[entry] = reply["server"]["version"]
                    if reply["server"]["marks"] == marks:
                        acknowledged[(email, entry)] = marks
                        del pending[entry]
                        unacknowledged.pop((email, entry), None)
                elif status in (400, 403):
                    token = None
            except (OSError, RuntimeError, ValueError):
                recorder.record("scorecard_save", 0.0, "unreachable")
                # As scorecard.js: jittered exponential backoff, so tablets do not all resend in step.
                stop.wait(retry_delay * rng.uniform(0.5, 1.5))
                retry_delay = min(retry_delay * 2, 10.0)
                continue
            retry_delay = 1.0
            stop.wait(2.0)  # a tablet autosaves about every two seconds


def _poll(session, path, action, every, stop, recorder):
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _ = session.request("GET", path)
        except OSError:
            status = "unreachable"
        recorder.record(action, time.perf_counter() - started, status)
        stop.wait(every)


def organiser_loop(port, email, stop, recorder, ready):
    """An organiser keeping the dashboard open: refreshed every five seconds."""
    session = Session(port)
    _log_in(session, email, stop, ready, 5.0)
    _poll(session, "/organiser/", "organiser_dashboard", 5.0, stop, recorder)


def floor_loop(port, stop, recorder):
    """The floor: the health check (no session, one `SELECT 1`) twice a second through the same loaded server."""
    GO.wait()
    _poll(Session(port), "/healthz", "floor_healthz", 0.5, stop, recorder)


def exhibitor_loop(port, email, entry, stop, recorder, ready):
    session = Session(port)
    _log_in(session, email, stop, ready, 10.0, lambda: _category_of(session, entry))
    n = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            token = session.csrf(f"/entries/{entry}/edit")
            n += 1
            form = {
                "csrf_token": token,
                "title": f"Load entry, draft {n}",
                "summary": "edited under load",
                "innovation_type": "product",
                "maturity": "pilot",
            }
            status, _ = session.request(
                "POST",
                f"/entries/{entry}/edit",
                urlencode(form).encode() + b"&category=" + str(_category_of(session, entry)).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        except (OSError, RuntimeError):
            status = "unreachable"
        recorder.record("exhibitor_draft_edit", time.perf_counter() - started, status)
        stop.wait(10)


_categories: dict = {}


def _category_of(session, entry) -> int:
    if entry not in _categories:
        _, page = session.request("GET", f"/entries/{entry}/edit")
        match = re.search(rb'<option selected value="(\d+)"|<option value="(\d+)" selected', page)
        _categories[entry] = int(next(g for g in match.groups() if g)) if match else 0
    return _categories[entry]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else None


def _p95_by_slice(values, at, started, width) -> list:
    slices = defaultdict(list)
    for value, when in zip(values, at):
        slices[int((when - started) // width)].append(value)
    return [round(percentile(slices[n], 95) * 1000) if slices[n] else None for n in range(max(slices, default=-1) + 1)]


def check_acknowledged(database_url: str, acknowledged: dict, unacknowledged: dict) -> int:
    """How many acknowledged saves are missing from the database (must be 0).

    A save sent but not acknowledged when the run stopped may or may not have landed: either is fine.
    """
    import sqlalchemy as sa

    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    lost = 0
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text('SELECT u.email, s.entry_id, s.marks FROM scorecard s JOIN "user" u ON u.id = s.juror_id')
        ).all()
    stored = {(email, entry): (json.loads(marks) if isinstance(marks, str) else marks) for email, entry, marks in rows}
    for key, marks in acknowledged.items():
        if stored.get(key) != marks and stored.get(key) != unacknowledged.get(key):
            lost += 1
    engine.dispose()
    return lost


def run(database: str, seconds: int, jurors: int, organisers: int, exhibitors: int, workers: int) -> int:
    instance = tempfile.mkdtemp(prefix="awards-load-")
    database_url = (
        _own_postgres_database("awards_load") if database == "postgresql" else f"sqlite:///{instance}/load.sqlite3"
    )
    world = prepare(database_url, instance, jurors, exhibitors, organisers)
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        INSTANCE_PATH=instance,
        SECRET_KEY="load-test-secret",
        LOGIN_RATE_LIMIT="100000 per minute",
        MAIL_BACKEND="memory",
    )
    server = Server(port, workers, env)
    server.start()
    recorder, stop, acknowledged, unacknowledged = Recorder(), threading.Event(), {}, {}
    ready = threading.Semaphore(0)
    threads = [
        threading.Thread(
            target=juror_loop,
            args=(port, email, plan, stop, recorder, acknowledged, unacknowledged, ready),
            daemon=True,
        )
        for email, plan in world["jurors"].items()
    ]
    threads += [
        threading.Thread(target=organiser_loop, args=(port, email, stop, recorder, ready), daemon=True)
        for email in world["organisers"]
    ]
    threads += [
        threading.Thread(target=exhibitor_loop, args=(port, email, entry, stop, recorder, ready), daemon=True)
        for email, entry in world["exhibitors"].items()
    ]
    threads.append(threading.Thread(target=floor_loop, args=(port, stop, recorder), daemon=True))
    for index, thread in enumerate(threads):
        thread.start()
        if index % 20 == 19:
            time.sleep(0.2)  # log in a few at a time
    for _ in threads[:-1]:
        ready.acquire(timeout=60)
    started = time.time()
    GO.set()
    faults = []
    time.sleep(seconds * 0.4)
    first_fault = time.time()
    server.kill_one_worker()
    faults.append(f"killed one worker at {time.time() - started:.0f}s")
    time.sleep(seconds * 0.2)
    server.kill()
    faults.append(f"killed the whole server at {time.time() - started:.0f}s")
    time.sleep(2)
    server.start()
    faults.append(f"restarted at {time.time() - started:.0f}s")
    time.sleep(max(seconds - (time.time() - started), 5))
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    elapsed = time.time() - started
    lost = check_acknowledged(database_url, acknowledged, unacknowledged)
    server.kill()
    failed = False
    for action, values in sorted(recorder.latency.items()):
        p95 = percentile(values, 95)
        errors = dict(recorder.errors[action])
        steady = [v for v, at in zip(values, recorder.at[action]) if at < first_fault and v > 0]
        line = {
            "name": f"load_{database}_{action}",
            "requests": len(values),
            "throughput_per_s": round(len(values) / elapsed, 1),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
            "errors": errors,
            "statuses": dict(recorder.statuses[action]),
            # Before the first fault: the steady state, without the outage's queue.
            "steady_p50_ms": round(percentile(steady, 50) * 1000, 1) if steady else None,
            "steady_p95_ms": round(percentile(steady, 95) * 1000, 1) if steady else None,
            # p95 per slice of the run (SLICE_SECONDS): where the tail comes from (start, fault, restart).
            "p95_ms_by_slice": _p95_by_slice(values, recorder.at[action], started, SLICE_SECONDS),
        }
        print(json.dumps(line), flush=True)
        failed |= any(code.isdigit() for code in errors)  # a 5xx; 'unreachable' is the planned outage
    saves = recorder.latency["scorecard_save"]
    save_p95 = round(percentile(saves, 95) * 1000, 1) if saves else None
    floor = recorder.latency["floor_healthz"]
    print(
        json.dumps(
            {
                "name": f"load_{database}_summary",
                "seconds": round(elapsed, 1),
                "jurors": jurors,
                "save_p95_ms": save_p95,
                "save_p95_target_met": save_p95 is not None and save_p95 < 100,
                "floor_healthz_p95_ms": round(percentile(floor, 95) * 1000, 1) if floor else None,
                "organisers": organisers,
                "exhibitors": exhibitors,
                "workers": workers,
                # Each scorecard's last acknowledged marks are checked against the database at the end.
                "acknowledged_saves": recorder.statuses["scorecard_save"]["200"],
                "scorecards_checked": len(acknowledged),
                "lost_acknowledged_saves": lost,
                "faults": faults,
                "target": "zero 5xx, zero lost acknowledged saves, save p95 < 100 ms",
            }
        ),
        flush=True,
    )
    return 1 if (lost or failed) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--jurors", type=int, default=100)
    parser.add_argument("--organisers", type=int, default=10)
    parser.add_argument("--exhibitors", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    return run(args.database, args.seconds, args.jurors, args.organisers, args.exhibitors, args.workers)


if __name__ == "__main__":
    sys.exit(main())
