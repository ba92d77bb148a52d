"""The organiser reads the mail log and resends a failed mail; a long import's page follows the worker."""

import time
from pathlib import Path

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
    page.click("header.top details.menu > summary:has-text('More')")  # the organisers' header groups it
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


def test_a_large_jury_pack_is_prepared_with_its_progress_then_downloaded(
    app, browser, live_server, make, artifacts, monkeypatch
):
    import io
    import threading
    import zipfile

    from judging import tasks
    from support import add_attachment

    app.config["JOB_ITEMS"] = 2  # three files: the pack is a job
    edition = make.edition()
    organiser = make.user("organiser")
    entries = [make.entry(edition=edition, title=title) for title in ("Firewall", "Probe")]
    for n, (entry, name) in enumerate([(entries[0], "brochure.pdf"), (entries[0], "specs.pdf"), (entries[1], "p.pdf")]):
        add_attachment(entry, name, f"{n + 40:064d}")
    category_id = entries[0].category_id

    # A worker that stops after its first file until the test has seen the bar move.
    seen_first, go_on = threading.Event(), threading.Event()
    report = jobs.report_progress

    def slow_report(job_id, done, total):
        report(job_id, done, total)
        if done == 1:
            seen_first.set()
            go_on.wait(timeout=20)

    monkeypatch.setattr(jobs, "report_progress", slow_report)
    monkeypatch.setattr(tasks.huey, "immediate", False)  # queued, as in production, for the worker below

    page = _login(browser, live_server, organiser)
    page.goto(f"{live_server.url}/organiser/entries?category={category_id}")
    page.click("text=Jury pack: every file of this category (zip)")
    page.wait_for_selector("#job-progress")
    assert "Preparing the jury pack" in page.inner_text("h1")
    assert "Waiting for the worker to start" in page.inner_text("#job-state")
    job_id = db.session.scalar(db.select(Job.id).where(Job.kind == "attachments_zip"))

    def worker():
        with app.app_context():
            jobs.run(job_id)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    assert seen_first.wait(timeout=20)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and page.get_attribute("#job-progress", "value") != "33":
        time.sleep(0.2)
    assert "1 of 3 files" in page.inner_text("#job-state")
    page.screenshot(path=str(artifacts / "job-pack-running.png"), full_page=True)
    go_on.set()
    thread.join(timeout=20)

    page.wait_for_selector("#job-file", timeout=10000)
    page.screenshot(path=str(artifacts / "job-pack-done.png"), full_page=True)
    with page.expect_download() as caught:
        page.click("#job-file")
    download = caught.value
    assert download.suggested_filename.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())).namelist()
    assert "Entries.xlsx" in names and sum(name.endswith(".pdf") for name in names) == 3
