"""Shortlisting never eliminates an entry without a score silently, and every new finalist gets the final's
jurors at once, so that its stand card's QR code opens the scorecard for each of them."""

from datetime import timedelta

import pytest

from judging.domain import juries as services, lifecycle, rounds
from judging.errors import Refused
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, Entry, Scorecard, utcnow


@pytest.fixture
def judged(make):
    """Four entries scored in the pre-selection by three jurors (totals 90, 80, 70, 60), the minimum being
    three scorecards; 'Unread dossier' has no scorecard and 'Half read' only one (the best marks)."""
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(days=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=5)
    edition.min_scorecards = 3
    category = make.category(edition, "drones")
    organiser = make.user("organiser")
    jurors = [make.user("juror") for _ in range(3)]
    for juror in jurors:
        services.add_member(actor=organiser, category=category, juror=juror)
    pre, final = category.rounds

    def entry(title, marks):
        company = make.organisation()
        make.user("exhibitor", organisation=company)
        item = make.entry(edition=edition, category="drones", organisation=company, title=title)
        for juror, mark in zip(jurors, marks):
            db.session.add(Assignment(round_id=pre.id, entry_id=item.id, juror_id=juror.id))
            db.session.add(
                Scorecard(
                    round_id=pre.id,
                    entry_id=item.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={c.key: mark for c in pre.criteria},
                    weighted_total=mark * 10.0,
                )
            )
        return item

    scored = [entry(f"Drone {mark}", [mark] * 3) for mark in (9, 8, 7, 6)]
    unread, half = entry("Unread dossier", []), entry("Half read", [10])
    db.session.commit()
    return dict(
        edition=edition,
        category=category,
        organiser=organiser,
        jurors=jurors,
        pre=pre,
        final=final,
        scored=scored,
        unread=unread,
        half=half,
    )


def test_the_rule_never_decides_for_an_entry_without_a_complete_score(judged):
    for rule, options in (("top", {"top": 2}), ("threshold", {"threshold": 75})):
        preview = rounds.preview_shortlist(judged["pre"], rule=rule, **options)
        assert preview.advancing == [e.id for e in judged["scored"][:2]]
        assert set(preview.undecided) == {judged["unread"].id, judged["half"].id}
        assert judged["unread"].id not in preview.eliminated and judged["half"].id not in preview.eliminated


def test_applying_is_refused_until_each_unscored_entry_has_a_decision_and_nobody_is_mailed(judged):
    preview = rounds.preview_shortlist(judged["pre"], rule="top", top=2)
    with pytest.raises(Refused, match="Unread dossier") as refused:
        rounds.apply_shortlist(actor=judged["organiser"], preview=preview, notify=True)
    db.session.commit()  # the mails leave once the shortlist is committed
    assert "Half read" in refused.value.message and refused.value.status == 409
    assert outbox() == []
    assert {e.round_reached for e in db.session.scalars(db.select(Entry))} == {1}
    assert db.session.scalar(db.select(Assignment.id).where(Assignment.round_id == judged["final"].id)) is None


def test_an_explicit_decision_lets_an_unscored_entry_through_or_stops_it_and_is_recorded(judged):
    unread, half = judged["unread"], judged["half"]
    preview = rounds.preview_shortlist(
        judged["pre"], rule="top", top=2, decisions={unread.id: "eliminate", half.id: "advance"}
    )
    assert preview.undecided == [] and half.id in preview.advancing and unread.id in preview.eliminated
    rounds.apply_shortlist(actor=judged["organiser"], preview=preview, notify=True)
    db.session.commit()  # the mails leave once the shortlist is committed
    reached = {e.title: e.round_reached for e in db.session.scalars(db.select(Entry))}
    assert reached == {"Drone 9": 2, "Drone 8": 2, "Half read": 2, "Drone 7": 1, "Drone 6": 1, "Unread dossier": 1}
    not_shortlisted = [m for m in outbox() if "not shortlisted" in m.body]
    assert len(not_shortlisted) == 3 and any("Unread dossier" in m.body for m in not_shortlisted)
    from judging.models import AuditEvent

    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "round.shortlist"))
    assert event.after["decided_by_hand"] == {str(unread.id): "eliminate", str(half.id): "advance"}


def test_every_finalist_gets_the_finals_jurors_and_its_qr_code_opens_the_scorecard(judged, client, login_as):
    for unscored in (judged["unread"], judged["half"]):  # only scored entries: the rule decides for all
        unscored.status = "withdrawn"
    db.session.commit()
    preview = rounds.preview_shortlist(judged["pre"], rule="top", top=3)
    rounds.apply_shortlist(actor=judged["organiser"], preview=preview)
    final = judged["final"]
    finalists = [e.id for e in db.session.scalars(db.select(Entry).where(Entry.round_reached >= 2))]
    assert len(finalists) == 3
    assigned = set(
        db.session.execute(
            db.select(Assignment.entry_id, Assignment.juror_id).where(Assignment.round_id == final.id)
        ).all()
    )
    assert assigned == {(e, j.id) for e in finalists for j in judged["jurors"]}
    login_as(judged["organiser"])
    cards = client.get(f"/organiser/rounds/{final.id}/stand-cards").get_data(as_text=True)
    links = sorted(
        set(link for link in cards.split('href="')[1:] for link in [link.split('"')[0]] if "/jury/entries/" in link)
    )
    assert len(links) == 3
    client.post("/auth/logout")
    for juror in judged["jurors"]:
        login_as(juror)
        for link in links:
            response = client.get(link.replace("http://awards.test", ""))
            assert response.status_code == 200, (juror.email, link)
        client.post("/auth/logout")


def test_a_finalist_no_juror_of_the_final_can_judge_is_refused_with_the_reason_and_nothing_changes(judged, make):
    unread = judged["unread"]
    for juror in judged["jurors"]:  # every juror is conflicted with the unread entry's company
        services.declare_conflict(
            actor=juror, juror=juror, organisation=unread.organisation, kind="client", reason="Our supplier"
        )
    preview = rounds.preview_shortlist(
        judged["pre"], rule="top", top=2, decisions={unread.id: "advance", judged["half"].id: "eliminate"}
    )
    with pytest.raises(Refused, match="Unread dossier") as refused:
        rounds.apply_shortlist(actor=judged["organiser"], preview=preview, notify=True)
    db.session.commit()  # the mails leave once the shortlist is committed
    assert "conflicted" in refused.value.message
    assert {e.round_reached for e in db.session.scalars(db.select(Entry))} == {1}
    assert db.session.scalar(db.select(Assignment.id).where(Assignment.round_id == judged["final"].id)) is None
    assert outbox() == []


def test_shortlisting_is_refused_while_the_results_are_frozen(judged):
    lifecycle.freeze(actor=judged["organiser"], edition=judged["edition"])
    preview = rounds.preview_shortlist(
        judged["pre"],
        rule="manual",
        chosen=[judged["scored"][0].id],
        decisions={judged["unread"].id: "eliminate", judged["half"].id: "eliminate"},
    )
    with pytest.raises(Refused, match="frozen"):
        rounds.apply_shortlist(actor=judged["organiser"], preview=preview)


def test_the_round_page_lists_the_undecided_entries_and_shows_the_refusal_there(judged, client, login_as):
    pre, organiser = judged["pre"], judged["organiser"]
    organiser.language = "fr"
    db.session.commit()
    login_as(organiser)
    page = client.get(f"/organiser/rounds/{pre.id}?rule=top&top=2").get_data(as_text=True)
    assert "Candidatures sans note complète" in page
    assert f'name="decide-{judged["unread"].id}"' in page and f'name="decide-{judged["half"].id}"' in page
    response = client.post(f"/organiser/rounds/{pre.id}/shortlist", data={"rule": "top", "top": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Décidez à la main" in page and 'id="shortlist-form"' in page
    response = client.post(
        f"/organiser/rounds/{pre.id}/shortlist",
        data={
            "rule": "top",
            "top": "2",
            f"decide-{judged['unread'].id}": "eliminate",
            f"decide-{judged['half'].id}": "advance",
        },
    )
    assert response.status_code == 302
    assert db.session.get(Entry, judged["half"].id).round_reached == 2
