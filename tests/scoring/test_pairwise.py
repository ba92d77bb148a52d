"""The pairwise cross-check's Bradley–Terry fit, against a known worked example, and its drift immunity."""

import numpy as np
import pytest

from scoring import rank_entries
from scoring.core import Criterion, Scorecard
from scoring.pairwise import Comparison, bradley_terry, pairwise_ranking, pairwise_winners


def wikipedia_games() -> list[Comparison]:
    """The worked example of the Wikipedia article "Bradley–Terry model": four teams, 22 games;
    wins[i][j] is how often i beat j."""
    wins = {
        ("A", "B"): 2,
        ("A", "D"): 1,
        ("B", "A"): 3,
        ("B", "C"): 5,
        ("C", "B"): 3,
        ("C", "D"): 1,
        ("D", "A"): 4,
        ("D", "C"): 3,
    }
    return [Comparison(winner, loser) for (winner, loser), n in wins.items() for _ in range(n)]


def test_bradley_terry_reproduces_the_worked_example():
    # The article's fit after convergence, normalised to a geometric mean of 1: 0.640, 1.043, 0.660, 2.270.
    strengths = bradley_terry(wikipedia_games(), prior=0.0)
    assert [round(strengths[t], 3) for t in "ABCD"] == [0.640, 1.043, 0.660, 2.270]


def test_the_fit_is_the_maximum_likelihood():
    """At the fit, each team's expected wins equal its actual wins (the likelihood equations)."""
    games = wikipedia_games()
    p = bradley_terry(games, prior=0.0)
    for team in "ABCD":
        won = sum(1 for g in games if g.winner == team)
        expected = sum(
            p[team] / (p[team] + p[g.loser if g.winner == team else g.winner])
            for g in games
            if team in (g.winner, g.loser)
        )
        assert expected == pytest.approx(won, abs=1e-6)


def test_the_prior_keeps_an_unbeaten_entry_finite_and_in_first_place():
    ranking = pairwise_ranking([Comparison(1, 2), Comparison(1, 3), Comparison(2, 3)])
    assert [line.entry for line in ranking] == [1, 2, 3]
    assert all(np.isfinite(line.strength) for line in ranking) and pairwise_winners(ranking) == {1}
    assert (ranking[0].wins, ranking[0].losses) == (2, 0)


def test_no_answers_no_ranking():
    assert pairwise_ranking([]) == [] and pairwise_winners([]) == set()


def simulate_final(
    rng: np.random.Generator, *, finalists: int = 6, jurors: int = 5, drift: float = 2.5, noise: float = 0.8
):
    """One final: true qualities, each juror visits the stands in their own order and marks them on 0..10 with a
    drift over the day (a juror growing severe or lenient) plus noise, and answers "better or worse than the
    previous stand" from the same impression without the drift (a comparison is made on the spot)."""
    quality = rng.normal(6.0, 1.0, finalists)
    criteria = [Criterion(key="overall", weight=100, min=0, max=10)]
    cards, answers = [], []
    for juror in range(jurors):
        order = rng.permutation(finalists)
        slope = rng.choice([-1, 1]) * drift / max(1, finalists - 1)
        previous_impression, previous_entry = None, None
        for step, entry in enumerate(order):
            impression = quality[entry] + rng.normal(0, noise)
            mark = float(np.clip(round(impression + slope * step), 0, 10))
            cards.append(Scorecard(juror=juror, entry=int(entry), scores={"overall": mark}))
            if previous_entry is not None:
                better = impression > previous_impression
                answers.append(
                    Comparison(int(entry), previous_entry) if better else Comparison(previous_entry, int(entry))
                )
            previous_impression, previous_entry = impression, int(entry)
    return quality, cards, criteria, answers


def test_seeded_simulation_agreement_of_the_cross_check_on_drifting_panels():
    """On synthetic six-finalist finals with drifting jurors, the cross-check and the marks mostly crown the same
    entry; where they disagree, the pairwise winner is right at least as often as chance would allow."""
    rng = np.random.default_rng(2027)
    runs, agree, marks_right, pairwise_right = 300, 0, 0, 0
    for _ in range(runs):
        quality, cards, criteria, answers = simulate_final(rng)
        best = int(np.argmax(quality))
        ranking = rank_entries(cards, criteria, method="mean", min_scorecards=1)
        marks_winner = {line.entry for line in ranking if line.rank == 1}
        pairwise_winner = pairwise_winners(pairwise_ranking(answers))
        agree += marks_winner == pairwise_winner
        marks_right += marks_winner == {best}
        pairwise_right += pairwise_winner == {best}
    agreement = agree / runs
    print(
        f"agreement {agreement:.2f}, marks right {marks_right / runs:.2f}, pairwise right {pairwise_right / runs:.2f}"
    )
    assert 0.5 <= agreement <= 0.95  # a real cross-check: mostly the same winner, not a copy of the marks
    assert pairwise_right / runs > 1 / 6 * 2  # well above chance (1 in 6) on neighbouring comparisons alone
