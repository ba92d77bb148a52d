"""From an empty database with only an organiser's account, the awards office creates its edition in Chromium."""

from datetime import datetime

from judging.extensions import db
from judging.models import Edition
from support import PASSWORD


def test_organiser_creates_the_first_edition_from_an_empty_database(browser, live_server, make, artifacts):
    organiser = make.user("organiser", email="office@milipol.example")
    page = browser.new_context(viewport={"width": 1180, "height": 900}).new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.fill("input[name=email]", organiser.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # Nothing to show yet: the dashboard sends the organiser to the new-edition form.
    page.wait_for_url("**/organiser/editions/new")
    assert "No edition exists yet" in page.content()

    page.fill("input[name=name]", "Milipol Paris 2027")
    page.fill("input[name=venue]", "Paris Nord Villepinte")
    # Out of order first: the deadline after scoring opens is refused beside the field, nothing lost.
    page.fill("input[name=entries_open_at]", "2027-03-01T09:00")
    page.fill("input[name=submission_deadline]", "2027-09-21T18:00")
    page.fill("input[name=scoring_opens_at]", "2027-09-20T09:00")
    page.fill("input[name=scoring_closes_at]", "2027-11-15T12:00")
    page.fill("input[name=ceremony_at]", "2027-11-16T17:30")
    page.click("main button[type=submit]")
    error = page.locator(".field.has-error", has=page.locator("input[name=scoring_opens_at]"))
    assert "Cannot be before “Submission deadline”" in error.inner_text()
    assert page.input_value("input[name=venue]") == "Paris Nord Villepinte"
    assert page.input_value("input[name=submission_deadline]") == "2027-09-21T18:00"

    page.fill("input[name=submission_deadline]", "2027-09-15T18:00")
    page.click("main button[type=submit]")
    page.wait_for_url("**/organiser/?edition=*")
    assert page.locator("h1").inner_text() == "Milipol Paris 2027"
    assert page.locator("li", has_text="Milipol Paris 2027").locator(".badge").inner_text() == "current"
    page.screenshot(path=str(artifacts / "organiser-first-edition.png"), full_page=True)

    edition = db.session.scalar(db.select(Edition))
    assert edition.is_current and edition.submission_deadline == datetime(2027, 9, 15, 16, 0)
    page.context.close()
