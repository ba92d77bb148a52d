"""The organiser reads the mail log and resends a failed mail; a long import's page follows the worker."""

import time

from judging import jobs
from judging.domain import notifications
from judging.extensions import db
from judging.mail import outbox
from judging.models import Job, OutboxMessage, utcnow
from support import PASSWORD


def _login(browser, live_server, user):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return page


def test_organiser_sees_a_refused_mail_with_the_servers_answer_and_resends_it(browser, live_server, make, artifacts):
    organiser = make.user("organiser")
    juror = make.user("juror", language="fr")
    notifications.notify(juror, "reminder", edition="Milipol Paris 2027", submitted=2, assigned=5, link="http://x/")
    db.session.commit()  # sent at once by the tests' worker
    refused = notifications.queue("no_account", to="nobody@gone.example", language="en", register="http://x/r")
    db.session.flush()
    refused.status, refused.attempts, refused.last_error = "failed", 1, "550 5.1.1 <nobody@gone.example>: no such user"
    db.session.commit()
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id == refused.id).values(status="failed"))
    db.session.commit()

    page = _login(browser, live_server, organiser)
    page.click("text=Mail log")
    page.wait_for_selector("table.mail-log")
    page.screenshot(path=str(artifacts / "mail-log.png"), full_page=True)
    row = page.locator(f"#mail-{refused.id}")
    assert "550 5.1.1" in row.inner_text() and "failed" in row.inner_text()
    assert "Rappel : 3 grille(s)" in page.locator("table.mail-log").inner_text()  # in the juror's language
    row.locator("button", has_text="Resend").click()
    assert "is queued again" in page.inner_text("body")
    assert [m.to for m in outbox()].count("nobody@gone.example") == 1


def test_the_import_page_follows_the_job_to_its_result(browser, live_server, make, artifacts):
    edition = make.edition()
    organiser = make.user("organiser")
    job = Job(kind="import_jurors", status="running", created_by_id=organiser.id, edition_id=edition.id, total=5000)
    job.started_at = utcnow()
    db.session.add(job)
    db.session.commit()
    jobs.report_progress(job.id, 2100, 5000)

    page = _login(browser, live_server, organiser)
    page.goto(f"{live_server.url}/organiser/jobs/{job.id}")
    assert page.get_attribute("#job-progress", "value") == "42"
    jobs.report_progress(job.id, 3900, 5000)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and page.get_attribute("#job-progress", "value") != "78":
        time.sleep(0.2)  # the page polls every second; the bar's value attribute is what it sets
    assert "3900 of 5000 rows" in page.inner_text("#job-state")
    page.screenshot(path=str(artifacts / "job-running.png"), full_page=True)

    job.status, job.result, job.finished_at = "done", {"rows": 5000, "created": 4980, "seats": 5000}, utcnow()
    db.session.commit()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "jurors read" not in page.inner_text("body"):
        time.sleep(0.2)
    assert "5000 jurors read: 4980 new accounts, 5000 jury seats added" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "job-done.png"), full_page=True)
