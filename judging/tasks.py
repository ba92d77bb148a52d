"""The task queue (Huey): mail delivery, and any long work, runs in the worker process, never in a request.

Storage comes from TASK_QUEUE_URL: `redis://127.0.0.1:6379/0` in production (several workers on several
machines share it), a SQLite file in the instance folder by default (`make run`: no service to install), and
`immediate` runs each task at once in the caller (the tests). The worker is `flask worker` (or
`huey_consumer judging.tasks.huey`).

The queue only says "there may be mail to send": what to send is in the database (the outbox), claimed by one
worker at a time, so a lost task, a duplicate task or a killed worker never loses or doubles a mail.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

from .models import utcnow

# The next run after a temporary failure is scheduled when it falls due, if within this; the sweep takes the rest.
RESCHEDULE_WITHIN = timedelta(minutes=10)


def default_instance_path() -> Path:
    """The instance folder as `create_app` chooses it, without building an app."""
    return Path(os.environ.get("INSTANCE_PATH") or Flask("judging").instance_path)


def make_huey(url: str | None = None, name: str | None = None):
    """A Huey for TASK_QUEUE_URL: redis://..., sqlite:///path, memory:// or immediate. TASK_QUEUE_NAME keeps two
    installations that share one Redis apart."""
    url = url if url is not None else os.environ.get("TASK_QUEUE_URL", "")
    name = name or os.environ.get("TASK_QUEUE_NAME", "milipol-awards")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if url in ("memory://", "immediate"):
        return MemoryHuey(name, immediate=url == "immediate")
    path = url.removeprefix("sqlite:///") if url else str(default_instance_path() / "tasks.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path)


huey = make_huey()
_app: Flask | None = None


def use_app(app: Flask) -> None:
    """The app the worker's tasks run in (set by `flask worker`; otherwise built from the environment)."""
    global _app
    _app = app


def task_app() -> Flask:
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from . import create_app

        _app = create_app()
    return _app


@huey.task()
def deliver_outbox() -> dict:
    """Send what is due in the outbox; schedule the next run when a retry falls due soon."""
    from .mail import deliver_due

    app = task_app()
    with app.app_context():
        report = deliver_due(app)
    if report.next_due is not None and not huey.immediate:
        wait = max(timedelta(seconds=1), report.next_due - utcnow())
        if wait <= RESCHEDULE_WITHIN:
            deliver_outbox.schedule(delay=wait.total_seconds())
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@huey.task()
def run_job(job_id: int) -> None:
    """Run one long job (an import): see `judging.jobs`."""
    from . import jobs

    with task_app().app_context():
        jobs.run(job_id)


def recover() -> None:
    """Start what a restart or a dead worker left behind: interrupted jobs, unsent mail."""
    from . import jobs

    with task_app().app_context():
        for job_id in jobs.recover_interrupted():
            run_job(job_id)
    deliver_outbox.call_local()


@huey.task()
def deliver_webhooks() -> dict:
    """Send the webhook deliveries that are due (each in its own transaction, retried with backoff)."""
    from .domain.webhooks import deliver_pending

    with task_app().app_context():
        return deliver_pending()


@huey.periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Every minute: whatever a lost wake-up, a restart or a dead worker's lease left behind, and the webhook
    deliveries that are due (an event reaches its endpoints within a minute; retries follow their backoff)."""
    recover()
    deliver_webhooks.call_local()


def wake_worker() -> None:
    """Called after a commit that queued mail: the worker sends it (at once, in the caller, when immediate)."""
    deliver_outbox()
