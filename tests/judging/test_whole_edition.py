"""Whole-edition actions: assign every round in one go, shortlist every category in one go, each previewed;
and the dashboard's submissions day by day."""

import re
from datetime import timedelta

from judging.domain import juries
from judging.extensions import db
from judging.models import Assignment, Entry, Scorecard, utcnow


def _two_categories(make):
    edition = make.edition(deadline_in=timedelta(days=-1), max_entries=5)
    organiser = make.user("organiser")
    for code in ("cyber", "drones"):
        category = make.category(edition, code)
        for _ in range(3):
            juries.add_member(actor=organiser, category=category, juror=make.user("juror"))
        for n in range(3):
            make.entry(edition=edition, category=code, title=f"{code} {n}")
    return edition, organiser


def test_assigning_every_round_previews_then_applies_in_one_go(client, make, login_as):
    edition, organiser = _two_categories(make)
    login_as(organiser)
    page = client.get("/organiser/whole-edition").get_data(as_text=True)
    assert page.count("<tr") >= 3 and "Yes: apply every assignment above" in page
    assert re.search(
        r"<input[^>]*name=\"digest\"[^>]*type=\"hidden\"|<input[^>]*type=\"hidden\"[^>]*name=\"digest\"", page
    )
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0  # nothing changed by the preview
    digest = juries.preview_edition_assignment(edition)[1]
    done = client.post("/organiser/whole-edition/assign", data={"digest": digest})
    assert done.status_code == 302
    per_category = dict(
        db.session.execute(
            db.select(Entry.category_id, db.func.count(Assignment.id))
            .join(Assignment, Assignment.entry_id == Entry.id)
            .group_by(Entry.category_id)
        ).all()
    )
    assert sorted(per_category.values()) == [9, 9]  # 3 entries x 3 jurors in each category


def test_assigning_with_a_stale_preview_is_refused(client, make, login_as):
    edition, organiser = _two_categories(make)
    login_as(organiser)
    stale = client.post("/organiser/whole-edition/assign", data={"digest": "0" * 16})
    assert stale.status_code == 409 and "changed since the preview" in stale.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0


def _score_everything(edition):
    for category in edition.categories:
        first = category.rounds[0]
        keys = [c.key for c in first.criteria]
        for assignment in db.session.scalars(db.select(Assignment).where(Assignment.round_id == first.id)):
            mark = 5 + assignment.entry_id % 5
            db.session.add(
                Scorecard(
                    round_id=first.id,
                    entry_id=assignment.entry_id,
                    juror_id=assignment.juror_id,
                    status="submitted",
                    marks=dict.fromkeys(keys, mark),
                    weighted_total=mark * 10.0,
                )
            )
    db.session.commit()


def test_shortlisting_every_category_in_one_go(client, make, login_as):
    edition, organiser = _two_categories(make)
    edition.min_scorecards = 1
    db.session.commit()
    juries.apply_edition_assignment(
        actor=organiser, edition=edition, expected_digest=juries.preview_edition_assignment(edition)[1]
    )
    _score_everything(edition)
    login_as(organiser)
    preview = client.get("/organiser/whole-edition", query_string={"top": 1}).get_data(as_text=True)
    assert "Yes: shortlist every category (top 1)" in preview
    done = client.post("/organiser/whole-edition/shortlist", query_string={"top": 1})
    assert done.status_code == 302, done.get_data(as_text=True)
    finalists = db.session.scalars(db.select(Entry).where(Entry.round_reached == 2)).all()
    assert sorted(e.category.code for e in finalists) == ["cyber", "drones"]


def test_shortlisting_every_category_is_refused_whole_when_one_needs_a_decision(client, make, login_as):
    edition, organiser = _two_categories(make)
    login_as(organiser)  # nothing scored: every entry waits for a decision by hand
    refused = client.post("/organiser/whole-edition/shortlist", query_string={"top": 1})
    assert refused.status_code == 409 and "Decide by hand" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Entry.id)).where(Entry.round_reached == 2)) == 0


def test_dashboard_shows_submissions_day_by_day(client, make, login_as):
    edition = make.edition()
    for days_ago in (0, 0, 2):
        entry = make.entry(edition=edition)
        entry.submitted_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    login_as(make.user("organiser"))
    page = client.get("/organiser/").get_data(as_text=True)
    assert "Submissions, day by day, over the last 14 days" in page
    assert page.count('data-day="') == 14
    assert '<meter min="0" max="2" value="2">' in page
