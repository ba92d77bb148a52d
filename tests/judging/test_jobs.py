"""A large import runs as a job in the worker: its page shows the progress, then the result or why it failed."""

from __future__ import annotations

from datetime import timedelta

from judging import jobs
from judging.extensions import db
from judging.models import Job, JuryMember, User, utcnow
from support import JUROR_HEADER, import_through_preview, import_workbook


def _jurors_file(rows) -> bytes:
    return import_workbook(JUROR_HEADER, rows)


def _jurors(n: int) -> list[list[str]]:
    return [[f"Juror {i}", f"juror{i:04d}@police.example.com", "", "cyber", "fr", "no"] for i in range(n)]


def test_a_large_import_runs_as_a_job_and_its_page_shows_the_result(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 100
    make.edition()
    login_as(make.user("organiser"))
    response = import_through_preview(client, "jurors", _jurors_file(_jurors(120)))
    assert response.status_code == 302 and "/organiser/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "120 jurors read: 120 new accounts, 120 jury seats added" in page
    job = db.session.scalar(db.select(Job))
    assert client.get(f"/organiser/jobs/{job.id}.json").get_json() == {
        "status": "done",
        "done": 120,
        "total": 120,
        "percent": 100,
    }
    assert job.payload is None  # the uploaded file is not kept once imported
    assert db.session.scalar(db.select(db.func.count(JuryMember.id))) == 120


def test_a_small_import_still_answers_at_once(app, client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    response = import_through_preview(client, "jurors", _jurors_file(_jurors(3)), follow_redirects=True)
    assert "3 jurors read: 3 new accounts" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Job)) is None


def test_a_refused_import_job_imports_nothing_and_says_why(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 1
    make.edition()
    exhibitor = make.user("exhibitor")
    login_as(make.user("organiser"))
    rows = _jurors(5) + [["Someone", exhibitor.email, "", "cyber", "en", "no"]]
    response = import_through_preview(client, "jurors", _jurors_file(rows))
    if response.status_code == 302:  # refused by the job, on its page
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    else:  # or already by the preview, before anything is queued
        page = response.get_data(as_text=True)
    assert "already has an account that is not a juror" in page
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.role == "juror")) == 0


def test_the_job_page_is_in_the_organisers_language(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 1
    make.edition()
    login_as(make.user("organiser", language="fr"))
    response = import_through_preview(client, "jurors", _jurors_file(_jurors(2)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import des jurés" in page


def test_progress_is_reported_while_the_rows_are_imported(app, make, monkeypatch):
    edition = make.edition()
    organiser = make.user("organiser")
    seen = []
    monkeypatch.setattr(jobs, "report_progress", lambda job_id, done, total: seen.append((done, total)))
    with app.test_request_context():
        job = jobs.start(
            "import_jurors", actor=organiser, edition=edition, payload=_jurors_file(_jurors(120)), total=120
        )
        job_id = job.id
        db.session.commit()  # the commit starts it (at once in the tests)
    assert seen[0] == (0, 120) and (50, 120) in seen and (100, 120) in seen and seen[-1] == (120, 120)
    assert db.session.get(Job, job_id).status == "done"


def test_a_job_interrupted_by_a_restart_runs_again_from_nothing_then_fails_cleanly(app, make):
    edition = make.edition()
    organiser = make.user("organiser")
    payload = _jurors_file(_jurors(4))
    # A worker took the job and died: the job's transaction never committed, so nothing of it is in the database.
    stale = Job(
        kind="import_jurors",
        status="running",
        created_by_id=organiser.id,
        edition_id=edition.id,
        payload=payload,
        total=4,
        attempts=1,
        started_at=utcnow() - timedelta(minutes=10),
    )
    twice = Job(
        kind="import_jurors",
        status="running",
        created_by_id=organiser.id,
        edition_id=edition.id,
        payload=payload,
        total=4,
        attempts=2,
        started_at=utcnow() - timedelta(minutes=10),
    )
    fresh = Job(
        kind="import_jurors",
        status="running",
        created_by_id=organiser.id,
        edition_id=edition.id,
        payload=payload,
        total=4,
        attempts=1,
        started_at=utcnow(),
    )
    db.session.add_all([stale, twice, fresh])
    db.session.commit()
    from judging import tasks

    tasks.recover()
    db.session.expire_all()
    assert (stale.status, stale.attempts) == ("done", 2) and stale.result["created"] == 4
    assert twice.status == "failed" and twice.error == "interrupted" and twice.payload is None
    assert fresh.status == "running"  # still reporting: its worker is alive


def test_only_organisers_follow_a_job(client, make, login_as):
    login_as(make.user("juror"))
    assert client.get("/organiser/jobs/1").status_code in (403, 404)


def test_the_reminder_command_shows_its_progress_and_leaves_the_sending_to_the_worker(runner, make, monkeypatch):
    from judging import tasks
    from judging.domain import juries
    from judging.models import OutboxMessage

    edition = make.edition()
    late = [make.user("juror") for _ in range(3)]
    monkeypatch.setattr(
        "judging.domain.progress.jurors_behind", lambda edition: [(juror, 0, 4) for juror in late], raising=True
    )
    monkeypatch.setattr(tasks, "wake_worker", lambda: None)
    result = runner.invoke(args=["remind-jurors", "--edition", str(edition.id), "--progress"])
    assert result.exit_code == 0 and "Queuing reminders" in result.output and "3 juror(s) reminded" in result.output
    queued = db.session.scalars(db.select(OutboxMessage.to).where(OutboxMessage.status == "queued")).all()
    assert sorted(queued) == sorted(j.email for j in late) and juries.remind_late_jurors
