"""Jury packs, large workbooks and announcements to many run as jobs: the page starts the job, its page follows
the worker, then offers the file (kept in the shared storage for its organiser) or says what was sent, or why not."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from openpyxl import load_workbook

from judging import jobs, tasks
from judging.extensions import db
from judging.mail import outbox
from judging.models import Job, Message, OutboxMessage, User, utcnow
from judging.storage import storage
from support import add_attachment


def _pack_world(app, make):
    edition = make.edition()
    firewall = make.entry(edition=edition, title="Firewall")
    probe = make.entry(edition=edition, title="Probe")
    make.entry(edition=edition, title="Draft idea", status="draft")
    for n, (entry, name) in enumerate([(firewall, "brochure.pdf"), (firewall, "specs.pdf"), (probe, "probe.pdf")]):
        add_attachment(entry, name, f"{n + 7:064d}")
    return edition, firewall, probe


def _follow_to_file(client, response):
    """From the page that started the job to the downloaded file, as the organiser clicks through."""
    assert response.status_code == 302 and "/organiser/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="job-file"' in page, page
    job = db.session.scalar(db.select(Job).order_by(Job.id.desc()))
    download = client.get(f"/organiser/jobs/{job.id}/file")
    assert download.status_code == 200
    return job, download


def test_a_large_jury_pack_is_made_by_the_worker_and_downloaded_from_its_page(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 2  # three files: a job
    edition, firewall, probe = _pack_world(app, make)
    login_as(make.user("organiser"))
    response = client.get(f"/organiser/categories/{firewall.category_id}/attachments.zip")
    job, download = _follow_to_file(client, response)
    assert download.mimetype == "application/zip" and f"{edition.slug}" in download.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert f"{firewall.id:04d} {firewall.organisation.name} - Firewall/01 brochure.pdf" in names
    assert f"{firewall.id:04d} {firewall.organisation.name} - Firewall/02 specs.pdf" in names
    assert any(n.startswith(f"{probe.id:04d} ") and n.endswith("/01 probe.pdf") for n in names)
    assert "Entries.xlsx" in names and not any("Draft idea" in n for n in names)
    assert storage().exists(job.result["file"])  # in the storage every app machine shares
    assert client.get(f"/organiser/jobs/{job.id}.json").get_json()["percent"] == 100


def test_a_small_jury_pack_still_downloads_at_once_with_the_same_content(app, client, make, login_as):
    edition, firewall, _probe = _pack_world(app, make)
    login_as(make.user("organiser"))
    response = client.get(f"/organiser/categories/{firewall.category_id}/attachments.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 4  # three files and the workbook
    assert db.session.scalar(db.select(Job)) is None


def test_the_entries_workbook_of_a_long_list_is_a_job_with_every_answer(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 1
    _pack_world(app, make)
    login_as(make.user("organiser"))
    _job, download = _follow_to_file(client, client.get("/organiser/entries/export.xlsx"))
    sheet = load_workbook(io.BytesIO(download.data)).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} | {
        cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row
    }
    assert {"Firewall", "Probe", "Draft idea"} <= titles


def test_the_audit_workbook_of_a_long_trail_is_a_job(app, client, make, login_as):
    from judging.domain import audit

    app.config["JOB_ITEMS"] = 1
    edition = make.edition()
    organiser = make.user("organiser")
    for n in range(3):
        audit.record(actor=organiser, action="entry.edit", obj=edition, edition_id=edition.id, after={"n": n})
    db.session.commit()
    login_as(organiser)
    _job, download = _follow_to_file(client, client.get("/organiser/audit/export.xlsx?action=entry."))
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3 and {row[3] for row in rows} == {"entry.edit"}


def test_a_ceremony_workbook_job_refused_by_the_gate_says_why_and_keeps_no_file(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 0
    make.entry()
    login_as(make.user("organiser"))
    response = client.get("/organiser/results/export.xlsx")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    job = db.session.scalar(db.select(Job))
    assert job.status == "failed" and "The file could not be made:" in page and job.error in page
    assert "waits for the sign-off of: Cyber security" in job.error
    assert 'id="job-file"' not in page and client.get(f"/organiser/jobs/{job.id}/file").status_code == 410


def _signed_in(app, user):
    """Another browser, signed in as `user`."""
    from support import PASSWORD

    other = app.test_client()
    assert other.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return other


def test_the_file_is_only_for_its_organiser_or_a_full_organiser(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 2
    _edition, firewall, _probe = _pack_world(app, make)
    reader = make.user("organiser")
    reader.organiser_role = "read_only"
    db.session.commit()
    login_as(reader)  # a read-only organiser may take the pack away (it only reads)...
    pack = client.get(f"/organiser/categories/{firewall.category_id}/attachments.zip")
    job, _download = _follow_to_file(client, pack)
    other = make.user("organiser")
    other.organiser_role = "communications"
    db.session.commit()
    colleague = _signed_in(app, other)  # ...another organiser who is not a full one may not take theirs
    assert colleague.get(f"/organiser/jobs/{job.id}/file").status_code == 403
    assert colleague.get(f"/organiser/jobs/{job.id}").status_code == 403
    full = _signed_in(app, make.user("organiser"))  # a full organiser may, for the job's edition
    assert full.get(f"/organiser/jobs/{job.id}/file").status_code == 200
    assert full.get(f"/organiser/jobs/{job.id}/file?edition={job.edition_id + 1}").status_code == 403
    for role in ("juror", "exhibitor"):
        assert _signed_in(app, make.user(role)).get(f"/organiser/jobs/{job.id}/file").status_code in (302, 403)


def test_a_newer_file_of_the_same_request_replaces_the_older_and_files_go_after_a_day(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 2
    _edition, firewall, _probe = _pack_world(app, make)
    login_as(make.user("organiser"))
    url = f"/organiser/categories/{firewall.category_id}/attachments.zip"
    first, _download = _follow_to_file(client, client.get(url))
    first_file = first.result["file"]
    everything, _download = _follow_to_file(client, client.get(url + "?all=1"))  # another request: both kept
    second, _download = _follow_to_file(client, client.get(url))
    db.session.expire_all()
    assert not storage().exists(first_file) and first.result["file"] is None
    assert client.get(f"/organiser/jobs/{first.id}/file").status_code == 410
    assert "no longer kept" in client.get(f"/organiser/jobs/{first.id}").get_data(as_text=True)
    assert storage().exists(everything.result["file"]) and storage().exists(second.result["file"])

    second.finished_at = utcnow() - timedelta(hours=jobs.FILE_HOURS + 1)
    db.session.commit()
    kept = second.result["file"]
    tasks.recover()  # the periodic sweep
    db.session.expire_all()
    assert not storage().exists(kept) and second.result["file"] is None
    assert storage().exists(everything.result["file"])


def _taken_by_a_dead_worker(kind: str, organiser, edition_id: int, params: dict, *, total: int) -> Job:
    """A job a worker claimed ten minutes ago and then died: it stopped reporting, its transaction never committed."""
    job = Job(
        kind=kind,
        status="running",
        created_by_id=organiser.id,
        edition_id=edition_id,
        payload=json.dumps(params).encode(),
        total=total,
        attempts=1,
        started_at=utcnow() - timedelta(minutes=10),
    )
    db.session.add(job)
    db.session.commit()
    return job


ANNOUNCEMENT = {
    "audience": "exhibitors",
    "subject_en": "Hello {name}",
    "body_en": "The judging starts soon.",
    "subject_fr": "Bonjour {name}",
    "body_fr": "Le jury commence bientôt.",
}


def test_an_announcement_to_many_is_sent_by_a_job_once_to_each(app, client, make, login_as):
    app.config["JOB_ITEMS"] = 2
    make.edition()
    people = [make.user("exhibitor", language="fr" if i % 2 else "en") for i in range(5)]
    login_as(make.user("organiser"))
    before = len(outbox())
    response = client.post("/organiser/messages", data={**ANNOUNCEMENT, "confirm": "1"})
    assert response.status_code == 302 and "/organiser/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Message sent to 5 people, each in their language." in page
    mails = outbox()[before:]
    assert sorted(m.to for m in mails) == sorted(p.email for p in people)
    assert {m.subject for m in mails if m.to == people[1].email} == {f"Bonjour {people[1].name}"}
    message = db.session.scalar(db.select(Message))
    assert len(message.recipients) == 5 and f"/organiser/messages/{message.id}" in page


def test_an_announcement_job_interrupted_runs_again_and_mails_each_person_once(app, make):
    edition = make.edition()
    organiser = make.user("organiser")
    people = [make.user("exhibitor") for _ in range(4)]
    params = {**ANNOUNCEMENT, "entry_ids": []}
    # Its worker was killed mid-batch: the job's one transaction never committed, so no mail of it is in the outbox.
    stale = _taken_by_a_dead_worker("send_message", organiser, edition.id, params, total=4)
    tasks.recover()
    tasks.recover()  # a second sweep (or a second worker) finds nothing left to do
    db.session.expire_all()
    assert stale.status == "done" and stale.attempts == 2
    rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "announcement")).all()
    assert sorted(r.to for r in rows) == sorted(p.email for p in people)
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 1
    jobs.run(stale.id)  # a duplicate task for the same job: already done, nothing happens
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 4


def test_an_announcement_job_failing_halfway_mails_nobody(app, make, monkeypatch):
    from judging.domain import notifications

    edition = make.edition()
    organiser = make.user("organiser")
    for _ in range(4):
        make.user("exhibitor")
    real, calls = notifications.queue, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(notifications, "queue", failing)
    with app.test_request_context():
        job = jobs.start("send_message", actor=organiser, edition=edition, total=4, params=ANNOUNCEMENT)
        job_id = job.id
        db.session.commit()  # starts it (at once in the tests)
    job = db.session.get(Job, job_id)
    assert job.status == "failed" and "nothing was applied" in job.error
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(db.select(Message)) is None
    assert db.session.scalar(db.select(db.func.count(User.id))) == 5


def test_the_ceremony_workbook_of_a_large_edition_is_a_job_once_signed_off(app, client, make, login_as):
    from judging.demo import load_demo
    from judging.models import Edition
    from support import sign_off_as_president

    app.config["JOB_ITEMS"] = 0
    load_demo()
    edition = db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True)))
    for category in edition.categories:
        sign_off_as_president(category)
    db.session.commit()
    login_as(make.user("organiser"))
    _job, download = _follow_to_file(client, client.get("/organiser/results/export.xlsx?lang=fr"))
    sheets = load_workbook(io.BytesIO(download.data)).sheetnames
    assert all(any(name.startswith(f"{c.position} ") for name in sheets) for c in edition.categories)
    assert download.headers["Content-Disposition"].endswith(f"{edition.slug}-results.xlsx")


def test_a_jury_pack_interrupted_by_a_restart_is_made_again_once(app, client, make, login_as):
    _edition, firewall, _probe = _pack_world(app, make)
    organiser = make.user("organiser")
    params = {"category_id": firewall.category_id, "all": False, "language": "en"}
    stale = _taken_by_a_dead_worker("attachments_zip", organiser, firewall.edition_id, params, total=3)
    tasks.recover()
    tasks.recover()
    db.session.expire_all()
    assert (stale.status, stale.attempts) == ("done", 2) and stale.result["files"] == 3
    login_as(organiser)
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/organiser/jobs/{stale.id}/file").data)).namelist()
    assert sum(name.endswith(".pdf") for name in names) == 3


def test_a_bulk_action_on_many_entries_is_a_job_applied_to_all_of_them(app, client, make, login_as):
    from judging.models import Entry

    app.config["JOB_ITEMS"] = 2
    edition = make.edition(max_entries=5)
    entries = [make.entry(edition=edition, title=f"Innovation {i}") for i in range(3)]
    login_as(make.user("organiser"))
    data = {"action": "disqualify", "entry": [e.id for e in entries], "confirm": "1", "reason": "Fees unpaid"}
    response = client.post("/organiser/entries/bulk", data=data)
    assert response.status_code == 302 and "/organiser/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Disqualify: done for 3 entries." in page
    db.session.expire_all()
    assert {db.session.get(Entry, e.id).status for e in entries} == {"disqualified"}


def test_a_bulk_job_refused_meanwhile_changes_no_entry_and_says_why(app, client, make, login_as, monkeypatch):
    from judging.domain import entries as services
    from judging.errors import Refused
    from judging.models import Entry

    app.config["JOB_ITEMS"] = 2
    edition = make.edition(max_entries=5)
    entries = [make.entry(edition=edition, title=f"Innovation {i}") for i in range(3)]
    real, calls = services.disqualify_entry, []

    def frozen_at_the_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise Refused("The results were frozen meanwhile.", 409)
        return real(**kwargs)

    monkeypatch.setattr(services, "disqualify_entry", frozen_at_the_third)
    login_as(make.user("organiser"))
    data = {"action": "disqualify", "entry": [e.id for e in entries], "confirm": "1", "reason": "Fees unpaid"}
    response = client.post("/organiser/entries/bulk", data=data)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No entry was changed:" in page and "The results were frozen meanwhile." in page
    db.session.expire_all()
    assert {db.session.get(Entry, e.id).status for e in entries} == {"submitted"}


def test_a_second_click_while_the_same_work_waits_follows_that_job_instead_of_doing_it_twice(app, make):
    edition = make.edition()
    organiser, colleague = make.user("organiser"), make.user("organiser")
    params = {"category": 1, "language": "en"}
    first = jobs.start("attachments_zip", actor=organiser, edition=edition, params=params, total=500)
    assert jobs.start("attachments_zip", actor=organiser, edition=edition, params=dict(params), total=500) is first
    others = [
        jobs.start("attachments_zip", actor=organiser, edition=edition, params={**params, "all": 1}, total=500),
        jobs.start("attachments_zip", actor=colleague, edition=edition, params=params, total=500),
        jobs.start("export_entries", actor=organiser, edition=edition, params=params, total=500),
    ]
    assert len({first.id, *(job.id for job in others)}) == 4
    db.session.rollback()  # never committed: the worker runs none of them
