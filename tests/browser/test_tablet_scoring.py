"""A juror scores on a tablet with Debian's Chromium: taps, live total, offline and back, two tablets, submit."""
from datetime import timedelta

import pytest

import scoring
from judging.extensions import db
from judging.jury import services
from judging.models import Assignment, Scorecard, utcnow
from support import PASSWORD

TABLETS = {"portrait": {"width": 810, "height": 1080}, "landscape": {"width": 1180, "height": 820}}


@pytest.fixture
def world(make):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    category = make.category(edition, "drones")
    organiser = make.user("organiser")
    juror = make.user("juror")
    services.add_member(actor=organiser, category=category, juror=juror)
    round_ = category.rounds[0]
    entry = make.entry(edition=edition, category="drones", title="Net-capture interceptor")
    db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()
    return dict(juror=juror, round=round_, entry=entry, criteria=list(round_.criteria))


def _tablet(browser, viewport):
    return browser.new_context(viewport=viewport, has_touch=True, is_mobile=True, device_scale_factor=1)


def _login(page, base, juror):
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", juror.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/jury/")


def _tap_marks(page, criteria, marks):
    for criterion in criteria:
        page.locator(f"fieldset[data-key={criterion.key}] label.mark", has_text=str(marks[criterion.key])).first.tap()


def _expected_total(criteria, marks):
    return scoring.weighted_total(marks, [scoring.Criterion(c.key, c.weight, c.scale_min, c.scale_max) for c in criteria])


def _server_card(world):
    db.session.commit()  # end the test's read snapshot, to see what the server wrote
    return db.session.scalar(db.select(Scorecard).where(Scorecard.entry_id == world["entry"].id))


@pytest.mark.parametrize("orientation", list(TABLETS))
def test_juror_taps_scores_goes_offline_reloads_comes_back_and_submits(browser, live_server, world, artifacts,
                                                                        orientation):
    context = _tablet(browser, TABLETS[orientation])
    page = context.new_page()
    _login(page, live_server.url, world["juror"])
    url = f"{live_server.url}/jury/entries/{world['entry'].id}/score?round={world['round'].id}"
    page.goto(url)
    # Touch targets of at least 44 px.
    box = page.locator("label.mark span").first.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    first = {c.key: 7 for c in world["criteria"]} | {world["criteria"][0].key: 9}
    _tap_marks(page, world["criteria"], first)
    page.wait_for_function("document.getElementById('total').textContent !== '—'")
    assert page.text_content("#total") == f"{_expected_total(world['criteria'], first):.1f}"
    page.wait_for_selector("#sync-status[data-state=saved]")
    assert _server_card(world).marks == first
    page.screenshot(path=str(artifacts / f"scorecard-{orientation}.png"), full_page=True)

    page.evaluate("navigator.serviceWorker.ready")  # the offline copy is in place before the signal goes
    context.set_offline(True)
    live_server.stop()
    last = {c.key: 4 for c in world["criteria"]} | {world["criteria"][1].key: 10}
    _tap_marks(page, world["criteria"], last)
    page.wait_for_selector("#sync-status[data-state=offline]")
    assert _server_card(world).marks == first  # nothing reached the server
    page.reload()
    page.wait_for_selector("#sync-status[data-state=offline]")
    for criterion in world["criteria"]:
        checked = page.locator(f"input[name='mark-{criterion.key}']:checked").get_attribute("value")
        assert checked == str(last[criterion.key])
    page.screenshot(path=str(artifacts / f"scorecard-{orientation}-offline.png"), full_page=True)
    live_server.start()
    context.set_offline(False)  # the browser fires `online`; the tablet sends what it kept
    page.wait_for_selector("#sync-status[data-state=saved]", timeout=15000)
    card = _server_card(world)
    assert card.marks == last and card.status == "draft"

    page.click("#submit-card")
    page.wait_for_selector("text=Submitted: this scorecard is final")
    assert _server_card(world).status == "submitted"
    assert page.locator("input[name^=mark-]:not([disabled])").count() == 0
    context.close()


def test_two_tablets_never_overwrite_each_other_silently(browser, live_server, world, artifacts):
    url = f"{live_server.url}/jury/entries/{world['entry'].id}/score?round={world['round'].id}"
    tablet_a, tablet_b = _tablet(browser, TABLETS["portrait"]), _tablet(browser, TABLETS["landscape"])
    page_a, page_b = tablet_a.new_page(), tablet_b.new_page()
    for page in (page_a, page_b):
        _login(page, live_server.url, world["juror"])
        page.goto(url)
    key = world["criteria"][0].key
    page_a.locator(f"fieldset[data-key={key}] label.mark", has_text="3").first.tap()
    page_a.wait_for_selector("#sync-status[data-state=saved]")
    page_b.locator(f"fieldset[data-key={key}] label.mark", has_text="8").first.tap()
    page_b.wait_for_selector("#conflict:not([hidden])")
    rows = page_b.locator("#conflict-rows tr").first.locator("td").all_text_contents()
    assert rows[1:] == ["8", "3"]  # this tablet, the other device
    page_b.screenshot(path=str(artifacts / "scorecard-conflict.png"))
    page_b.click("#keep-mine")
    page_b.wait_for_selector("#sync-status[data-state=saved]")
    assert _server_card(world).marks == {key: 8}
    tablet_a.close()
    tablet_b.close()
