"""The tablet's outbox in Chromium: nothing a juror taps is lost, stranded or turned into something else."""

import time

import pytest
from browser.tablet import card_url, login, make_world, outbox, server_card, submit_after_review, tablet, tap_marks
from playwright.sync_api import expect


@pytest.fixture
def world(make):
    return make_world(make, entries=("Net-capture interceptor", "Radar mast"))


def _all(world, value):
    return {c.key: value for c in world["criteria"]}


def test_submit_tapped_with_no_signal_is_kept_and_completed_when_the_server_returns(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    tap_marks(page, world["criteria"], _all(world, 6))
    page.wait_for_selector("#sync-status[data-state=saved]")
    page.wait_for_selector("#jury-tablet[data-kept=yes]", state="attached")  # kept for a reload with no signal
    live_server.stop()
    context.set_offline(True)
    submit_after_review(page)
    page.wait_for_selector("#sync-status[data-state=queued]")
    assert "will be submitted when the connection returns" in page.text_content("#sync-status")
    expect(page.locator("#queued-note")).to_be_visible()
    assert server_card(world).status == "draft"
    page.reload()  # from the service worker's copy: the intent is still there, and still says so
    page.wait_for_selector("#sync-status[data-state=queued]")
    live_server.start()
    context.set_offline(False)
    page.wait_for_selector("#sync-status[data-state=submitted]", timeout=20000)
    card = server_card(world)
    assert card.status == "submitted" and card.marks == _all(world, 6)
    assert outbox(page) == []
    expect(page.locator("#next-entry a")).to_contain_text("Radar mast")
    context.close()


def test_submit_tapped_while_an_autosave_is_in_flight_is_submitted_not_left_a_draft(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    live_server.hold("/jury/api/")
    tap_marks(page, world["criteria"], _all(world, 8))
    assert live_server.arrived.wait(10)  # the first autosave is on the server, its reply not yet sent
    submit_after_review(page)
    page.wait_for_selector("#sync-status[data-state=submitting]")
    live_server.release()
    page.wait_for_selector("#sync-status[data-state=submitted]", timeout=20000)
    card = server_card(world)
    assert card.status == "submitted" and card.marks == _all(world, 8)
    context.close()


def test_marks_of_a_tab_closed_offline_are_sent_from_the_list_which_says_waiting_to_send(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    page.wait_for_selector("#jury-tablet[data-kept=yes]", state="attached")
    live_server.stop()
    tap_marks(page, world["criteria"], _all(world, 4))
    page.wait_for_selector("#sync-status[data-state=retry], #sync-status[data-state=offline]")
    page.close()
    assert server_card(world) is None

    live_server.start()
    live_server.hold("/jury/api/")
    page = context.new_page()
    page.goto(f"{live_server.url}/jury/")
    row = page.locator(f"tr[data-card='{world['round'].id}-{world['entry'].id}']")
    expect(row.locator(".outbox-note")).to_have_text("waiting to send")
    live_server.release()
    expect(row.locator(".outbox-note")).to_be_hidden(timeout=20000)
    expect(row.locator(".card-status")).to_have_text("draft")
    assert server_card(world).marks == _all(world, 4)
    context.close()


def test_a_comment_typed_just_before_the_tab_closes_is_sent_on_the_way_out(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    key = world["criteria"][0].key
    page.locator(f"fieldset[data-key={key}] summary").tap()
    page.fill(f"#comment-{key}", "Works with gloves on")
    page.close(run_before_unload=True)  # well inside the typing pause: only the pagehide flush can send it
    other = context.new_page()  # a page outside the jury area, which sends nothing itself
    other.goto(f"{live_server.url}/")
    for _ in range(100):
        card = server_card(world)
        if card is not None:
            break
        other.wait_for_timeout(100)  # polling the database for the state, not sleeping for luck
    assert card is not None and card.comments == {key: "Works with gloves on"}
    context.close()


def test_a_login_page_instead_of_the_expected_json_is_not_taken_as_saved(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    page.wait_for_selector("#jury-tablet[data-kept=yes]", state="attached")  # no request left to renew the cookie
    context.clear_cookies()  # the session ended: the save is refused for want of a session, or meets the login page
    tap_marks(page, world["criteria"], {world["criteria"][0].key: 9})
    page.wait_for_selector("#sync-status[data-state=retry]")
    assert server_card(world) is None and len(outbox(page)) == 1
    other = context.new_page()
    login(other, live_server.url, world["juror"])  # logged in again: the list sends what waited
    row = other.locator(f"tr[data-card='{world['round'].id}-{world['entry'].id}']")
    expect(row.locator(".card-status")).to_have_text("draft", timeout=20000)
    expect(row.locator(".outbox-note")).to_be_hidden()
    assert server_card(world).marks == {world["criteria"][0].key: 9}
    context.close()


def test_logout_warns_about_what_cannot_be_sent_then_leaves_nothing_for_the_next_person(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.wait_for_selector("#jury-tablet[data-precached]", state="attached")
    page.goto(card_url(live_server.url, world))
    tap_marks(page, world["criteria"], _all(world, 5))
    page.wait_for_selector("#sync-status[data-state=saved]")
    page.wait_for_selector("#jury-tablet[data-kept=yes]", state="attached")

    live_server.stop()
    tap_marks(page, world["criteria"], {world["criteria"][0].key: 2})
    page.click("header form[action$='/auth/logout'] button")
    expect(page.locator("#logout-warning")).to_be_visible()
    expect(page.locator("#logout-unsent")).to_contain_text("Net-capture interceptor")
    page.click("#logout-stay")
    live_server.start()
    page.wait_for_selector("#sync-status[data-state=saved]", timeout=30000)  # the retry sent it
    assert server_card(world).marks[world["criteria"][0].key] == 2

    page.click("header form[action$='/auth/logout'] button")
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0

    live_server.stop()  # the next person, with no signal, finds nothing of the last juror
    for url in (
        f"{live_server.url}/jury/",
        card_url(live_server.url, world),
        card_url(live_server.url, world, world["entries"][1]),
    ):
        try:
            page.goto(url)
        except Exception:  # noqa: BLE001  (no server and nothing kept: the browser's own error page)
            continue
        content = page.content()
        assert "Net-capture interceptor" not in content and world["juror"].email not in content
    context.close()


def test_marks_kept_by_the_previous_scorecard_script_are_sent_after_the_upgrade(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    key, old = world["criteria"][0].key, f"scorecard-{world['juror'].id}-{world['round'].id}-{world['entry'].id}"
    page.evaluate(
        "([name, mark]) => localStorage.setItem(name, JSON.stringify("
        "{base: 0, values: {marks: mark, comments: {}, overall_comment: ''}, at: 1}))",
        [old, {key: 7}],
    )
    page.reload()
    row = page.locator(f"tr[data-card='{world['round'].id}-{world['entry'].id}']")
    expect(row.locator(".card-status")).to_have_text("draft", timeout=20000)
    assert server_card(world).marks == {key: 7}
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('scorecard-'))") == []
    context.close()


def test_a_save_whose_reply_was_lost_is_not_shown_as_another_devices_change(browser, live_server, world):
    """The first tap reaches the server but the tab closes before its reply; a second tap waited in the outbox.
    Reopened, the tablet recognises its own save on the server and sends the second tap on top of it."""
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    first, second = world["criteria"][0].key, world["criteria"][1].key
    live_server.hold("/jury/api/")
    tap_marks(page, world["criteria"], {first: 3})
    assert live_server.arrived.wait(10)
    tap_marks(page, world["criteria"], {second: 9})
    page.close()
    live_server.release()  # the first save lands; nobody hears its reply
    for _ in range(200):  # wait for the server's write (a state), at most 10 s
        if server_card(world) is not None:
            break
        time.sleep(0.05)
    assert server_card(world).marks == {first: 3}

    page = context.new_page()
    page.goto(card_url(live_server.url, world))
    page.wait_for_selector("#sync-status[data-state=saved]", timeout=20000)
    expect(page.locator("#conflict")).to_be_hidden()
    assert server_card(world).marks == {first: 3, second: 9}
    context.close()
