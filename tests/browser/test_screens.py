"""Screenshots for people to look at: the organiser's dashboard and the French scoring page."""

from judging.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from judging.extensions import db
from judging.models import Assignment, User


def _login(page, base, email):
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_dashboard_and_french_scoring_page_screenshots(browser, live_server, artifacts):
    load_demo()
    context = browser.new_context(viewport={"width": 1180, "height": 820})
    page = context.new_page()
    _login(page, live_server.url, DEMO_LOGINS[0][1])
    page.goto(f"{live_server.url}/organiser/")
    assert page.locator("svg.juror-chart").count() > 0 and page.locator("progress").count() > 0
    page.screenshot(path=str(artifacts / "organiser-dashboard.png"), full_page=True)
    context.close()

    french_juror = db.session.scalar(
        db.select(User)
        .where(User.role == "juror", User.language == "fr")
        .join(Assignment, Assignment.juror_id == User.id)
        .limit(1)
    )
    assignment = db.session.scalar(
        db.select(Assignment)
        .where(Assignment.juror_id == french_juror.id)
        .order_by(Assignment.round_id.desc())
        .limit(1)
    )
    tablet = browser.new_context(viewport={"width": 810, "height": 1080}, has_touch=True, is_mobile=True)
    page = tablet.new_page()
    _login(page, live_server.url, french_juror.email)
    page.goto(f"{live_server.url}/jury/entries/{assignment.entry_id}/score?round={assignment.round_id}")
    assert "Total pondéré" in page.content() and page.get_attribute("html", "lang") == "fr"
    page.screenshot(path=str(artifacts / "scorecard-french.png"), full_page=True)
    tablet.close()
