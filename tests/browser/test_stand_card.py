"""On the stand: a juror scans the finalist's card on a tablet, logs in and lands on the final's scorecard."""

import re
from datetime import timedelta

import segno
from browser.tablet import submit_after_review
from playwright.sync_api import expect

from judging.domain import juries as services, rounds
from judging.extensions import db
from judging.models import Assignment, Scorecard, utcnow
from support import PASSWORD


def test_juror_opens_the_stand_cards_qr_link_on_a_tablet_and_scores_the_final(browser, live_server, make, artifacts):
    edition = make.edition(deadline_in=timedelta(days=-3))
    edition.scoring_opens_at = utcnow() - timedelta(hours=2)
    edition.scoring_closes_at = utcnow() + timedelta(hours=8)
    category = make.category(edition, "first-responder")
    organiser, juror = make.user("organiser"), make.user("juror")
    services.add_member(actor=organiser, category=category, juror=juror)
    pre, final = category.rounds
    entry = make.entry(edition=edition, category="first-responder", title="Smart helmet")
    entry.round_reached = 2
    db.session.add(Assignment(round_id=final.id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()

    organiser_tab = browser.new_context().new_page()
    organiser_tab.goto(f"{live_server.url}/auth/login")
    organiser_tab.fill("input[name=email]", organiser.email)
    organiser_tab.fill("input[name=password]", PASSWORD)
    organiser_tab.click("button[type=submit]")
    organiser_tab.goto(f"{live_server.url}/organiser/rounds/{final.id}/stand-cards")
    link = organiser_tab.locator("a.qr-link").first.get_attribute("href")
    assert re.search(rf"/jury/entries/{entry.id}/score\?round={final.id}$", link)
    # The QR code on the card encodes exactly that link, and nothing else (no secret).
    expected = segno.make(link, error="m").svg_data_uri(scale=5, border=2)
    assert organiser_tab.locator(".qr img").first.get_attribute("src") == expected
    organiser_tab.screenshot(path=str(artifacts / "stand-card.png"))

    tablet = browser.new_context(viewport={"width": 810, "height": 1080}, has_touch=True, is_mobile=True)
    page = tablet.new_page()
    page.goto(link)  # what the camera app opens
    page.wait_for_url(re.compile(r"/auth/login"))
    page.fill("input[name=email]", juror.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/jury/entries/{entry.id}/score"))
    assert page.locator("#pitch-timer").is_visible()
    # The pitch timer runs from a monotonic clock, survives a reload, stays in view and signals the end.
    timer = page.locator("#pitch-timer")
    timer.locator("[data-action=toggle]").tap()
    page.wait_for_selector("#pitch-timer[data-state=running]")
    page.reload()
    page.wait_for_selector("#pitch-timer[data-state=running]")
    minutes, seconds = timer.locator("output").text_content().split(":")
    assert 0 < int(minutes) * 60 + int(seconds) <= final.slot_minutes * 60
    page.mouse.wheel(0, 3000)
    expect(timer).to_be_in_viewport()
    page.evaluate("""() => { const key = document.getElementById('pitch-timer').dataset.key;
        localStorage.setItem(key,
          JSON.stringify({left: 0, endAt: performance.timeOrigin + performance.now() + 500})); }""")
    page.wait_for_selector("#pitch-timer[data-state=over]")
    expect(timer.locator(".time-up")).to_be_visible()
    for criterion in final.criteria:
        page.locator(f"fieldset[data-key={criterion.key}] label.mark", has_text="8").first.tap()
    page.wait_for_selector("#sync-status[data-state=saved]")
    submit_after_review(page)
    page.wait_for_selector("#submitted-note:not([hidden])")
    page.reload()
    page.wait_for_selector("text=Submitted: this scorecard is final")
    db.session.commit()
    card = db.session.scalar(db.select(Scorecard).where(Scorecard.round_id == final.id))
    assert card.status == "submitted" and set(card.marks) == {c.key for c in final.criteria}
    assert rounds.visit_schedule(final)[0].entry.id == entry.id
