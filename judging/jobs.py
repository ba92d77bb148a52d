"""Long work as jobs: an import of thousands of rows runs in the worker, its page shows a progress bar, then the
result or the clear reason it failed.

A job is one transaction: it applies everything or nothing, and its row says so in the same commit. Its progress
lives in the task queue's storage (never in the database, which the job's own transaction holds), with the time of
the last report: a job whose reports stopped (its worker was killed or restarted) is run again from the start,
since nothing of it was applied; after a second interruption it is marked failed.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext as _

from .errors import Refused
from .extensions import db
from .models import Edition, Job, User, utcnow
from .transaction import atomic

PENDING = "jobs_pending"
STALE_AFTER = timedelta(minutes=2)  # no progress report for this long: the job's worker is gone
MAX_ATTEMPTS = 2

KINDS = ("import_exhibitors", "import_jurors")


def start(kind: str, *, actor: User, edition: Edition | None, payload: bytes, total: int) -> Job:
    """Queue a job in the current transaction; the worker starts it once the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown job {kind!r}")
    job = Job(
        kind=kind,
        created_by_id=actor.id,
        edition_id=edition.id if edition else None,
        payload=payload,
        total=total,
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(PENDING, []).append(job.id)
    return job


def _progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


def report_progress(job_id: int, done: int, total: int) -> None:
    from .tasks import huey

    huey.put(_progress_key(job_id), {"done": done, "total": total, "at": time.time()})


def progress(job: Job) -> dict:
    """{status, done, total, percent} as the job page shows it."""
    from .tasks import huey

    done, total = 0, job.total
    if job.status == "done":
        done = total
    elif job.status == "running":
        seen = huey.get(_progress_key(job.id), peek=True) or {}
        done, total = seen.get("done", 0), seen.get("total", total)
    percent = 100 if job.status == "done" else (int(100 * done / total) if total else 0)
    return {"status": job.status, "done": done, "total": total, "percent": min(percent, 100)}


def _claim(job_id: int) -> bool:
    claimed = db.session.execute(
        db.update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=utcnow(), attempts=Job.attempts + 1)
    )
    db.session.commit()
    return claimed.rowcount == 1


def run(job_id: int) -> None:
    """Run a queued job (the worker's task); a job already taken by another worker is left to it."""
    if not _claim(job_id):
        return
    job = db.session.get(Job, job_id)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    report_progress(job.id, 0, job.total)
    try:
        _run(job, actor)
    finally:
        _forget_progress(job_id)


def _forget_progress(job_id: int) -> None:
    from .tasks import huey

    huey.get(_progress_key(job_id))  # read without peeking: removed


def _run(job: Job, actor: User | None) -> None:
    job_id = job.id
    with force_locale(actor.language if actor else "en"):
        try:
            with atomic():
                result = _RUNNERS[job.kind](job, actor, lambda done, total: report_progress(job_id, done, total))
                job.status, job.result, job.finished_at, job.payload = "done", result, utcnow(), None
        except Refused as refusal:
            _fail(job_id, refusal.message)
        except Exception as error:  # noqa: BLE001 - shown on the job's page; the transaction applied nothing
            current_app.logger.exception("job %s failed", job_id)
            _fail(job_id, _("The job stopped on an unexpected error (%(error)s); nothing was applied.", error=error))


def _fail(job_id: int, message: str) -> None:
    db.session.rollback()
    job = db.session.get(Job, job_id)
    job.status, job.error, job.finished_at, job.payload = "failed", message, utcnow(), None
    db.session.commit()


def recover_interrupted() -> list[int]:
    """Jobs whose worker stopped reporting: queued again (nothing of them was applied), or failed after a second
    interruption. Returns the ids queued again, for the caller to start."""
    from .tasks import huey

    again = []
    now, cutoff = time.time(), utcnow() - STALE_AFTER
    for job in db.session.scalars(db.select(Job).where(Job.status == "running")):
        seen = huey.get(_progress_key(job.id), peek=True)
        last = seen["at"] if seen else None
        if (last is not None and now - last < STALE_AFTER.total_seconds()) or (
            last is None and job.started_at and job.started_at > cutoff
        ):
            continue
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at, job.payload = "failed", utcnow(), None
            job.error = "interrupted"
        else:
            job.status = "queued"
            again.append(job.id)
    db.session.commit()
    return again


def _import(job: Job, actor: User | None, report) -> dict:
    from exports import read_exhibitors, read_jurors

    from . import exporting
    from .forms import country_codes
    from .wording import describe_import_error, describe_too_large

    edition = db.session.get(Edition, job.edition_id) if job.edition_id else None
    if job.kind == "import_exhibitors":
        rows = read_exhibitors(job.payload, valid_countries=country_codes())
    else:
        rows = read_jurors(job.payload, valid_juries={c.code for c in edition.categories})
    if not rows.ok:
        if rows.too_large is not None:
            raise Refused(describe_too_large(rows.too_large), 413)
        raise Refused("; ".join(describe_import_error(e) for e in rows.errors), 400)
    if job.kind == "import_exhibitors":
        created, updated = exporting.import_exhibitors(actor=actor, rows=rows.rows, progress=report)
        return {"rows": len(rows.rows), "created": created, "updated": updated}
    created, seats = exporting.import_jurors(actor=actor, edition=edition, rows=rows.rows, progress=report)
    return {"rows": len(rows.rows), "created": created, "seats": seats}


_RUNNERS = {"import_exhibitors": _import, "import_jurors": _import}


# --- starting the jobs of a transaction once it commits --------------------------------------------------------------


def _after_commit(session) -> None:
    from flask import has_app_context

    pending = session.info.pop(PENDING, [])
    if not pending or not has_app_context():
        return
    from . import tasks

    for job_id in pending:
        try:
            tasks.run_job(job_id)
        except Exception:  # noqa: BLE001 - the job is committed as queued; the sweep starts it
            current_app.logger.exception("could not queue job %s; the periodic sweep will start it", job_id)


def _after_rollback(session, _previous) -> None:
    session.info.pop(PENDING, None)


def register() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
