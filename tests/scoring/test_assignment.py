"""The assignment algorithm on its own: stories first, then properties checked by hypothesis."""

import random
from itertools import combinations

import pytest
from hypothesis import given, settings, strategies as st

from scoring.assignment import EntryToAssign, Existing, Problem, assign_jurors


def _entries(n, organisations=None):
    return [
        EntryToAssign(id=i, title=f"Entry {i}", organisation=(organisations or {}).get(i, 1000 + i))
        for i in range(1, n + 1)
    ]


def _per_entry(plan, counted_only=True):
    result = {}
    for entry, juror in plan.assignments:
        if not counted_only or (entry, juror) not in plan.stale:
            result.setdefault(entry, set()).add(juror)
    return result


def _spread(plan):
    return max(plan.loads.values()) - min(plan.loads.values())


# Stories ------------------------------------------------------------------------------------------------


def test_every_entry_gets_three_jurors_and_loads_differ_by_at_most_one():
    plan = assign_jurors(entries=_entries(20), jurors=range(1, 8), conflicts=[], k=3)
    assert all(len(j) == 3 for j in _per_entry(plan).values()) and len(_per_entry(plan)) == 20
    assert _spread(plan) <= 1 and sum(plan.loads.values()) == 60
    assert plan.problems == [] and plan.removed == frozenset() and plan.added == plan.assignments


def test_jurors_per_entry_is_set_per_category():
    for k in (1, 2, 5):
        plan = assign_jurors(entries=_entries(7), jurors=range(1, 6), conflicts=[], k=k)
        assert {len(j) for j in _per_entry(plan).values()} == {k} and _spread(plan) <= 1


def test_entry_never_goes_to_a_juror_conflicted_with_its_company():
    entries = _entries(5, organisations={3: 77})
    plan = assign_jurors(entries=entries, jurors=[1, 2, 3, 4], conflicts=[(2, 77)], k=3)
    assert _per_entry(plan)[3] == {1, 3, 4}


def test_infeasible_entry_is_reported_with_counts():
    entries = [
        EntryToAssign(id=1, title="Smart fence", organisation=9),
        EntryToAssign(id=2, title="Drone net", organisation=8),
    ]
    plan = assign_jurors(entries=entries, jurors=[1, 2, 3], conflicts=[(3, 9)], k=3)
    assert plan.problems == [Problem(1, "Entry 'Smart fence' has 2 eligible jurors, needs 3", eligible=2, needed=3)]
    assert _per_entry(plan) == {1: {1, 2}, 2: {1, 2, 3}}


def test_an_empty_jury_reports_every_entry():
    plan = assign_jurors(entries=_entries(2), jurors=[], conflicts=[], k=3)
    assert [p.message for p in plan.problems] == [
        "Entry 'Entry 1' has 0 eligible jurors, needs 3",
        "Entry 'Entry 2' has 0 eligible jurors, needs 3",
    ]
    assert plan.assignments == frozenset() and plan.loads == {}


def test_one_eligible_juror_is_reported_in_the_singular():
    entries = [EntryToAssign(id=1, title="Body cam", organisation=5)]
    plan = assign_jurors(entries=entries, jurors=[1, 2], conflicts=[(2, 5)], k=2)
    assert [p.message for p in plan.problems] == ["Entry 'Body cam' has 1 eligible juror, needs 2"]


def test_rerun_after_new_entries_keeps_every_existing_assignment():
    first = assign_jurors(entries=_entries(6), jurors=range(1, 6), conflicts=[], k=3)
    existing = [Existing(e, j) for e, j in first.assignments]
    second = assign_jurors(entries=_entries(8), jurors=range(1, 6), conflicts=[], existing=existing, k=3)
    assert first.assignments <= second.assignments and second.removed == frozenset()
    assert {e for e, _ in second.added} == {7, 8} and _spread(second) <= 1


def test_rerun_with_nothing_new_changes_nothing():
    entries, conflicts = _entries(12, organisations={i: i % 3 for i in range(1, 13)}), [(1, 0), (2, 1)]
    first = assign_jurors(entries=entries, jurors=range(1, 6), conflicts=conflicts, k=3)
    again = assign_jurors(
        entries=entries,
        jurors=range(1, 6),
        conflicts=conflicts,
        k=3,
        existing=[Existing(e, j) for e, j in first.assignments],
    )
    assert again.added == again.removed == frozenset() and again.assignments == first.assignments


def test_withdrawn_entry_frees_unstarted_jurors_but_keeps_started_ones():
    existing = [Existing(1, 1, started=True), Existing(1, 2), Existing(2, 3)]
    plan = assign_jurors(entries=_entries(2)[1:], jurors=[1, 2, 3], conflicts=[], existing=existing, k=1)
    assert (1, 1) in plan.assignments and (1, 1) not in plan.removed and plan.stale == {(1, 1)}
    assert plan.removed == {(1, 2)} and plan.added == frozenset()
    assert plan.loads == {1: 0, 2: 0, 3: 1}  # a withdrawn entry's scorecard is no load


def test_juror_who_left_the_jury_is_replaced_on_unstarted_entries_only():
    existing = [Existing(1, 9, started=True), Existing(2, 9), Existing(1, 1), Existing(2, 2)]
    plan = assign_jurors(entries=_entries(2), jurors=[1, 2, 3], conflicts=[], existing=existing, k=2)
    assert plan.removed == {(2, 9)} and plan.stale == {(1, 9)}
    assert _per_entry(plan) == {1: {1, 3}, 2: {2, 3}} and 9 not in plan.loads


def test_new_conflict_removes_the_unstarted_assignment_and_keeps_a_started_one_aside():
    entries = _entries(2, organisations={1: 50, 2: 50})
    existing = [Existing(1, 1), Existing(2, 2, started=True)]
    plan = assign_jurors(entries=entries, jurors=[1, 2, 3], conflicts=[(1, 50), (2, 50)], existing=existing, k=1)
    assert (1, 1) in plan.removed and (2, 2) in plan.stale and (2, 2) not in plan.removed
    assert _per_entry(plan) == {1: {3}, 2: {3}}


def test_recused_juror_is_replaced():
    existing = [Existing(1, 1), Existing(1, 2)]
    plan = assign_jurors(entries=_entries(1), jurors=[1, 2, 3], conflicts=[], existing=existing, k=2, recused=[(1, 1)])
    assert _per_entry(plan)[1] == {2, 3} and plan.removed == {(1, 1)} and plan.added == {(1, 3)}


def test_recused_juror_is_never_assigned_again_even_when_short_of_jurors():
    plan = assign_jurors(entries=_entries(1), jurors=[1, 2], conflicts=[], k=2, recused=[(1, 2)])
    assert _per_entry(plan) == {1: {1}} and [p.eligible for p in plan.problems] == [1]


def test_started_scorecards_stay_put_even_when_that_unbalances_the_jury():
    existing = [Existing(e, 1, started=True) for e in range(1, 5)]
    plan = assign_jurors(entries=_entries(4), jurors=[1, 2], conflicts=[], existing=existing, k=1)
    assert plan.assignments == {(e, 1) for e in range(1, 5)} and plan.loads == {1: 4, 2: 0}


def test_new_juror_takes_over_unstarted_entries_but_never_started_ones():
    existing = [Existing(e, j, started=(e <= 2)) for e in range(1, 7) for j in (1, 2)]
    plan = assign_jurors(entries=_entries(6), jurors=[1, 2, 3], conflicts=[], existing=existing, k=2)
    assert plan.loads == {1: 4, 2: 4, 3: 4}
    assert all(e > 2 for e, _ in plan.removed) and len(plan.removed) == len(plan.added) == 4


def test_existing_unstarted_assignments_move_only_when_balance_needs_it():
    manual = [Existing(e, 1) for e in range(1, 5)]  # an organiser gave four entries to juror 1 by hand
    with_new_entries = assign_jurors(entries=_entries(8), jurors=[1, 2], conflicts=[], existing=manual, k=1)
    assert with_new_entries.removed == frozenset() and with_new_entries.loads == {1: 4, 2: 4}
    alone = assign_jurors(entries=_entries(4), jurors=[1, 2], conflicts=[], existing=manual, k=1)
    assert len(alone.removed) == 2 and alone.loads == {1: 2, 2: 2}


def test_an_entry_with_extra_manual_jurors_keeps_them():
    existing = [Existing(1, j) for j in (1, 2, 3, 4)]
    plan = assign_jurors(entries=_entries(3), jurors=[1, 2, 3, 4], conflicts=[], existing=existing, k=2)
    assert _per_entry(plan)[1] == {1, 2, 3, 4} and plan.removed == frozenset()


def test_balance_moves_chains_when_no_single_move_helps():
    # Juror 1 holds two entries only 1 and 2 may judge; juror 2 holds one only 2 and 3 may judge; juror 3
    # holds none. No single move narrows the gap, but 1 -> 2 and 2 -> 3 together do.
    entries = _entries(3, organisations={1: 10, 2: 10, 3: 20})
    existing = [Existing(1, 1), Existing(2, 1), Existing(3, 2)]
    plan = assign_jurors(entries=entries, jurors=[1, 2, 3], conflicts=[(3, 10), (1, 20)], existing=existing, k=1)
    assert plan.loads == {1: 1, 2: 1, 3: 1} and len(plan.removed) == 2


def test_same_inputs_in_another_order_give_same_plan():
    entries = _entries(30, organisations={i: i % 4 for i in range(1, 31)})
    conflicts = [(1, 0), (3, 2), (5, 1)]
    existing = [Existing(1, 2, True), Existing(2, 3), Existing(40, 1, True), Existing(3, 9)]
    recused = [(4, 4), (5, 1)]
    plan = assign_jurors(
        entries=entries, jurors=list(range(1, 9)), conflicts=conflicts, k=3, existing=existing, recused=recused
    )
    rng = random.Random(4)
    for _ in range(5):
        lists = [entries[:], list(range(1, 9)), conflicts[:], existing[:], recused[:]]
        for items in lists:
            rng.shuffle(items)
        again = assign_jurors(
            entries=lists[0], jurors=lists[1], conflicts=lists[2], existing=lists[3], recused=lists[4], k=3
        )
        assert again == plan


def test_ids_of_any_sortable_kind_work_and_bad_input_is_refused():
    entries = [EntryToAssign(id=f"E{i}", title=f"E{i}", organisation="acme") for i in range(3)]
    plan = assign_jurors(entries=entries, jurors=["ann", "bob", 7], conflicts=[], k=2)
    assert len(plan.assignments) == 6 and _spread(plan) <= 1
    with pytest.raises(ValueError):
        assign_jurors(entries=entries, jurors=[1], conflicts=[], k=0)
    with pytest.raises(ValueError):
        assign_jurors(
            entries=entries + [EntryToAssign(id="E0", title="other", organisation="x")], jurors=[1], conflicts=[], k=1
        )


# Properties ---------------------------------------------------------------------------------------------


@st.composite
def worlds(draw, max_jurors=9, max_entries=25, with_existing=True):
    n_jurors = draw(st.integers(1, max_jurors))
    n_entries = draw(st.integers(0, max_entries))
    n_organisations = draw(st.integers(1, 6))  # few organisations: conflicts then hit many entries at once
    organisations = {i: draw(st.integers(0, n_organisations - 1)) for i in range(1, n_entries + 1)}
    entries = _entries(n_entries, organisations)
    jurors = list(range(1, n_jurors + 1))
    conflicts = draw(st.sets(st.tuples(st.sampled_from(jurors), st.integers(0, n_organisations - 1)), max_size=12))
    pairs = [(e, j) for e in range(1, n_entries + 1) for j in jurors]
    recused = draw(st.sets(st.sampled_from(pairs), max_size=4)) if pairs else set()
    existing = []
    if with_existing and pairs:
        # Often piled on a few jurors (manual assignments, a newcomer joining), and naming withdrawn
        # entries (id 0) and departed jurors (id 99), started or not.
        holders = jurors[: draw(st.integers(1, n_jurors))] + [99]
        chosen = draw(st.sets(st.tuples(st.integers(0, n_entries), st.sampled_from(holders)), max_size=15))
        existing = [Existing(e, j, started=draw(st.booleans())) for e, j in sorted(chosen)]
    k = draw(st.integers(1, 4))
    return {
        "entries": entries,
        "jurors": jurors,
        "conflicts": conflicts,
        "recused": recused,
        "existing": existing,
        "k": k,
    }


def _eligible(world, entry):
    return [
        j
        for j in world["jurors"]
        if (j, entry.organisation) not in world["conflicts"] and (entry.id, j) not in world["recused"]
    ]


def _best_loads(world):
    """Brute force: the smallest max load and the largest min load any valid completion can reach."""
    jurors = world["jurors"]
    started = {(x.entry, x.juror) for x in world["existing"] if x.started}
    previous = {(x.entry, x.juror) for x in world["existing"]}
    states = {tuple(0 for _ in jurors)}
    for entry in world["entries"]:
        eligible = _eligible(world, entry)
        fixed = [j for j in eligible if (entry.id, j) in started]
        size = max(min(world["k"], len(eligible)), sum((entry.id, j) in previous for j in eligible))
        free = [j for j in eligible if j not in fixed]
        options = [fixed + list(c) for c in combinations(free, size - len(fixed))]
        states = {
            tuple(load + (jurors[i] in option) for i, load in enumerate(state))
            for state in states
            for option in options
        }
    return min(max(s) for s in states), max(min(s) for s in states)


def _run(world, **changes):
    return assign_jurors(**{**world, **changes})


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_property_coverage_conflicts_recusals_and_started_scorecards(world):
    plan = _run(world)
    per_entry = _per_entry(plan)
    previous = {(x.entry, x.juror) for x in world["existing"]}
    for entry in world["entries"]:
        assigned = per_entry.get(entry.id, set())
        eligible = _eligible(world, entry)
        kept = {j for j in eligible if (entry.id, j) in previous}
        assert assigned <= set(eligible)  # never conflicted, recused or off the jury
        assert len(assigned) == max(min(world["k"], len(eligible)), len(kept))  # k whenever feasible
        assert (len(eligible) < world["k"]) == any(p.entry == entry.id for p in plan.problems)
    started = {(x.entry, x.juror) for x in world["existing"] if x.started}
    assert started <= plan.assignments and not (started & plan.removed)
    assert plan.added == plan.assignments - previous and plan.removed == previous - plan.assignments
    assert sum(plan.loads.values()) == sum(len(js) for js in per_entry.values())


@settings(max_examples=100, deadline=None)
@given(worlds(max_jurors=5, max_entries=7))
def test_property_loads_are_as_even_as_the_conflicts_allow(world):
    plan = _run(world)
    if not world["entries"]:
        return
    lowest_max, highest_min = _best_loads(world)
    assert max(plan.loads.values()) == lowest_max and min(plan.loads.values()) == highest_min


@settings(max_examples=100, deadline=None)
@given(worlds(with_existing=False))
def test_property_without_conflicts_loads_differ_by_at_most_one(world):
    plan = _run(world, conflicts=set(), recused=set())
    if world["entries"]:
        assert _spread(plan) <= 1
    # Adding entries later never moves anything: the new ones go to the least loaded jurors.
    more = _entries(len(world["entries"]) + 5)
    again = _run(
        world, entries=more, conflicts=set(), recused=set(), existing=[Existing(e, j) for e, j in plan.assignments]
    )
    assert plan.assignments <= again.assignments and again.removed == frozenset() and _spread(again) <= 1


@settings(max_examples=100, deadline=None)
@given(worlds(), st.data())
def test_property_rerun_on_the_plan_changes_nothing(world, data):
    plan = _run(world)
    started = {(x.entry, x.juror) for x in world["existing"] if x.started}
    started |= data.draw(st.sets(st.sampled_from(sorted(plan.assignments)), max_size=5)) if plan.assignments else set()
    again = _run(world, existing=[Existing(e, j, started=(e, j) in started) for e, j in plan.assignments])
    assert again.added == again.removed == frozenset() and again.assignments == plan.assignments
    assert again.loads == plan.loads and again.problems == plan.problems


@settings(max_examples=100, deadline=None)
@given(worlds(), st.randoms(use_true_random=False))
def test_property_input_order_never_changes_the_plan(world, rng):
    shuffled = {}
    for name, value in world.items():
        if name == "k":
            shuffled[name] = value
        else:
            items = list(value)
            rng.shuffle(items)
            shuffled[name] = items
    assert assign_jurors(**shuffled) == _run(world)


@settings(max_examples=100, deadline=None)
@given(worlds(), st.data())
def test_property_withdrawals_departures_and_recusals_keep_started_scorecards(world, data):
    first = _run(world)
    started = data.draw(st.sets(st.sampled_from(sorted(first.assignments)), max_size=5)) if first.assignments else set()
    fewer = data.draw(st.lists(st.sampled_from(world["entries"]), unique_by=lambda e: e.id)) if world["entries"] else []
    recused = (
        world["recused"] | data.draw(st.sets(st.sampled_from(sorted(first.assignments)), max_size=3))
        if first.assignments
        else world["recused"]
    )
    second = _run(
        world,
        entries=fewer,
        jurors=world["jurors"][:-1] or world["jurors"],
        recused=recused,
        existing=[Existing(e, j, started=(e, j) in started) for e, j in first.assignments],
    )
    assert started <= second.assignments and not (started & second.removed)
    assert all((e, j) not in second.assignments or (e, j) in started for e, j in recused)
