"""Assignment of 1,200 entries to 6 juries of 10 jurors with 5% conflicts, k = 3 (target: under 1 s).

The floor is a bare round-robin loop making the same number of (entry, juror) picks, with no conflicts and
no balancing, measured in the same run. `rerun_ms` times the incremental case: the same juries re-run on
their own plans after 10 withdrawals and 2 new jurors per jury, with a third of the scorecards started.
"""

from __future__ import annotations

import random

from bench.common import emit, median_seconds
from scoring.assignment import EntryToAssign, Existing, assign_jurors

CATEGORIES, ENTRIES_PER_CATEGORY, JURORS_PER_JURY, K, CONFLICT_RATE = 6, 200, 10, 3, 0.05


def _world(seed: int = 11) -> list[tuple[list, list, set]]:
    """Six juries: (entries, juror ids, conflicts), every juror conflicted with 5% of the exhibitors."""
    rng = random.Random(seed)
    juries = []
    for category in range(CATEGORIES):
        jurors = [category * 100 + j for j in range(JURORS_PER_JURY)]
        entries = [
            EntryToAssign(id=category * 1000 + i, title=f"Entry {i}", organisation=category * 1000 + i)
            for i in range(ENTRIES_PER_CATEGORY)
        ]
        conflicts = {(j, e.organisation) for e in entries for j in jurors if rng.random() < CONFLICT_RATE}
        juries.append((entries, jurors, conflicts))
    return juries


def main() -> None:
    """Time the assignment of all six juries and print one JSON line."""
    juries = _world()

    def assign_all():
        return [
            assign_jurors(entries=entries, jurors=jurors, conflicts=conflicts, k=K)
            for entries, jurors, conflicts in juries
        ]

    def round_robin():
        # The floor: the same number of picks, with no conflicts and no balancing.
        picks = []
        for entries, jurors, _ in juries:
            for index, entry in enumerate(entries):
                picks.extend((entry.id, jurors[(index * K + slot) % len(jurors)]) for slot in range(K))
        return picks

    rng = random.Random(5)
    reruns = []
    for (entries, jurors, conflicts), plan in zip(juries, assign_all()):
        existing = [Existing(e, j, started=rng.random() < 1 / 3) for e, j in sorted(plan.assignments)]
        reruns.append((entries[10:], jurors + [jurors[-1] + 1, jurors[-1] + 2], conflicts, existing))

    def rerun_all():
        return [
            assign_jurors(entries=entries, jurors=jurors, conflicts=conflicts, existing=existing, k=K)
            for entries, jurors, conflicts, existing in reruns
        ]

    plans = assign_all()
    spread = max(max(p.loads.values()) - min(p.loads.values()) for p in plans)
    value = median_seconds(assign_all, repeat=7)
    floor = median_seconds(round_robin, repeat=7)
    rerun = median_seconds(rerun_all, repeat=7)
    emit(
        "assignment_1200_entries_6x10_jurors_k3",
        value * 1000,
        "ms",
        floor * 1000,
        target_ms=1000,
        rerun_ms=round(rerun * 1000, 3),
        max_load_spread=spread,
        problems=sum(len(p.problems) for p in plans),
    )


if __name__ == "__main__":
    main()
