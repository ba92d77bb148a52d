"""Actions that ask first, in Chromium: the button opens a box saying what will happen; only its "Yes" acts."""

from judging.extensions import db
from support import PASSWORD


def test_exhibitor_takes_an_entry_back_to_draft_after_reading_what_it_does(browser, live_server, make):
    edition = make.edition()
    user = make.user("exhibitor")
    entry = make.entry(edition=edition, organisation=user.organisation, title="Smart visor")
    page = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/entries/{entry.id}")
    yes = page.get_by_role("button", name="Yes: Back to draft")
    assert not yes.is_visible()  # nothing happens on the first click but the explanation
    page.get_by_text("Back to draft…").click()
    assert page.get_by_text("it will be judged only if you submit it again").first.is_visible()
    yes.click()
    page.wait_for_selector("text=Your entry is back to draft")
    db.session.refresh(entry)
    assert entry.status == "draft" and entry.title == "Smart visor"
    page.context.close()
