"""Touch and accessibility of the jury pages in Chromium: 44x44 px targets, labelled fields, an axe-core scan."""

import json

import pytest
from browser.tablet import TABLETS, card_url, login, make_world, tablet, tap_marks

SMALL_TARGETS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const targets = document.querySelectorAll(
    'a[href], button, summary, textarea, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), '
    + 'label.mark span, label.choice, label.check');  // a radio's or a checkbox's target is its label
  const small = [];
  targets.forEach(el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') return;  // not shown: not a target
    if (box.width < 44 || box.height < 44) {
      small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" `
                 + `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  });
  return {count: targets.length, small: small};
}"""

UNLABELLED = """() => Array.from(document.querySelectorAll('textarea, select, input:not([type=hidden])'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)"""


@pytest.fixture
def world(make):
    return make_world(make, entries=("Net-capture interceptor", "Radar mast"))


def _jury_pages(base, world):
    entry = world["entry"]
    return {
        "list": f"{base}/jury/",
        "scorecard": card_url(base, world),
        "conflicts": f"{base}/jury/conflicts",
        "recuse": f"{base}/jury/entries/{entry.id}/recuse?round={world['round'].id}",
        "offline": f"{base}/jury/offline",
    }


@pytest.mark.parametrize("orientation", list(TABLETS))
def test_every_target_of_the_jury_pages_is_at_least_44_px_and_every_field_is_labelled(
    browser, live_server, world, orientation
):
    context = tablet(browser, TABLETS[orientation])
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    problems = {}
    for name, url in _jury_pages(live_server.url, world).items():
        page.goto(url)
        measured, unlabelled = page.evaluate(SMALL_TARGETS), page.evaluate(UNLABELLED)
        assert measured["count"] >= 5, name  # the header, the page's links and buttons at least
        small = measured["small"]
        if small or unlabelled:
            problems[name] = {"under 44 px": small, "no label": unlabelled}
    # The review before the final submit, too.
    page.goto(card_url(live_server.url, world))
    tap_marks(page, world["criteria"], {c.key: 7 for c in world["criteria"]})
    page.click("#submit-card")
    page.wait_for_selector("#review:not([hidden])")
    if page.evaluate(SMALL_TARGETS)["small"]:
        problems["review"] = page.evaluate(SMALL_TARGETS)["small"]
    assert not problems, json.dumps(problems, indent=1)
    context.close()


def test_axe_core_finds_no_serious_or_critical_violation_on_the_jury_pages(browser, live_server, world, artifacts):
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright",
        reason="axe-playwright-python (axe-core for Playwright) is not installed",
    )
    context = tablet(browser)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    found = {}
    for name, url in _jury_pages(live_server.url, world).items():
        page.goto(url)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        results = axe.Axe().run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {len(v['nodes'])} × {v['nodes'][0]['target']}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            found[name] = bad
    (artifacts / "axe-jury-pages.json").write_text(json.dumps(found, indent=1) + "\n")
    assert not found, json.dumps(found, indent=1)
    context.close()
