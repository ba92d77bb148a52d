"""The presenter's running order printed by Chromium: one category per A4 page, in ceremony order, large type."""

import re
import subprocess
from datetime import timedelta

from judging.domain import juries as services, lifecycle
from judging.extensions import db
from judging.models import Assignment, Scorecard, utcnow
from support import PASSWORD, sign_off_as_president


def _judged_category(make, edition, organiser, code, marks, description):
    category = make.category(edition, code)
    category.description_en = description
    juror = make.user("juror")
    services.add_member(actor=organiser, category=category, juror=juror)
    pre = category.rounds[0]
    entries = []
    for n, mark in enumerate(marks):
        company = make.organisation(hall="5", stand=f"{code[:1].upper()}{n + 1}")
        entry = make.entry(edition=edition, category=code, organisation=company, title=f"{code} entry {mark}")
        db.session.add(Assignment(round_id=pre.id, entry_id=entry.id, juror_id=juror.id))
        db.session.add(
            Scorecard(
                round_id=pre.id,
                entry_id=entry.id,
                juror_id=juror.id,
                status="submitted",
                marks={c.key: mark for c in pre.criteria},
                weighted_total=mark * 10.0,
            )
        )
        entries.append(entry)
    db.session.commit()
    return category, entries


def test_running_order_prints_one_category_per_a4_page_in_large_type(browser, live_server, make, artifacts):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(days=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=5)
    edition.min_scorecards = 1
    organiser = make.user("organiser")
    calls = [
        _judged_category(make, edition, organiser, "crisis", [9, 7, 5, 3], "Tools that help a city through a crisis."),
        _judged_category(make, edition, organiser, "event-security", [8, 6, 4], "Keeping crowds safe at events."),
    ]
    for category, _entries in calls:
        sign_off_as_president(category)
    lifecycle.freeze(actor=organiser, edition=edition)
    db.session.commit()

    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.fill("input[name=email]", organiser.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/organiser/ceremony/running-order?lang=en")
    page.screenshot(path=str(artifacts / "running-order.png"), full_page=True)
    pdf = artifacts / "running-order.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)

    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+2\b", info), info  # one category per page
    assert re.search(r"Page size:\s+59[45]\.\d* x 841\.\d* pts \(A4\)", info), info  # A4 portrait
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in (1, 2)
    ]
    ordered = sorted(calls, key=lambda call: call[0].position)
    for text, (category, entries) in zip(pages, ordered):
        flat = " ".join(text.split())  # large type wraps long names onto two lines
        assert category.name("en") in flat and category.description_en in flat
        winner = entries[0]
        assert "WINNER" in flat and winner.title in flat and winner.organisation.name in flat
        assert f"Stand {winner.organisation.stand}" in flat and "FINALISTS" in flat
        assert all(finalist.title in flat for finalist in entries[1:3])
        assert "Log out" not in flat  # the page's navigation is not printed
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    title_word = ordered[0][1][0].title.split()[-1]
    heights = [
        float(y2) - float(y1)
        for y1, y2, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', boxes)
        if word == title_word
    ]
    assert heights and max(heights) >= 20  # the winner's title is read from a lectern: 20 pt or more
