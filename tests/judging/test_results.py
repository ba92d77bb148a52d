"""The organiser's results page ranks with the scoring engine and counts only what should count."""

import re

from judging.domain import juries as services
from judging.domain.results import round_results
from judging.extensions import db
from judging.models import JuryMember, Scorecard
from scoring.flags import INCOMPLETE


def _scored_round(make, marks_by_entry, observer_marks=None):
    edition = make.edition()
    category = make.category(edition, "cyber")
    organiser = make.user("organiser")
    jurors = [make.user("juror") for _ in range(3)]
    for juror in jurors:
        services.add_member(actor=organiser, category=category, juror=juror)
    observer = make.user("juror")
    services.add_member(actor=organiser, category=category, juror=observer, role="observer")
    round_ = category.rounds[0]
    keys = [c.key for c in round_.criteria]
    entries = {}
    for title, marks in marks_by_entry.items():
        entry = make.entry(edition=edition, title=title)
        entries[title] = entry
        for juror, mark in zip(jurors, marks):
            db.session.add(
                Scorecard(
                    round_id=round_.id,
                    entry_id=entry.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={k: mark for k in keys},
                )
            )
        if observer_marks and title in observer_marks:
            db.session.add(
                Scorecard(
                    round_id=round_.id,
                    entry_id=entry.id,
                    juror_id=observer.id,
                    status="submitted",
                    marks={k: observer_marks[title] for k in keys},
                )
            )
    edition.min_scorecards = 3
    db.session.commit()
    return edition, round_, entries, organiser


def test_results_page_ranks_entries_with_scores_means_and_stability(client, make, login_as):
    edition, round_, entries, organiser = _scored_round(
        make, {"Fence": [9, 8, 9], "Drone net": [5, 6, 5], "Radio": [7, 7, 7]}
    )
    login_as(organiser)
    page = client.get(f"/organiser/results?round={round_.id}").get_data(as_text=True)
    assert page.index("Fence") < page.index("Radio") < page.index("Drone net")
    assert "86.7" in page  # (90 + 80 + 90) / 3
    assert "Wins in" in page and re.search(r'<td class="num">\d+ %</td>', page)
    compare = client.get(f"/organiser/results/compare?round={round_.id}")
    assert compare.status_code == 200 and "marks standardised per juror (z-scores)" in compare.get_data(as_text=True)
    assert "The same winner under every method." in compare.get_data(as_text=True)


def test_a_tie_is_explained_with_the_other_entrys_title_in_the_readers_language(client, make, login_as):
    edition, round_, entries, organiser = _scored_round(
        make, {"Acoustic gunshot locator": [7, 7, 7], "Blast-proof bin": [7, 7, 7]}
    )
    login_as(organiser)
    url = f"/organiser/results?round={round_.id}&method=mean"
    english = client.get(url).get_data(as_text=True)
    assert (
        "Tied at 70.00 with “Blast-proof bin” on every criterion and on the median total: the jury decides."
    ) in english
    assert "tie: the jury decides" in english and f"with {entries['Blast-proof bin'].id!r}" not in english
    organiser.language = "fr"  # the language the organiser chose, remembered on the account
    db.session.commit()
    french = client.get(url).get_data(as_text=True)
    assert "À égalité (70,00) avec « Blast-proof bin » sur chaque critère" in french and "Tied at" not in french


def test_observer_marks_and_draft_scorecards_do_not_count(make):
    edition, round_, entries, _ = _scored_round(
        make, {"Fence": [6, 6, 6], "Radio": [5, 5, 5]}, observer_marks={"Radio": 10}
    )
    draft = db.session.scalars(db.select(Scorecard).where(Scorecard.entry_id == entries["Fence"].id)).first()
    draft.status = "draft"
    db.session.commit()
    outcome = round_results(round_)
    by_entry = {r.entry: r for r in outcome.ranking}
    assert by_entry[entries["Radio"].id].n_scorecards == 3
    assert by_entry[entries["Fence"].id].n_scorecards == 2 and INCOMPLETE in by_entry[entries["Fence"].id].flags
    assert outcome.ranking[0].entry == entries["Radio"].id


def test_unknown_method_is_a_clear_400(client, make, login_as):
    edition, round_, _, organiser = _scored_round(make, {"Fence": [6, 6, 6]})
    login_as(organiser)
    response = client.get(f"/organiser/results?round={round_.id}&method=best")
    assert response.status_code == 400 and "Unknown scoring method" in response.get_data(as_text=True)


def test_results_are_for_organisers_only(client, make, login_as):
    edition, round_, _, _ = _scored_round(make, {"Fence": [6, 6, 6]})
    for role in ("exhibitor", "juror"):
        login_as(make.user(role))
        assert client.get(f"/organiser/results?round={round_.id}").status_code == 403
        client.post("/auth/logout")


def test_an_observer_can_be_given_an_entry_by_hand_and_score_without_counting(client, make, login_as):
    from datetime import timedelta

    from judging.models import User, utcnow

    edition, round_, entries, organiser = _scored_round(make, {"Fence": [6, 6, 6]})
    edition.scoring_opens_at, edition.scoring_closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=1)
    db.session.commit()
    observer = db.session.scalar(
        db.select(User).join(JuryMember, JuryMember.user_id == User.id).where(JuryMember.role == "observer")
    )
    login_as(organiser)
    response = client.post(
        f"/organiser/assignments/{round_.id}/manual", data={"entry": entries["Fence"].id, "juror": observer.id}
    )
    assert response.status_code == 302
    client.post("/auth/logout")
    login_as(observer)
    keys = [c.key for c in round_.criteria]
    saved = client.post(
        f"/jury/api/scorecards/{round_.id}/{entries['Fence'].id}",
        json={"marks": {k: 1 for k in keys}, "version": 0, "submit": True},
    )
    assert saved.status_code == 200
    line = round_results(round_).ranking[0]
    assert line.n_scorecards == 3 and line.score == 60.0


def test_method_comparison_warns_when_another_method_would_crown_another_entry(client, make, login_as):
    # Mean: "Steady" 70 beats "Divisive" 66.7; median: "Divisive" 100 beats "Steady" 70.
    edition, round_, entries, organiser = _scored_round(make, {"Divisive": [10, 10, 0], "Steady": [7, 7, 7]})
    login_as(organiser)
    page = client.get(f"/organiser/results/compare?round={round_.id}").get_data(as_text=True)
    assert "Another winner under: median of the weighted totals" in page
    assert 'class="num moved"' in page
