"""The final on the show floor: next stand, skip, live floor control, and the pairwise cross-check."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from judging import exporting
from judging.domain import floor, juries as services, rounds
from judging.extensions import db
from judging.mail import outbox
from judging.models import FloorDispatch, JuryMember, PairwiseAnswer, utcnow


@pytest.fixture
def final(judged):
    """The top four of the pre-selection in the final, visited in the schedule's order Gate 6 (B7), Gate 7 (B8),
    Gate 8 (B9), Gate 9 (B10), by the three jurors of the jury; the first juror presides."""
    rounds.apply_shortlist(
        actor=judged["organiser"], preview=rounds.preview_shortlist(judged["pre"], rule="top", top=4)
    )
    judged["final"].visit_starts_at = utcnow()
    member = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == judged["jurors"][0].id))
    member.is_president = True
    db.session.commit()
    outbox().clear()
    schedule = [v.entry for v in rounds.visit_schedule(judged["final"])]
    return judged | {"schedule": schedule, "round": judged["final"]}


def submit(client, final, entry, mark=7):
    keys = [c.key for c in final["round"].criteria]
    response = client.post(
        f"/jury/api/scorecards/{final['round'].id}/{entry.id}",
        json={"marks": {k: mark for k in keys}, "version": 0, "submit": True},
    )
    assert response.status_code == 200, response.get_json()
    return response


@pytest.fixture
def switch_to(client, login_as):
    """Log out whoever is logged in, then log `user` in (one client walks in several people's shoes)."""

    def switch(user):
        client.post("/auth/logout")
        return login_as(user)

    return switch


def next_of(client, final):
    response = client.get(f"/jury/api/floor/{final['round'].id}")
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
    return response.get_json()


def test_schedule_is_the_walking_order_hall_then_stand_number(final):
    assert [e.title for e in final["schedule"]] == ["Gate 6", "Gate 7", "Gate 8", "Gate 9"]


def test_juror_page_offers_the_first_stand_then_routes_a_colleague_elsewhere(final, client, switch_to):
    first, second = final["jurors"][:2]
    switch_to(first)
    page = client.get(f"/jury/floor?round={final['round'].id}")
    assert page.status_code == 200 and "Gate 6" in page.get_data(as_text=True)
    going = client.post(f"/jury/floor/{final['round'].id}/go/{final['schedule'][0].id}")
    assert going.status_code == 302 and f"/jury/entries/{final['schedule'][0].id}/score" in going.location
    switch_to(second)
    decision = next_of(client, final)
    assert decision["next"]["title"] == "Gate 7" and decision["why"] == "nearest"


def test_never_two_jurors_of_one_jury_at_one_stand_while_the_whole_jury_walks(final):
    jurors, round_ = final["jurors"], final["round"]
    for juror in jurors:
        state = floor.juror_floor(round_, juror)
        floor.go_to_stand(juror=juror, round_=round_, entry_id=state.decision.entry)
    at = [v.entry_id for v in floor.open_visits(round_).values()]
    assert len(at) == 3 and len(set(at)) == 3


def test_colleagues_stand_is_free_again_after_the_busy_window(final):
    first, second = final["jurors"][:2]
    floor.go_to_stand(juror=first, round_=final["round"], entry_id=final["schedule"][0].id)
    later = utcnow() + floor.busy_window(final["round"]) + timedelta(minutes=1)
    assert floor.juror_floor(final["round"], second, now=later).decision.entry == final["schedule"][0].id


def test_never_an_entry_already_scored_or_conflicted(final, client, switch_to):
    juror = switch_to(final["jurors"][1])
    services.declare_conflict(
        actor=juror, juror=juror, organisation=final["schedule"][0].organisation, kind="client", reason="Customer"
    )
    db.session.commit()
    submit(client, final, final["schedule"][1])
    assert next_of(client, final)["next"]["title"] == "Gate 8"
    refused = client.post(f"/jury/floor/{final['round'].id}/go/{final['schedule'][0].id}")
    assert refused.status_code == 403


def test_stand_unattended_skip_requeues_it_for_later(final, client, switch_to):
    switch_to(final["jurors"][2])
    round_id, (a, b, c, d) = final["round"].id, final["schedule"]
    response = client.post(f"/jury/floor/{round_id}/skip/{a.id}", follow_redirects=True)
    assert "comes back in your queue later" in response.get_data(as_text=True)
    assert next_of(client, final)["next"]["title"] == "Gate 7"
    for entry in (b, c, d):
        submit(client, final, entry)
    decision = next_of(client, final)
    assert (decision["next"]["title"], decision["why"]) == ("Gate 6", "requeued")
    submit(client, final, a)
    assert next_of(client, final)["why"] == "done"


def test_organiser_sends_a_juror_and_the_jurors_page_shows_it_first(final, client, switch_to):
    juror = final["jurors"][1]
    switch_to(final["organiser"])
    target = final["schedule"][3]
    response = client.post(
        f"/organiser/floor/send?round={final['round'].id}", data={"juror": juror.id, "entry": target.id}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/organiser/floor?round={final['round'].id}"), response.location
    state = client.get(f"/organiser/floor/state?round={final['round'].id}").get_json()
    assert next(j for j in state["jurors"] if j["juror"] == juror.id)["sent_to"]["title"] == "Gate 9"
    assert "Juror sent to a stand" in client.get("/organiser/audit").get_data(as_text=True)
    switch_to(juror)
    decision = next_of(client, final)
    assert (decision["next"]["title"], decision["why"]) == ("Gate 9", "sent")
    assert "Sent by the organisers" in client.get(f"/jury/floor?round={final['round'].id}").get_data(as_text=True)
    client.post(f"/jury/floor/{final['round'].id}/go/{target.id}")
    assert db.session.scalar(db.select(FloorDispatch)).closed_at is not None


def test_floor_control_shows_who_is_where_since_when_idle_jurors_and_missing_visits(final, client, switch_to):
    first = final["jurors"][0]
    floor.go_to_stand(juror=first, round_=final["round"], entry_id=final["schedule"][0].id)
    db.session.commit()
    switch_to(final["organiser"])
    page = client.get(f"/organiser/floor?round={final['round'].id}").get_data(as_text=True)
    assert "Floor control" in page and "Gate 6" in page and "idle" in page and "0 / 3" in page
    state = client.get(f"/organiser/floor/state?round={final['round'].id}").get_json()
    by_juror = {j["juror"]: j for j in state["jurors"]}
    assert by_juror[first.id]["at"]["title"] == "Gate 6" and by_juror[first.id]["minutes"] == 0
    assert [j["idle"] for j in state["jurors"]] == [False, True, True]
    assert {s["title"]: s["missing"] for s in state["stands"]} == {"Gate 6": 3, "Gate 7": 3, "Gate 8": 3, "Gate 9": 3}
    assert state["stands"][0]["here"] == [first.name]


def test_a_closed_stand_is_not_offered_until_it_reopens(final, client, switch_to):
    switch_to(final["organiser"])
    url = f"/organiser/floor/%s?round={final['round'].id}"
    client.post(url % "close", data={"entry": final["schedule"][0].id})
    assert floor.juror_floor(final["round"], final["jurors"][1]).next_entry.title == "Gate 7"
    assert client.get(url % "state").get_json()["stands"][0]["closed"] is True
    client.post(url % "reopen", data={"entry": final["schedule"][0].id})
    assert floor.juror_floor(final["round"], final["jurors"][1]).next_entry.title == "Gate 6"


def test_jury_president_has_the_floor_control_and_other_jurors_do_not(final, client, switch_to):
    round_id = final["round"].id
    switch_to(final["jurors"][1])
    assert client.get(f"/jury/rounds/{round_id}/floor-control").status_code == 403
    assert (
        client.post(f"/jury/rounds/{round_id}/floor-control/close", data={"entry": final["schedule"][0].id}).status_code
        == 403
    )
    assert client.get(f"/organiser/floor?round={round_id}").status_code == 403
    switch_to(final["jurors"][0])
    assert "As president: floor control" in client.get("/jury/").get_data(as_text=True)
    assert client.get(f"/jury/rounds/{round_id}/floor-control").status_code == 200
    response = client.post(
        f"/jury/rounds/{round_id}/floor-control/send",
        data={"juror": final["jurors"][2].id, "entry": final["schedule"][2].id},
    )
    assert response.status_code == 302
    assert (
        client.get(f"/jury/api/rounds/{round_id}/floor-control").get_json()["jurors"][2]["sent_to"]["title"] == "Gate 8"
    )


def test_floor_actions_refuse_bad_input_with_a_clear_4xx(final, client, switch_to, make):
    switch_to(final["organiser"])
    round_id = final["round"].id
    stranger = make.user("juror")
    assert (
        client.post(f"/organiser/floor/send?round={round_id}", data={"entry": final["schedule"][0].id}).status_code
        == 400
    )
    assert client.post(f"/organiser/floor/send?round={round_id}", data={"juror": "x", "entry": "y"}).status_code == 400
    refused = client.post(
        f"/organiser/floor/send?round={round_id}", data={"juror": stranger.id, "entry": final["schedule"][0].id}
    )
    assert refused.status_code == 400 and "does not sit on this jury" in refused.get_data(as_text=True)
    eliminated = final["entries"][4]
    assert client.post(f"/organiser/floor/close?round={round_id}", data={"entry": eliminated.id}).status_code == 404
    assert client.get(f"/organiser/floor?round={final['pre'].id}").status_code == 404
    assert client.get("/organiser/floor?round=999999").status_code == 404


def test_after_scoring_a_stand_the_juror_answers_better_or_worse_than_the_previous_one(final, client, switch_to):
    juror = switch_to(final["jurors"][0])
    round_id, (a, b, *_rest) = final["round"].id, final["schedule"]
    submit(client, final, a, mark=6)
    first_page = client.get(f"/jury/entries/{a.id}/score?round={round_id}").get_data(as_text=True)
    assert "Better or worse than the previous stand" not in first_page
    assert client.post(f"/jury/rounds/{round_id}/entries/{a.id}/compare", data={"answer": "better"}).status_code == 409
    assert client.post(f"/jury/rounds/{round_id}/entries/{b.id}/compare", data={"answer": "better"}).status_code == 409
    submit(client, final, b, mark=8)
    page = client.get(f"/jury/entries/{b.id}/score?round={round_id}").get_data(as_text=True)
    assert "Better or worse than the previous stand you scored, Gate 6?" in page
    assert client.post(f"/jury/rounds/{round_id}/entries/{b.id}/compare", data={"answer": "maybe"}).status_code == 400
    response = client.post(
        f"/jury/rounds/{round_id}/entries/{b.id}/compare", data={"answer": "worse"}, follow_redirects=True
    )
    assert "does not change any mark" in response.get_data(as_text=True)
    client.post(f"/jury/rounds/{round_id}/entries/{b.id}/compare", data={"answer": "better"})  # changing one's mind
    answers = db.session.scalars(db.select(PairwiseAnswer)).all()
    assert [(x.juror_id, x.entry_id, x.previous_entry_id, x.better) for x in answers] == [(juror.id, b.id, a.id, True)]


def _score_final(final, client, switch_to, answers_prefer_the_lower_mark: bool):
    """Every juror scores Gate 6 then Gate 7 (marks: Gate 7 wins) and answers the comparison either way."""
    round_id, (a, b, *_rest) = final["round"].id, final["schedule"]
    for juror in final["jurors"]:
        switch_to(juror)
        submit(client, final, a, mark=6)
        submit(client, final, b, mark=8)
        answer = "worse" if answers_prefer_the_lower_mark else "better"
        client.post(f"/jury/rounds/{round_id}/entries/{b.id}/compare", data={"answer": answer})


def test_pairwise_never_changes_the_result_and_the_methods_page_warns_when_it_crowns_another_entry(
    final, client, switch_to
):
    _score_final(final, client, switch_to, answers_prefer_the_lower_mark=True)
    switch_to(final["organiser"])
    results = client.get(f"/organiser/results?round={final['round'].id}").get_data(as_text=True)
    assert "would crown another entry: Gate 6" in results
    compare = client.get(f"/organiser/results/compare?round={final['round'].id}").get_data(as_text=True)
    assert "Pairwise (Bradley–Terry)" in compare and "pairwise cross-check (Bradley–Terry)" in compare
    assert "Another winner under" in compare
    # The official ranking is the marks': Gate 7 (8/10) first whatever the answers.
    from judging.domain.results import round_results

    assert round_results(final["round"]).ranking[0].entry == final["schedule"][1].id


def test_workbook_about_sheet_says_whether_marks_and_pairwise_agree(final, client, switch_to):
    _score_final(final, client, switch_to, answers_prefer_the_lower_mark=False)
    from exports import build_results_workbook

    book = exporting.results_book(final["edition"], ceremony=False, language="en")
    about = load_workbook(io.BytesIO(build_results_workbook(book)))["About"]
    facts = {row[0]: row[1] for row in about.iter_rows(min_row=2, values_only=True)}
    assert facts["Pairwise cross-check: " + final["category"].name("en")] == (
        "marks and pairwise agree on the winner (3 answers, Bradley-Terry)"
    )
    french = exporting.results_book(final["edition"], ceremony=False, language="fr")
    about = load_workbook(io.BytesIO(build_results_workbook(french)))["À propos"]
    assert any("concordent" in str(row[1]) for row in about.iter_rows(values_only=True))
