"""Each method on 1,200 entries x 5 jurors x 6 criteria (target < 100 ms), and the bootstrap (< 2 s).

Floors, measured in the same run: numpy averaging the same weighted marks in one dense array, and numpy
drawing the same number of resampled means.
"""

from __future__ import annotations

import numpy as np

from bench.common import emit, median_seconds
from scoring import METHODS, Criterion, Scorecard, bootstrap_stability, rank_entries

ENTRIES, JURORS_PER_ENTRY, PANEL = 1200, 5, 40


def _data(seed: int = 5):
    rng = np.random.default_rng(seed)
    criteria = [Criterion(f"c{i}", w) for i, w in enumerate([30, 20, 15, 15, 10, 10])]
    quality = rng.uniform(3, 8, ENTRIES)
    lenience = rng.normal(0, 1, PANEL)
    cards = []
    for e in range(ENTRIES):
        for j in rng.choice(PANEL, JURORS_PER_ENTRY, replace=False):
            marks = np.clip(np.round(quality[e] + lenience[j] + rng.normal(0, 1, 6)), 0, 10)
            cards.append(Scorecard(int(j), e, {c.key: float(m) for c, m in zip(criteria, marks)}))
    return criteria, cards


def main() -> None:
    criteria, cards = _data()
    dense = np.array([[card.scores[c.key] for c in criteria] for card in cards]).reshape(ENTRIES, JURORS_PER_ENTRY, 6)
    weights = np.array([c.weight for c in criteria]) / sum(c.weight for c in criteria)
    floor = median_seconds(lambda: np.argsort(-(dense * 10 @ weights).mean(axis=1)), repeat=7)
    for method in METHODS:
        value = median_seconds(lambda: rank_entries(cards, criteria, method=method), repeat=5)
        emit(f"rank_{method}_1200x5x6", value * 1000, "ms", floor * 1000, target_ms=100)
    rng = np.random.default_rng(0)
    totals = dense * 10 @ weights

    def bare_resamples():
        draws = rng.integers(0, JURORS_PER_ENTRY, size=(1000, ENTRIES, JURORS_PER_ENTRY))
        return np.take_along_axis(np.broadcast_to(totals, (1000, ENTRIES, JURORS_PER_ENTRY)), draws, 2).mean(axis=2)

    boot = median_seconds(lambda: bootstrap_stability(cards, criteria, "mean", resamples=1000, seed=1), repeat=3)
    boot_floor = median_seconds(bare_resamples, repeat=3)
    emit("bootstrap_mean_1000_resamples_1200x5", boot, "s", boot_floor, target_s=2)


if __name__ == "__main__":
    main()
