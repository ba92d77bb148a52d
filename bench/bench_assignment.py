"""Assignment of 1,200 entries to 6 juries of 10 jurors with 5% conflicts, k = 3 (target: under 1 s)."""
from __future__ import annotations

import random

from bench.common import emit, median_seconds
from scoring.assignment import EntryToAssign, assign_jurors


def _world(seed: int = 11):
    rng = random.Random(seed)
    juries = []
    for category in range(6):
        jurors = [category * 100 + j for j in range(10)]
        entries = [EntryToAssign(id=category * 1000 + i, title=f"Entry {i}", organisation=category * 1000 + i)
                   for i in range(200)]
        conflicts = {(j, e.organisation) for e in entries for j in jurors if rng.random() < 0.05}
        juries.append((entries, jurors, conflicts))
    return juries


def main() -> None:
    juries = _world()

    def assign_all():
        for entries, jurors, conflicts in juries:
            assign_jurors(entries=entries, jurors=jurors, conflicts=conflicts, k=3)

    def round_robin():
        # The floor: the same number of picks, with no conflicts and no balancing.
        picks = 0
        for entries, jurors, _ in juries:
            for index, entry in enumerate(entries):
                chosen = [(entry.id, jurors[(index * 3 + slot) % len(jurors)]) for slot in range(3)]
                picks += len(chosen)
        return picks

    value = median_seconds(assign_all, repeat=5)
    floor = median_seconds(round_robin, repeat=5)
    emit("assignment_1200_entries_6x10_jurors_k3", value * 1000, "ms", floor * 1000, target_ms=1000)


if __name__ == "__main__":
    main()
