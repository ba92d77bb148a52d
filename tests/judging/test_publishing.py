"""Publishing is a deliberate act: readiness per category, a confirmed publication, result mails sent once
as a separate step, unpublishing recorded, and changes after publication handled without errors."""

from datetime import timedelta

import pytest

from judging.domain import juries as services, lifecycle, rounds
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, AuditEvent, Edition, Entry, Scorecard, utcnow


def _score(round_, entry, juror, mark):
    db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
    db.session.add(
        Scorecard(
            round_id=round_.id,
            entry_id=entry.id,
            juror_id=juror.id,
            status="submitted",
            marks={c.key: mark for c in round_.criteria},
            version=1,
        )
    )


@pytest.fixture
def crisis(make):
    """One category judged in its pre-selection by two jurors (the first presides): Siren grid 90, Flood map
    40; French and English exhibitor contacts. The other categories have no entry."""
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(days=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    edition.min_scorecards = 2
    category = make.category(edition, "crisis")
    organiser = make.user("organiser")
    president, juror = make.user("juror"), make.user("juror")
    for member in (president, juror):
        services.add_member(actor=organiser, category=category, juror=member)
    services.set_president(
        actor=organiser, member=next(m for m in services.jury_of(category).members if m.user_id == president.id)
    )
    pre = category.rounds[0]
    companies = [make.organisation(), make.organisation()]
    winner = make.entry(edition=edition, category="crisis", organisation=companies[0], title="Siren grid")
    other = make.entry(edition=edition, category="crisis", organisation=companies[1], title="Flood map")
    for entry, mark in ((winner, 9), (other, 4)):
        for member in (president, juror):
            _score(pre, entry, member, mark)
    french = make.user("exhibitor", organisation=companies[0], language="fr")
    english = make.user("exhibitor", organisation=companies[1], language="en")
    db.session.commit()
    return dict(
        edition=edition,
        category=category,
        organiser=organiser,
        president=president,
        juror=juror,
        pre=pre,
        winner=winner,
        other=other,
        french=french,
        english=english,
    )


def _ready(world, **sign_off):
    """Frozen and signed off by the president: ready to publish, unless something else is missing."""
    lifecycle.freeze(actor=world["organiser"], edition=world["edition"])
    rounds.sign_off(actor=world["president"], round_=rounds.deciding_round(world["category"]), **sign_off)


def _row(world):
    state = lifecycle.readiness(world["edition"])
    return state, next(c for c in state.categories if c.category.id == world["category"].id)


def test_publication_is_refused_with_every_reason_until_frozen_and_signed_off(crisis):
    edition, organiser = crisis["edition"], crisis["organiser"]
    state, row = _row(crisis)
    assert not row.frozen and not row.signed_off and row.complete and not state.ready
    lifecycle.freeze(actor=organiser, edition=edition)
    with pytest.raises(lifecycle.NotReady) as refused:
        lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    assert any("Crisis" in reason and "not signed off" in reason for reason in refused.value.reasons)
    db.session.refresh(edition)
    assert edition.results_state == "frozen"
    rounds.sign_off(actor=crisis["president"], round_=rounds.deciding_round(crisis["category"]))
    state, row = _row(crisis)
    assert row.ready and state.ready and [e.title for e in row.winners] == ["Siren grid"]


def test_a_finalist_short_of_scorecards_blocks_publication(crisis, make):
    late = make.entry(edition=crisis["edition"], category="crisis", title="Late drone")
    _score(crisis["pre"], late, crisis["juror"], 10)  # one scorecard of the two required, and the best marks
    db.session.commit()
    _ready(crisis, accept_incomplete=True)  # even when the president signs off anyway
    state, row = _row(crisis)
    assert not row.complete and [e.title for e in row.incomplete] == ["Late drone"]
    with pytest.raises(lifecycle.NotReady) as refused:
        lifecycle.publish(actor=crisis["organiser"], edition=crisis["edition"], confirmed=True)
    assert any("Late drone" in reason for reason in refused.value.reasons)


def test_an_undecided_tie_at_the_top_blocks_publication_until_the_jury_decides(crisis):
    for card in db.session.scalars(db.select(Scorecard).where(Scorecard.entry_id == crisis["other"].id)):
        card.marks = {k: 9 for k in card.marks}
    db.session.commit()
    _ready(crisis)
    state, row = _row(crisis)
    assert {e.title for e in row.undecided_tie} == {"Siren grid", "Flood map"} and not state.ready
    with pytest.raises(lifecycle.NotReady, match="cannot be published"):
        lifecycle.publish(actor=crisis["organiser"], edition=crisis["edition"], confirmed=True)
    assert crisis["edition"].results_state == "frozen"
    # The jury keeps the tie: both are joint winners, once frozen again and signed off.
    lifecycle.unfreeze(actor=crisis["organiser"], edition=crisis["edition"], reason="The jury decides the tie")
    rounds.decide_joint_winners(
        actor=crisis["president"],
        round_=crisis["pre"],
        reason="Equally convincing",
        entry_ids=[crisis["winner"].id, crisis["other"].id],
    )
    _ready(crisis)
    state, row = _row(crisis)
    assert not row.undecided_tie and state.ready and len(row.winners) == 2


def test_publishing_needs_the_confirmation_and_sends_no_mail(crisis, client):
    _ready(crisis)
    edition = crisis["edition"]
    with pytest.raises(lifecycle.NotReady, match="Tick the confirmation"):
        lifecycle.publish(actor=crisis["organiser"], edition=edition, confirmed=False)
    assert client.get(f"/winners/{edition.slug}").status_code == 404
    lifecycle.publish(actor=crisis["organiser"], edition=edition, confirmed=True)
    assert client.get(f"/winners/{edition.slug}").status_code == 200
    assert outbox() == []  # telling the exhibitors is the next, separate step
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "results.publish"))
    assert event.actor_id == crisis["organiser"].id and event.after["winners"]["crisis"] == [crisis["winner"].id]


def test_readiness_shows_the_mails_per_language_with_a_preview_in_each(crisis):
    _ready(crisis)
    state = lifecycle.readiness(crisis["edition"])
    assert state.mails_per_language() == {"en": 1, "fr": 1}
    previews = state.previews()
    assert "Siren grid: lauréat" in previews["fr"].body and previews["fr"].to.email == crisis["french"].email
    assert "Flood map: finalist" in previews["en"].body and "90" not in previews["en"].body


def test_result_mails_go_out_once_in_each_readers_language_and_are_recorded(crisis):
    _ready(crisis)
    edition, organiser = crisis["edition"], crisis["organiser"]
    with pytest.raises(lifecycle.NotReady, match="Publish the results before"):
        lifecycle.send_result_mails(actor=organiser, edition=edition, confirmed=True)
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    assert lifecycle.send_result_mails(actor=organiser, edition=edition, confirmed=True) == 2
    assert outbox() == []  # nothing leaves before the action commits
    db.session.commit()
    bodies = {mail.to: mail.body for mail in outbox()}
    assert "Siren grid: lauréat" in bodies[crisis["french"].email]
    assert "Flood map: finalist" in bodies[crisis["english"].email]
    with pytest.raises(lifecycle.NotReady, match="never sent twice"):
        lifecycle.send_result_mails(actor=organiser, edition=edition, confirmed=True)
    assert len(outbox()) == 2
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "results.mail"))
    assert event.after == {"mails": 2, "per_language": {"en": 1, "fr": 1}}
    assert db.session.get(Edition, edition.id).results_mailed_at is not None


def test_unpublishing_hides_the_winners_page_and_records_the_reason(crisis, client):
    _ready(crisis)
    edition, organiser = crisis["edition"], crisis["organiser"]
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    with pytest.raises(lifecycle.NotReady, match="reason"):
        lifecycle.unpublish(actor=organiser, edition=edition, reason=" ")
    lifecycle.unpublish(actor=organiser, edition=edition, reason="Complaint about the winner under review")
    assert client.get(f"/winners/{edition.slug}").status_code == 404
    assert lifecycle.outcomes(edition) == {}
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "results.unpublish"))
    assert event.after["reason"] == "Complaint about the winner under review"
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)  # and it can be published again
    assert client.get(f"/winners/{edition.slug}").status_code == 200


def test_disqualifying_a_published_winner_is_refused_on_the_entry_page_until_unpublished(crisis, client, login_as):
    _ready(crisis)
    edition, organiser, winner = crisis["edition"], crisis["organiser"], crisis["winner"]
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    login_as(organiser)
    response = client.post(f"/organiser/entries/{winner.id}", data={"reason": "Patent fraud established"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "unpublish them" in page and "Disqualify this entry" in page
    assert db.session.get(Entry, winner.id).status == "submitted"
    assert "Siren grid" in client.get(f"/winners/{edition.slug}").get_data(as_text=True).split("Finalists")[0]
    assert client.get(f"/organiser/results?round={crisis['pre'].id}").status_code == 200
    # The documented way: unpublish (the page is hidden at once), unfreeze, disqualify.
    lifecycle.unpublish(actor=organiser, edition=edition, reason="Patent fraud under investigation")
    lifecycle.unfreeze(actor=organiser, edition=edition, reason="Disqualify the winner")
    response = client.post(f"/organiser/entries/{winner.id}", data={"reason": "Patent fraud established"})
    assert response.status_code == 302 and db.session.get(Entry, winner.id).status == "disqualified"
    assert client.get(f"/organiser/results?round={crisis['pre'].id}").status_code == 200


def test_a_frozen_winner_who_left_never_breaks_the_results_page_nor_shows_as_winner(crisis, client, login_as):
    """A frozen ranking that names an entry which no longer competes (changed outside the app, or frozen by
    an older version, which let an exhibitor withdraw after the freeze): the organiser's results page shows
    it (it used to fail with a 500), the readiness page says why, and the public page never crowns it."""
    edition, organiser, winner = crisis["edition"], crisis["organiser"], crisis["winner"]
    _ready(crisis)
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    db.session.execute(db.update(Entry).where(Entry.id == winner.id).values(status="withdrawn"))
    db.session.commit()
    db.session.expire_all()
    login_as(organiser)
    response = client.get(f"/organiser/results?round={crisis['pre'].id}")
    assert response.status_code == 200 and "Siren grid" in response.get_data(as_text=True)
    public = client.get(f"/winners/{edition.slug}").get_data(as_text=True)
    assert "Siren grid" not in public
    state, row = _row(crisis)
    assert [e.title for e in row.unfit_winners] == ["Siren grid"]
    page = client.get(f"/organiser/results/readiness?edition={edition.id}").get_data(as_text=True)
    assert "has been withdrawn or disqualified" in page


def test_readiness_page_refusals_are_shown_on_it_in_the_readers_language(crisis, client, login_as):
    edition, organiser = crisis["edition"], crisis["organiser"]
    lifecycle.freeze(actor=organiser, edition=edition)
    organiser.language = "fr"
    db.session.commit()
    login_as(organiser)
    response = client.post(f"/organiser/results/publish?edition={edition.id}", data={"confirm": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Les résultats ne peuvent pas encore être publiés." in page
    assert "le classement n&#39;est pas validé" in page and 'id="publish-form"' in page
    rounds.sign_off(actor=crisis["president"], round_=rounds.deciding_round(crisis["category"]))
    response = client.post(f"/organiser/results/publish?edition={edition.id}", data={})
    assert response.status_code == 400 and "Cochez la confirmation" in response.get_data(as_text=True)
    response = client.post(f"/organiser/results/publish?edition={edition.id}", data={"confirm": "y"})
    assert response.status_code == 302
    assert db.session.get(Edition, edition.id).results_state == "published"
