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


def send_mail(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text mail through the configured backend (MAIL_BACKEND: log, memory or smtp)."""
    mail = Mail(to=to, subject=subject, body=body)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        message = EmailMessage()
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(current_app.config["SMTP_HOST"], current_app.config["SMTP_PORT"], timeout=20) as smtp:
            if current_app.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if current_app.config["SMTP_USER"]:
                smtp.login(current_app.config["SMTP_USER"], current_app.config["SMTP_PASSWORD"])
            smtp.send_message(message)
        return
    outbox().append(mail)
    if backend == "log":
        current_app.logger.warning("MAIL to %s: %s\n%s", to, subject, body)


def send_in_language(user, *, en: tuple[str, str], fr: tuple[str, str]) -> None:
    """Send the (subject, body) written for the recipient's language: mails follow the reader, not the sender."""
    subject, body = fr if user.language == "fr" else en
    send_mail(to=user.email, subject=subject, body=body)
