"""Results lifecycle: freeze, refusals after freeze, unfreeze recorded, publication visible by role."""

import io
from datetime import timedelta

from openpyxl import load_workbook

from judging.domain import juries as services, lifecycle, results
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, AuditEvent, ResultSnapshot, Scorecard, utcnow
from support import sign_off_as_president


def _judged(make):
    edition = make.edition(deadline_in=timedelta(days=-2))
    edition.scoring_opens_at = utcnow() - timedelta(days=1)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    edition.min_scorecards = 1
    category = make.category(edition, "crisis")
    organiser = make.user("organiser")
    juror = make.user("juror")
    services.add_member(actor=organiser, category=category, juror=juror)
    round_ = category.rounds[0]
    keys = [c.key for c in round_.criteria]
    winner_company, other_company = make.organisation(), make.organisation()
    winner = make.entry(edition=edition, category="crisis", organisation=winner_company, title="Siren grid")
    other = make.entry(edition=edition, category="crisis", organisation=other_company, title="Flood map")
    for entry, mark in ((winner, 9), (other, 4)):
        db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
        db.session.add(
            Scorecard(
                round_id=round_.id,
                entry_id=entry.id,
                juror_id=juror.id,
                status="submitted",
                marks={k: mark for k in keys},
                version=1,
            )
        )
    db.session.commit()
    return edition, round_, organiser, juror, winner, other, winner_company, other_company


def test_freezing_snapshots_the_ranking_and_refuses_later_score_changes(client, make, login_as):
    edition, round_, organiser, juror, winner, *_ = _judged(make)
    login_as(organiser)
    assert client.post(f"/organiser/results/freeze?edition={edition.id}").status_code == 302
    snapshot = db.session.scalar(db.select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id))
    assert snapshot.ranking[0]["entry"] == winner.id and len(snapshot.fingerprint) == 64
    client.post("/auth/logout")
    login_as(juror)
    card = db.session.scalar(db.select(Scorecard).where(Scorecard.entry_id == winner.id))
    response = client.post(f"/jury/api/scorecards/{round_.id}/{winner.id}", json={"marks": {}, "version": card.version})
    assert response.status_code == 409 and "frozen" in response.get_json()["error"]


def test_a_frozen_editions_export_shows_the_frozen_chances_of_winning_without_resampling(client, make, login_as):
    edition, round_, organiser, _juror, winner, other, *_ = _judged(make)
    sign_off_as_president(round_.category)
    lifecycle.freeze(actor=organiser, edition=edition)
    db.session.commit()
    snapshot = db.session.scalar(db.select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id))
    frozen = {line["entry"]: line["p_first"] for line in snapshot.ranking}
    login_as(organiser)
    results._CACHE.clear()  # the first export after a restart
    response = client.get("/organiser/results/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = next(sheet for sheet in workbook.worksheets[1:] if "Siren grid" in {c.value for c in sheet["B"]})
    header = [cell.value for cell in sheet[3]]
    shown = {row[header.index("Entry")]: row[header.index("P(win)")] for row in sheet.iter_rows(4, values_only=True)}
    assert shown == {"Siren grid": frozen[winner.id], "Flood map": frozen[other.id]} and None not in shown.values()
    # The snapshot holds the bootstrap's figures: the export never resamples a frozen round.
    assert not [key for key in results._CACHE if key[1]]  # (method, stability, resamples, fingerprint)


def test_unfreeze_needs_a_reason_and_is_recorded(client, make, login_as):
    edition, round_, organiser, *_ = _judged(make)
    lifecycle.freeze(actor=organiser, edition=edition)
    login_as(organiser)
    refused = client.post(f"/organiser/results/unfreeze?edition={edition.id}", data={"reason": "typo"})
    page = refused.get_data(as_text=True)
    # The dashboard again, the reason kept in its box and its problem beside it; nothing unfrozen.
    assert refused.status_code == 400 and "Freeze the results" not in page
    reason = page[page.index('name="reason"') :]
    assert "typo</textarea>" in reason and "between 5 and 1000 characters" in reason[: reason.index("</div>")]
    db.session.refresh(edition)
    assert edition.results_state == "frozen"
    response = client.post(f"/organiser/results/unfreeze?edition={edition.id}", data={"reason": "Juror typo fixed"})
    assert response.status_code == 302
    db.session.refresh(edition)
    assert edition.results_state == "open"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "results.unfreeze"))
    assert event.after["reason"] == "Juror typo fixed"
    assert db.session.scalar(db.select(ResultSnapshot)).superseded_at is not None


def test_publication_tells_exhibitors_winner_or_not_and_never_the_scores(client, make, login_as):
    edition, round_, organiser, juror, winner, other, winner_company, other_company = _judged(make)
    exhibitor = make.user("exhibitor", organisation=winner_company, language="fr")
    from judging.domain import rounds

    services.set_president(actor=organiser, member=services.jury_of(round_.category).members[0])
    lifecycle.freeze(actor=organiser, edition=edition)
    assert client.get(f"/winners/{edition.slug}").status_code == 404  # not yet published
    rounds.sign_off(actor=juror, round_=rounds.deciding_round(round_.category))
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    assert outbox() == []  # publishing makes the page public; the mails are a separate step
    lifecycle.send_result_mails(actor=organiser, edition=edition, confirmed=True)
    public = client.get(f"/winners/{edition.slug}").get_data(as_text=True)
    winners, finalists = public.split("Finalists")
    assert "Siren grid" in winners and "Flood map" not in winners and "Flood map" in finalists
    assert "90.0" not in public and "40.0" not in public and juror.email not in public  # never scores or jurors
    login_as(exhibitor)
    page = client.get("/entries/").get_data(as_text=True)
    assert "90.0" not in page and "90,0" not in page
    assert any(m.to == exhibitor.email and "Siren grid: lauréat" in m.body for m in outbox())


def test_publishing_needs_frozen_results(make):
    edition, round_, organiser, *_ = _judged(make)
    import pytest

    from judging.errors import Refused

    with pytest.raises(Refused):
        lifecycle.publish(actor=organiser, edition=edition, confirmed=True)


def test_a_frozen_ranking_keeps_how_each_tie_was_settled():
    import json

    import scoring
    from judging.domain.lifecycle import _deserialise, _serialise

    cards = [
        scoring.Scorecard("j1", 1, {"x": 8, "y": 6}),
        scoring.Scorecard("j1", 2, {"x": 6, "y": 8}),
        scoring.Scorecard("j1", 3, {"x": 5, "y": 5}),
        scoring.Scorecard("j1", 4, {"x": 5, "y": 5}),
    ]
    ranking = scoring.rank_entries(cards, [scoring.Criterion("x", 60), scoring.Criterion("y", 60)])
    stored = json.loads(json.dumps([_serialise(line) for line in ranking]))  # as the snapshot's JSON column
    assert [_deserialise(line) for line in stored] == ranking
    assert {line.tie.decided_by for line in ranking} == {"criterion", "jury"}
    legacy = dict(stored[0], tie_break="tied on 70.00; ranked above 2", tie=None)  # stored by an older version
    assert _deserialise(legacy).tie is None and _deserialise(legacy).rank == ranking[0].rank
