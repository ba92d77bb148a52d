"""How stable a ranking is: a seeded bootstrap over each entry's scorecards.

Each resample draws, for every entry, as many of its scorecards as it has, with replacement, and ranks
the entries again. An entry's probability of winning is the share of resamples in which it ranks first.
Jurors' calibration (z-score normalisation, fitted offsets) is taken from the full data and kept fixed
across resamples: the bootstrap measures how much the result depends on which cards an entry received.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Hashable, Sequence

import numpy as np

from .ranking import Criterion, Scorecard, _order_key, card_totals, fitted_offsets, zscores


@dataclass(frozen=True)
class Stability:
    p_first: float
    p_top3: float
    rank_interval: tuple[int, int]


def _card_values(cards, criteria, method, trim):
    """Per card, the value whose per-entry average is the method's score (or marks, for trimmed)."""
    totals = card_totals(cards, criteria)
    if method == "zscore":
        z = zscores(cards, criteria, totals)
        return {key: z[key] for key in totals}
    if method == "fitted":
        offsets = fitted_offsets(cards, criteria, totals)
        return {key: total - offsets[key[0]] for key, total in totals.items()}
    return totals


def bootstrap_stability(cards: Sequence[Scorecard], criteria: Sequence[Criterion], method: str = "mean", *,
                        resamples: int = 1000, seed: int = 0, trim: int = 1) -> dict[Hashable, Stability]:
    """For each scored entry: P(first), P(top 3), and the 95% interval of its rank over `resamples` draws.

    Deterministic for a given seed (numpy PCG64). Ties within a resample share the better rank.
    """
    entries = sorted({c.entry for c in cards}, key=_order_key)
    if not entries or resamples < 1:
        return {}
    rng = np.random.Generator(np.random.PCG64(seed))
    scores = np.empty((resamples, len(entries)))
    by_entry: dict = {}
    for card in cards:
        by_entry.setdefault(card.entry, []).append(card)
    values = None if method == "trimmed" else _card_values(cards, criteria, method, trim)
    weights = np.array([c.weight for c in criteria], dtype=float)
    weights = weights / weights.sum()
    spans = np.array([c.max - c.min for c in criteria], dtype=float)
    lows = np.array([c.min for c in criteria], dtype=float)
    for column, entry in enumerate(entries):
        entry_cards = sorted(by_entry[entry], key=lambda c: _order_key(c.juror))
        n = len(entry_cards)
        draws = rng.integers(0, n, size=(resamples, n))
        if method == "trimmed":
            marks = np.array([[c.scores[k.key] for k in criteria] for c in entry_cards], dtype=float)
            sample = np.sort(marks[draws], axis=1)  # resamples x n x criteria
            if trim > 0 and n > 2 * trim:
                sample = sample[:, trim:n - trim, :]
            means = sample.mean(axis=1)
            scores[:, column] = ((means - lows) / spans * 100.0) @ weights
        else:
            per_card = np.array([values[(c.juror, entry)] for c in entry_cards], dtype=float)
            picked = per_card[draws]
            scores[:, column] = np.median(picked, axis=1) if method == "median" else picked.mean(axis=1)
    # Competition ranking per resample: 1 + the number of entries with a strictly higher score.
    rounded = np.round(scores, 9)
    order = np.sort(rounded, axis=1)[:, ::-1]
    ranks = np.empty_like(rounded, dtype=np.int64)
    for row in range(resamples):
        ranks[row] = np.searchsorted(-order[row], -rounded[row], side="left") + 1
    result = {}
    for column, entry in enumerate(entries):
        entry_ranks = ranks[:, column]
        low, high = np.percentile(entry_ranks, [2.5, 97.5])
        result[entry] = Stability(p_first=float(np.mean(entry_ranks == 1)), p_top3=float(np.mean(entry_ranks <= 3)),
                                  rank_interval=(int(math.floor(low)), int(math.ceil(high))))
    return result
