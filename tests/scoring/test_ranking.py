"""Hand-worked examples for every method and the tie chain, then properties checked by hypothesis."""

import random

import pytest
from hypothesis import assume, given, settings, strategies as st

from scoring import (
    METHODS,
    Criterion,
    RankedEntry,
    Scorecard,
    TieBreak,
    agreement,
    bootstrap_stability,
    combine_rankings,
    juror_statistics,
    rank_entries,
    scores_fingerprint,
    share_first_place,
    trimmed_mean,
    weighted_total,
)
from scoring.flags import INCOMPLETE, TIE_BROKEN, TIE_UNDECIDED, joint_winner, outlier_juror

CRITERIA = [Criterion("innovation", 40), Criterion("value", 35), Criterion("maturity", 25)]


def card(juror, entry, innovation, value, maturity):
    return Scorecard(juror, entry, {"innovation": innovation, "value": value, "maturity": maturity})


def by_entry(ranking):
    return {r.entry: r for r in ranking}


def test_weighted_total_rescales_each_criterion_and_weights_it():
    # 8/10 -> 80 x 40%, 6/10 -> 60 x 35%, 10/10 -> 100 x 25%: 32 + 21 + 25 = 78.
    assert weighted_total({"innovation": 8, "value": 6, "maturity": 10}, CRITERIA) == pytest.approx(78.0)
    # A 1..5 scale: 4 -> 75.
    assert weighted_total({"x": 4}, [Criterion("x", 1, min=1, max=5)]) == pytest.approx(75.0)


def test_weighted_total_refuses_a_missing_or_out_of_range_mark():
    with pytest.raises(ValueError, match="has no mark for 'maturity'"):
        weighted_total({"innovation": 8, "value": 6}, CRITERIA)
    with pytest.raises(ValueError, match="mark 11 for 'innovation' outside 0..10"):
        weighted_total({"innovation": 11, "value": 6, "maturity": 1}, CRITERIA)


def test_mean_method_by_hand():
    cards = [
        card("j1", "A", 8, 6, 10),
        card("j2", "A", 6, 6, 6),  # totals 78 and 60 -> 69
        card("j1", "B", 7, 7, 7),
        card("j2", "B", 7, 7, 7),
    ]  # totals 70 and 70 -> 70
    ranking = rank_entries(cards, CRITERIA, "mean")
    assert [(r.entry, r.rank) for r in ranking] == [("B", 1), ("A", 2)]
    assert by_entry(ranking)["A"].score == pytest.approx(69.0)
    assert by_entry(ranking)["A"].criterion_means == {"innovation": 7.0, "value": 6.0, "maturity": 8.0}
    assert by_entry(ranking)["A"].n_scorecards == 2


def test_median_method_by_hand():
    cards = [
        card("j1", "A", 10, 10, 10),
        card("j2", "A", 2, 2, 2),
        card("j3", "A", 6, 6, 6),  # 100, 20, 60 -> 60
        card("j1", "B", 5, 5, 5),
        card("j2", "B", 5, 5, 5),
        card("j3", "B", 7, 7, 7),
    ]  # 50, 50, 70 -> 50
    ranking = rank_entries(cards, CRITERIA, "median")
    assert [(r.entry, round(r.score, 6)) for r in ranking] == [("A", 60.0), ("B", 50.0)]


def test_trimmed_method_drops_highest_and_lowest_per_criterion():
    # Innovation marks 2, 7, 8, 9, 10 -> drop 2 and 10 -> mean 8; the others are 5 throughout.
    cards = [card(f"j{i}", "A", m, 5, 5) for i, m in enumerate([2, 7, 8, 9, 10])]
    line = rank_entries(cards, CRITERIA, "trimmed", trim=1)[0]
    assert line.criterion_means["innovation"] == pytest.approx(8.0)
    assert line.score == pytest.approx(0.40 * 80 + 0.35 * 50 + 0.25 * 50)
    assert trimmed_mean([1, 2], trim=1) == 1.5  # too few marks to trim: plain mean


def test_zscore_counts_a_harsh_and_a_lenient_juror_alike():
    # The harsh juror marks A 4 and B 2; the lenient one marks A 10 and C 8. Both prefer their first entry.
    cards = [
        card("harsh", "A", 4, 4, 4),
        card("harsh", "B", 2, 2, 2),
        card("lenient", "A", 10, 10, 10),
        card("lenient", "C", 8, 8, 8),
    ]
    mean = by_entry(rank_entries(cards, CRITERIA, "mean"))
    z = by_entry(rank_entries(cards, CRITERIA, "zscore"))
    assert mean["C"].rank < mean["B"].rank  # raw marks favour the lenient juror's second choice
    assert z["A"].rank == 1 and z["B"].score == pytest.approx(z["C"].score)  # z = -1 for both


def test_zscore_juror_with_one_scorecard_or_no_spread_counts_as_neutral():
    cards = [
        card("j1", "A", 9, 9, 9),
        card("j1", "B", 3, 3, 3),
        card("solo", "B", 10, 10, 10),
        card("flat", "A", 5, 5, 5),
        card("flat", "B", 5, 5, 5),
    ]
    z = by_entry(rank_entries(cards, CRITERIA, "zscore"))
    # j1: A z=+1, B z=-1; solo and flat give 0. A: (1 + 0)/2 = 0.5, B: (-1 + 0 + 0)/3 = -1/3.
    assert z["A"].rank == 1 and z["A"].score > z["B"].score


def test_fitted_separates_juror_leniency_from_entry_quality():
    # True qualities A=80, B=60, C=40; juror x adds +15, juror y -15; each sees a different subset.
    quality, bias = {"A": 80, "B": 60, "C": 40}, {"x": 15, "y": -15}
    seen = {"x": ["B", "C"], "y": ["A", "B"]}
    cards = [Scorecard(j, e, {"q": (quality[e] + bias[j]) / 10}) for j, es in seen.items() for e in es]
    criteria = [Criterion("q", 1)]
    fitted = rank_entries(cards, criteria, "fitted")
    assert [r.entry for r in fitted] == ["A", "B", "C"]
    scores = by_entry(fitted)
    assert scores["A"].score - scores["B"].score == pytest.approx(20, abs=0.01)
    assert scores["B"].score - scores["C"].score == pytest.approx(20, abs=0.01)
    # The plain mean is fooled: B (seen by both) averages 60, and C, seen only by the lenient juror, gets 55.
    assert by_entry(rank_entries(cards, criteria, "mean"))["C"].score == pytest.approx(55)


def test_tie_broken_by_the_heaviest_criterion_then_explained():
    # A: 32 + 21 + 15 = 68; B: 24 + 28 + 16 = 68. A is stronger on innovation (the heaviest, 40%).
    cards = [card("j1", "A", 8, 6, 6), card("j1", "B", 6, 8, 6.4)]
    a_total = weighted_total(cards[0].scores, CRITERIA)
    b_total = weighted_total(cards[1].scores, CRITERIA)
    assert a_total == pytest.approx(b_total)
    ranking = rank_entries(cards, CRITERIA, "mean")
    assert [(r.entry, r.rank) for r in ranking] == [("A", 1), ("B", 2)]
    assert TIE_BROKEN in ranking[0].flags
    assert ranking[0].tie == TieBreak(
        score=pytest.approx(68.0),
        decided_by="criterion",
        other="B",
        above=True,
        criterion="innovation",
        mine=8.0,
        theirs=6.0,
    )
    assert ranking[1].tie.other == "A" and ranking[1].tie.above is False


def test_tie_broken_by_the_median_total_when_every_criterion_mean_is_equal():
    criteria = [Criterion("x", 1)]
    cards = [
        Scorecard("j1", "A", {"x": 6}),
        Scorecard("j2", "A", {"x": 6}),
        Scorecard("j3", "A", {"x": 3}),
        Scorecard("j1", "B", {"x": 5}),
        Scorecard("j2", "B", {"x": 5}),
        Scorecard("j3", "B", {"x": 5}),
    ]
    ranking = rank_entries(cards, criteria, "mean")  # both 50 on average; medians 60 and 50
    assert [r.entry for r in ranking] == ["A", "B"]
    assert (ranking[0].tie.decided_by, ranking[0].tie.mine, ranking[0].tie.theirs) == ("median", 60.0, 50.0)


def test_full_tie_shares_the_rank_and_asks_the_jury():
    cards = [card("j1", "A", 7, 7, 7), card("j1", "B", 7, 7, 7), card("j1", "C", 5, 5, 5)]
    ranking = rank_entries(cards, CRITERIA, "mean")
    assert [(r.entry, r.rank) for r in ranking] == [("A", 1), ("B", 1), ("C", 3)]
    assert all(TIE_UNDECIDED in r.flags for r in ranking[:2])
    assert ranking[0].tie.decided_by == "jury" and ranking[0].tie.shared == (ranking[1].entry,)


def test_entries_short_of_scorecards_come_last_flagged_incomplete():
    cards = [card("j1", "A", 5, 5, 5), card("j2", "A", 5, 5, 5), card("j1", "B", 10, 10, 10)]
    ranking = rank_entries(cards, CRITERIA, "mean", min_scorecards=2, entries=["A", "B", "C"])
    assert [(r.entry, r.rank, r.flags) for r in ranking] == [
        ("A", 1, ()),
        ("B", 2, (INCOMPLETE,)),
        ("C", 3, (INCOMPLETE,)),
    ]
    assert ranking[2].score is None


def test_unknown_method_and_bad_marks_are_refused_clearly():
    with pytest.raises(ValueError, match="choose one of mean, median"):
        rank_entries([], CRITERIA, "best")
    with pytest.raises(ValueError, match="juror 'j9' for entry 'A'"):
        rank_entries([card("j9", "A", 12, 5, 5)], CRITERIA)


def test_juror_who_marks_everything_ten_is_flagged_as_outlier():
    cards = []
    for n, e in enumerate("ABCD"):
        cards += [card(f"fair{j}", e, 4 + (n + j) % 4, 5 + (n * j) % 3, 6 - (n + j) % 3) for j in range(1, 5)]
        cards.append(card("generous", e, 10, 10, 10))
    stats = juror_statistics(cards, CRITERIA)
    assert stats["generous"].outlier and stats["generous"].severity > 30
    assert not stats["fair1"].outlier
    assert outlier_juror("generous") in rank_entries(cards, CRITERIA)[0].flags


def test_agreement_reproduces_krippendorffs_interval_example():
    """Krippendorff (2011), 'Computing Krippendorff's Alpha-Reliability', 4 coders x 12 units: 0.849."""
    data = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    }
    cards = [
        Scorecard(coder, unit, {"x": value})
        for coder, values in data.items()
        for unit, value in enumerate(values)
        if value is not None
    ]
    assert agreement(cards, [Criterion("x", 1, min=0, max=10)]) == pytest.approx(0.849, abs=0.0005)


def test_bootstrap_is_seeded_and_a_clear_winner_wins_almost_always():
    rng = random.Random(1)
    cards = [
        card(f"j{j}", e, min(10, q + rng.choice([-1, 0, 1])), q, q)
        for e, q in (("A", 9), ("B", 6), ("C", 5), ("D", 4))
        for j in range(5)
    ]
    first = bootstrap_stability(cards, CRITERIA, "mean", resamples=500, seed=3)
    again = bootstrap_stability(cards, CRITERIA, "mean", resamples=500, seed=3)
    assert first == again
    assert first["A"].p_first > 0.99 and first["A"].rank_interval == (1, 1)
    assert sum(s.p_first for s in first.values()) == pytest.approx(1.0, abs=0.01)
    ranking = rank_entries(cards, CRITERIA, "trimmed", stability=True, resamples=200, seed=3)
    assert ranking[0].entry == "A" and ranking[0].p_top3 == 1.0


def test_fingerprint_ignores_order_but_sees_any_changed_mark():
    cards = [card("j1", "A", 5, 5, 5), card("j2", "B", 6, 6, 6)]
    assert scores_fingerprint(cards) == scores_fingerprint(list(reversed(cards)))
    assert scores_fingerprint(cards) != scores_fingerprint([cards[0], card("j2", "B", 6, 6, 7)])


# --- properties ----------------------------------------------------------------------------------------------


@st.composite
def panels(draw, max_entries=6, max_jurors=5):
    n_entries = draw(st.integers(1, max_entries))
    n_jurors = draw(st.integers(1, max_jurors))
    cards = []
    for e in range(n_entries):
        jurors = draw(st.sets(st.integers(0, n_jurors - 1), min_size=1))
        for j in sorted(jurors):
            marks = draw(st.tuples(*[st.integers(0, 10)] * 3))
            cards.append(card(f"j{j}", f"e{e}", *marks))
    return cards


def _summary(ranking):
    return [(r.entry, r.rank, None if r.score is None else round(r.score, 6)) for r in ranking]


@settings(max_examples=60, deadline=None)
@given(panels(), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_property_input_order_never_changes_the_result(cards, method, rnd):
    shuffled = cards[:]
    rnd.shuffle(shuffled)
    assert _summary(rank_entries(shuffled, CRITERIA, method)) == _summary(rank_entries(cards, CRITERIA, method))


@settings(max_examples=60, deadline=None)
@given(panels(), st.sampled_from(METHODS), st.floats(0.1, 50))
def test_property_scaling_all_weights_changes_nothing(cards, method, factor):
    scaled = [Criterion(c.key, c.weight * factor) for c in CRITERIA]
    assert _summary(rank_entries(cards, scaled, method)) == _summary(rank_entries(cards, CRITERIA, method))


@settings(max_examples=80, deadline=None)
@given(panels(), st.sampled_from(["mean", "median", "trimmed"]), st.data())
def test_property_raising_a_mark_never_lowers_the_rank(cards, method, data):
    index = data.draw(st.integers(0, len(cards) - 1))
    target = cards[index]
    key = data.draw(st.sampled_from([c.key for c in CRITERIA]))
    assume(target.scores[key] < 10)
    raised = cards[:]
    raised[index] = Scorecard(target.juror, target.entry, {**target.scores, key: target.scores[key] + 1})
    before = by_entry(rank_entries(cards, CRITERIA, method))[target.entry].rank
    after = by_entry(rank_entries(raised, CRITERIA, method))[target.entry].rank
    assert after <= before


@settings(max_examples=80, deadline=None)
@given(panels(), st.sampled_from(["zscore", "fitted"]), st.data())
def test_property_shifting_one_jurors_marks_keeps_the_zscore_and_fitted_order(cards, method, data):
    """Marks on a 0..100 scale so that a shift stays in range; entries with equal scores may swap on the
    raw-mark tie-break, so the order is compared where scores differ."""
    wide = [Criterion(c.key, c.weight, 0, 100) for c in CRITERIA]
    base = [Scorecard(c.juror, c.entry, {k: v * 5 + 20 for k, v in c.scores.items()}) for c in cards]
    juror = data.draw(st.sampled_from(sorted({c.juror for c in base})))
    shift = data.draw(st.integers(-20, 30))
    moved = [
        Scorecard(c.juror, c.entry, {k: v + shift for k, v in c.scores.items()}) if c.juror == juror else c
        for c in base
    ]
    before = {r.entry: r.score for r in rank_entries(base, wide, method)}
    after = {r.entry: r.score for r in rank_entries(moved, wide, method)}
    for a in before:
        for b in before:
            if before[a] - before[b] > 1e-6 and 0 < before[a] < 100 and 0 < before[b] < 100:
                assert after[a] > after[b] - 1e-6, (a, b)


def test_combined_rounds_weigh_the_preselection_and_the_final():
    pre = rank_entries([card("j1", "A", 10, 10, 10), card("j1", "B", 5, 5, 5), card("j1", "C", 2, 2, 2)], CRITERIA)
    final = rank_entries([card("j1", "A", 6, 6, 6), card("j1", "B", 7, 7, 7)], CRITERIA)  # C was eliminated
    combined = combine_rankings([(pre, 30), (final, 70)])
    # A: 0.3 x 100 + 0.7 x 60 = 72; B: 0.3 x 50 + 0.7 x 70 = 64.
    assert [(r.entry, r.rank, round(r.score, 6)) for r in combined] == [("A", 1, 72.0), ("B", 2, 64.0)]


def test_joint_winners_share_first_place_with_the_reason():
    ranking = rank_entries([card("j1", "A", 8, 8, 8), card("j1", "B", 8, 8, 7), card("j1", "C", 1, 1, 1)], CRITERIA)
    shared = share_first_place(ranking, ["A", "B"], "equally convincing on the stand")
    assert [(r.entry, r.rank) for r in shared] == [("A", 1), ("B", 1), ("C", 3)]
    assert joint_winner("equally convincing on the stand") in shared[1].flags
    with pytest.raises(ValueError):
        share_first_place(ranking, ["A", "C"], "skipping B")


def test_tie_values_are_shown_with_just_enough_decimals_to_differ():
    from scoring import decimals_to_tell_apart

    assert decimals_to_tell_apart(8.3, 7.9) == 2
    assert decimals_to_tell_apart(6.6667, 6.6651) == 3  # 6.67 vs 6.67 would hide the difference


@pytest.mark.parametrize(
    "method, marks, winner, runner_up",
    [
        (
            "zscore",
            [
                ("j1", "A", 4),
                ("j0", "A", 0),
                ("j1", "B", 10),
                ("j3", "B", 10),
                ("j1", "C", 4),
                ("j2", "C", 1),
                ("j3", "D", 8),
                ("j0", "D", 0),
                ("j2", "E", 10),
                ("j0", "E", 8),
                ("j1", "F", 4),
                ("j2", "F", 1),
            ],
            "E",
            "B",
        ),
        (
            "fitted",
            [
                ("j3", "A", 9),
                ("j1", "A", 9),
                ("j0", "B", 9),
                ("j3", "B", 1),
                ("j2", "C", 5),
                ("j3", "C", 6),
                ("j2", "D", 1),
                ("j3", "D", 2),
                ("j1", "E", 6),
                ("j3", "E", 9),
                ("j1", "F", 9),
                ("j2", "F", 8),
            ],
            "F",
            "A",
        ),
    ],
)
def test_zscore_and_fitted_rank_on_their_own_values_even_above_100(method, marks, winner, runner_up):
    """Two entries above the panel's 100: clipping would put them level and let the raw criterion mean (where the
    runner-up is higher) overturn the method's verdict. Shown scores are the ranked values, distinct and ordered."""
    cards = [Scorecard(juror=j, entry=e, scores={"q": m}) for j, e, m in marks]
    ranking = rank_entries(cards, [Criterion("q", 100, 0, 10)], method=method, min_scorecards=1)
    first, second = ranking[0], ranking[1]
    assert (first.entry, second.entry) == (winner, runner_up) and (first.rank, second.rank) == (1, 2)
    assert first.score > second.score > 100 and first.tie is None
    assert first.criterion_means["q"] < second.criterion_means["q"]
    assert [line.score for line in ranking] == sorted((line.score for line in ranking), reverse=True)


def test_combined_rounds_rank_incomplete_entries_after_complete_ones_and_apply_the_tie_rule():
    pre = [
        RankedEntry(entry="a", rank=1, score=95.0),
        RankedEntry(entry="b", rank=2, score=60.0),
        RankedEntry(entry="c", rank=3, score=60.0),
        RankedEntry(entry="d", rank=4, score=50.0, flags=(INCOMPLETE,)),
    ]
    final = [
        RankedEntry(entry="a", rank=1, score=90.0, flags=(INCOMPLETE,)),
        RankedEntry(entry="b", rank=2, score=70.0),
        RankedEntry(entry="c", rank=2, score=70.0),
        RankedEntry(entry="d", rank=4, score=65.0),
    ]  # b and c share the final's rank: equal on its whole chain
    combined = combine_rankings([(pre, 30), (final, 70)])
    assert [(line.entry, line.rank) for line in combined] == [("b", 1), ("c", 1), ("a", 3), ("d", 4)]
    assert all(INCOMPLETE in line.flags for line in combined[2:])
    assert combined[0].tie.decided_by == "jury" and TIE_UNDECIDED in combined[0].flags
    # The last round's own ranking breaks a tie on the combined score.
    final[2] = RankedEntry(entry="c", rank=2, score=70.0)
    final[1] = RankedEntry(entry="b", rank=3, score=70.0)
    combined = combine_rankings([(pre, 30), (final, 70)])
    assert [(line.entry, line.rank) for line in combined][:2] == [("c", 1), ("b", 2)]
    assert combined[0].tie.decided_by == "round" and combined[0].tie.above
