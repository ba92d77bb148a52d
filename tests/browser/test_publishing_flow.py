"""The organiser publishes the results in a real browser: freeze, readiness, refusals on the readiness page,
a confirmed publication, the public winners page, then the result mails sent once."""

import re
from datetime import timedelta

from judging.domain import juries as services, rounds
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, Edition, Scorecard, utcnow
from support import PASSWORD


def _world(make):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(days=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    edition.min_scorecards = 1
    category = make.category(edition, "crisis")
    organiser, president = make.user("organiser"), make.user("juror")
    services.add_member(actor=organiser, category=category, juror=president)
    services.set_president(actor=organiser, member=services.jury_of(category).members[0])
    pre = category.rounds[0]
    for title, mark, language in (("Siren grid", 9, "fr"), ("Flood map", 4, "en")):
        company = make.organisation()
        make.user("exhibitor", organisation=company, language=language)
        entry = make.entry(edition=edition, category="crisis", organisation=company, title=title)
        db.session.add(Assignment(round_id=pre.id, entry_id=entry.id, juror_id=president.id))
        db.session.add(
            Scorecard(
                round_id=pre.id,
                entry_id=entry.id,
                juror_id=president.id,
                status="submitted",
                marks={c.key: mark for c in pre.criteria},
                version=1,
            )
        )
    db.session.commit()
    return edition, category, organiser, president


def test_organiser_checks_readiness_confirms_publishes_then_sends_the_mails(browser, live_server, make, artifacts):
    edition, category, organiser, president = _world(make)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.fill("input[name=email]", organiser.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/organiser/?edition={edition.id}")
    page.click("button:has-text('Freeze the results')")
    page.click("text=Check readiness and publish")
    page.wait_for_url(re.compile(r"/organiser/results/readiness"))
    crisis = page.locator("tr[data-category=crisis]")
    assert crisis.locator("[data-ok=no]").count() == 1  # frozen, complete, no tie, winner fit; not signed off
    assert "2 exhibitor contacts: 1 in English, 1 in French" in page.locator("#mail-counts").inner_text()

    # Publishing before the president's sign-off: refused on this page, with the reason, nothing published.
    page.check("#publish-form input[name=confirm]")
    page.click("#publish-form button[type=submit]")
    assert "The results cannot be published yet." in page.locator("#refusal").inner_text()
    assert "Crisis management: the ranking is not signed off" in page.locator("#refusal").inner_text()
    assert client_state(edition) == "frozen"

    rounds.sign_off(actor=president, round_=rounds.deciding_round(category))
    db.session.commit()
    page.goto(f"{live_server.url}/organiser/results/readiness?edition={edition.id}")
    assert page.locator("[data-ok=no]").count() == 0
    page.locator("details.mail-preview[data-language=fr] summary").click()
    assert "Siren grid: lauréat" in page.locator("details.mail-preview[data-language=fr] pre").inner_text()
    page.screenshot(path=str(artifacts / "publishing-readiness.png"), full_page=True)

    # Without the tick: refused on the page. With it: published, and no mail has gone out.
    page.click("#publish-form button[type=submit]")
    assert "Tick the confirmation" in page.locator("#refusal").inner_text()
    page.check("#publish-form input[name=confirm]")
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector("text=Results published: the winners page is public.")
    assert client_state(edition) == "published" and outbox() == []
    winners = browser.new_context().new_page()
    winners.goto(f"{live_server.url}/winners/{edition.slug}")
    award = winners.locator("section.award", has_text="Crisis management").inner_text()
    assert "Siren grid" in award.split("Finalists")[0] and "Flood map" in award.split("Finalists")[1]

    # The separate step: the result mails, once.
    page.check("#send-mails-form input[name=confirm]")
    page.click("#send-mails-form button[type=submit]")
    page.wait_for_selector("text=Result mails sent to 2 exhibitors.")
    assert page.locator("#send-mails-form").count() == 0 and "result mails sent on" in page.content()
    assert sorted(m.subject.split(" ")[0] for m in outbox()) == ["Milipol", "Résultats"]
    page.screenshot(path=str(artifacts / "publishing-published.png"), full_page=True)


def client_state(edition: Edition) -> str:
    db.session.commit()  # a fresh read of what the server committed
    return db.session.get(Edition, edition.id).results_state
