"""Balanced, conflict-free assignment of jurors to entries: a pure function, no Flask, no database.

How it works:
1. Existing assignments are kept while still valid (entry still judged, juror still on the jury, no
   conflict, no recusal). A started one (the juror has a scorecard) is never removed, even when no longer
   valid; it then simply does not count toward the entry's k jurors.
2. Entries are filled most-constrained first (fewest eligible jurors, then id). Each missing slot goes to
   the least loaded eligible juror; ties are broken by a rotation that depends on the entry, so equal
   loads do not always fall on the same juror, and by juror id, so the result is deterministic.
3. A balancing pass moves assignments made in this run from the most loaded jurors to the least loaded
   eligible ones until no move narrows the gap (max - min <= 1 whenever conflicts allow).
4. An entry with fewer than k eligible jurors gets all of them and is reported.

Inputs are sorted internally, so their order never changes the plan.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Iterable


@dataclass(frozen=True)
class EntryToAssign:
    """An entry to cover: its id, title (for messages) and the exhibitor organisation it belongs to."""

    id: Hashable
    title: str
    organisation: Hashable


@dataclass(frozen=True)
class Existing:
    """A current assignment; `started` means the juror already has a scorecard for the entry."""

    entry: Hashable
    juror: Hashable
    started: bool = False


@dataclass(frozen=True)
class Problem:
    entry: Hashable
    message: str


@dataclass
class AssignmentPlan:
    """The final state (`assignments`), what changes (`added`, `removed`), problems and jurors' loads."""

    assignments: frozenset
    added: frozenset
    removed: frozenset
    problems: list = field(default_factory=list)
    loads: dict = field(default_factory=dict)


def _key(value) -> tuple:
    # Sort ids of any type deterministically (ints before strings, numerically).
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def assign_jurors(*, entries: Iterable[EntryToAssign], jurors: Iterable[Hashable],
                  conflicts: Iterable[tuple[Hashable, Hashable]], existing: Iterable[Existing] = (), k: int = 3,
                  recused: Iterable[tuple[Hashable, Hashable]] = ()) -> AssignmentPlan:
    """Give every entry `k` eligible jurors with balanced loads, keeping what already exists.

    `conflicts` holds (juror, organisation) pairs and `recused` (entry, juror) pairs; neither is ever
    assigned. Returns the full plan; the caller applies `added` and `removed`.
    """
    if k < 1:
        raise ValueError("k, the number of jurors per entry, must be at least 1")
    entry_list = sorted({e.id: e for e in entries}.values(), key=lambda e: _key(e.id))
    juror_list = sorted(set(jurors), key=_key)
    juror_index = {j: i for i, j in enumerate(juror_list)}
    conflict_set = set(conflicts)
    recused_set = set(recused)
    organisation = {e.id: e.organisation for e in entry_list}

    def eligible(entry_id, juror) -> bool:
        return (juror, organisation[entry_id]) not in conflict_set and (entry_id, juror) not in recused_set

    kept: set = set()
    removed: set = set()
    counting: dict = {e.id: set() for e in entry_list}
    for item in sorted(set(existing), key=lambda x: (_key(x.entry), _key(x.juror))):
        pair = (item.entry, item.juror)
        valid = item.entry in organisation and item.juror in juror_index and eligible(item.entry, item.juror)
        if valid:
            kept.add(pair)
            counting[item.entry].add(item.juror)
        elif item.started:
            kept.add(pair)  # never take a started scorecard away from its juror
        else:
            removed.add(pair)

    load = {j: 0 for j in juror_list}
    for entry_id, assigned in counting.items():
        for juror in assigned:
            load[juror] += 1

    eligible_for = {e.id: [j for j in juror_list if eligible(e.id, j)] for e in entry_list}
    order = sorted(entry_list, key=lambda e: (len(eligible_for[e.id]), _key(e.id)))
    added: set = set()
    problems: list = []
    n = max(len(juror_list), 1)
    for position, entry in enumerate(order):
        assigned = counting[entry.id]
        candidates = [j for j in eligible_for[entry.id] if j not in assigned]
        need = k - len(assigned)
        if need > 0:
            candidates.sort(key=lambda j: (load[j], (juror_index[j] - position) % n, _key(j)))
            for juror in candidates[:need]:
                assigned.add(juror)
                load[juror] += 1
                added.add((entry.id, juror))
        if len(assigned) < k:
            count = len(eligible_for[entry.id])
            problems.append(Problem(entry.id, f"Entry '{entry.title}' has {count} eligible juror"
                                              f"{'' if count == 1 else 's'}, needs {k}"))

    _balance(added, counting, load, eligible_for, juror_index)
    final = frozenset(kept | added)
    return AssignmentPlan(assignments=final, added=frozenset(added), removed=frozenset(removed),
                          problems=sorted(problems, key=lambda p: _key(p.entry)), loads=dict(load))


def _balance(added: set, counting: dict, load: dict, eligible_for: dict, juror_index: dict) -> None:
    """Move assignments made in this run from overloaded to underloaded jurors while that narrows the gap."""
    by_juror: dict = {j: set() for j in load}
    for entry_id, juror in added:
        by_juror[juror].add(entry_id)
    improved = True
    while improved:
        improved = False
        for heavy in sorted(load, key=lambda j: (-load[j], juror_index[j])):
            for entry_id in sorted(by_juror[heavy], key=_key):
                target = min((j for j in eligible_for[entry_id]
                              if j not in counting[entry_id] and load[j] <= load[heavy] - 2),
                             key=lambda j: (load[j], juror_index[j]), default=None)
                if target is None:
                    continue
                counting[entry_id].discard(heavy)
                counting[entry_id].add(target)
                by_juror[heavy].discard(entry_id)
                by_juror[target].add(entry_id)
                added.discard((entry_id, heavy))
                added.add((entry_id, target))
                load[heavy] -= 1
                load[target] += 1
                improved = True
                break
            if improved:
                break
