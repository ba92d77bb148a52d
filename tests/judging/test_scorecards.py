"""Scoring on the server: validation, assignment, window, versions, finality, privacy."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

import scoring
from judging.domain import juries as services
from judging.extensions import db
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


@pytest.mark.parametrize(
    "marks, message",
    [
        ({"innovation": 11}, "between 0 and 10"),
        ({"innovation": -1}, "between 0 and 10"),
        ({"innovation": 7.5}, "whole number"),
        ({"innovation": "ten"}, "whole number"),
        ({"no_such_criterion": 3}, "not a criterion"),
        ("not a dict", "per criterion"),
    ],
)
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
            other.execute(
                db.update(Scorecard.__table__)
                .where(Scorecard.__table__.c.id == card_id)
                .values(version=2, marks=_marks(w, 9))
            )

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
    assert (
        db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "scorecard.reopen")).before["status"]
        == "submitted"
    )


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
    assert "Scoring is closed for this round" in client.get(f"/jury/entries/{w['entry'].id}/score").get_data(
        as_text=True
    )


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


def test_scoring_page_weighs_under_20_kb_and_with_its_css_and_scripts_under_60_kb(client, login_as, scoring_world):
    """The stylesheet and scripts are cached for a year (versioned URLs): after the first visit only the page travels.
    (60 KB: the reflow and contrast rules of the jury pages added 1.7 KB of CSS, the final's pairwise question and
    floor styles 1.6 KB; the stylesheet and scripts are versioned and cached for a year: a tablet fetches them once.)"""
    w = scoring_world
    login_as(w["juror"])
    page = client.get(f"/jury/entries/{w['entry'].id}/score").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert len(scripts) == 2
    sizes = [len(page.encode())] + [len(client.get(url).data) for url in ["/static/app.css", *scripts]]
    assert sizes[0] <= 20 * 1024 and sum(sizes) <= 60 * 1024, sizes


def test_jury_scripts_have_versioned_urls_cached_for_a_year(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    page = client.get(f"/jury/entries/{w['entry'].id}/score").get_data(as_text=True)
    for url in re.findall(r'<script src="([^"]+)"', page):
        assert re.fullmatch(r"/jury/assets/[0-9a-f]{12}/(jury|scorecard)\.js", url)
        response = client.get(url)
        assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
        assert "max-age=31536000" in response.headers["Cache-Control"]
        stale = url.replace("/assets/", "/assets/0").rsplit("/", 2)
        assert client.get(f"/jury/assets/000000000000/{stale[-1]}").status_code == 404  # an old release's URL
    assert client.get("/jury/assets/" + "a" * 12 + "/app.py").status_code == 404


def test_a_resend_whose_reply_was_lost_is_a_success_not_a_conflict(client, login_as, scoring_world):
    """The tablet sent version 0, the server saved it (version 1), the reply was lost: the same resend is fine."""
    w = scoring_world
    login_as(w["juror"])
    body = {"marks": _marks(w, 6), "comments": {w["keys"][0]: "Clear"}, "version": 0}
    assert client.post(_url(w), json=body).status_code == 200
    again = client.post(_url(w), json=body)
    assert again.status_code == 200 and again.get_json()["version"] == 1 and again.get_json()["marks"] == _marks(w, 6)
    different = client.post(_url(w), json=body | {"marks": _marks(w, 2)})
    assert different.status_code == 409  # another content on an old version stays a conflict


def test_a_submission_resent_after_a_lost_reply_or_on_an_old_version_with_the_same_marks_counts(
    client, login_as, scoring_world
):
    w = scoring_world
    login_as(w["juror"])
    assert client.post(_url(w), json={"marks": _marks(w, 8), "version": 0}).status_code == 200
    # The submit was built on version 0 (queued offline before the draft's reply came back): same marks, so it counts.
    submit = client.post(_url(w), json={"marks": _marks(w, 8), "version": 0, "submit": True})
    assert submit.status_code == 200 and submit.get_json()["status"] == "submitted"
    resent = client.post(_url(w), json={"marks": _marks(w, 8), "version": 0, "submit": True})
    assert resent.status_code == 200 and resent.get_json()["status"] == "submitted"
    card = db.session.scalar(db.select(Scorecard))
    assert card.status == "submitted" and card.version == 2


@pytest.mark.parametrize("mark", [int("9" * 400), "9" * 400, 1e308])
def test_a_huge_mark_is_refused_with_a_clear_400(client, login_as, scoring_world, mark):
    w = scoring_world
    login_as(w["juror"])
    response = client.post(_url(w), json={"marks": {w["keys"][0]: mark}, "version": 0})
    assert response.status_code == 400 and w["keys"][0] in response.get_json()["fields"]
    form = {f"mark-{w['keys'][0]}": str(mark), "version": "0", "action": "save"}
    assert client.post(f"/jury/entries/{w['entry'].id}/score", data=form).status_code == 400


def test_frozen_results_make_the_scorecard_read_only_with_the_reason(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    client.post(_url(w), json={"marks": _marks(w, 4), "version": 0})
    w["edition"].results_state = "frozen"
    db.session.commit()
    refused = client.post(_url(w), json={"marks": _marks(w, 9), "version": 1})
    assert refused.status_code == 409 and refused.get_json()["read_only"] is True
    assert "frozen" in refused.get_json()["error"]
    page = client.get(f"/jury/entries/{w['entry'].id}/score").get_data(as_text=True)
    assert 'data-locked="yes"' in page and "The results are frozen" in page
    assert 'id="submit-card"' not in page and "disabled" in page


def test_after_submitting_the_page_offers_the_next_entry_to_score(client, login_as, make, scoring_world):
    w = scoring_world
    following = make.entry(edition=w["edition"], title="Zeta drone shield")
    db.session.add(Assignment(round_id=w["round"].id, entry_id=following.id, juror_id=w["juror"].id))
    db.session.commit()
    login_as(w["juror"])
    client.post(_url(w), json={"marks": _marks(w), "version": 0, "submit": True})
    page = client.get(f"/jury/entries/{w['entry'].id}/score").get_data(as_text=True)
    assert "Next entry: Zeta drone shield" in page and f"/jury/entries/{following.id}/score" in page


def test_logout_asks_the_browser_to_wipe_the_tablet(client, login_as, scoring_world):
    login_as(scoring_world["juror"])
    response = client.post("/auth/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_offline_page_and_files_for_the_tablet_are_in_the_jurors_reach_only(client, login_as, scoring_world):
    w = scoring_world
    login_as(w["juror"])
    assert "No signal" in client.get("/jury/offline").get_data(as_text=True)
    assert client.get("/jury/files/999999").status_code == 404


def test_jurors_list_puts_what_is_still_to_score_first(client, login_as, make, scoring_world):
    w = scoring_world
    done = make.entry(edition=w["edition"], title="Already scored beacon")
    db.session.add(Assignment(round_id=w["round"].id, entry_id=done.id, juror_id=w["juror"].id))
    db.session.add(
        Scorecard(
            round_id=w["round"].id,
            entry_id=done.id,
            juror_id=w["juror"].id,
            status="submitted",
            marks=_marks(w),
            weighted_total=70.0,
        )
    )
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
