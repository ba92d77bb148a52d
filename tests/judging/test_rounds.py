"""Rounds: shortlisting by each rule, progression, combined results, calibration, joint winners, sign-off."""

from datetime import timedelta

import pytest

from judging.domain import juries as services, rounds, scorecards
from judging.domain.results import round_results
from judging.errors import Refused
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, Entry, Scorecard, utcnow
from scoring.flags import joint_winner
from support import sign_off_as_president


def test_shortlist_top_n_moves_entries_to_the_final_and_notifies_in_their_language(judged):
    preview = rounds.preview_shortlist(judged["pre"], rule="top", top=2)
    assert preview.advancing == [judged["entries"][0].id, judged["entries"][1].id]
    rounds.apply_shortlist(actor=judged["organiser"], preview=preview, notify=True)
    db.session.commit()  # the mails leave once the shortlist is committed
    reached = {e.title: e.round_reached for e in db.session.scalars(db.select(Entry))}
    assert reached == {"Gate 9": 2, "Gate 8": 2, "Gate 7": 1, "Gate 6": 1, "Gate 5": 1}
    bodies = {m.to: m.body for m in outbox()}
    assert any("finaliste" in b for b in bodies.values()) and any("not shortlisted" in b for b in bodies.values())


def test_shortlist_by_threshold_and_by_hand(judged):
    assert len(rounds.preview_shortlist(judged["pre"], rule="threshold", threshold=70).advancing) == 3
    chosen = [judged["entries"][4].id]
    assert rounds.preview_shortlist(judged["pre"], rule="manual", chosen=chosen).advancing == chosen
    with pytest.raises(Refused):
        rounds.preview_shortlist(judged["pre"], rule="manual", chosen=[999999])


def test_entry_eliminated_in_round_one_cannot_be_scored_in_the_final(judged, client, login_as):
    rounds.apply_shortlist(
        actor=judged["organiser"], preview=rounds.preview_shortlist(judged["pre"], rule="top", top=2)
    )
    eliminated = judged["entries"][4]
    juror = judged["jurors"][0]
    db.session.add(Assignment(round_id=judged["final"].id, entry_id=eliminated.id, juror_id=juror.id))
    db.session.commit()
    login_as(juror)
    response = client.post(
        f"/jury/api/scorecards/{judged['final'].id}/{eliminated.id}", json={"marks": {}, "version": 0}
    )
    assert response.status_code == 409 and "no longer in this round" in response.get_json()["error"]


def test_final_combines_thirty_percent_preselection_and_seventy_percent_final(judged):
    rounds.apply_shortlist(
        actor=judged["organiser"], preview=rounds.preview_shortlist(judged["pre"], rule="top", top=2)
    )
    final = judged["final"]
    final.previous_round_weight = 30
    keys = [c.key for c in final.criteria]
    first, second = judged["entries"][:2]
    for entry, mark in ((first, 5), (second, 10)):  # the stand visit reverses the order
        for juror in judged["jurors"]:
            db.session.add(
                Scorecard(
                    round_id=final.id,
                    entry_id=entry.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={k: mark for k in keys},
                )
            )
    db.session.commit()
    outcome = round_results(final)
    scores = {line.entry: line.score for line in outcome.ranking}
    assert scores[first.id] == pytest.approx(0.3 * 90 + 0.7 * 50)
    assert scores[second.id] == pytest.approx(0.3 * 80 + 0.7 * 100)
    assert outcome.ranking[0].entry == second.id and "30% Pre-selection + 70% Final" == outcome.combined_note


def test_calibration_marks_are_compared_but_never_counted(judged, client, login_as):
    sample = judged["entries"][2]
    rounds.set_calibration_samples(actor=judged["organiser"], round_=judged["pre"], entry_ids=[sample.id])
    before = {l.entry: l.score for l in round_results(judged["pre"]).ranking}
    keys = [c.key for c in judged["pre"].criteria]
    for juror, mark in zip(judged["jurors"], (10, 4, 4)):
        scorecards.save_calibration_card(
            juror=juror, entry=sample, round_=judged["pre"], values=scorecards.CardInput(marks={k: mark for k in keys})
        )
    assert {l.entry: l.score for l in round_results(judged["pre"]).ranking} == before
    login_as(judged["jurors"][0])
    page = client.get(f"/jury/calibration/{judged['pre'].id}/{sample.id}").get_data(as_text=True)
    assert "100.0" in page and "40.0 (2)" in page


def test_joint_winners_only_for_a_real_tie_and_by_the_president(judged, make):
    pre = judged["pre"]
    top, runner_up = judged["entries"][:2]
    for card in db.session.scalars(db.select(Scorecard).where(Scorecard.entry_id == runner_up.id)):
        card.marks = {k: 9 for k in card.marks}
    db.session.commit()
    with pytest.raises(Refused):
        rounds.decide_joint_winners(
            actor=judged["jurors"][0], round_=pre, entry_ids=[top.id, runner_up.id], reason="equal"
        )
    with pytest.raises(Refused):
        rounds.decide_joint_winners(
            actor=judged["organiser"], round_=pre, entry_ids=[top.id, judged["entries"][2].id], reason="not tied"
        )
    rounds.decide_joint_winners(
        actor=judged["organiser"], round_=pre, entry_ids=[top.id, runner_up.id], reason="Both convinced the whole jury"
    )
    ranking = round_results(pre).ranking
    assert [l.rank for l in ranking[:3]] == [1, 1, 3]
    assert joint_winner("Both convinced the whole jury") in ranking[0].flags


def test_ceremony_export_waits_for_every_sign_off_or_a_recorded_override(judged, make):
    edition = judged["edition"]
    with pytest.raises(Refused, match="waits for the sign-off"):
        rounds.ensure_ceremony_export_allowed(edition)
    member = judged["category"]
    from judging.models import JuryMember

    president = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == judged["jurors"][0].id))
    services.set_president(actor=judged["organiser"], member=president)
    rounds.sign_off(actor=judged["jurors"][0], round_=rounds.deciding_round(member))
    assert member not in rounds.unsigned_categories(edition)
    rounds.ensure_ceremony_export_allowed(edition)  # the five other categories have no entry: nothing to sign
    make.entry(edition=edition, category="cyber")
    with pytest.raises(Refused, match="waits for the sign-off"):  # now cyber has an entry and no sign-off
        rounds.ensure_ceremony_export_allowed(edition)
    rounds.override_signoff(actor=judged["organiser"], edition=edition, reason="Ceremony starts in 10 minutes")
    rounds.ensure_ceremony_export_allowed(edition)


def test_a_score_change_after_sign_off_voids_it_and_tells_the_president(judged):
    category = judged["category"]
    round_ = rounds.deciding_round(category)
    signed = sign_off_as_president(category)
    assert category not in rounds.unsigned_categories(judged["edition"])
    card = db.session.scalars(
        db.select(Scorecard).where(Scorecard.round_id == round_.id, Scorecard.status == "submitted")
    ).first()
    card.marks = {k: 1 for k in card.marks}
    card.version += 1
    outbox().clear()
    db.session.commit()
    assert category in rounds.unsigned_categories(judged["edition"])
    assert signed.voided_at is not None and rounds.signoff_status(round_).changed == ("marks",)
    assert [m.to for m in outbox()] == [signed.signed_by.email]
    assert "no longer holds" in outbox()[0].subject


def test_stand_cards_carry_a_qr_code_of_the_final_scorecard_and_the_schedule_walks_the_hall(judged, client, login_as):
    rounds.apply_shortlist(
        actor=judged["organiser"], preview=rounds.preview_shortlist(judged["pre"], rule="top", top=3)
    )
    final = judged["final"]
    final.visit_starts_at = utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
    final.slot_minutes = 15
    db.session.commit()
    visits = rounds.visit_schedule(final)
    assert [v.entry.organisation.stand for v in visits] == ["B8", "B9", "B10"]  # natural order, not B10 first
    assert visits[1].starts_at - visits[0].starts_at == timedelta(minutes=15)
    login_as(judged["organiser"])
    page = client.get(f"/organiser/rounds/{final.id}/stand-cards").get_data(as_text=True)
    assert page.count("data:image/svg+xml") == 3 and "Gate 9" in page
    page = client.get(f"/organiser/rounds/{final.id}").get_data(as_text=True)
    assert all(visit.entry.title in page for visit in visits)


def test_a_round_can_have_its_own_aggregation_method(judged, client, login_as):
    final = judged["final"]
    login_as(judged["organiser"])
    data = {
        "name": "Final",
        "name_fr": "Finale",
        "method": "trimmed",
        "previous_round_weight": "30",
        "slot_minutes": "12",
    }
    assert client.post(f"/organiser/rounds/{final.id}/settings", data=data).status_code == 302
    db.session.refresh(final)
    assert final.method == "trimmed" and final.slot_minutes == 12
    assert round_results(final).method == "trimmed"
    assert client.post(f"/organiser/rounds/{final.id}/settings", data={**data, "method": "best"}).status_code == 400


def test_a_round_is_named_in_both_languages_and_shown_in_the_readers(judged, client, login_as, make):
    final = judged["final"]
    assert (final.name, final.name_fr) == ("Final", "Finale")  # new editions get both
    organiser = judged["organiser"]
    login_as(organiser)
    data = {
        "name": "Jury final on the stand",
        "name_fr": "Finale du jury sur le stand",
        "method": "",
        "previous_round_weight": "0",
        "slot_minutes": "10",
    }
    assert client.post(f"/organiser/rounds/{final.id}/settings", data=data).status_code == 302
    assert "Jury final on the stand" in client.get(f"/organiser/rounds/{final.id}").get_data(as_text=True)
    organiser.language = "fr"
    db.session.commit()
    page = client.get(f"/organiser/results?round={final.id}").get_data(as_text=True)
    assert "Finale du jury sur le stand" in page and "Jury final on the stand" not in page
    assert client.post(f"/organiser/rounds/{final.id}/settings", data={**data, "name_fr": ""}).status_code == 400


def test_refused_joint_winners_keep_the_round_page_with_the_ticks_and_the_reason(judged, client, login_as):
    pre, (first, second) = judged["pre"], judged["entries"][:2]
    login_as(judged["organiser"])
    url = f"/organiser/rounds/{pre.id}/joint-winners"
    response = client.post(url, data={"entry": [str(first.id), str(second.id)], "reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Bad request" not in page and "This field is required" in page
    assert page.count(" checked>") == 2
    # Not tied (90 and 80): said on the round page, the reason kept.
    response = client.post(url, data={"entry": [str(first.id), str(second.id)], "reason": "Both were superb"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Joint winners must be tied entries" in page
    assert "Both were superb" in page and "<h2>Ranking</h2>" in page


def test_an_override_with_too_short_a_reason_comes_back_on_its_round_page_as_typed(judged, client, login_as):
    edition, round_ = judged["edition"], rounds.deciding_round(judged["category"])
    login_as(judged["organiser"])
    page = client.get(f"/organiser/rounds/{round_.id}").get_data(as_text=True)
    action = f"/organiser/signoff-override?edition={edition.id}&amp;round={round_.id}"
    assert action in page
    refused = client.post(action.replace("&amp;", "&"), data={"reason": "late"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "<h2>Sign-off</h2>" in html  # the round's page, not an error page
    override = html[html.index("/organiser/signoff-override") :]
    reason = override[override.index('name="reason"') :]
    assert "late</textarea>" in reason and "between 5 and 1000 characters" in reason[: reason.index("</div>")]
    with pytest.raises(Refused, match="waits for the sign-off"):  # nothing was allowed
        rounds.ensure_ceremony_export_allowed(edition)
