"""The jury pages at 200 % zoom and beyond (WCAG 1.4.10 reflow, 1.4.4 resize text), 8 px between tap targets and
3:1 non-text contrast (WCAG 1.4.11: mark buttons, input borders, focus ring, save indicator), measured in Chromium
from the laid-out page and its computed styles."""

import json

import pytest
from browser.tablet import card_url, login, make_world, server_card, tap_marks

from judging.domain import juries as services
from judging.extensions import db
from judging.models import JuryMember, Scorecard

# 320 CSS px is WCAG's reflow width (1280 px at 400 %); 405 and 590 are the portrait and landscape tablets at 200 %.
WIDTHS = (320, 405, 590)

# Tap targets: what a finger hits. A radio's target is its big label; a checkbox's is its label.
TARGETS = (
    "a[href], button, summary, textarea, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), "
    "label.mark span, label.choice, label.check"
)

OVERFLOW = """(targets) => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const root = document.documentElement, width = root.clientWidth, cut = [];
  document.querySelectorAll(targets + ', h1, h2, p, td, th, legend, output').forEach(el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') return;
    if (box.left < -0.5 || box.right > width + 0.5) {
      cut.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" `
               + `${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    }
  });
  return {scrollWidth: root.scrollWidth, clientWidth: width, bodyScroll: document.body.scrollWidth, cut: cut};
}"""

SPACING = """(targets) => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const shown = Array.from(document.querySelectorAll(targets)).filter(el => {
    const box = el.getBoundingClientRect();
    return box.width && box.height && getComputedStyle(el).visibility !== 'hidden';
  });
  const boxes = shown.map(el => el.getBoundingClientRect()), close = [];
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) {
      const a = shown[i], b = shown[j];
      if (a.contains(b) || b.contains(a)) continue;  // one target (a label and its box)
      const p = boxes[i], q = boxes[j];
      const dx = Math.max(0, q.left - p.right, p.left - q.right);
      const dy = Math.max(0, q.top - p.bottom, p.top - q.bottom);
      const gap = Math.hypot(dx, dy);
      if (gap < 7.5) {
        const name = el => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 20)}"`;
        close.push(`${name(a)} / ${name(b)}: ${gap.toFixed(1)} px`);
      }
    }
  }
  return {count: shown.length, close: close};
}"""

# WCAG's relative luminance and contrast ratio, computed from the computed colours; the colour behind an element is
# the first opaque background among its ancestors (translucent ones are blended over it).
CONTRAST = """
window.__contrast = (() => {
  const parse = c => { const m = c.match(/[\\d.]+/g) || [0, 0, 0, 0];
                       return {r: +m[0], g: +m[1], b: +m[2], a: m.length > 3 ? +m[3] : 1}; };
  const blend = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                  b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (x, y) => { const [l1, l2] = [luminance(x), luminance(y)].sort((p, q) => q - p);
                            return (l1 + 0.05) / (l2 + 0.05); };
  const behind = el => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
    }
    return layers.reverse().reduce((under, top) => blend(top, under), {r: 255, g: 255, b: 255, a: 1});
  };
  const name = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || el.name || '')
                        .trim().slice(0, 20)}"`;
  return {parse, blend, ratio, behind, name};
})();
"""

BOUNDARIES = """() => {
  const {parse, blend, ratio, behind, name} = window.__contrast, low = [];
  let measured = 0;
  // A control's boundary: its border against what is around it, unless its own fill already stands out.
  document.querySelectorAll('label.mark span, textarea, select, input:not([type=hidden]):not([type=radio]), '
                            + 'button, #sync-status').forEach(el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || el.closest('[hidden]') || el.matches(':disabled')
        || el.matches('.mark input:disabled + span') || style.visibility === 'hidden') return;
    if (el.matches('button.link')) return;  // a text link styled as a button: its text is what shows
    const around = behind(el.parentElement), fill = blend(parse(style.backgroundColor), around);
    const border = parseFloat(style.borderTopWidth) ? blend(parse(style.borderTopColor), around) : fill;
    const best = Math.max(ratio(border, around), ratio(fill, around));
    measured++;
    if (best < 3) low.push(`${name(el)} ${best.toFixed(2)}:1`);
  });
  return {measured, low};
}"""

FOCUS_RING = """() => {
  const {parse, blend, ratio, behind, name} = window.__contrast;
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  // A mark's radio is invisible: its ring is drawn on the big label beside it.
  if (el.matches('.mark input')) el = el.nextElementSibling;
  const style = getComputedStyle(el), around = behind(el.parentElement);
  const width = parseFloat(style.outlineWidth) || 0, visible = style.outlineStyle !== 'none' && width >= 2;
  const ring = blend(parse(style.outlineColor), around);
  return {name: name(el), visible, width, ratio: visible ? ratio(ring, around) : 0};
}"""


@pytest.fixture
def world(make):
    world = make_world(make, entries=("Net-capture interceptor with a long-winded name for reflow", "Radar mast"))
    member = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == world["juror"].id))
    services.set_president(actor=make.user("organiser"), member=member)
    world["round"].category.rounds[-1].on_stand = True  # the final is judged on the stands: the visits page
    world["edition"].min_scorecards = 2  # one card only: the sign-off asks to confirm missing cards (a checkbox)
    db.session.add(
        Scorecard(
            round_id=world["round"].id,
            entry_id=world["entries"][1].id,
            juror_id=world["juror"].id,
            status="submitted",
            marks={c.key: 7 for c in world["criteria"]},
        )
    )
    db.session.commit()
    return world


def _pages(base, world):
    return {
        "list": f"{base}/jury/",
        "scorecard": card_url(base, world),
        "sign-off": f"{base}/jury/rounds/{world['round'].id}/sign-off",
        "stand visits": f"{base}/jury/schedule",
    }


def _open_review(page, world):
    tap_marks(page, world["criteria"], {c.key: 7 for c in world["criteria"]})
    page.click("#submit-card")
    page.wait_for_selector("#review:not([hidden])")


def _changed_on_another_device(world):
    """The juror's other tablet saved a newer version, with a long comment, in the meantime."""
    card = server_card(world)
    first = world["criteria"][0].key
    card.marks = card.marks | {first: 2}
    card.comments = {first: "Seen on the stand: the interceptor missed twice in a crosswind before locking on."}
    card.version += 1
    db.session.commit()


def test_jury_pages_reflow_at_200_percent_zoom_with_no_horizontal_scrolling_and_nothing_cut(
    browser, live_server, world, artifacts
):
    problems = {}
    for width in WIDTHS:
        # The same CSS width a tablet has at 200 % zoom; twice the pixels, as zoom renders them.
        context = browser.new_context(
            viewport={"width": width, "height": 700}, has_touch=True, is_mobile=True, device_scale_factor=2
        )
        page = context.new_page()
        login(page, live_server.url, world["juror"])
        for name, url in _pages(live_server.url, world).items():
            page.goto(url)
            measured = page.evaluate(OVERFLOW, TARGETS)
            if measured["scrollWidth"] > measured["clientWidth"] or measured["cut"]:
                problems[f"{name} at {width} px"] = measured
            if width == 320:
                page.screenshot(path=str(artifacts / f"reflow-320-{name}.png"), full_page=True)
        page.goto(card_url(live_server.url, world))
        _open_review(page, world)
        measured = page.evaluate(OVERFLOW, TARGETS)
        if measured["scrollWidth"] > measured["clientWidth"] or measured["cut"]:
            problems[f"review at {width} px"] = measured
        page.click("#review-back")
        _changed_on_another_device(world)
        page.locator(f"fieldset[data-key={world['criteria'][1].key}] label.mark", has_text="4").first.tap()
        page.wait_for_selector("#conflict:not([hidden])")
        measured = page.evaluate(OVERFLOW, TARGETS)
        if measured["scrollWidth"] > measured["clientWidth"] or measured["cut"]:
            problems[f"two-tablet comparison at {width} px"] = measured
        if width == 320:
            page.locator("#conflict").screenshot(path=str(artifacts / "reflow-320-comparison.png"))
        context.close()
    assert not problems, json.dumps(problems, indent=1)


@pytest.mark.parametrize("width", [320, 810])
def test_tap_targets_of_the_jury_pages_are_at_least_8_px_apart(browser, live_server, world, width):
    context = browser.new_context(viewport={"width": width, "height": 1080}, has_touch=True, is_mobile=True)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    problems = {}
    for name, url in _pages(live_server.url, world).items():
        page.goto(url)
        measured = page.evaluate(SPACING, TARGETS)
        assert measured["count"] >= 4, name
        if measured["close"]:
            problems[name] = measured["close"]
    page.goto(card_url(live_server.url, world))
    _open_review(page, world)
    if close := page.evaluate(SPACING, TARGETS)["close"]:
        problems["review"] = close
    assert not problems, json.dumps(problems, indent=1)
    context.close()


def test_controls_focus_ring_and_save_indicator_contrast_at_least_3_to_1(browser, live_server, world):
    context = browser.new_context(viewport={"width": 810, "height": 1080}, has_touch=True, is_mobile=True)
    context.add_init_script(CONTRAST)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    problems = {}
    for name, url in _pages(live_server.url, world).items():
        page.goto(url)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        boundaries = page.evaluate(BOUNDARIES)
        assert boundaries["measured"] >= (2 if name in ("scorecard", "sign-off") else 0), name
        if boundaries["low"]:
            problems[f"{name}: boundaries"] = boundaries["low"]
        # The keyboard's focus ring on every stop of the page, header included.
        rings, seen = [], set()
        for _ in range(80):
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUS_RING)
            if ring is None or ring["name"] in seen:
                if ring is None and seen:
                    break
                continue
            seen.add(ring["name"])
            if ring["ratio"] < 3:
                rings.append(f"{ring['name']} {ring['ratio']:.2f}:1 (outline {ring['width']} px)")
        assert len(seen) >= 4, name
        if rings:
            problems[f"{name}: focus ring"] = rings
    # The save indicator in each of its states stands out from the bar it sits in.
    page.goto(card_url(live_server.url, world))
    for state in ("saved", "saving", "retry", "offline", "error", "queued", "closed"):
        page.evaluate(f"() => {{ document.getElementById('sync-status').dataset.state = '{state}'; }}")
        if low := page.evaluate(BOUNDARIES)["low"]:
            problems[f"indicator {state}"] = [line for line in low if "sync-status" in line]
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, json.dumps(problems, indent=1)
    context.close()


def test_sign_off_and_stand_visits_have_44_px_targets_and_pass_axe_core_like_the_other_jury_pages(
    browser, live_server, world, artifacts
):
    from browser.test_tablet_access import SMALL_TARGETS

    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")
    context = browser.new_context(viewport={"width": 810, "height": 1080}, has_touch=True, is_mobile=True)
    page = context.new_page()
    login(page, live_server.url, world["juror"])
    problems = {}
    for name in ("sign-off", "stand visits"):
        page.goto(_pages(live_server.url, world)[name])
        if small := page.evaluate(SMALL_TARGETS)["small"]:
            problems[f"{name}: under 44 px"] = small
        bad = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in axe.Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            problems[f"{name}: axe"] = bad
    assert not problems, json.dumps(problems, indent=1)
    context.close()
