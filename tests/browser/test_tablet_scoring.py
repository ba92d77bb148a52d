"""A juror scores on a tablet with Debian's Chromium: taps, live total, offline and back, two tablets, submit."""

import json
import statistics

import pytest
from browser.tablet import (
    TABLETS,
    card_url,
    expected_total,
    login,
    make_world,
    server_card,
    submit_after_review,
    tablet,
    tap_marks,
)
from playwright.sync_api import expect

from judging.extensions import db


@pytest.fixture
def world(make):
    return make_world(make)


@pytest.mark.parametrize("orientation", list(TABLETS))
def test_juror_taps_scores_goes_offline_reloads_comes_back_and_submits(
    browser, live_server, world, artifacts, orientation
):
    context = tablet(browser, TABLETS[orientation])
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    first = {c.key: 7 for c in world["criteria"]} | {world["criteria"][0].key: 9}
    tap_marks(page, world["criteria"], first)
    page.wait_for_function("document.getElementById('total').textContent !== '—'")
    assert page.text_content("#total") == f"{expected_total(world['criteria'], first):.1f}"
    page.wait_for_selector("#sync-status[data-state=saved]")
    assert server_card(world).marks == first
    page.screenshot(path=str(artifacts / f"scorecard-{orientation}.png"), full_page=True)

    # The offline copy is in place before the signal goes.
    page.wait_for_selector("#jury-tablet[data-kept=yes]", state="attached")
    context.set_offline(True)
    live_server.stop()
    last = {c.key: 4 for c in world["criteria"]} | {world["criteria"][1].key: 10}
    tap_marks(page, world["criteria"], last)
    page.wait_for_selector("#sync-status[data-state=offline]")
    assert server_card(world).marks == first  # nothing reached the server
    page.reload()
    page.wait_for_selector("#sync-status[data-state=offline], #sync-status[data-state=retry]")
    for criterion in world["criteria"]:
        checked = page.locator(f"input[name='mark-{criterion.key}']:checked").get_attribute("value")
        assert checked == str(last[criterion.key])
    page.screenshot(path=str(artifacts / f"scorecard-{orientation}-offline.png"), full_page=True)
    live_server.start()
    context.set_offline(False)  # the browser fires `online`; the tablet sends what it kept
    page.wait_for_selector("#sync-status[data-state=saved]", timeout=20000)
    card = server_card(world)
    assert card.marks == last and card.status == "draft"

    submit_after_review(page)
    page.wait_for_selector("#submitted-note:not([hidden])")
    assert server_card(world).status == "submitted"
    assert page.locator("input[name^=mark-]:not([disabled])").count() == 0
    page.reload()
    page.wait_for_selector("text=Submitted: this scorecard is final")
    context.close()


def test_each_tap_is_one_small_request_and_reaches_saved_quickly(browser, live_server, world, artifacts):
    """One JSON request per save, no page or asset download; tap-to-"saved" is recorded in the suite's metrics."""
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    page.wait_for_load_state("networkidle")
    live_server.requests.clear()
    key = world["criteria"][0].key
    for value in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):
        page.locator(f"fieldset[data-key={key}] label.mark", has_text=str(value)).first.tap()
        page.wait_for_selector(f"#sync-status[data-state=saved][data-saves='{value}']")
    # The browser's own check for a new service worker may come at any time; it is not a cost of the taps.
    requests = [r for r in live_server.requests if r != "GET /jury/sw.js"]
    assert requests == [f"POST /jury/api/scorecards/{world['round'].id}/{world['entry'].id}"] * 10
    timings = page.evaluate("window.tapToSavedMs")
    metrics = {
        "tap_to_saved_ms_median": round(statistics.median(timings), 1),
        "tap_to_saved_ms_max": round(max(timings), 1),
        "requests_per_tap": len(requests) / 10,
    }
    print("tablet metrics", json.dumps(metrics))
    (artifacts / "tablet-metrics.json").write_text(json.dumps(metrics) + "\n")
    assert server_card(world).marks == {key: 10}
    context.close()


def test_two_tablets_compare_marks_and_comments_in_view_and_keep_either_per_criterion(
    browser, live_server, world, artifacts
):
    url = card_url(live_server.url, world)
    tablet_a, tablet_b = tablet(browser, TABLETS["portrait"]), tablet(browser, TABLETS["landscape"])
    page_a, page_b = tablet_a.new_page(), tablet_b.new_page()
    for page in (page_a, page_b):
        login(page, live_server.url, world["juror"])
        page.goto(url)
    first, second = world["criteria"][0].key, world["criteria"][1].key
    page_a.locator(f"fieldset[data-key={first}] summary").tap()
    page_a.fill(f"#comment-{first}", "Convincing live demo")
    page_a.locator(f"fieldset[data-key={first}] label.mark", has_text="3").first.tap()
    page_a.wait_for_selector("#sync-status[data-state=saved]")
    assert server_card(world).comments == {first: "Convincing live demo"}

    page_b.locator(f"fieldset[data-key={second}] label.mark", has_text="5").first.tap()
    page_b.wait_for_selector("#conflict:not([hidden])")
    panel = page_b.locator("#conflict")
    expect(page_b.locator("#conflict-title")).to_be_in_viewport()  # brought into view, not 700 px below
    row = panel.locator(f"tr[data-key={first}] td").all_text_contents()
    assert row[1] == "—" and row[2].startswith("3") and "Convincing live demo" in row[2]  # the comment is shown
    assert panel.locator(f"tr[data-key={second}] td").all_text_contents()[1:] == ["5", "—"]
    page_b.screenshot(path=str(artifacts / "scorecard-conflict.png"))
    # Keep the other device's mark and comment on the first criterion, this tablet's mark on the second.
    panel.locator(f"input[name=choose-{first}][value=theirs]").check()
    panel.locator(f"input[name=choose-{second}][value=mine]").check()
    page_b.click("#keep-chosen")
    page_b.wait_for_selector("#sync-status[data-state=saved]")
    card = server_card(world)
    assert card.marks == {first: 3, second: 5} and card.comments == {first: "Convincing live demo"}
    assert page_b.input_value(f"#comment-{first}") == "Convincing live demo"
    tablet_a.close()
    tablet_b.close()


def test_frozen_results_turn_the_open_scorecard_read_only_with_the_reason(browser, live_server, world):
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    page.goto(card_url(live_server.url, world))
    world["edition"].results_state = "frozen"
    db.session.commit()
    tap_marks(page, world["criteria"], {world["criteria"][0].key: 6})
    page.wait_for_selector("#sync-status[data-state=closed]")
    assert "The results are frozen" in page.text_content("#closed-reason")
    assert page.locator("input[name^=mark-]:not([disabled])").count() == 0
    assert server_card(world) is None
    context.close()
