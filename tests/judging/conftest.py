"""Worlds shared by the judging tests."""

from datetime import timedelta

import pytest

from judging.domain import juries as services
from judging.extensions import db
from judging.models import Assignment, Scorecard, utcnow


@pytest.fixture
def judged(make):
    """Five entries scored in the pre-selection by three jurors: totals 90, 80, 70, 60, 50."""
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(days=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=5)
    edition.min_scorecards = 1
    category = make.category(edition, "event-security")
    organiser = make.user("organiser")
    jurors = [make.user("juror") for _ in range(3)]
    for juror in jurors:
        services.add_member(actor=organiser, category=category, juror=juror)
    pre, final = category.rounds
    keys = [c.key for c in pre.criteria]
    entries = []
    for n, mark in enumerate([9, 8, 7, 6, 5]):
        company = make.organisation(hall="5", stand=f"B{10 - n}")
        make.user("exhibitor", organisation=company, language="fr" if n == 0 else "en")
        entry = make.entry(edition=edition, category="event-security", organisation=company, title=f"Gate {mark}")
        entries.append(entry)
        for juror in jurors:
            db.session.add(Assignment(round_id=pre.id, entry_id=entry.id, juror_id=juror.id))
            db.session.add(
                Scorecard(
                    round_id=pre.id,
                    entry_id=entry.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={k: mark for k in keys},
                    weighted_total=mark * 10.0,
                )
            )
    db.session.commit()
    return dict(
        edition=edition, category=category, organiser=organiser, jurors=jurors, pre=pre, final=final, entries=entries
    )
