"""The dashboard's "what's left" panel: juries too small, entries without jurors, late jurors, drafts."""

import re
from datetime import timedelta

from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, Scorecard, utcnow


def _panel(client, edition):
    page = client.get(f"/organiser/?edition={edition.id}").get_data(as_text=True)
    return page[page.index('id="whats-left"') : page.index("</section>", page.index('id="whats-left"'))]


def test_whats_left_lists_small_juries_unassigned_entries_late_jurors_and_drafts(client, make, login_as):
    edition = make.edition(deadline_in=timedelta(days=-3))
    edition.scoring_opens_at = utcnow() - timedelta(days=3)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    drones = make.category(edition, "drones")
    drones.jurors_per_entry = 2
    organiser = login_as(make.user("organiser"))
    diligent, late = make.user("juror"), make.user("juror")
    late.name = "Larry Late"
    for juror in (diligent, late):
        services.add_member(actor=organiser, category=drones, juror=juror)
    round_ = drones.rounds[0]
    judged = [make.entry(edition=edition, category="drones", title=f"Drone {n}") for n in range(2)]
    make.entry(edition=edition, category="drones", title="Nobody judges me")
    for entry in judged:
        for juror in (diligent, late):
            db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
        db.session.add(
            Scorecard(
                round_id=round_.id,
                entry_id=entry.id,
                juror_id=diligent.id,
                status="submitted",
                marks={c.key: 7 for c in round_.criteria},
                weighted_total=70.0,
            )
        )
    company = make.organisation("Drafty")
    make.entry(edition=edition, category="cyber", organisation=company, status="draft")
    make.entry(edition=edition, category="crisis", organisation=company, status="draft")
    db.session.commit()

    panel = _panel(client, edition)
    # Every other category has no juror at all; drones has its two.
    assert panel.count('data-gap="jury"') == 5 and "0 juror(s) whose marks count, 3 needed per entry" in panel
    unassigned = re.findall(r'data-gap="unassigned">.*?</li>', panel, flags=re.S)
    assert (
        len(unassigned) == 1
        and "Drone / counter-drone" in unassigned[0]
        and "1 submitted entry(ies) without a juror" in unassigned[0]
    )
    assert "1 juror(s) behind schedule:" in panel and "Larry Late" in panel
    assert "2 draft(s) not submitted, from 1 company(ies)" in panel and "status=draft" in panel


def test_whats_left_says_nothing_when_all_is_done(client, make, login_as):
    edition = make.edition()
    login_as(make.user("organiser"))
    for category in edition.categories:
        category.jurors_per_entry = 1
    organiser = make.user("organiser")
    juror = make.user("juror")
    for category in edition.categories:
        services.add_member(actor=organiser, category=category, juror=juror)
    db.session.commit()
    assert "Nothing: every jury is large enough" in _panel(client, edition)


def test_whats_left_in_french(client, make, login_as):
    edition = make.edition()
    login_as(make.user("organiser", language="fr"))
    make.entry(edition=edition, status="draft")
    assert "brouillon(s) non déposé(s)" in _panel(client, edition)
