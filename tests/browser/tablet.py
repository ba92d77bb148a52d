"""What the tablet tests share: a juror with entries to score, a touch tablet, login, taps and the server's copy."""

from __future__ import annotations

from datetime import timedelta

import scoring
from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, Scorecard, utcnow
from support import PASSWORD

TABLETS = {"portrait": {"width": 810, "height": 1080}, "landscape": {"width": 1180, "height": 820}}


def make_world(make, *, entries=("Net-capture interceptor",), language="en"):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    category = make.category(edition, "drones")
    organiser = make.user("organiser")
    juror = make.user("juror")
    juror.language = language
    services.add_member(actor=organiser, category=category, juror=juror)
    round_ = category.rounds[0]
    made = [make.entry(edition=edition, category="drones", title=title) for title in entries]
    for entry in made:
        db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()
    return dict(edition=edition, juror=juror, round=round_, entry=made[0], entries=made, criteria=list(round_.criteria))


def tablet(browser, viewport=None):
    return browser.new_context(
        viewport=viewport or TABLETS["portrait"], has_touch=True, is_mobile=True, device_scale_factor=1
    )


def login(page, base, juror):
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", juror.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/jury/")


def card_url(base, world, entry=None):
    return f"{base}/jury/entries/{(entry or world['entry']).id}/score?round={world['round'].id}"


def tap_marks(page, criteria, marks):
    for criterion in criteria:
        if criterion.key in marks:
            page.locator(
                f"fieldset[data-key={criterion.key}] label.mark", has_text=str(marks[criterion.key])
            ).first.tap()


def expected_total(criteria, marks):
    return scoring.weighted_total(
        marks, [scoring.Criterion(c.key, c.weight, c.scale_min, c.scale_max) for c in criteria]
    )


def server_card(world, entry=None):
    db.session.commit()  # end the test's read snapshot, to see what the server wrote
    return db.session.scalar(
        db.select(Scorecard).where(Scorecard.entry_id == (entry or world["entry"]).id, Scorecard.purpose == "counted")
    )


def submit_after_review(page):
    page.click("#submit-card")
    page.wait_for_selector("#review:not([hidden])")
    page.click("#confirm-submit")


def outbox(page):
    return page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('outbox:'))")
