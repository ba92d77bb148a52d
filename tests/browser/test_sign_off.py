"""The jury president signs off the ranking on a tablet; a later change voids the sign-off for all to see."""

from datetime import timedelta

from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, JuryMember, Scorecard, utcnow
from support import PASSWORD


def _login(page, url, user):
    page.goto(f"{url}/auth/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_president_signs_off_on_a_tablet_confirming_missing_cards_and_sees_a_later_change_void_it(
    browser, live_server, make, artifacts
):
    edition = make.edition(deadline_in=timedelta(days=-3))
    edition.scoring_opens_at = utcnow() - timedelta(hours=2)
    edition.scoring_closes_at = utcnow() + timedelta(hours=8)
    edition.min_scorecards = 2
    category = make.category(edition, "cyber")
    organiser = make.user("organiser")
    president, colleague = make.user("juror", language="fr"), make.user("juror")
    for juror in (president, colleague):
        services.add_member(actor=organiser, category=category, juror=juror)
    services.set_president(
        actor=organiser, member=db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == president.id))
    )
    pre = category.rounds[0]
    complete, short = (make.entry(edition=edition, category="cyber", title=t) for t in ("Quantum vault", "Log hound"))
    for entry, jurors in ((complete, (president, colleague)), (short, (president,))):
        for juror in jurors:
            db.session.add(Assignment(round_id=pre.id, entry_id=entry.id, juror_id=juror.id))
            db.session.add(
                Scorecard(
                    round_id=pre.id,
                    entry_id=entry.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={c.key: 7 for c in pre.criteria},
                )
            )
    db.session.commit()

    tablet = browser.new_context(viewport={"width": 810, "height": 1080}, has_touch=True, is_mobile=True).new_page()
    _login(tablet, live_server.url, president)
    tablet.goto(f"{live_server.url}/jury/rounds/{pre.id}/sign-off")
    tablet.locator("main form button[type=submit]").last.click()
    # Refused on the same page, in French: the incomplete entry needs an explicit confirmation.
    tablet.wait_for_selector(".flash.error")
    assert "Log hound" in tablet.inner_text("main") and tablet.locator("#accept-incomplete").is_visible()
    tablet.check("#accept-incomplete")
    tablet.locator("main form button[type=submit]").last.click()
    tablet.wait_for_selector("#signoff-state.success")
    tablet.screenshot(path=str(artifacts / "sign-off-president.png"), full_page=True)

    card = db.session.scalar(
        db.select(Scorecard).where(Scorecard.entry_id == complete.id, Scorecard.juror_id == colleague.id)
    )
    card.marks = {k: 2 for k in card.marks}
    card.version += 1
    db.session.commit()

    tablet.reload()
    tablet.wait_for_selector("#signoff-state.error")
    assert "grilles ou notes" in tablet.inner_text("#signoff-state")  # what changed, in the president's language
    organiser_page = browser.new_context().new_page()
    _login(organiser_page, live_server.url, organiser)
    organiser_page.goto(f"{live_server.url}/organiser/rounds/{pre.id}")
    assert "is void" in organiser_page.inner_text("main")
    assert organiser_page.locator("text=Sign off this ranking").count() == 0  # organisers never sign off
    organiser_page.screenshot(path=str(artifacts / "sign-off-void-organiser.png"), full_page=True)
