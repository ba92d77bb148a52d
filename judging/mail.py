"""Delivery of the outbox: the worker claims due mails, sends them in batches over one SMTP connection, retries
temporary failures with backoff and records permanent ones.

Mails are never sent from a request: `domain.notifications.queue` writes an `OutboxMessage` row in the action's
transaction, and the commit wakes the task queue (`judging.tasks`), whose worker calls `deliver_due`. The backend
(MAIL_BACKEND) is `smtp` in production, `log` in development (printed) and `memory` in the tests (kept in
`outbox()`).
"""

from __future__ import annotations

import smtplib
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from .models import OutboxMessage, utcnow


@dataclass(frozen=True)
class Mail:
    """A mail as the 'log' and 'memory' backends keep it (the tests read `body`, the text part)."""

    to: str
    subject: str
    body: str
    html: str = ""
    message_id: str = ""


def outbox() -> list[Mail]:
    """Mails sent by the 'log' and 'memory' backends (the tests read them here)."""
    return current_app.extensions.setdefault("awards_outbox", [])


def header_text(value: str) -> str:
    """A header value on one line: CR, LF and other control characters (e.g. from an entry's title) become
    spaces, so no text a user typed can end a header or add another one."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def message_id(key: str, domain: str) -> str:
    """The same Message-ID for every attempt of one outbox row, so a receiving server can tell a resend."""
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, key).hex}@{domain}>"


def compose(row: OutboxMessage, *, sender: str) -> EmailMessage:
    """The MIME message of an outbox row: text part, HTML alternative, headers on one line each."""
    message = EmailMessage()
    message["From"] = header_text(sender)
    message["To"] = header_text(row.to)
    message["Subject"] = header_text(row.subject)
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2].strip("> ") or "localhost"
    message["Message-ID"] = message_id(row.key, domain) if row.key else make_msgid(domain=domain)
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


# --- transports ------------------------------------------------------------------------------------------------------


class TemporaryFailure(Exception):
    """The server said "try later" (4xx) or the connection failed: the mail is retried with backoff."""


class PermanentFailure(Exception):
    """The server refused the mail for good (5xx): recorded, never retried."""


class ConnectionLost(TemporaryFailure):
    """The connection itself is gone: the rest of the batch needs a new one."""


class SmtpTransport:
    """One SMTP connection for a whole batch, opened on the first mail and reopened after a drop."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config.get("SMTP_TIMEOUT", 20))
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            if self.smtp is None:
                self.smtp = self._open()
            self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _classified(code, text) from error
        except smtplib.SMTPServerDisconnected as error:
            self.smtp = None
            raise ConnectionLost(str(error) or "connection closed by the server") from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code in (421,):  # the server is closing the connection
                self.smtp = None
                raise ConnectionLost(f"{error.smtp_code} {_text(error.smtp_error)}") from error
            self._reset()
            raise _classified(error.smtp_code, error.smtp_error) from error
        except OSError as error:
            self.smtp = None
            raise ConnectionLost(str(error) or type(error).__name__) from error

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _classified(code: int, text) -> Exception:
    message = f"{code} {_text(text)}"
    return TemporaryFailure(message) if 400 <= code < 500 else PermanentFailure(message)


class MemoryTransport:
    """Keeps what it sends in `outbox()` (and prints it with the 'log' backend)."""

    def __init__(self, app, *, log: bool):
        self.app, self.log = app, log

    def send(self, message: EmailMessage) -> None:
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        mail = Mail(
            to=str(message["To"]),
            subject=str(message["Subject"]),
            body=text.get_content() if text else "",
            html=html.get_content() if html else "",
            message_id=str(message["Message-ID"]),
        )
        self.app.extensions.setdefault("awards_outbox", []).append(mail)
        if self.log:
            self.app.logger.warning("MAIL to %s: %s\n%s", mail.to, mail.subject, mail.body)

    def close(self) -> None:
        pass


def transport_for(app):
    backend = app.config["MAIL_BACKEND"]
    if backend == "smtp":
        return SmtpTransport(app.config)
    return MemoryTransport(app, log=backend == "log")


# --- the worker's side -----------------------------------------------------------------------------------------------

DUE_STATUSES = ("queued", "retrying", "sending")


@dataclass
class DeliveryReport:
    """What one run of the worker did (`next_due`: when the next mail falls due, if any is waiting)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    next_due: datetime | None = None
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, base: float) -> timedelta:
    """Wait before the next attempt: base, 2×base, 4×base... capped at one hour."""
    return timedelta(seconds=min(3600.0, base * 2 ** max(0, attempts - 1)))


def claim(session: Session, *, worker: str, limit: int, lease: float) -> list[OutboxMessage]:
    """Take up to `limit` due mails for this worker in one atomic UPDATE; another worker skips them.

    PostgreSQL locks the chosen rows (SKIP LOCKED: concurrent workers take different rows); SQLite runs one
    writer at a time, so the UPDATE is atomic there too. A row whose worker died is due again once its lease
    (`claimed_until`) has passed.
    """
    now = utcnow()
    due = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(due),
            OutboxMessage.status.in_(DUE_STATUSES),
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(status="sending", claimed_by=worker, claimed_until=now + timedelta(seconds=lease))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.claimed_by == worker, OutboxMessage.status == "sending")
            .order_by(OutboxMessage.id)
        )
    )


def _finish(session: Session, row: OutboxMessage, worker: str, **values) -> None:
    """Record the outcome of one mail at once (a worker killed later never sends it again)."""
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.claimed_by == worker)
        .values(claimed_by=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


@contextmanager
def _one_outcome_per_commit(connection):
    """The worker commits once per mail sent. On SQLite (WAL) it does so without an fsync each time: a commit in
    NORMAL mode survives a killed worker (only a power cut may lose the last ones); the connection is put back."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
        connection.commit()
    try:
        yield
    finally:
        if sqlite and not connection.closed:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA synchronous=FULL")
            connection.commit()


def deliver_due(app=None, *, worker: str | None = None, max_batches: int | None = None) -> DeliveryReport:
    """Send every due mail of the outbox, a batch at a time over one connection; returns what happened."""
    app = app or current_app._get_current_object()
    config = app.config
    worker = worker or f"{socket.gethostname()[:40]}:{uuid.uuid4().hex[:12]}"
    batch_size = int(config.get("MAIL_BATCH_SIZE", 100))
    lease = float(config.get("MAIL_CLAIM_SECONDS", 600))
    base = float(config.get("MAIL_RETRY_SECONDS", 30))
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS", 8))
    sender = config["MAIL_FROM"]
    report = DeliveryReport()
    engine = app.extensions["sqlalchemy"].engine
    batches = 0
    with engine.connect() as connection, _one_outcome_per_commit(connection):
        with Session(bind=connection, expire_on_commit=False) as session:
            transport = transport_for(app)
            try:
                while max_batches is None or batches < max_batches:
                    rows = claim(session, worker=worker, limit=batch_size, lease=lease)
                    if not rows:
                        break
                    batches += 1
                    _send_batch(
                        session,
                        transport,
                        rows,
                        worker=worker,
                        sender=sender,
                        base=base,
                        limit=max_attempts,
                        report=report,
                        lease=lease,
                    )
            finally:
                transport.close()
            _count(session, report)
    return report


def _renew(session: Session, worker: str, lease: float) -> set[int]:
    """Extend this worker's claim on what it has not sent yet; returns the ids it still holds."""
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.claimed_by == worker, OutboxMessage.status == "sending")
        .values(claimed_until=utcnow() + timedelta(seconds=lease))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return set(
        session.scalars(
            sa.select(OutboxMessage.id).where(OutboxMessage.claimed_by == worker, OutboxMessage.status == "sending")
        )
    )


def _send_batch(session, transport, rows, *, worker, sender, base, limit, report: DeliveryReport, lease) -> None:
    renewed = time.monotonic()
    for index, row in enumerate(rows):
        if time.monotonic() - renewed > lease / 3:
            # A slow server: keep the claim alive, so no other worker takes these mails while this one sends them.
            held, renewed = _renew(session, worker, lease), time.monotonic()
            if row.id not in held:
                continue  # its lease ran out before the renewal and another worker took it
        attempts = row.attempts + 1
        try:
            transport.send(compose(row, sender=sender))
        except PermanentFailure as error:
            _finish(session, row, worker, status="failed", attempts=attempts, last_error=str(error)[:2000])
            report.failed += 1
            report.errors.append(f"{row.to}: {error}")
        except TemporaryFailure as error:
            report.errors.append(f"{row.to}: {error}")
            if attempts >= limit:
                _finish(session, row, worker, status="failed", attempts=attempts, last_error=str(error)[:2000])
                report.failed += 1
            else:
                report.retrying += 1
                _finish(
                    session,
                    row,
                    worker,
                    status="retrying",
                    attempts=attempts,
                    last_error=str(error)[:2000],
                    next_attempt_at=utcnow() + backoff(attempts, base),
                )
            if isinstance(error, ConnectionLost):
                # The rest of the batch was never tried: give it back at once, for a new connection.
                for rest in rows[index + 1 :]:
                    _finish(session, rest, worker, status="queued" if rest.attempts == 0 else "retrying")
                return
        else:
            _finish(session, row, worker, status="sent", attempts=attempts, sent_at=utcnow(), last_error=None)
            report.sent += 1


def _count(session: Session, report: DeliveryReport) -> None:
    report.next_due = session.scalar(
        sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status.in_(("queued", "retrying")))
    )
    leased = session.scalar(
        sa.select(sa.func.min(OutboxMessage.claimed_until)).where(OutboxMessage.status == "sending")
    )
    if leased is not None and (report.next_due is None or leased < report.next_due):
        report.next_due = leased
    session.commit()


# --- waking the worker when a transaction that queued mail commits -------------------------------------------------

PENDING = "outbox_pending"


def _after_commit(session) -> None:
    from flask import has_app_context

    if not session.info.pop(PENDING, False) or not has_app_context():
        return
    from . import tasks

    try:
        tasks.wake_worker()
    except Exception:  # noqa: BLE001 - the mail is committed; the periodic sweep sends it even if the queue is down
        current_app.logger.exception("could not wake the mail worker; the periodic sweep will send the mail")


def _after_rollback(session, _previous) -> None:
    session.info.pop(PENDING, None)


def register() -> None:
    from sqlalchemy import event

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
