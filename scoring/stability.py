"""How stable a ranking is: a seeded bootstrap over each entry's scorecards.

Each resample draws, for every entry, as many of its scorecards as it has, with replacement (entries are
resampled separately, which works whatever subset of entries each juror saw), scores every entry again by
the chosen method and ranks them. An entry's P(first) is the share of resamples in which it ranks first,
P(top 3) the share in which it ranks third or better, and its rank interval holds the middle 95% of its
ranks (2.5th to 97.5th percentile, widened to whole ranks).

Choices, so the figures can be explained:
- Jurors' calibration (z-score standardisation, fitted offsets) is taken from the full data and kept
  fixed across resamples: the bootstrap measures how much the result depends on which cards an entry
  received, not on re-estimating the jurors.
- Within a resample entries are ranked on score alone; equal scores share the better rank (the
  tie-break chain is not replayed), so with coarse marks two entries can both count as "first" in the
  same resample.
- Everything is vectorised: entries with the same number of scorecards are resampled together as one
  (resamples x entries x cards) array, in chunks to bound memory. Mean, median, zscore and fitted resample
  one value per card; trimmed resamples whole cards (all criteria together) and trims per criterion.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from .core import TOLERANCE_DIGITS, Criterion, Panel, Scorecard, build_panel, weighted_totals
from .methods import card_values, check_method

# Upper bound on the numbers drawn at once (about 64 MB of float64 in flight): chunks of resamples.
CHUNK_ELEMENTS = 8_000_000


@dataclass(frozen=True)
class Stability:
    """An entry's bootstrap figures: P(rank 1), P(rank <= 3) and the 95% interval of its rank."""

    p_first: float
    p_top3: float
    rank_interval: tuple[int, int]


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """Per row, 1 + the number of strictly higher scores (ties share the better rank: 1, 2, 2, 4)."""
    rows, columns = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    new_value = np.ones_like(ordered, dtype=bool)
    new_value[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first_of_run = np.maximum.accumulate(np.where(new_value, np.arange(columns), 0), axis=1)
    ranks = np.empty((rows, columns), dtype=np.int64)
    np.put_along_axis(ranks, order, first_of_run + 1, axis=1)
    return ranks


def resampled_scores(
    panel: Panel, method: str, *, resamples: int, seed: int, trim: int = 1, include: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The entries' scores in each resample: (included entry indices, resamples x entries array).

    Scores are on the method's own ordering scale (mean z for zscore, quality for fitted), which orders
    the entries exactly as `rank_entries` does before its tie-break.
    """
    check_method(method)
    rng = np.random.Generator(np.random.PCG64(seed))
    chosen = np.flatnonzero(np.ones(len(panel.entries), dtype=bool) if include is None else include)
    scores = np.empty((resamples, len(chosen)))
    per_card, counted = (panel.marks, None) if method == "trimmed" else card_values(panel, method)
    width = per_card.shape[1] if per_card.ndim == 2 else 1
    counts = panel.counts[chosen]
    for n in np.unique(counts).tolist():  # ascending: a fixed order of random draws for a given panel
        columns = np.flatnonzero(counts == n)
        starts = panel.starts[chosen[columns]]
        chunk = max(1, CHUNK_ELEMENTS // (len(columns) * n * width))
        for first in range(0, resamples, chunk):
            size = min(chunk, resamples - first)
            drawn = starts[None, :, None] + rng.integers(0, n, size=(size, len(columns), n))
            picked = per_card[drawn]
            if method == "trimmed":  # picked: resample x entry x card x criterion
                picked = np.sort(picked, axis=2)
                if trim > 0 and n > 2 * trim:
                    picked = picked[:, :, trim : n - trim, :]
                means = picked.mean(axis=2)
                block = weighted_totals(means.reshape(-1, width), panel.criteria).reshape(size, len(columns))
            elif method == "median":
                block = np.median(picked, axis=2)
            elif counted is not None:  # zscore: lone jurors' cards are drawn but not counted
                weight = counted[drawn]
                block = np.where(weight, picked, 0.0).sum(axis=2) / np.maximum(weight.sum(axis=2), 1)
            else:
                block = picked.mean(axis=2)
            scores[first : first + size, columns] = block
    return chosen, scores


def stability_of(
    panel: Panel, method: str, *, resamples: int = 1000, seed: int = 0, trim: int = 1, include: np.ndarray | None = None
) -> dict[Hashable, Stability]:
    """`bootstrap_stability` on a prepared panel, optionally for a subset of its entries (`include`)."""
    if resamples < 1 or not len(panel.entries):
        return {}
    chosen, scores = resampled_scores(panel, method, resamples=resamples, seed=seed, trim=trim, include=include)
    if not len(chosen):
        return {}
    ranks = competition_ranks(np.round(scores, TOLERANCE_DIGITS))
    low, high = np.percentile(ranks, [2.5, 97.5], axis=0)
    p_first = (ranks == 1).mean(axis=0)
    p_top3 = (ranks <= 3).mean(axis=0)
    return {
        panel.entries[e]: Stability(
            p_first=float(p_first[k]),
            p_top3=float(p_top3[k]),
            rank_interval=(int(math.floor(low[k])), int(math.ceil(high[k]))),
        )
        for k, e in enumerate(chosen.tolist())
    }


def bootstrap_stability(
    cards: Sequence[Scorecard],
    criteria: Sequence[Criterion],
    method: str = "mean",
    *,
    resamples: int = 1000,
    seed: int = 0,
    trim: int = 1,
) -> dict[Hashable, Stability]:
    """For each scored entry: P(first), P(top 3), and the 95% interval of its rank over `resamples` draws.

    Each entry's scorecards are resampled with replacement and all entries re-scored by `method` and
    ranked on score (see the module docstring for the choices). Deterministic for a given seed: numpy
    Generator(PCG64(seed)); input order does not matter.
    """
    check_method(method)
    return stability_of(build_panel(cards, criteria), method, resamples=resamples, seed=seed, trim=trim)
