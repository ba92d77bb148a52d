"""Two app machines on one database, one Redis and one shared storage: what one counts or stores, the other sees.

Two real gunicorn servers (separate ports and instance folders), started against the test database; no
balancer here: each request names the machine it goes to.
"""

from __future__ import annotations

import os
import re
import secrets
import uuid

import pytest

from bench.cluster import AppMachine, redis_reachable, shared_environment
from bench.load import Session, free_port
from judging.extensions import db
from judging.models import Attachment
from support import PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n" + secrets.token_bytes(64) + b"\n%%EOF\n"


@pytest.fixture
def machines(app, database_url, tmp_path):
    if not redis_reachable(REDIS_URL):
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at {REDIS_URL}: .ci/run starts one")
        pytest.skip(f"no Redis at {REDIS_URL}")
    db.session.commit()
    shared = shared_environment(
        database_url=database_url,
        storage=str(tmp_path / "shared-storage"),
        secret_key="cluster-test-secret",
        redis_url=REDIS_URL,
        prefix=f"test-{uuid.uuid4().hex}",  # this test's own counts, whatever else uses the Redis
    )
    extra = {"LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute", "LOGIN_RATE_LIMIT": "1000 per minute"}
    started = [AppMachine(name, free_port(), shared, workers=1, extra=extra) for name in ("a", "b")]
    try:
        for machine in started:
            machine.start()
        yield started
    finally:
        for machine in started:
            machine.stop()


def _csrf(session: Session, path: str) -> str:
    status, page = session.request("GET", path)
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, (status, page[:300])
    return match.group(1).decode()


def _login(session: Session, email: str, password: str) -> int:
    from urllib.parse import urlencode

    token = _csrf(session, "/auth/login")
    status, _ = session.request(
        "POST",
        "/auth/login",
        urlencode({"email": email, "password": password, "csrf_token": token}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status


def test_failed_logins_counted_on_one_machine_lock_the_account_on_the_other(machines, make):
    a, b = machines
    user = make.user("exhibitor")
    on_a = Session(a.port)
    assert [_login(on_a, user.email, "wrong password") for _ in range(3)] == [401, 401, 401]
    on_b = Session(b.port)  # another browser, on the other machine
    assert _login(on_b, user.email, "wrong password") == 429
    assert _login(on_b, user.email, PASSWORD) == 429  # the account waits, even with the right password
    other = make.user("exhibitor")
    assert _login(on_b, other.email, PASSWORD) == 302  # only that account: the others log in on either


def test_a_file_uploaded_through_one_machine_downloads_through_the_other(machines, make):
    a, b = machines
    edition = make.edition()
    owner = make.user("exhibitor")
    entry = make.entry(edition=edition, organisation=owner.organisation, status="draft")
    browser = Session(a.port)
    assert _login(browser, owner.email, PASSWORD) == 302
    token = _csrf(browser, f"/entries/{entry.id}")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="brochure.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _ = browser.request(
        "POST", f"/entries/{entry.id}/attachments", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert status == 302
    db.session.commit()
    attachment = db.session.scalar(db.select(Attachment).where(Attachment.entry_id == entry.id))
    # The same browser (its session cookie signed with the shared secret key) now reaches the other machine.
    browser.port, browser.connection = b.port, None
    status, data = browser.request("GET", f"/entries/files/{attachment.id}")
    assert status == 200 and data == PDF
    a.kill()  # the machine that received the file is gone: the file is not
    status, data = browser.request("GET", f"/entries/files/{attachment.id}?download=1")
    assert status == 200 and data == PDF
