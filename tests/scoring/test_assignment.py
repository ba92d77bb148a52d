"""The assignment algorithm on its own: stories first, then properties checked by hypothesis."""
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.assignment import EntryToAssign, Existing, assign_jurors


def _entries(n, organisations=None):
    return [EntryToAssign(id=i, title=f"Entry {i}", organisation=(organisations or {}).get(i, 1000 + i))
            for i in range(1, n + 1)]


def _per_entry(plan):
    result = {}
    for entry, juror in plan.assignments:
        result.setdefault(entry, set()).add(juror)
    return result


def test_every_entry_gets_three_jurors_and_loads_differ_by_at_most_one():
    plan = assign_jurors(entries=_entries(20), jurors=range(1, 8), conflicts=[], k=3)
    assert all(len(j) == 3 for j in _per_entry(plan).values()) and len(_per_entry(plan)) == 20
    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
    assert plan.problems == []


def test_entry_never_goes_to_a_juror_conflicted_with_its_company():
    entries = _entries(5, organisations={3: 77})
    plan = assign_jurors(entries=entries, jurors=[1, 2, 3, 4], conflicts=[(2, 77)], k=3)
    assert 2 not in _per_entry(plan)[3]


def test_infeasible_entry_is_reported_with_counts():
    entries = [EntryToAssign(id=1, title="Smart fence", organisation=9)]
    plan = assign_jurors(entries=entries, jurors=[1, 2, 3], conflicts=[(3, 9)], k=3)
    assert [p.message for p in plan.problems] == ["Entry 'Smart fence' has 2 eligible jurors, needs 3"]
    assert _per_entry(plan)[1] == {1, 2}


def test_rerun_after_new_entries_keeps_every_existing_assignment():
    first = assign_jurors(entries=_entries(6), jurors=range(1, 6), conflicts=[], k=3)
    existing = [Existing(e, j) for e, j in first.assignments]
    second = assign_jurors(entries=_entries(8), jurors=range(1, 6), conflicts=[], existing=existing, k=3)
    assert first.assignments <= second.assignments and second.removed == frozenset()
    assert {e for e, _ in second.added} == {7, 8}


def test_withdrawn_entry_frees_unstarted_jurors_but_keeps_started_ones():
    existing = [Existing(1, 1, started=True), Existing(1, 2), Existing(2, 3)]
    plan = assign_jurors(entries=_entries(2)[1:], jurors=[1, 2, 3], conflicts=[], existing=existing, k=1)
    assert (1, 1) in plan.assignments and (1, 2) in plan.removed and (1, 1) not in plan.removed


def test_recused_juror_is_replaced():
    existing = [Existing(1, 1), Existing(1, 2)]
    plan = assign_jurors(entries=_entries(1), jurors=[1, 2, 3], conflicts=[], existing=existing, k=2,
                         recused=[(1, 1)])
    assert _per_entry(plan)[1] == {2, 3} and (1, 1) in plan.removed


def test_same_inputs_in_another_order_give_same_plan():
    entries = _entries(30, organisations={i: i % 4 for i in range(1, 31)})
    conflicts = [(1, 0), (3, 2), (5, 1)]
    plan = assign_jurors(entries=entries, jurors=list(range(1, 9)), conflicts=conflicts, k=3)
    rng = random.Random(4)
    shuffled_entries, jurors, shuffled_conflicts = entries[:], list(range(1, 9)), conflicts[:]
    for items in (shuffled_entries, jurors, shuffled_conflicts):
        rng.shuffle(items)
    again = assign_jurors(entries=shuffled_entries, jurors=jurors, conflicts=shuffled_conflicts, k=3)
    assert again.assignments == plan.assignments and again.loads == plan.loads


@st.composite
def worlds(draw):
    n_jurors = draw(st.integers(1, 9))
    n_entries = draw(st.integers(0, 25))
    organisations = {i: draw(st.integers(0, 5)) for i in range(1, n_entries + 1)}
    conflicts = draw(st.sets(st.tuples(st.integers(1, n_jurors), st.integers(0, 5)), max_size=8))
    k = draw(st.integers(1, 4))
    return _entries(n_entries, organisations), list(range(1, n_jurors + 1)), conflicts, k


def _eligible(entry, jurors, conflicts):
    return [j for j in jurors if (j, entry.organisation) not in conflicts]


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_property_coverage_conflicts_and_balance(world):
    entries, jurors, conflicts, k = world
    plan = assign_jurors(entries=entries, jurors=jurors, conflicts=conflicts, k=k)
    per_entry = _per_entry(plan)
    for entry in entries:
        assigned = per_entry.get(entry.id, set())
        eligible = _eligible(entry, jurors, conflicts)
        assert len(assigned) == min(k, len(eligible))  # k jurors whenever feasible, all eligible otherwise
        assert all((j, entry.organisation) not in conflicts for j in assigned)
    if not conflicts and entries:
        assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
    # Local optimality: no single move of an assignment from a juror to one with 2+ fewer entries is possible.
    for entry in entries:
        for juror in per_entry.get(entry.id, ()):
            for other in _eligible(entry, jurors, conflicts):
                if other not in per_entry[entry.id]:
                    assert plan.loads[other] > plan.loads[juror] - 2


@settings(max_examples=100, deadline=None)
@given(worlds(), st.data())
def test_property_started_scorecards_are_kept_and_rerun_is_idempotent(world, data):
    entries, jurors, conflicts, k = world
    first = assign_jurors(entries=entries, jurors=jurors, conflicts=conflicts, k=k)
    started = data.draw(st.sets(st.sampled_from(sorted(first.assignments)), max_size=5)) if first.assignments else set()
    existing = [Existing(e, j, started=(e, j) in started) for e, j in first.assignments]
    fewer = data.draw(st.lists(st.sampled_from(entries), unique_by=lambda e: e.id)) if entries else []
    second = assign_jurors(entries=fewer, jurors=jurors[:-1] or jurors, conflicts=conflicts, existing=existing, k=k)
    assert started <= second.assignments and not (started & second.removed)
    again = assign_jurors(entries=entries, jurors=jurors, conflicts=conflicts,
                          existing=[Existing(e, j) for e, j in first.assignments], k=k)
    assert again.added == frozenset() and again.removed == frozenset()
