"""Long work as jobs: an import of thousands of rows, a category's jury pack, a large workbook, an announcement to
many people or a bulk action on many entries runs in the worker; its page shows a progress bar, then the result (a
download, the message sent, the counts) or the clear reason it failed.

One mechanism for every kind: `start` queues a job, `run` claims it and calls the kind's runner with a progress
callback inside one transaction. A runner that makes a file returns a `Produced`; the file goes to the shared
storage (any app machine serves it, to the organisers `permissions.can_follow_job` lets in) and is removed after
FILE_HOURS, or as soon as a newer file of the same request replaces it. Whether work is a job at all is one
threshold, `in_background`.

A job is one transaction: it applies everything or nothing, and its row says so in the same commit. Its progress
lives in the task queue's storage (never in the database, which the job's own transaction holds), with the time of
the last report: a job whose reports stopped (its worker was killed or restarted) is run again from the start,
since nothing of it was applied; after a second interruption it is marked failed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext as _

from .downloads import PRODUCERS, Produced
from .errors import Refused
from .extensions import db
from .models import Edition, Job, User, utcnow
from .transaction import atomic

PENDING = "jobs_pending"
STALE_AFTER = timedelta(minutes=2)  # no progress report for this long: the job's worker is gone
MAX_ATTEMPTS = 2

FILE_HOURS = 24  # a file made by a job is removed after this (or when a newer one of the same request replaces it)

KINDS = (
    "import_exhibitors",
    "import_jurors",
    "attachments_zip",
    "export_entries",
    "export_results",
    "export_audit",
    "send_message",
    "bulk_entries",
)


def in_background(items: int) -> bool:
    """The one threshold: work over JOB_ITEMS items (rows, files, recipients) runs as a job; smaller work answers
    at once, with the same result."""
    return items > current_app.config["JOB_ITEMS"]


def start(
    kind: str,
    *,
    actor: User,
    edition: Edition | None,
    total: int,
    payload: bytes | None = None,
    params: dict | None = None,
) -> Job:
    """Queue a job in the current transaction; the worker starts it once the transaction commits. `payload` is an
    import's checked rows, `params` what the runner needs to redo the request (JSON)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job {kind!r}")
    if params is not None:
        payload = json.dumps(params, sort_keys=True).encode()
        # A second click while the same work is still waiting or running follows that job instead of doing it twice.
        same = db.session.scalar(
            db.select(Job)
            .where(
                Job.kind == kind,
                Job.created_by_id == actor.id,
                Job.edition_id == (edition.id if edition else None),
                Job.status.in_(("queued", "running")),
                Job.payload == payload,
            )
            .limit(1)
        )
        if same is not None:
            return same
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
    job_id, saved = job.id, None
    with force_locale(actor.language if actor else "en"):
        try:
            with atomic():
                subject = _subject(job)
                result = _RUNNERS[job.kind](job, actor, lambda done, total: report_progress(job_id, done, total))
                if isinstance(result, Produced):
                    saved = _keep_file(job, result)
                    result = {
                        **result.summary,
                        "file": saved,
                        "subject": subject,
                        "download_name": result.download_name,
                        "mimetype": result.mimetype,
                    }
                job.status, job.result, job.finished_at, job.payload = "done", result, utcnow(), None
        except Refused as refusal:
            _forget_file(saved)
            _fail(job_id, refusal.message)
            return
        except Exception as error:  # noqa: BLE001 - shown on the job's page; the transaction applied nothing
            _forget_file(saved)
            current_app.logger.exception("job %s failed", job_id)
            _fail(job_id, _("The job stopped on an unexpected error (%(error)s); nothing was applied.", error=error))
            return
    if saved:
        _remove_superseded(db.session.get(Job, job_id))


# --- files made by jobs ------------------------------------------------------------------------------------------

_EXTENSIONS = {".zip": "application/zip", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def produce_now(kind: str, *, edition: Edition, params: dict) -> Produced:
    """Make a job's file in the caller (small work): the same producer the worker runs."""
    return PRODUCERS[kind](edition, params, None)


def _subject(job: Job) -> str:
    """What was asked (kind, edition, parameters): a newer file of the same subject replaces the older one."""
    return hashlib.sha256(f"{job.kind}|{job.edition_id}|".encode() + (job.payload or b"")).hexdigest()[:32]


def _keep_file(job: Job, produced: Produced) -> str:
    from .storage import storage

    extension = next(e for e, m in _EXTENSIONS.items() if m == produced.mimetype)
    name = f"job-{job.id}-{secrets.token_hex(8)}{extension}"  # unguessable, though access is checked anyway
    storage().save(name, produced.data)
    return name


def _forget_file(name: str | None) -> None:
    from .storage import storage

    if name:
        storage().delete(name)


def job_file(job: Job) -> bytes | None:
    """The file a finished job made, or None once it was removed (expired or replaced)."""
    from .storage import storage

    name = (job.result or {}).get("file") if job.status == "done" else None
    if not name:
        return None
    try:
        return storage().read(name)
    except FileNotFoundError:
        return None


def _drop_file(job: Job, why: str) -> None:
    _forget_file(job.result.get("file"))
    job.result = {**job.result, "file": None, "removed": why}


def _remove_superseded(job: Job) -> None:
    """Older files of the same request (same kind, edition and parameters) are removed once the new one exists."""
    older = db.session.scalars(
        db.select(Job).where(
            Job.kind == job.kind, Job.edition_id == job.edition_id, Job.status == "done", Job.id != job.id
        )
    )
    for other in older:
        if other.result and other.result.get("file") and other.result.get("subject") == job.result["subject"]:
            _drop_file(other, "superseded")
    db.session.commit()


def remove_old_files() -> int:
    """Remove the files made more than FILE_HOURS ago (the periodic sweep calls this)."""
    cutoff, removed = utcnow() - timedelta(hours=FILE_HOURS), 0
    for job in db.session.scalars(db.select(Job).where(Job.status == "done", Job.finished_at < cutoff)):
        if job.result and job.result.get("file"):
            _drop_file(job, "expired")
            removed += 1
    db.session.commit()
    return removed


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
    remove_old_files()
    return again


def _import(job: Job, actor: User | None, report) -> dict:
    from . import exporting

    edition = db.session.get(Edition, job.edition_id) if job.edition_id else None
    kind = job.kind.removeprefix("import_")
    # The payload: the rows the organiser previewed, as checked then (`exporting.checked_rows`); an .xlsx (a zip,
    # "PK") from a job queued before they were kept is read and checked again.
    if job.payload[:2] == b"PK":
        result = exporting.read_import(kind, job.payload, edition)
        problems, status = exporting.import_problems(result)
        if problems:
            raise Refused("; ".join(problems), status)
        rows = result.rows
    else:
        rows = exporting.kept_rows(kind, job.payload)
    return exporting.apply_import(kind, actor=actor, edition=edition, rows=rows, progress=report)


def _produce(job: Job, actor: User | None, report) -> Produced:
    edition = db.session.get(Edition, job.edition_id) if job.edition_id else None
    if edition is None:
        raise Refused(_("This edition no longer exists."), 404)
    return PRODUCERS[job.kind](edition, json.loads(job.payload), report)


def _send_message(job: Job, actor: User | None, report) -> dict:
    """An announcement to many people: every outbox row in this job's one transaction, keyed by the job, so a
    rerun after an interruption never mails anyone twice."""
    from .domain import messaging

    params = json.loads(job.payload)
    edition = db.session.get(Edition, job.edition_id)
    draft = messaging.Draft(**{**params, "entry_ids": tuple(params.get("entry_ids", ()))})
    message = messaging.send_message(actor=actor, edition=edition, draft=draft, key=f"job:{job.id}", progress=report)
    return {"message_id": message.id, "recipients": len(message.recipients)}


def _bulk_entries(job: Job, actor: User | None, report) -> dict:
    """A confirmed action on many entries (disqualify, reinstate, move): all of it in this job's transaction."""
    from .domain.entry_list import apply_bulk, entries_in_edition, plan_bulk
    from .models import Category

    params = json.loads(job.payload)
    edition = db.session.get(Edition, job.edition_id)
    category = db.session.get(Category, params["category_id"]) if params.get("category_id") else None
    plan = plan_bulk(params["action"], entries_in_edition(edition, params["ids"]), category=category)
    done = apply_bulk(actor=actor, plan=plan, reason=params.get("reason", ""), category=category, progress=report)
    return {"action": params["action"], "done": done}


_RUNNERS = {
    "import_exhibitors": _import,
    "import_jurors": _import,
    "send_message": _send_message,
    "bulk_entries": _bulk_entries,
    **{kind: _produce for kind in PRODUCERS},
}


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
