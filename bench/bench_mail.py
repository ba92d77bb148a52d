"""Mail delivery: 1,000 recipients through the outbox and the worker to a local SMTP server (aiosmtpd), in mails
per second.

The floor is raw smtplib building and sending the same 1,000 messages over one connection to the same server, in the
same run: what any sender pays for MIME and SMTP themselves. The worker adds the claim (one UPDATE per batch) and one
recorded outcome per mail, so that a worker killed mid-batch never sends a mail twice.
Run as `python -m bench.bench_mail`.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import tempfile
import time

from aiosmtpd.controller import Controller

from bench.common import emit

RECIPIENTS = 1000


class _Sink:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure() -> None:
    sink, port = _Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.setdefault("TASK_QUEUE_URL", "memory://")
            from judging import create_app, tasks

            tasks.wake_worker = lambda: None  # the bench runs the worker's function itself, timed
            app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                    "UPLOAD_FOLDER": f"{tmp}/uploads",
                    "SECRET_KEY": "bench",
                    "MAIL_BACKEND": "smtp",
                    "SMTP_HOST": "127.0.0.1",
                    "SMTP_PORT": port,
                    "MAIL_FROM": "awards@milipol.example",
                    "PUBLIC_BASE_URL": "http://awards.test",
                }
            )
            with app.app_context():
                from flask_migrate import upgrade

                from judging.domain import notifications
                from judging.extensions import db
                from judging.mail import compose, deliver_due
                from judging.models import OutboxMessage
                from judging.transaction import atomic

                logging.getLogger("alembic").setLevel(logging.WARNING)
                upgrade()
                with atomic():
                    for n in range(RECIPIENTS):
                        notifications.queue(
                            "no_account",
                            to=f"exhibitor{n:04d}@example.com",
                            language="fr" if n % 3 == 0 else "en",
                            register="http://awards.test/auth/register",
                        )
                rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()

                started = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
                    for row in rows:
                        smtp.send_message(compose(row, sender="awards@milipol.example"))
                floor = RECIPIENTS / (time.perf_counter() - started)

                started = time.perf_counter()
                report = deliver_due(app)
                worker = RECIPIENTS / (time.perf_counter() - started)
                assert report.sent == RECIPIENTS and sink.received == 2 * RECIPIENTS, (report, sink.received)
    finally:
        controller.stop()
    emit(
        "mail_outbox_1000_recipients",
        worker,
        "mails/s",
        floor,
        floor_is="raw smtplib building and sending the same messages over one connection",
        batch_size=100,
    )


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
