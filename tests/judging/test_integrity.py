"""The sealed chain from the marks to the winner: what counts, what a sign-off and a freeze bind, who wins."""

import pytest

from exports.workbook import podium
from judging import exporting
from judging.domain import entries as entry_services, juries as services, lifecycle, rounds
from judging.domain.results import counted_scorecards, round_results, winners
from judging.errors import Refused
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, AuditEvent, Conflict, Scorecard, SignOff, TieDecision
from scoring.flags import INCOMPLETE
from support import sign_off_as_president


def _card(round_, entry, juror):
    return db.session.scalar(
        db.select(Scorecard).where(
            Scorecard.round_id == round_.id, Scorecard.entry_id == entry.id, Scorecard.juror_id == juror.id
        )
    )


def _ranking(round_):
    return [(line.entry, line.rank) for line in round_results(round_).ranking]


# --- what counts ---------------------------------------------------------------------------------------------------


def test_a_conflict_declared_after_submitting_voids_the_card_reassigns_the_entry_and_tells_the_organisers(judged, make):
    pre, top = judged["pre"], judged["entries"][0]
    juror = judged["jurors"][0]
    spare = make.user("juror")
    services.add_member(actor=judged["organiser"], category=judged["category"], juror=spare)
    assert len(round_results(pre).cards) == 15
    outbox().clear()
    services.declare_conflict(actor=juror, juror=juror, organisation=top.organisation, kind="client", reason="")
    db.session.commit()  # the caller's commit: mails go out after it
    counted = counted_scorecards(pre)
    assert len(counted) == 14 and all(not (c.juror_id == juror.id and c.entry_id == top.id) for c in counted)
    assignment = db.session.scalar(
        db.select(Assignment).where(
            Assignment.round_id == pre.id, Assignment.entry_id == top.id, Assignment.juror_id == juror.id
        )
    )
    assert assignment.recused_at is not None and "conflict" in assignment.recusal_reason
    live = db.session.scalars(
        db.select(Assignment.juror_id).where(
            Assignment.round_id == pre.id, Assignment.entry_id == top.id, Assignment.recused_at.is_(None)
        )
    ).all()
    assert spare.id in live  # the entry got a juror in their place
    assert [m.to for m in outbox()] == [judged["organiser"].email]
    assert "no longer count" in outbox()[0].subject
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "scorecard.void")) is not None


def test_a_conflict_closes_the_jurors_draft_on_that_company(judged, make):
    pre, top, juror = judged["pre"], judged["entries"][0], judged["jurors"][1]
    card = _card(pre, top, juror)
    card.status, card.version = "draft", card.version + 1
    db.session.commit()
    services.declare_conflict(actor=juror, juror=juror, organisation=top.organisation, kind="family", reason="")
    assert _card(pre, top, juror) is None
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "scorecard.close_draft"))
    assert event.before["marks"]  # the marks are kept in the audit trail


def test_a_jurors_employer_never_counts_even_when_set_after_the_card(judged):
    pre, top, juror = judged["pre"], judged["entries"][0], judged["jurors"][2]
    juror.organisation_id = top.organisation_id
    db.session.commit()
    assert all(not (c.juror_id == juror.id and c.entry_id == top.id) for c in counted_scorecards(pre))


def test_a_removed_juror_loses_their_open_dossiers_and_cannot_open_the_entry(judged, make, client, login_as):
    category, final = judged["category"], judged["final"]
    newcomer = make.user("juror")
    member = services.add_member(actor=judged["organiser"], category=category, juror=newcomer)
    entry = judged["entries"][0]
    db.session.add(Assignment(round_id=judged["pre"].id, entry_id=entry.id, juror_id=newcomer.id))
    db.session.commit()
    login_as(newcomer)
    assert client.get(f"/jury/entries/{entry.id}/score").status_code == 200
    services.remove_member(actor=judged["organiser"], member=member)
    assert db.session.scalar(db.select(Assignment).where(Assignment.juror_id == newcomer.id)) is None
    assert client.get(f"/jury/entries/{entry.id}/score").status_code == 404
    assert final is not None


def test_a_conflicted_juror_with_a_left_over_assignment_is_refused_on_page_and_autosave(judged, client, login_as):
    pre, top, juror = judged["pre"], judged["entries"][1], judged["jurors"][0]
    db.session.add(Conflict(juror_id=juror.id, organisation_id=top.organisation_id, kind="investor"))
    db.session.commit()  # added behind the services' back: the access rule still holds
    login_as(juror)
    assert client.get(f"/jury/entries/{top.id}/score").status_code == 404
    response = client.post(f"/jury/api/scorecards/{pre.id}/{top.id}", json={"marks": {}, "version": 1})
    assert response.status_code in (403, 404)


# --- sign-off -------------------------------------------------------------------------------------------------------


def test_only_the_president_signs_off_and_an_organisers_override_is_the_organisers_for_these_results(judged):
    category, edition, organiser = judged["category"], judged["edition"], judged["organiser"]
    with pytest.raises(Refused) as refused:
        rounds.sign_off(actor=organiser, round_=rounds.deciding_round(category))
    assert refused.value.status == 403
    db.session.rollback()
    rounds.override_signoff(actor=organiser, edition=edition, reason="President stuck in traffic")
    rounds.ensure_ceremony_export_allowed(edition)
    book = exporting.results_book(edition, language="en")
    assert (organiser.name or organiser.email) in book.override_note and "traffic" in book.override_note
    card = db.session.scalars(db.select(Scorecard).where(Scorecard.status == "submitted")).first()
    card.marks = {k: 0 for k in card.marks}
    card.version += 1
    db.session.commit()
    with pytest.raises(Refused):  # the override held for the results it was given for, not for these
        rounds.ensure_ceremony_export_allowed(edition)


def test_signing_off_with_missing_scorecards_needs_an_explicit_confirmation(judged, make):
    edition = judged["edition"]
    edition.min_scorecards = 4
    db.session.commit()
    with pytest.raises(Refused) as refused:
        sign_off_as_president(judged["category"], accept_incomplete=False)
    assert "fewer scorecards than required" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(db.select(SignOff)) is None
    assert sign_off_as_president(judged["category"], accept_incomplete=True).voided_at is None


def _shortlist_two(judged):
    rounds.apply_shortlist(
        actor=judged["organiser"], preview=rounds.preview_shortlist(judged["pre"], rule="top", top=2)
    )


def _change_weights(judged):
    criteria = list(judged["pre"].criteria)
    criteria[0].weight, criteria[1].weight = criteria[1].weight + 1, criteria[0].weight - 1
    db.session.commit()


def _change_method(judged):
    judged["pre"].method = "median"
    db.session.commit()


def _change_trim(judged):
    judged["edition"].trim = 0
    db.session.commit()


def _change_min_scorecards(judged):
    judged["edition"].min_scorecards = 2
    db.session.commit()


def _change_a_mark(judged):
    card = _card(judged["pre"], judged["entries"][3], judged["jurors"][0])
    card.marks = {k: 10 for k in card.marks}
    card.version += 1
    db.session.commit()


def _disqualify(judged):
    entry_services.disqualify_entry(actor=judged["organiser"], entry=judged["entries"][4], reason="Not new")
    db.session.commit()


def _declare_conflict(judged):
    juror, entry = judged["jurors"][1], judged["entries"][2]
    services.declare_conflict(actor=juror, juror=juror, organisation=entry.organisation, kind="client", reason="")
    db.session.commit()


def _recuse_by_hand(judged):
    assignment = db.session.scalar(db.select(Assignment).where(Assignment.entry_id == judged["entries"][2].id))
    assignment.recused_at = assignment.created_at
    db.session.commit()


def _joint_winners(judged):
    db.session.add(TieDecision(round_id=judged["pre"].id, entry_ids=[judged["entries"][0].id], reason="x"))
    db.session.commit()


def _demote_to_trainee(judged):
    member = judged["category"]  # the jury seat of the first juror becomes a trainee's
    from judging.models import Jury, JuryMember

    seat = db.session.scalar(
        db.select(JuryMember)
        .join(Jury)
        .where(Jury.category_id == member.id, JuryMember.user_id == judged["jurors"][2].id)
    )
    seat.role = "trainee"
    db.session.commit()


INPUT_CHANGES = [
    _change_weights,
    _change_method,
    _change_trim,
    _change_min_scorecards,
    _change_a_mark,
    _disqualify,
    _declare_conflict,
    _recuse_by_hand,
    _joint_winners,
    _demote_to_trainee,
]


@pytest.mark.parametrize("change", INPUT_CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_every_input_change_after_the_sign_off_voids_it_and_the_export_waits_again(judged, change):
    category, edition = judged["category"], judged["edition"]
    signed = sign_off_as_president(category)
    rounds.ensure_ceremony_export_allowed(edition)
    change(judged)
    assert rounds.signoff_status(rounds.deciding_round(category)).state == "void"
    assert db.session.get(SignOff, signed.id).voided_at is not None
    with pytest.raises(Refused):
        rounds.ensure_ceremony_export_allowed(edition)


def test_a_combined_final_is_voided_by_a_change_in_the_pre_selection(judged):
    _shortlist_two(judged)
    final = judged["final"]
    final.previous_round_weight = 30
    for entry in judged["entries"][:2]:
        for juror in judged["jurors"]:  # the shortlist gave each finalist the final's jurors already
            db.session.add(
                Scorecard(
                    round_id=final.id,
                    entry_id=entry.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={c.key: 5 for c in final.criteria},
                )
            )
    db.session.commit()
    assert rounds.deciding_round(judged["category"]).id == final.id
    sign_off_as_president(judged["category"])
    card = _card(judged["pre"], judged["entries"][1], judged["jurors"][0])
    card.marks = {k: 10 for k in card.marks}
    card.version += 1
    db.session.commit()
    status = rounds.signoff_status(final)
    assert status.state == "void" and "combined" in status.changed


@pytest.mark.parametrize("change", INPUT_CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_frozen_results_refuse_every_input_change_and_keep_what_was_there(judged, change):
    lifecycle.freeze(actor=judged["organiser"], edition=judged["edition"])
    before = _ranking(judged["pre"]), len(counted_scorecards(judged["pre"]))
    with pytest.raises(Refused) as refused:
        change(judged)
    assert refused.value.status == 409 and "frozen" in refused.value.message
    db.session.rollback()
    assert (_ranking(judged["pre"]), len(counted_scorecards(judged["pre"]))) == before


def test_frozen_refusal_on_a_page_is_a_clear_409_and_nothing_half_applied(judged, client, login_as):
    lifecycle.freeze(actor=judged["organiser"], edition=judged["edition"])
    juror, entry = judged["jurors"][0], judged["entries"][0]
    login_as(juror)
    response = client.post(
        "/jury/conflicts", data={"organisation": entry.organisation_id, "kind": "client", "reason": "my client"}
    )
    assert response.status_code == 409
    assert "frozen" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Conflict)) is None


# --- who wins -------------------------------------------------------------------------------------------------------


def test_an_incomplete_finalist_never_wins_a_combined_final(judged):
    """30% pre-selection + 70% final: the best pre-selection entry has 1 final card of the 3 required."""
    judged["edition"].min_scorecards = 3
    _shortlist_two(judged)
    final = judged["final"]
    final.previous_round_weight = 30
    best, second = judged["entries"][:2]
    for juror in judged["jurors"]:
        db.session.add(
            Scorecard(
                round_id=final.id,
                entry_id=second.id,
                juror_id=juror.id,
                status="submitted",
                marks={c.key: 6 for c in final.criteria},
            )
        )
    db.session.add(
        Scorecard(
            round_id=final.id,
            entry_id=best.id,
            juror_id=judged["jurors"][0].id,
            status="submitted",
            marks={c.key: 10 for c in final.criteria},
        )
    )
    db.session.commit()
    ranking = round_results(final).ranking
    assert [line.entry for line in ranking] == [second.id, best.id]
    assert INCOMPLETE in ranking[1].flags
    assert [line.entry for line in winners(ranking)] == [second.id]
    book = exporting.results_book(judged["edition"], ceremony=False, language="en")
    category = next(c for c in book.categories if c.rows and c.rows[0].entry_id in (best.id, second.id))
    assert [row.entry_id for row in podium(category)] == [second.id]


def test_the_earlier_round_of_a_combination_keeps_its_own_method(judged):
    pre, final = judged["pre"], judged["final"]
    pre.method, final.method = "median", "mean"
    first = judged["entries"][0]
    card = _card(pre, first, judged["jurors"][0])
    card.marks = {k: 0 for k in card.marks}
    card.version += 1
    db.session.commit()
    _shortlist_two(judged)
    final.previous_round_weight = 100
    for entry in judged["entries"][:2]:
        db.session.add(
            Scorecard(
                round_id=final.id,
                entry_id=entry.id,
                juror_id=judged["jurors"][0].id,
                status="submitted",
                marks={c.key: 5 for c in final.criteria},
            )
        )
    db.session.commit()
    own = {line.entry: line.score for line in round_results(pre).ranking}
    combined = {line.entry: line.score for line in round_results(final).ranking}
    assert combined[first.id] == pytest.approx(own[first.id]) == pytest.approx(90.0)  # the median, not the mean 60


def test_an_undecided_tie_at_the_top_has_no_winner_and_is_not_printed_as_joint_winners(judged):
    pre = judged["pre"]
    second = judged["entries"][1]
    for juror in judged["jurors"]:
        card = _card(pre, second, juror)
        card.marks = {k: 9 for k in card.marks}
        card.version += 1
    db.session.commit()
    ranking = round_results(pre).ranking
    assert ranking[0].rank == ranking[1].rank == 1 and winners(ranking) == []
    book = exporting.results_book(judged["edition"], ceremony=False, language="en")
    rows = next(c for c in book.categories if c.rows and c.rows[0].rank == 1 and len(c.rows) == 5).rows
    assert rows[0].undecided_tie and rows[1].undecided_tie
