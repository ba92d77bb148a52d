"""The pairwise cross-check: a Bradley–Terry ranking from "better or worse than the previous stand?" answers.

Bradley–Terry gives each entry a strength p > 0 such that entry i is preferred to entry j with probability
p_i / (p_i + p_j). The strengths are the maximum-likelihood fit, found by the minorise–maximise iteration of
Zermelo (1929) and Hunter (2004, "MM algorithms for generalized Bradley–Terry models"):

    p_i  <-  W_i / sum_j ( n_ij / (p_i + p_j) )

where W_i is the number of comparisons i won and n_ij the number of times i and j were compared; after each step
the strengths are scaled so that their geometric mean is 1. Jurors answer about neighbouring stands only, so some
entries may have won (or lost) every comparison, which has no finite maximum: each entry is then given one virtual
win and one virtual loss against a reference entry of strength 1 (`prior=1.0`), the usual fix, which pulls the
strengths towards 1 without changing the order the answers support. `prior=0.0` is the textbook fit.

A comparison is about the juror's own impression on the day, so a juror who grows severe over the day shifts every
mark but not "this one was better than the last one": the cross-check is immune to that drift. It never changes the
official result; it is shown beside it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Comparison:
    """One answer: `winner` was judged better than `loser` (by one juror)."""

    winner: Hashable
    loser: Hashable


@dataclass(frozen=True)
class PairwiseRank:
    """One line of the pairwise ranking, strongest first; `strength` has geometric mean 1 over the ranked entries."""

    entry: Hashable
    rank: int
    strength: float
    wins: int
    losses: int


def bradley_terry(
    comparisons: Iterable[Comparison],
    *,
    entries: Sequence[Hashable] = (),
    prior: float = 1.0,
    iterations: int = 10_000,
    tolerance: float = 1e-10,
) -> dict[Hashable, float]:
    """The Bradley–Terry strength of every entry compared at least once (and of `entries`, if given).

    See the module docstring for the iteration and the `prior`. Returns entry -> strength, geometric mean 1.
    """
    comparisons = list(comparisons)
    names = list(dict.fromkeys([*entries, *(c.winner for c in comparisons), *(c.loser for c in comparisons)]))
    if not names:
        return {}
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    wins_matrix = np.zeros((n, n))
    for c in comparisons:
        if c.winner != c.loser:
            wins_matrix[index[c.winner], index[c.loser]] += 1
    games = wins_matrix + wins_matrix.T
    wins = wins_matrix.sum(axis=1) + prior  # the virtual win against the reference entry
    strengths = np.ones(n)
    for _ in range(iterations):
        pair_sums = strengths[:, None] + strengths[None, :]
        denominator = (games / pair_sums).sum(axis=1) + 2 * prior / (strengths + 1.0)  # two virtual games
        with np.errstate(divide="ignore", invalid="ignore"):
            updated = np.where(denominator > 0, wins / denominator, strengths)
        updated = np.where(updated > 0, updated, 1e-12)
        updated /= np.exp(np.log(updated).mean())
        if np.max(np.abs(updated - strengths)) < tolerance:
            strengths = updated
            break
        strengths = updated
    return {name: float(strengths[index[name]]) for name in names}


def pairwise_ranking(comparisons: Iterable[Comparison], *, prior: float = 1.0) -> list[PairwiseRank]:
    """The entries compared at least once, strongest first (ties in strength share a rank, competition style)."""
    comparisons = list(comparisons)
    strengths = bradley_terry(comparisons, prior=prior)
    wins: dict[Hashable, int] = {}
    losses: dict[Hashable, int] = {}
    for c in comparisons:
        wins[c.winner] = wins.get(c.winner, 0) + 1
        losses[c.loser] = losses.get(c.loser, 0) + 1
    ordered = sorted(strengths.items(), key=lambda item: (-round(item[1], 9), str(item[0])))
    ranking: list[PairwiseRank] = []
    for position, (entry, strength) in enumerate(ordered, start=1):
        same = ranking and round(ranking[-1].strength, 9) == round(strength, 9)
        ranking.append(
            PairwiseRank(
                entry=entry,
                rank=ranking[-1].rank if same else position,
                strength=strength,
                wins=wins.get(entry, 0),
                losses=losses.get(entry, 0),
            )
        )
    return ranking


def pairwise_winners(ranking: Sequence[PairwiseRank]) -> set[Hashable]:
    """The entries the pairwise ranking puts first (several when they tie)."""
    return {line.entry for line in ranking if line.rank == 1}
