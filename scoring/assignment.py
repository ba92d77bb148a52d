"""Balanced, conflict-free assignment of jurors to entries: a pure function, no Flask, no database.

The app calls `assign_jurors` once per jury (one category's round). How it decides:

1. Keep what exists. An existing assignment stays while it is still valid: the entry is still judged, the
   juror is still on the jury, no conflict of interest with the entry's company, no recusal. A *started*
   assignment (the juror has a scorecard, draft or submitted) is never removed, even when it is no longer
   valid; it is then reported in `stale` and does not count toward the entry's k jurors nor the loads.
   An unstarted invalid one is removed. A valid one is never dropped, even beyond k (manual extras stay).
2. Fill the gaps. Entries are filled most constrained first (fewest eligible jurors, then id). Each
   missing slot goes to the least loaded eligible juror; equal loads are broken by a rotation that
   depends on the entry's position (so ties do not always fall on the same juror), then by juror id.
   There is no capacity per juror, so every entry with at least k eligible jurors gets k of them.
3. Balance. Greedy filling can leave loads uneven when conflicts bite, so assignments are then moved along
   "improving paths": juror A (load a) gives entry e1 to B, B gives e2 to C, ..., ending at a juror with
   load <= a - 2. Each move keeps every entry covered and conflict-free; each path lowers the sum of
   squared loads, so the pass ends. When no improving path is left, the loads are as even as the
   conflicts allow: the largest load is as small as possible and the smallest as large as possible (this
   is the optimality test of a convex-cost flow), so max - min <= 1 whenever conflicts allow it.
   The pass runs twice: first it may move only the assignments made in this run; only if that cannot
   balance the loads (a new juror joined, a juror left, new conflicts) does it also move existing
   *unstarted* assignments. Started ones never move. So a re-run only adds or moves what must change.
4. Report. An entry with fewer than k eligible jurors gets all of them and one `Problem`, with the counts.

Inputs are deduplicated and sorted by id internally, so their order never changes the plan, and running
again on a plan's own output changes nothing (no missing slot, no improving path).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntryToAssign:
    """An entry to cover: its id, title (for messages) and the exhibitor organisation it belongs to."""

    id: Hashable
    title: str
    organisation: Hashable


@dataclass(frozen=True)
class Existing:
    """A current assignment; `started` means the juror already has a scorecard (draft or submitted) for it."""

    entry: Hashable
    juror: Hashable
    started: bool = False


@dataclass(frozen=True)
class Problem:
    """An entry that cannot get its k jurors: `eligible` of them exist, `needed` are required."""

    entry: Hashable
    message: str
    eligible: int = 0
    needed: int = 0


@dataclass
class AssignmentPlan:
    """The outcome of `assign_jurors`.

    `assignments`: the final (entry, juror) pairs, including `stale` ones.
    `added` / `removed`: what the caller must insert / delete to reach `assignments` from `existing`.
    `stale`: started assignments kept although no longer valid (withdrawn entry, juror off the jury,
    conflict, recusal); they count neither toward coverage nor toward loads.
    `problems`: one per entry left with fewer than k jurors, sorted by entry id.
    `loads`: entries per juror of the jury in the final plan (stale pairs excluded), zeros included.
    """

    assignments: frozenset
    added: frozenset
    removed: frozenset
    problems: list = field(default_factory=list)
    loads: dict = field(default_factory=dict)
    stale: frozenset = frozenset()


def _key(value) -> tuple:
    # Sort ids of any type deterministically (numbers before strings, numbers numerically).
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def assign_jurors(
    *,
    entries: Iterable[EntryToAssign],
    jurors: Iterable[Hashable],
    conflicts: Iterable[tuple[Hashable, Hashable]],
    existing: Iterable[Existing] = (),
    k: int = 3,
    recused: Iterable[tuple[Hashable, Hashable]] = (),
) -> AssignmentPlan:
    """Give every entry `k` eligible jurors with balanced loads, keeping what already exists.

    `entries`: the entries that must be covered (submitted, in this round).
    `jurors`: ids of the jurors who count in this jury (the caller leaves observers out).
    `conflicts`: (juror, organisation) pairs; such a juror never gets that organisation's entries.
    `existing`: the round's current assignments; they may name withdrawn entries or departed jurors.
    `recused`: (entry, juror) pairs that must never be assigned (again).
    Returns the full plan; the caller applies `added` and `removed`. Raises ValueError when k < 1 or
    when two different entries share an id.
    """
    if k < 1:
        raise ValueError("k, the number of jurors per entry, must be at least 1")
    entry_list = _unique_entries(entries)
    juror_list = sorted(set(jurors), key=_key)
    rank = {juror: index for index, juror in enumerate(juror_list)}
    conflict_set = set(conflicts)
    recused_set = set(recused)
    eligible_for = {
        e.id: [j for j in juror_list if (j, e.organisation) not in conflict_set and (e.id, j) not in recused_set]
        for e in entry_list
    }
    eligible_sets = {entry_id: set(js) for entry_id, js in eligible_for.items()}

    # The same pair listed twice counts once; started if any copy says so (never lose a scorecard).
    started_of: dict = {}
    for item in existing:
        pair = (item.entry, item.juror)
        started_of[pair] = started_of.get(pair, False) or bool(item.started)

    on_entry: dict = {e.id: set() for e in entry_list}  # counting jurors of each entry, the working state
    fixed: set = set()  # started and valid: counted, never moved
    stale: set = set()  # started but invalid: kept, not counted
    for (entry_id, juror), started in started_of.items():
        if juror in eligible_sets.get(entry_id, ()):  # entry judged, juror on the jury, no conflict/recusal
            on_entry[entry_id].add(juror)
            if started:
                fixed.add((entry_id, juror))
        elif started:
            stale.add((entry_id, juror))
        # else: unstarted and invalid, so it is absent from the final state and comes out as removed.

    load = {juror: 0 for juror in juror_list}
    for assigned in on_entry.values():
        for juror in assigned:
            load[juror] += 1

    problems = _fill(entry_list, on_entry, load, eligible_for, rank, k)

    entry_rank = {e.id: index for index, e in enumerate(entry_list)}
    previous = set(started_of)
    # Phase 1 moves only this run's additions; phase 2 may also move existing unstarted assignments, and
    # does so only if phase 1 could not balance the loads.
    _balance(on_entry, load, eligible_for, juror_list, entry_rank, lambda pair: pair not in previous)
    _balance(on_entry, load, eligible_for, juror_list, entry_rank, lambda pair: pair not in fixed)

    counted = {(entry_id, juror) for entry_id, assigned in on_entry.items() for juror in assigned}
    final = frozenset(counted | stale)
    return AssignmentPlan(
        assignments=final,
        added=frozenset(final - previous),
        removed=frozenset(previous - final),
        problems=problems,
        loads=load,
        stale=frozenset(stale),
    )


def _unique_entries(entries: Iterable[EntryToAssign]) -> list[EntryToAssign]:
    """Entries sorted by id, exact duplicates dropped; two different entries with one id are an error."""
    by_id: dict = {}
    for entry in entries:
        if by_id.setdefault(entry.id, entry) != entry:
            # Keeping either one would make the plan depend on input order.
            raise ValueError(f"two different entries share the id {entry.id!r}")
    return sorted(by_id.values(), key=lambda e: _key(e.id))


def _fill(entry_list: list, on_entry: dict, load: dict, eligible_for: dict, rank: dict, k: int) -> list[Problem]:
    """Give each entry its missing slots, least loaded eligible jurors first; return the infeasible entries."""
    # Most constrained first: an entry with few eligible jurors must take them, so it goes before the
    # entries that could take anyone and would otherwise pile load on those same jurors.
    order = sorted(entry_list, key=lambda e: (len(eligible_for[e.id]), _key(e.id)))
    n = max(len(rank), 1)
    problems = []
    for position, entry in enumerate(order):
        assigned = on_entry[entry.id]
        need = k - len(assigned)
        if need > 0:
            candidates = [j for j in eligible_for[entry.id] if j not in assigned]
            # The rotation (rank - position) spreads ties over the jury instead of always starting at the
            # lowest id; it depends only on sorted inputs, so it stays deterministic.
            chosen = heapq.nsmallest(need, candidates, key=lambda j: (load[j], (rank[j] - position) % n, rank[j]))
            for juror in chosen:
                assigned.add(juror)
                load[juror] += 1
        if len(assigned) < k:  # only when fewer than k jurors are eligible at all
            count = len(eligible_for[entry.id])
            problems.append(
                Problem(
                    entry.id,
                    f"Entry '{entry.title}' has {count} eligible juror{'' if count == 1 else 's'}, needs {k}",
                    eligible=count,
                    needed=k,
                )
            )
    return sorted(problems, key=lambda p: _key(p.entry))


def _balance(
    on_entry: dict, load: dict, eligible_for: dict, juror_list: list, entry_rank: dict, movable: Callable[[tuple], bool]
) -> None:
    """Move `movable` assignments along improving paths until none is left (see the module docstring)."""
    holds: dict = {juror: set() for juror in juror_list}  # entries (by rank) each juror may hand over
    entry_of = {index: entry_id for entry_id, index in entry_rank.items()}
    for entry_id, assigned in on_entry.items():
        for juror in assigned:
            if movable((entry_id, juror)):
                holds[juror].add(entry_rank[entry_id])
    while True:
        path = _improving_path(on_entry, load, eligible_for, juror_list, holds, entry_of)
        if path is None:
            return
        for giver, entry_index, taker in path:
            entry_id = entry_of[entry_index]
            on_entry[entry_id].discard(giver)
            on_entry[entry_id].add(taker)
            holds[giver].discard(entry_index)
            holds[taker].add(entry_index)  # a moved assignment is new for its taker, so still movable
        load[path[0][0]] -= 1  # only the ends change: every juror inside the path gives one and takes one
        load[path[-1][2]] += 1


def _improving_path(
    on_entry: dict, load: dict, eligible_for: dict, juror_list: list, holds: dict, entry_of: dict
) -> list[tuple] | None:
    """A shortest chain of moves from a juror with load >= L to one with load <= L - 2, or None.

    Tried for each load level L from the top, with a breadth-first search from all jurors loaded L or more
    at once; the first target found gives the path with the fewest moves. Returns [(giver, entry, taker)].
    """
    if not juror_list:
        return None
    lowest = min(load.values())
    for level in sorted(set(load.values()), reverse=True):
        if level - 2 < lowest:
            return None  # lower levels cannot improve either
        parent: dict = {j: None for j in juror_list if load[j] >= level}
        queue = deque(parent)
        while queue:
            giver = queue.popleft()
            for entry_index in sorted(holds[giver]):
                entry_id = entry_of[entry_index]
                assigned = on_entry[entry_id]
                for taker in eligible_for[entry_id]:
                    if taker in parent or taker in assigned:
                        continue
                    parent[taker] = (giver, entry_index)
                    if load[taker] <= level - 2:
                        return _trace(parent, taker)
                    queue.append(taker)
    return None


def _trace(parent: dict, end) -> list[tuple]:
    """The moves leading to `end` in a breadth-first search tree, first move first."""
    path = []
    while parent[end] is not None:
        giver, entry_index = parent[end]
        path.append((giver, entry_index, end))
        end = giver
    return path[::-1]
