"""Two jurors walk the floor of a final on their tablets while the organiser watches the live floor control on
another tablet and sends one of them to another stand."""

from datetime import timedelta

from browser.tablet import login, submit_after_review, tablet, tap_marks

from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, FloorVisit, PairwiseAnswer, utcnow
from support import PASSWORD

STANDS = ("Perimeter radar", "Crowd lens", "Bomb sniffer", "Mesh radio")


def _final_world(make):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    category = make.category(edition, "drones")
    organiser = make.user("organiser")
    anna, bruno = make.user("juror"), make.user("juror")
    anna.name, bruno.name = "Anna Juror", "Bruno Juror"
    for juror in (anna, bruno):
        services.add_member(actor=organiser, category=category, juror=juror)
    final = max(category.rounds, key=lambda r: r.position)
    final.visit_starts_at = utcnow()
    entries = []
    for n, title in enumerate(STANDS, start=1):
        company = make.organisation(hall="5", stand=f"C{n}")
        entry = make.entry(edition=edition, category="drones", organisation=company, title=title)
        entry.round_reached = final.position
        entries.append(entry)
        for juror in (anna, bruno):
            db.session.add(Assignment(round_id=final.id, entry_id=entry.id, juror_id=juror.id))
    db.session.commit()
    return dict(
        organiser=organiser, anna=anna, bruno=bruno, final=final, entries=entries, criteria=list(final.criteria)
    )


def _organiser_login(page, base, organiser):
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", organiser.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/organiser/**")


def _score_here(page, criteria, mark=7):
    tap_marks(page, criteria, {c.key: mark for c in criteria})
    submit_after_review(page)
    page.wait_for_selector("#next-entry:not([hidden])")


def test_two_jurors_walk_the_floor_while_the_organiser_watches_and_redirects_one(browser, live_server, make, artifacts):
    world = _final_world(make)
    base, final = live_server.url, world["final"]
    floor_url = f"{base}/jury/floor?round={final.id}"

    anna = tablet(browser).new_page()
    login(anna, base, world["anna"])
    assert anna.locator("a", has_text="Next stand").count() == 1  # from the juror's list
    anna.goto(floor_url)
    assert anna.inner_text("#next-title") == "Perimeter radar"  # the schedule's first stand
    anna.click("#go")
    anna.wait_for_url("**/score?round=*")
    assert "Perimeter radar" in anna.inner_text("h1")

    bruno = tablet(browser).new_page()
    login(bruno, base, world["bruno"])
    bruno.goto(floor_url)
    assert bruno.inner_text("#next-title") == "Crowd lens"  # Anna is at the first stand
    bruno.screenshot(path=str(artifacts / "floor-juror-next-stand.png"), full_page=True)

    organiser = tablet(browser, {"width": 1180, "height": 820}).new_page()
    _organiser_login(organiser, base, world["organiser"])
    organiser.goto(f"{base}/organiser/floor?round={final.id}")
    anna_row = organiser.locator(f"tr[data-juror='{world['anna'].id}']")
    bruno_row = organiser.locator(f"tr[data-juror='{world['bruno'].id}']")
    assert "Perimeter radar" in anna_row.locator(".where").inner_text()
    assert "idle" in bruno_row.locator(".where").inner_text()

    # Bruno walks to his stand: the organiser's page shows it without a reload (short polling).
    bruno.click("#go")
    bruno.wait_for_url("**/score?round=*")
    organiser.wait_for_function(
        "row => row.querySelector('.where').textContent.includes('Crowd lens')",
        arg=bruno_row.element_handle(),
        timeout=10_000,
    )

    # Anna scores her first stand, then the organiser sends her to the last stand of the walk.
    _score_here(anna, world["criteria"], mark=6)
    assert anna.locator("#pairwise").count() == 0  # nothing to compare the first stand with
    anna.click("#next-stand-link")
    anna.wait_for_url("**/jury/floor?round=*")
    assert anna.inner_text("#next-title") == "Bomb sniffer"  # nearest free stand: Bruno holds Crowd lens
    anna_row.locator("select").select_option(str(world["entries"][3].id))
    anna_row.locator("button", has_text="Send").click()
    organiser.wait_for_selector(".flash.success")
    assert "Mesh radio" in organiser.locator(f"tr[data-juror='{world['anna'].id}'] .sent").inner_text()
    organiser.screenshot(path=str(artifacts / "floor-control-organiser.png"), full_page=True)

    # Anna's page, left open, updates itself: the organiser's stand comes first.
    anna.wait_for_function("() => document.getElementById('next-title').textContent === 'Mesh radio'", timeout=10_000)
    assert anna.inner_text("#next-why") == "Sent by the organisers"
    anna.screenshot(path=str(artifacts / "floor-juror-sent.png"), full_page=True)
    anna.click("#go")
    anna.wait_for_url("**/score?round=*")
    _score_here(anna, world["criteria"], mark=8)
    assert "previous stand you scored, Perimeter radar" in anna.inner_text("#pairwise")
    anna.screenshot(path=str(artifacts / "floor-pairwise-question.png"), full_page=True)
    anna.locator("#pairwise button", has_text="Better").click()
    anna.wait_for_url("**/jury/floor?round=*")
    assert "does not change any mark" in anna.inner_text("main")
    db.session.commit()
    answer = db.session.scalar(db.select(PairwiseAnswer))
    assert (answer.entry_id, answer.previous_entry_id, answer.better) == (
        world["entries"][3].id,
        world["entries"][0].id,
        True,
    )

    # The stand Bruno finds unattended goes back in his queue; the organiser sees where everyone is.
    bruno.goto(floor_url)
    bruno.click("#skip-current")
    assert "comes back in your queue later" in bruno.inner_text("main")
    assert bruno.inner_text("#next-title") == "Perimeter radar"
    organiser.wait_for_function(
        "row => row.querySelector('.where').textContent.includes('idle')",
        arg=bruno_row.element_handle(),
        timeout=10_000,
    )
    organiser.screenshot(path=str(artifacts / "floor-control-after.png"), full_page=True)

    # The answers stay beside the marks: the methods page ranks them by Bradley–Terry, as a cross-check.
    organiser.goto(f"{base}/organiser/results/compare?round={final.id}")
    assert "Pairwise (Bradley–Terry)" in organiser.inner_text("main")
    assert "1 answer of the jurors" in organiser.inner_text("#pairwise-note")
    organiser.screenshot(path=str(artifacts / "floor-methods-pairwise.png"), full_page=True)


def test_without_signal_the_next_stand_follows_the_schedule_kept_on_the_tablet(browser, live_server, make, artifacts):
    world = _final_world(make)
    base, final = live_server.url, world["final"]
    page = tablet(browser).new_page()
    login(page, base, world["anna"])
    page.wait_for_selector("#jury-tablet[data-precached]", state="attached")
    page.goto(f"{base}/jury/floor?round={final.id}")
    page.wait_for_selector("#jury-tablet[data-kept=yes]", state="attached")
    page.click("#go")  # at the first stand, scored while the Wi-Fi still works
    page.wait_for_url("**/score?round=*")
    _score_here(page, world["criteria"])
    page.click("#next-stand-link")
    page.wait_for_url("**/jury/floor?round=*")
    assert page.inner_text("#next-title") == "Crowd lens"

    live_server.stop()  # the hall's Wi-Fi goes
    page.wait_for_selector("#next-stand[data-mode=offline]", timeout=10_000)
    assert "schedule's order" in page.inner_text("#floor-mode")
    assert page.inner_text("#next-title") == "Crowd lens"  # the first of the walk not yet scored
    page.click("#skip")  # unattended: on the tablet alone, it goes to the end of the queue
    assert page.inner_text("#next-title") == "Bomb sniffer"
    page.screenshot(path=str(artifacts / "floor-juror-offline.png"), full_page=True)
    page.reload()  # the page kept on the tablet, and the skip with it
    page.wait_for_selector("#next-stand[data-mode=offline]", timeout=10_000)
    assert page.inner_text("#next-title") == "Bomb sniffer"
    with page.expect_navigation():
        page.click("#go")  # no connection: the scorecard kept on the tablet opens
    assert page.inner_text("h1") == "Bomb sniffer"

    live_server.start()  # back online: the skip made on the tablet reaches the server's queue
    page.goto(f"{base}/jury/floor?round={final.id}")
    page.wait_for_function(
        "() => document.getElementById('next-stand').dataset.mode === 'online' && "
        "!localStorage.getItem('floor-skips:' + document.getElementById('jury-tablet').dataset.juror + ':' + "
        "document.getElementById('next-stand').dataset.round)",
        timeout=15_000,
    )
    db.session.commit()
    skipped = db.session.scalars(db.select(FloorVisit).where(FloorVisit.ended_how == "skipped")).all()
    assert [v.entry_id for v in skipped] == [world["entries"][1].id]
