"""Scoring on the server: validation, assignment, window, versions, finality, privacy."""
from datetime import timedelta

import pytest
from sqlalchemy import event

import scoring
from judging.extensions import db
from judging.jury import services
from judging.models import Assignment, AuditEvent, Scorecard, utcnow


@pytest.fixture
def scoring_world(make):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(hours=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    category = make.category(edition, "cyber")
    organiser = make.user("organiser")
    juror, other = make.user("juror"), make.user("juror")
    for j in (juror, other):
        services.add_member(actor=organiser, category=category, juror=j)
    round_ = category.rounds[0]
    entry = make.entry(edition=edition, title="Quantum-safe radio")
    for j in (juror, other):
        db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=j.id))
    db.session.commit()
    keys = [c.key for c in round_.criteria]
    return dict(edition=edition, round=round_, entry=entry, juror=juror, other=other, organiser=organiser, keys=keys)


def _url(w):
    return f"/jury/api/scorecards/{w['round'].id}/{w['entry'].id}"


def _marks(w, value=7):
    return {k: value for k in w["keys"]}


def test_draft_saves_store_the_weighted_total_and_bump_the_version(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    first = client.post(_url(w), json={"marks": {w["keys"][0]: 9}, "version": 0})
    assert first.status_code == 200 and first.get_json()["version"] == 1 and first.get_json()["weighted_total"] is None
    second = client.post(_url(w), json={"marks": _marks(w, 8), "comments": {w["keys"][0]: "Strong"}, "version": 1})
    body = second.get_json()
    assert body["version"] == 2 and body["status"] == "draft"
    criteria = [scoring.Criterion(c.key, c.weight, c.scale_min, c.scale_max) for c in w["round"].criteria]
    assert body["weighted_total"] == pytest.approx(scoring.weighted_total(_marks(w, 8), criteria))
    card = db.session.scalar(db.select(Scorecard))
    assert card.marks == _marks(w, 8) and card.comments == {w["keys"][0]: "Strong"}


@pytest.mark.parametrize("marks, message", [
    ({"innovation": 11}, "between 0 and 10"), ({"innovation": -1}, "between 0 and 10"),
    ({"innovation": 7.5}, "whole number"), ({"innovation": "ten"}, "whole number"),
    ({"no_such_criterion": 3}, "not a criterion"), ("not a dict", "per criterion"),
])
def test_out_of_range_or_unknown_marks_are_refused_and_nothing_changes(client, login_as, scoring_world, marks, message):
    w = scoring_world
    login_as(w["juror"])
    response = client.post(_url(w), json={"marks": marks, "version": 0})
    assert response.status_code == 400 and message in str(response.get_json())
    assert db.session.scalar(db.select(Scorecard)) is None


def test_submitting_with_a_missing_mark_names_the_criterion(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    marks = _marks(w)
    del marks["market"]
    response = client.post(_url(w), json={"marks": marks, "version": 0, "submit": True})
    assert response.status_code == 400 and "Market potential: a mark is needed" in response.get_json()["error"]


def test_stale_version_is_refused_with_the_server_copy(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    client.post(_url(w), json={"marks": _marks(w, 5), "version": 0})  # tablet A
    stale = client.post(_url(w), json={"marks": _marks(w, 9), "version": 0})  # tablet B, which never saw A's save
    assert stale.status_code == 409
    assert stale.get_json()["server"]["marks"] == _marks(w, 5) and stale.get_json()["server"]["version"] == 1
    assert db.session.scalar(db.select(Scorecard)).marks == _marks(w, 5)


def test_two_saves_of_the_same_version_racing_cannot_both_land(client, login_as, scoring_world):
    """Tablet B's save of version 1 lands between tablet A's read and write: A gets B's copy, not a silent win."""
    w = scoring_world
    login_as(w["juror"])
    client.post(_url(w), json={"marks": _marks(w, 5), "version": 0})
    card_id = db.session.scalar(db.select(Scorecard.id))

    raced = []

    def tablet_b_saves_first(mapper, connection, target):
        if raced:
            return
        raced.append(target.id)
        with db.engine.begin() as other:  # another worker's transaction, committed first
            other.execute(db.update(Scorecard.__table__).where(Scorecard.__table__.c.id == card_id)
                          .values(version=2, marks=_marks(w, 9)))

    event.listen(Scorecard, "before_update", tablet_b_saves_first)
    try:
        late = client.post(_url(w), json={"marks": _marks(w, 1), "version": 1})
    finally:
        event.remove(Scorecard, "before_update", tablet_b_saves_first)
    assert raced == [card_id] and late.status_code == 409
    assert late.get_json()["server"] == {**late.get_json()["server"], "version": 2, "marks": _marks(w, 9)}
    card = db.session.get(Scorecard, card_id)
    db.session.refresh(card)
    assert card.version == 2 and card.marks == _marks(w, 9)
    saves = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "scorecard.save")).all()
    assert len(saves) == 1  # the refused save left no audit record claiming it happened


def test_submitted_card_is_final_until_an_organiser_reopens_it(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    assert client.post(_url(w), json={"marks": _marks(w), "version": 0, "submit": True}).status_code == 200
    again = client.post(_url(w), json={"marks": _marks(w, 1), "version": 1})
    assert again.status_code == 409 and "submitted and final" in again.get_json()["error"]
    client.post("/auth/logout")
    login_as(w["organiser"])
    card = db.session.scalar(db.select(Scorecard))
    assert client.post(f"/organiser/scorecards/{card.id}/reopen").status_code == 302
    db.session.refresh(card)
    assert card.status == "draft"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "scorecard.reopen")).before["status"] == "submitted"


def test_unassigned_entry_and_another_jurors_scorecard_are_out_of_reach(client, login_as, make, scoring_world):
    w = scoring_world
    outsider = make.user("juror")
    login_as(outsider)
    assert client.post(_url(w), json={"marks": _marks(w), "version": 0}).status_code == 404
    assert client.get(f"/jury/entries/{w['entry'].id}/score").status_code == 404


def test_scoring_outside_the_window_is_refused_clearly(client, login_as, scoring_world):
    w = scoring_world
    w["edition"].scoring_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login_as(w["juror"])
    response = client.post(_url(w), json={"marks": _marks(w), "version": 0})
    assert response.status_code == 403 and "Scoring is closed" in response.get_json()["error"]
    assert "Scoring is closed for this round" in client.get(f"/jury/entries/{w['entry'].id}/score").get_data(as_text=True)


def test_plain_form_works_without_javascript(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    page = client.get(f"/jury/entries/{w['entry'].id}/score").get_data(as_text=True)
    assert 'name="mark-innovation"' in page and "Quantum-safe radio" in page
    form = {f"mark-{k}": "6" for k in w["keys"]} | {"version": "0", "action": "submit", "overall_comment": "Solid"}
    assert client.post(f"/jury/entries/{w['entry'].id}/score", data=form).status_code == 302
    card = db.session.scalar(db.select(Scorecard))
    assert card.status == "submitted" and card.overall_comment == "Solid"
    bad = client.post(f"/jury/entries/{w['entry'].id}/score", data={"mark-innovation": "12", "version": "1"})
    assert bad.status_code in (400, 409)


def test_jurors_never_see_other_jurors_marks_and_exhibitors_never_see_scores(client, login_as, make, scoring_world):
    w = scoring_world
    login_as(w["other"])
    client.post(_url(w), json={"marks": _marks(w, 3), "overall_comment": "Secret opinion", "version": 0})
    client.post("/auth/logout")
    login_as(w["juror"])
    page = client.get(f"/jury/entries/{w['entry'].id}/score").get_data(as_text=True)
    assert "Secret opinion" not in page
    client.post("/auth/logout")
    exhibitor = make.user("exhibitor", organisation=w["entry"].organisation)
    login_as(exhibitor)
    assert client.get(f"/jury/entries/{w['entry'].id}/score").status_code == 403
    assert client.post(_url(w), json={"marks": {}, "version": 0}).status_code == 403
    assert "Secret opinion" not in client.get("/entries/").get_data(as_text=True)


def test_scoring_page_with_its_css_and_script_weighs_under_40_kb(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    sizes = [len(client.get(url).data) for url in
             (f"/jury/entries/{w['entry'].id}/score", "/static/app.css", "/static/scorecard.js")]
    assert sum(sizes) <= 40 * 1024, sizes


def test_jurors_list_puts_what_is_still_to_score_first(client, login_as, make, scoring_world):
    w = scoring_world
    done = make.entry(edition=w["edition"], title="Already scored beacon")
    db.session.add(Assignment(round_id=w["round"].id, entry_id=done.id, juror_id=w["juror"].id))
    db.session.add(Scorecard(round_id=w["round"].id, entry_id=done.id, juror_id=w["juror"].id, status="submitted",
                             marks=_marks(w), weighted_total=70.0))
    db.session.commit()
    login_as(w["juror"])
    page = client.get("/jury/").get_data(as_text=True)
    # "Already..." sorts first by title, but it is done: the entry still to score comes before it.
    assert page.index(w["entry"].title) < page.index("Already scored beacon")


def test_a_french_juror_reads_refusals_with_the_criterion_named_in_french(client, login_as, scoring_world):
    w = scoring_world
    w["juror"].language = "fr"
    db.session.commit()
    login_as(w["juror"])
    marks = _marks(w)
    del marks["market"]
    response = client.post(_url(w), json={"marks": marks, "version": 0, "submit": True})
    assert response.status_code == 400 and "Potentiel de marché" in response.get_json()["error"]
    assert "Market potential" not in response.get_json()["error"]
