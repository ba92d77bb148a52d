"""The pluggable mailer: printed to the log in development, SMTP in production, captured in tests."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def outbox() -> list[Mail]:
    """Mails sent by the 'log' and 'memory' backends (the tests read them here)."""
    return current_app.extensions.setdefault("awards_outbox", [])


def header_text(value: str) -> str:
    """A header value on one line: CR, LF and other control characters (e.g. from an entry's title) become
    spaces, so no text a user typed can end a header or add another one."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def compose(mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


def send_mail(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text mail through the configured backend (MAIL_BACKEND: log, memory or smtp)."""
    mail = Mail(to=header_text(to), subject=header_text(subject), body=body)
    message = compose(mail)  # every backend builds it, so the tests meet what the SMTP server would
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(current_app.config["SMTP_HOST"], current_app.config["SMTP_PORT"], timeout=20) as smtp:
            if current_app.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if current_app.config["SMTP_USER"]:
                smtp.login(current_app.config["SMTP_USER"], current_app.config["SMTP_PASSWORD"])
            smtp.send_message(message)
        return
    outbox().append(mail)
    if backend == "log":
        current_app.logger.warning("MAIL to %s: %s\n%s", mail.to, mail.subject, mail.body)


def send_in_language(user, *, en: tuple[str, str], fr: tuple[str, str]) -> None:
    """Send the (subject, body) written for the recipient's language: mails follow the reader, not the sender."""
    subject, body = fr if user.language == "fr" else en
    send_mail(to=user.email, subject=subject, body=body)


# --- mails that wait for the commit ---------------------------------------------------------------------------------
# A mail about a change must not go out when the change is rolled back: queue it on the session, send it after the
# commit succeeds, drop it on rollback.


def send_after_commit(*, to: str, subject: str, body: str) -> None:
    from .extensions import db

    db.session.info.setdefault("mail_after_commit", []).append(Mail(to=to, subject=subject, body=body))


def send_in_language_after_commit(user, *, en: tuple[str, str], fr: tuple[str, str]) -> None:
    subject, body = fr if user.language == "fr" else en
    send_after_commit(to=user.email, subject=subject, body=body)


def _after_commit(session) -> None:
    from flask import has_app_context

    queued = session.info.pop("mail_after_commit", [])
    if not queued or not has_app_context():
        return
    for mail in queued:
        try:
            send_mail(to=mail.to, subject=mail.subject, body=mail.body)
        except OSError:  # the change is committed; a mail server that is down must not turn it into an error
            current_app.logger.exception("mail to %s failed", mail.to)


def _after_rollback(session, _previous) -> None:
    session.info.pop("mail_after_commit", None)


def register() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
