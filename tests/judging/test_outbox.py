"""Mail leaves through the outbox: written with the action, sent by the worker through a real SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import smtp_server

from judging import tasks
from judging.domain import notifications
from judging.extensions import db
from judging.mail import deliver_due, outbox
from judging.models import OutboxMessage
from judging.transaction import atomic

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app sends to it, and nothing wakes the worker but the test."""
    handler = smtp_server.SmtpServer()
    controller = smtp_server.start(handler)
    app.config.update(
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=handler.port,
        SMTP_TIMEOUT=10,
        MAIL_RETRY_SECONDS=0,
        MAIL_FROM="awards@milipol.example",
    )
    yield handler
    controller.stop()


@pytest.fixture
def held_worker(monkeypatch):
    """The worker is not woken by commits: the test runs it (or a worker process) when it chooses."""
    wakes = []
    monkeypatch.setattr(tasks, "wake_worker", lambda: wakes.append(1))
    return wakes


def _queue(n: int, *, key: str | None = None, language: str = "en") -> list[str]:
    addresses = [f"exhibitor{i:04d}@example.com" for i in range(n)]
    with atomic():
        for to in addresses:
            notifications.queue(
                "no_account", to=to, language=language, key=key, register="http://awards.test/auth/register"
            )
    return addresses


def _statuses() -> dict[str, str]:
    db.session.expire_all()
    return {m.to: m.status for m in db.session.scalars(db.select(OutboxMessage))}


def test_a_rolled_back_action_writes_and_sends_no_mail(app):
    with pytest.raises(RuntimeError), atomic():
        notifications.queue("no_account", to="ada@example.com", language="en", register="http://awards.test/r")
        raise RuntimeError("the action failed after queuing its mail")
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    assert outbox() == []


def test_the_request_only_writes_the_mail_and_the_worker_sends_it(client, make, held_worker):
    user = make.user("juror", language="fr")
    response = client.post("/auth/forgot", data={"email": user.email})
    assert response.status_code in (200, 302)
    assert outbox() == [] and held_worker == [1]  # nothing sent in the request; the commit woke the worker
    assert _statuses() == {user.email: "queued"}
    report = deliver_due()
    assert report.sent == 1 and _statuses() == {user.email: "sent"}
    sent = outbox()[-1]
    assert sent.subject == "Réinitialiser votre mot de passe - Milipol Innovation Awards"
    assert "http://awards.test/auth/reset/" in sent.body
    assert '<html lang="fr">' in sent.html and '<a href="http://awards.test/auth/reset/' in sent.html


def test_the_same_notification_is_queued_once_per_recipient(app, held_worker):
    _queue(3, key="edition:7")
    _queue(3, key="edition:7")  # the same action replayed (a double click, a retried job)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 3


def test_a_batch_goes_over_one_smtp_connection(app, smtp, held_worker):
    addresses = _queue(30)
    report = deliver_due()
    assert report.sent == 30 and smtp.connections == 1
    assert smtp.recipients() == {to: 1 for to in addresses}
    assert set(_statuses().values()) == {"sent"}
    assert deliver_due().sent == 0 and len(smtp.accepted) == 30  # nothing is sent twice


def test_a_temporary_refusal_is_retried_and_then_delivered(app, smtp, held_worker, client, make, login_as):
    smtp.answer = lambda number, envelope: "451 4.7.1 greylisted, try again later" if number <= 3 else None
    addresses = _queue(3)
    first = deliver_due(max_batches=1)
    assert first.retrying == 3 and set(_statuses().values()) == {"retrying"}
    deliver_due()
    assert smtp.recipients() == {to: 1 for to in addresses}
    rows = db.session.scalars(db.select(OutboxMessage)).all()
    assert {(m.status, m.attempts) for m in rows} == {("sent", 2)}

    login_as(make.user("organiser"))
    page = client.get("/organiser/mail").get_data(as_text=True)
    assert "2 attempts" in page and addresses[0] in page


def test_a_permanent_failure_is_recorded_shown_and_can_be_resent(app, smtp, held_worker, client, make, login_as):
    smtp.answer = lambda number, envelope: "550 5.1.1 mailbox unknown" if number == 1 else None
    [address] = _queue(1)
    report = deliver_due()
    assert report.failed == 1 and report.sent == 0 and smtp.accepted == []
    login_as(make.user("organiser"))
    page = client.get("/organiser/mail?status=failed").get_data(as_text=True)
    assert address in page and "550 5.1.1 mailbox unknown" in page and "Resend" in page

    failed = db.session.scalar(db.select(OutboxMessage))
    response = client.post(f"/organiser/mail/{failed.id}/resend", follow_redirects=True)
    assert "is queued again" in response.get_data(as_text=True)
    deliver_due()
    assert smtp.recipients() == {address: 1}
    assert sorted(_statuses_by_id().values()) == ["failed", "sent"]


def _statuses_by_id() -> dict[int, str]:
    db.session.expire_all()
    return {m.id: m.status for m in db.session.scalars(db.select(OutboxMessage))}


def test_only_organisers_read_the_mail_log(client, make, login_as):
    login_as(make.user("juror"))
    assert client.get("/organiser/mail").status_code in (403, 404)


def test_a_connection_dropped_mid_batch_loses_and_doubles_nothing(app, smtp, held_worker):
    smtp.answer = lambda number, envelope: "drop" if number == 5 else None
    addresses = _queue(12)
    deliver_due()
    assert smtp.recipients() == {to: 1 for to in addresses}  # the dropped one again, on a new connection
    assert smtp.connections == 2
    assert len({r.message_id for r in smtp.accepted}) == 12


def test_two_workers_at_once_never_send_a_mail_twice(app, smtp, held_worker):
    app.config["MAIL_BATCH_SIZE"] = 10
    addresses = _queue(120)
    reports = []

    def work(name):
        with app.app_context():
            reports.append(deliver_due(app, worker=name))

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert smtp.recipients() == {to: 1 for to in addresses}
    assert sum(r.sent for r in reports) == 120


def test_a_line_break_typed_in_a_title_adds_no_header_on_the_wire(app, smtp, held_worker, client, make, login_as):
    edition = make.edition()
    owner = make.user("exhibitor")
    entry = make.entry(
        edition=edition, organisation=owner.organisation, status="draft", title="Shield\r\nBcc: x@evil.example"
    )
    login_as(owner)
    assert client.post(f"/entries/{entry.id}/submit").status_code == 302
    deliver_due()
    [received] = smtp.accepted
    assert received.rcpt_tos == [owner.email] and received.message["Bcc"] is None
    assert received.message["Subject"] == "Entry received: Shield Bcc: x@evil.example"


def test_the_html_part_escapes_what_users_typed(app, held_worker):
    _subject, text, html = notifications.render(
        "receipt",
        language="en",
        user=type("U", (), {"name": "<b>Ada</b>"})(),
        title="<script>alert(1)</script>",
        category="Cyber",
        when="2027-11-14 10:00 UTC",
    )
    assert "<script>alert(1)</script>" in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_mail_templates_follow_the_recipient_not_the_sender(app, make, held_worker):
    english, french = make.user("juror", language="en"), make.user("juror", language="fr")
    with atomic():
        for juror in (english, french):
            notifications.notify(juror, "reminder", edition="Milipol 2027", submitted=1, assigned=4, link="http://x/")
    deliver_due()
    subjects = {m.to: m.subject for m in outbox()}
    assert subjects == {
        english.email: "Reminder: 3 scorecard(s) to complete - Milipol 2027",
        french.email: "Rappel : 3 grille(s) à compléter - Milipol 2027",
    }


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "judging", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - no Redis on this machine: that storage is not tried
        return False


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_a_worker_killed_mid_batch_is_replaced_and_nothing_is_lost_or_doubled(
    app, smtp, held_worker, tmp_path, database_url, storage
):
    if storage == "redis" and not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("CI runs the worker on Redis too: .ci/run starts it on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    addresses = _queue(10)
    smtp.hold = threading.Event()  # the first mail is held by the server until the worker is dead
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.sqlite3'}" if storage == "sqlite" else "redis://127.0.0.1:6379/0",
        TASK_QUEUE_NAME=f"milipol-awards-test-{os.getpid()}-{tmp_path.name}",
        INSTANCE_PATH=str(tmp_path / "instance"),
        SECRET_KEY="test-secret",
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp.port),
        MAIL_FROM="awards@milipol.example",
        MAIL_CLAIM_SECONDS="2",
        MAIL_RETRY_SECONDS="0",
        PUBLIC_BASE_URL="http://awards.test",
    )
    first = _worker(env)
    try:
        assert smtp.holding.wait(60), "the worker never started sending"
        os.killpg(first.pid, signal.SIGKILL)  # mid-batch: one mail in the server's hands, nine claimed, none sent
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert set(_statuses().values()) == {"sending"}
    smtp.hold.set()
    smtp.hold = None
    second = _worker(env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and set(_statuses().values()) != {"sent"}:
            time.sleep(0.3)
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)
    assert set(_statuses().values()) == {"sent"}
    assert smtp.recipients() == {to: 1 for to in addresses}


def test_the_worker_command_refuses_to_run_without_a_queue(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "immediate" in result.output
