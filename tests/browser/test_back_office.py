"""The awards office in Chromium: import companies, find one whatever the accents, invite its contact (who then
creates the company's first account), merge a duplicate, act on several entries at once, manage people."""

import io
import re

from openpyxl import Workbook

from judging.extensions import db
from judging.mail import outbox
from judging.models import Entry, Organisation, User
from support import PASSWORD


def _exhibitors_file(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Organisation", "Country (ISO 2-letter code)", "Hall", "Stand", "Start-up (yes/no)", "Contact email"])
    sheet.append(["Équipements Dupont", "FR", "5", "A12", "yes", "anne@dupont.example"])
    sheet.append(["Aegis Systems", "GB", "", "B20", "no", "info@aegis.example"])
    sheet.append(["Aegis Systems Ltd", "GB", "6", "B21", "no", "sales@aegis.example"])
    path = tmp_path / "exhibitors.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _log_in(page, url, email):
    page.goto(f"{url}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def join_with_the_mailed_link(browser, live_server, mail_body: str):
    """The invited contact opens the link of their mail and chooses a password: their company's page."""
    link = re.search(r"(/auth/join/\S+)", mail_body).group(1)
    contact = browser.new_context().new_page()
    contact.goto(live_server.url + link)
    contact.fill("input[name=password]", PASSWORD + "-anne")
    contact.fill("input[name=confirm]", PASSWORD + "-anne")
    contact.click("main button[type=submit]")
    contact.wait_for_url("**/entries/**")
    return contact


def test_office_imports_finds_invites_merges_and_acts_in_bulk(browser, live_server, make, artifacts, tmp_path):
    edition = make.edition(max_entries=2)
    organiser = make.user("organiser", email="office@milipol.example")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, live_server.url, organiser.email)

    page.goto(f"{live_server.url}/organiser/import")
    page.locator("form[action*='exhibitors'] input[type=file]").set_input_files(str(_exhibitors_file(tmp_path)))
    page.locator("form[action*='exhibitors'] button[type=submit]").click()
    page.click("text=Apply these changes")  # the import shows what it will do first
    assert "3 created" in page.content()

    page.click("header.top details.menu > summary:has-text('Contacts')")  # the organisers' header groups it
    page.click("header.top >> text=Companies")
    page.fill("input[name=q]", "EQUIPEMENTS")
    page.click("form.filters button[type=submit]")
    assert page.locator("table.companies tbody tr").count() == 1
    page.screenshot(path=str(artifacts / "office-companies-search.png"), full_page=True)
    page.click("table.companies >> text=Équipements Dupont")
    assert page.input_value("input[name=email]") == "anne@dupont.example"  # the imported contact, offered
    page.fill("form[action*='/invite'] input[name=name]", "Anne Dupont")
    page.select_option("form[action*='/invite'] select[name=language]", "fr")
    page.click("form[action*='/invite'] button[type=submit]")
    assert "We have sent anne@dupont.example a link" in page.locator(".flash").inner_text()
    page.screenshot(path=str(artifacts / "office-company-invited.png"), full_page=True)

    contact = join_with_the_mailed_link(browser, live_server, outbox()[-1].body)
    assert "Équipements Dupont" in contact.content()
    contact.context.close()

    page.goto(f"{live_server.url}/organiser/companies?q=aegis")
    page.click("table.companies >> text=Aegis Systems >> nth=0")
    page.fill("input[name=duplicate]", "aegis systems ltd")
    page.click("form[action*='/merge'] button[type=submit]")
    assert "This will move to Aegis Systems" in page.content()
    page.screenshot(path=str(artifacts / "office-merge-preview.png"), full_page=True)
    page.click("button.danger")
    assert "is merged into Aegis Systems" in page.locator(".flash").inner_text()
    aegis = db.session.scalar(db.select(Organisation).where(Organisation.name == "Aegis Systems"))
    assert aegis.hall == "6"  # the survivor had no hall: taken from the duplicate
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "Aegis Systems Ltd")) is None

    dupont = db.session.scalar(db.select(Organisation).where(Organisation.name == "Équipements Dupont"))
    titles = ["Thermal camera", "Drone net", "Crowd sensor"]
    for title, category in zip(titles, ["cyber", "drones", "crisis"], strict=True):
        make.entry(edition=edition, organisation=dupont, category=category, title=title)
    page.goto(f"{live_server.url}/organiser/entries")
    page.check("input[aria-label='Select Thermal camera']")
    page.check("input[aria-label='Select Drone net']")
    page.select_option("select[name=action]", "disqualify")
    page.click("form#bulk button[type=submit]")
    assert "Yes: Disqualify (2 entries)" in page.content()
    page.fill("textarea[name=reason]", "Fees not paid by the deadline")
    page.screenshot(path=str(artifacts / "office-bulk-confirm.png"), full_page=True)
    page.click("button.danger")
    assert "done for 2 entries" in page.locator(".flash").inner_text()
    statuses = {e.title: e.status for e in db.session.scalars(db.select(Entry))}
    assert statuses == {"Thermal camera": "disqualified", "Drone net": "disqualified", "Crowd sensor": "submitted"}

    juror = make.user("juror", email="judge@example.com")
    page.goto(f"{live_server.url}/organiser/people?role=juror")
    row = page.locator("tr[data-email='judge@example.com']")
    row.locator("summary", has_text="Deactivate").click()
    row.locator("button", has_text="Yes").click()
    assert "judge@example.com is deactivated" in page.locator(".flash").inner_text()
    page.screenshot(path=str(artifacts / "office-people.png"), full_page=True)
    db.session.expire_all()
    assert db.session.get(User, juror.id).active is False
    context.close()


def test_office_writes_to_drafts_assigns_everything_saves_a_view_and_prints(browser, live_server, make, artifacts):
    from judging.domain import juries

    edition = make.edition(max_entries=3)
    organiser = make.user("organiser", email="office@milipol.example")
    dupont = make.organisation("Équipements Dupont")
    anne = make.user("exhibitor", organisation=dupont, email="anne@dupont.example", language="fr")
    draft = make.entry(edition=edition, organisation=dupont, category="cyber", title="Caméra thermique", status="draft")
    for n in range(3):
        make.entry(edition=edition, category="cyber", title=f"Firewall {n}")
        juries.add_member(actor=organiser, category=make.category(edition, "cyber"), juror=make.user("juror"))
    db.session.commit()  # services leave the commit to their caller
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, live_server.url, organiser.email)

    page.click("text=Write to exhibitors with a draft")
    assert page.input_value("select[name=audience]") == "exhibitors_with_drafts"
    page.fill("input[name=subject_en]", "48 hours left")
    page.fill("textarea[name=body_en]", "Hello {name}, {company} still has a draft. Deadline: {deadline}.")
    page.fill("input[name=subject_fr]", "Plus que 48 heures")
    page.fill("textarea[name=body_fr]", "Bonjour {name}, {company} a encore un brouillon. Date limite : {deadline}.")
    page.click("main form[novalidate] button[type=submit]")
    assert "anne@dupont.example (fr)" in page.content()
    assert "Équipements Dupont a encore un brouillon" in page.locator(".mail-sample").inner_text()
    page.screenshot(path=str(artifacts / "office-message-preview.png"), full_page=True)
    page.click("text=Yes: send it to 1 person")
    assert "Sent to 1 person" in page.content()
    assert outbox()[-1].to == anne.email and outbox()[-1].subject == "Plus que 48 heures"

    page.goto(f"{live_server.url}/organiser/")
    assert page.locator("table.submissions-by-day tr").count() == 14
    page.screenshot(path=str(artifacts / "office-dashboard.png"), full_page=True)
    page.click("text=Assign every round, or shortlist every category, in one go")
    page.screenshot(path=str(artifacts / "office-whole-edition.png"), full_page=True)
    page.click("text=Yes: apply every assignment above")
    assert "Every round assigned: 9 assignments added" in page.locator(".flash").inner_text()

    page.goto(f"{live_server.url}/organiser/entries?status=submitted&sort=company")
    page.fill("input[name=name]", "Submitted by company")
    page.click("form.save-view button[type=submit]")
    page.goto(f"{live_server.url}/organiser/entries")
    page.click("text=Submitted by company")
    assert page.locator("table.list tbody tr").count() == 3
    page.screenshot(path=str(artifacts / "office-saved-view.png"), full_page=True)

    page.goto(f"{live_server.url}/organiser/entries/{draft.id}/dossier")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    page.screenshot(path=str(artifacts / "office-dossier-print.png"), full_page=True)
    page.emulate_media(media="screen")
    context.close()

    exhibitor = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
    _log_in(exhibitor, live_server.url, anne.email)
    exhibitor.goto(f"{live_server.url}/entries/{draft.id}/edit")
    counter = exhibitor.locator("#what_is_new-counter")

    def shown():  # French groups digits with a (narrow) no-break space
        return counter.inner_text().replace("\u202f", " ").replace("\xa0", " ")

    assert shown() == "3 / 3 000 caractères"  # "New", from the factory
    exhibitor.fill("#what_is_new", "x" * 3005)
    assert shown() == "3 005 / 3 000 caractères"
    assert "over" in counter.get_attribute("class")
    assert exhibitor.input_value("#what_is_new") == "x" * 3005  # nothing cut
    exhibitor.screenshot(path=str(artifacts / "exhibitor-text-counter.png"), full_page=True)
    exhibitor.context.close()
