"""Journeys of the awards office and an exhibitor in Chromium that test_back_office.py leaves out: the imported
companies invited in one go (each contact's link opens their company), a bulk disqualification reinstated in
bulk, and an entry form that keeps what was typed and chosen when it is refused (a wrong field, an expired
session)."""

import re

from judging.extensions import db
from judging.mail import outbox
from judging.models import Entry

from .test_back_office import _exhibitors_file, _log_in, join_with_the_mailed_link

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_office_imports_companies_then_invites_every_imported_contact(browser, live_server, make, artifacts, tmp_path):
    make.edition()
    organiser = make.user("organiser", email="office@milipol.example")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _log_in(page, live_server.url, organiser.email)

    page.goto(f"{live_server.url}/organiser/import")
    page.locator("form[action*='exhibitors'] input[type=file]").set_input_files(str(_exhibitors_file(tmp_path)))
    page.locator("form[action*='exhibitors'] button[type=submit]").click()
    page.click("text=Apply these changes")
    assert "3 created" in page.content()
    page.goto(f"{live_server.url}/organiser/import")
    page.screenshot(path=str(artifacts / "office-import-invite-all.png"), full_page=True)
    page.get_by_role("button", name=re.compile(r"Invite every contact not yet invited \(3\)")).click()
    assert "Invitations sent: 3." in page.locator(".flash").first.inner_text()
    assert {mail.to for mail in outbox()} >= {"anne@dupont.example", "info@aegis.example", "sales@aegis.example"}

    mail = next(m for m in outbox() if m.to == "anne@dupont.example")
    contact = join_with_the_mailed_link(browser, live_server, mail.body)
    assert "Équipements Dupont" in contact.content()
    contact.screenshot(path=str(artifacts / "contact-joined-company.png"), full_page=True)
    contact.context.close()
    page.context.close()


def test_office_disqualifies_in_bulk_after_confirming_then_reinstates(browser, live_server, make, artifacts):
    edition = make.edition(max_entries=2)
    organiser = make.user("organiser", email="office@milipol.example")
    company = make.organisation("Vigil")
    for title, category in [("Thermal camera", "cyber"), ("Drone net", "drones"), ("Crowd sensor", "crisis")]:
        make.entry(edition=edition, organisation=company, category=category, title=title)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _log_in(page, live_server.url, organiser.email)

    def act_on(titles, action, reason):
        page.goto(f"{live_server.url}/organiser/entries")
        for title in titles:
            page.check(f"input[aria-label='Select {title}']")
        page.select_option("select[name=action]", action)
        page.click("form#bulk button[type=submit]")
        page.fill("textarea[name=reason]", reason)
        page.screenshot(path=str(artifacts / f"office-bulk-{action}-confirm.png"), full_page=True)
        page.get_by_role("button", name=re.compile(r"^Yes: ")).click()  # says what it will do, then does it
        return page.locator(".flash").first.inner_text()

    assert "done for 2 entries" in act_on(["Thermal camera", "Drone net"], "disqualify", "Fees not paid in time")
    statuses = {e.title: e.status for e in db.session.scalars(db.select(Entry))}
    assert statuses == {"Thermal camera": "disqualified", "Drone net": "disqualified", "Crowd sensor": "submitted"}

    assert "done for 2 entries" in act_on(["Thermal camera", "Drone net"], "reinstate", "Fees received after all")
    db.session.expire_all()
    assert {e.status for e in db.session.scalars(db.select(Entry))} == {"submitted"}
    page.screenshot(path=str(artifacts / "office-bulk-reinstated.png"), full_page=True)
    page.context.close()


def test_exhibitor_entry_form_keeps_text_and_files_when_refused(browser, live_server, make, artifacts, tmp_path):
    edition = make.edition()
    user = make.user("exhibitor")
    drones = make.category(edition, "drones")
    brochure = tmp_path / "brochure.pdf"
    brochure.write_bytes(PDF)
    page = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
    _log_in(page, live_server.url, user.email)

    page.goto(f"{live_server.url}/entries/new")
    assert "You can enter 1 more entry in this category." in page.content()  # said before typing
    page.goto(f"{live_server.url}/entries/new?category={drones.id}")
    page.fill("textarea[name=what_is_new]", "A net launched from a drone")
    page.set_input_files("input[name=files]", str(brochure))
    page.click("main button[type=submit]")  # no title: refused beside the field, the file kept
    assert page.locator("text=Kept: brochure.pdf").is_visible()
    assert page.input_value("textarea[name=what_is_new]") == "A net launched from a drone"
    page.screenshot(path=str(artifacts / "exhibitor-entry-kept-file.png"), full_page=True)

    # The session's token expires while the form is open: the same page again, as typed, with a fresh token.
    page.fill("input[name=title]", "Drone net")
    page.eval_on_selector("form.entry-form input[name=csrf_token]", "input => input.value = 'expired'")
    page.click("main button[type=submit]")
    assert "Your session expired" in page.content()
    assert page.input_value("input[name=title]") == "Drone net"
    page.screenshot(path=str(artifacts / "exhibitor-entry-session-expired.png"), full_page=True)

    page.click("main button[type=submit]")
    page.wait_for_selector("text=Draft saved")
    entry = db.session.scalar(db.select(Entry).where(Entry.title == "Drone net"))
    assert entry.what_is_new == "A net launched from a drone"
    assert [a.original_name for a in entry.attachments] == ["brochure.pdf"]
    page.context.close()
