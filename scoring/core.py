"""The data the engine works on: criteria, scorecards, the weighted total, the trimming rule, and a panel.

A `Panel` is the scorecards of one category turned into numpy arrays once, in a canonical order (entries,
then jurors, each sorted by a stable key), so that every later sum is computed in the same order whatever
order the cards arrived in: input order can never move a score, not even in its last bit.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# Scores closer than this many decimals are equal: float noise must never decide a trophy.
TOLERANCE_DIGITS = 9
# A spread smaller than this (points on 0..100) is no spread at all, only float noise.
NO_SPREAD = 1e-9


@dataclass(frozen=True)
class Criterion:
    """A weighted criterion marked on a scale from `min` to `max`."""

    key: str
    weight: float
    min: float = 0
    max: float = 10


@dataclass(frozen=True)
class Scorecard:
    """One juror's marks for one entry, by criterion key. Juror and entry ids may be any hashable."""

    juror: Hashable
    entry: Hashable
    scores: Mapping[str, float]


def order_key(value) -> tuple:
    """A sort key for ids of mixed types: numbers by value first, then anything else by its text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value))


def check_criteria(criteria: Sequence[Criterion]) -> None:
    """Refuse criteria that cannot give a total: none at all, negative or all-zero weights, empty scales."""
    if not criteria:
        raise ValueError("At least one criterion is needed.")
    if len({c.key for c in criteria}) != len(criteria):
        raise ValueError("Two criteria have the same key.")
    if any(c.weight < 0 for c in criteria) or not sum(c.weight for c in criteria) > 0:
        raise ValueError("Criterion weights must not be negative and must add up to more than zero.")
    for c in criteria:
        if not c.max > c.min:
            raise ValueError(f"Criterion '{c.key}': the scale maximum must be above its minimum.")


def rescale(mark: float, criterion: Criterion) -> float:
    """A mark on its criterion's scale, mapped to 0..100 (the scale minimum is 0, the maximum 100)."""
    return (mark - criterion.min) / (criterion.max - criterion.min) * 100.0


def _scale_arrays(criteria: Sequence[Criterion]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lows = np.array([c.min for c in criteria], dtype=float)
    spans = np.array([c.max - c.min for c in criteria], dtype=float)
    weights = np.array([c.weight for c in criteria], dtype=float)
    return lows, spans, weights / weights.sum()


def weighted_totals(marks: np.ndarray, criteria: Sequence[Criterion]) -> np.ndarray:
    """The weighted total formula, once, for a matrix of marks (one row per scorecard, one column per criterion).

    Each mark is rescaled to 0..100 by (mark - min) / (max - min) x 100 and weighted by weight / sum of
    weights. `weighted_total` and every method go through this function, so a total is computed one way.
    """
    lows, spans, shares = _scale_arrays(criteria)
    # An explicit row sum rather than a matrix product: BLAS may sum in a different order for one row
    # than for many, and the total stored on a scorecard must equal the one the ranking recomputes.
    return ((marks - lows) / spans * 100.0 * shares).sum(axis=1)


def _mark_problem(scores: Mapping[str, float], criterion: Criterion) -> str | None:
    mark = scores.get(criterion.key)
    if mark is None:
        return f"has no mark for '{criterion.key}'"
    try:
        value = float(mark)
    except (TypeError, ValueError):
        return f"has a mark {mark!r} for '{criterion.key}' that is not a number"
    if not criterion.min <= value <= criterion.max:  # also refuses NaN
        return f"has a mark {mark} for '{criterion.key}' outside {criterion.min}..{criterion.max}"
    return None


def weighted_total(scores: Mapping[str, float], criteria: Sequence[Criterion]) -> float:
    """A scorecard's weighted total on 0..100: each mark rescaled to its scale, weighted by its weight.

    Example: 8/10 with weight 40, 6/10 with weight 35 and 10/10 with weight 25 give
    (80 x 40 + 60 x 35 + 100 x 25) / 100 = 78. Raises ValueError when a criterion has no mark or a mark
    lies outside its scale. This is the number the web app stores on every scorecard it saves.
    """
    check_criteria(criteria)
    for criterion in criteria:
        problem = _mark_problem(scores, criterion)
        if problem:
            raise ValueError(f"The scorecard {problem}.")
    marks = np.array([[float(scores[c.key]) for c in criteria]])
    return float(weighted_totals(marks, criteria)[0])


def group_trimmed_means(values: np.ndarray, starts: np.ndarray, counts: np.ndarray, trim: int) -> np.ndarray:
    """The trimming rule, once: per group, drop the `trim` highest and `trim` lowest values and average the rest.

    `values` holds the groups one after the other, each sorted ascending; `starts`/`counts` say where each
    group begins and how long it is. A group with 2 x trim values or fewer is not trimmed (its plain mean
    is returned): dropping would leave nothing, or a single middle value chosen by the extremes.
    """
    if trim < 0:
        raise ValueError("trim must be 0 or more.")
    counts = np.asarray(counts)
    group = np.repeat(np.arange(len(counts)), counts)
    position = np.arange(len(values)) - np.repeat(starts, counts)
    trims = np.where(counts > 2 * trim, trim, 0)[group]
    keep = (position >= trims) & (position < counts[group] - trims)
    kept = np.where(keep, values, 0.0)
    sums = np.add.reduceat(kept, starts) if len(values) else np.zeros(0)
    return sums / np.where(counts > 2 * trim, counts - 2 * trim, counts)


def trimmed_mean(values: Sequence[float], trim: int) -> float:
    """Mean after dropping the `trim` highest and `trim` lowest values, as skating and diving panels do.

    With 2 x trim values or fewer nothing is dropped and the plain mean is returned. The `trimmed` method
    of `rank_entries` applies this same rule (through `group_trimmed_means`) to each criterion's marks.
    """
    if len(values) == 0:
        raise ValueError("trimmed_mean of no values")
    ordered = np.sort(np.asarray(values, dtype=float))
    return float(group_trimmed_means(ordered, np.array([0]), np.array([len(ordered)]), trim)[0])


@dataclass(frozen=True)
class Panel:
    """A category's scorecards as arrays, cards sorted by (entry, juror) in canonical order.

    `entries`/`jurors` hold the ids in canonical order; `entry_of`/`juror_of` give each card's index into
    them; the cards of an entry are contiguous, starting at `starts[e]`, `counts[e]` of them.
    """

    criteria: tuple[Criterion, ...]
    entries: tuple
    jurors: tuple
    entry_of: np.ndarray
    juror_of: np.ndarray
    marks: np.ndarray
    totals: np.ndarray
    starts: np.ndarray
    counts: np.ndarray

    def entry_means(self, values: np.ndarray) -> np.ndarray:
        """Per entry, the mean of a per-card array (1-D or one column per criterion)."""
        sums = np.add.reduceat(values, self.starts, axis=0)
        return sums / (self.counts if values.ndim == 1 else self.counts[:, None])


def _refuse(cards: Sequence[Scorecard], criteria: Sequence[Criterion]) -> None:
    """Find the first bad card and name its juror, entry and criterion (slow path, only on bad data)."""
    for card in cards:
        for criterion in criteria:
            problem = _mark_problem(card.scores, criterion)
            if problem:
                raise ValueError(f"Scorecard of juror {card.juror!r} for entry {card.entry!r} {problem}.")


def build_panel(cards: Iterable[Scorecard], criteria: Sequence[Criterion]) -> Panel:
    """Validate scorecards and lay them out as a `Panel`.

    Raises ValueError naming the juror, entry and criterion when a mark is missing, not a number or out of
    its scale, and when a juror has two scorecards for the same entry.
    """
    check_criteria(criteria)
    cards = list(cards)
    keys = [c.key for c in criteria]
    try:
        marks = np.array([[card.scores[k] for k in keys] for card in cards], dtype=float).reshape(len(cards), len(keys))
    except (KeyError, TypeError, ValueError):
        _refuse(cards, criteria)
        raise
    lows, spans, _ = _scale_arrays(criteria)
    if not np.all((marks >= lows) & (marks <= lows + spans)):  # NaN (a None mark) fails too
        _refuse(cards, criteria)
    entries = tuple(sorted({card.entry for card in cards}, key=order_key))
    jurors = tuple(sorted({card.juror for card in cards}, key=order_key))
    entry_index = {e: n for n, e in enumerate(entries)}
    juror_index = {j: n for n, j in enumerate(jurors)}
    entry_of = np.fromiter((entry_index[c.entry] for c in cards), dtype=np.int64, count=len(cards))
    juror_of = np.fromiter((juror_index[c.juror] for c in cards), dtype=np.int64, count=len(cards))
    order = np.lexsort((juror_of, entry_of))
    entry_of, juror_of, marks = entry_of[order], juror_of[order], marks[order]
    same = (np.diff(entry_of) == 0) & (np.diff(juror_of) == 0)
    if same.any():
        at = int(np.flatnonzero(same)[0])
        raise ValueError(f"Juror {jurors[juror_of[at]]!r} has two scorecards for entry {entries[entry_of[at]]!r}.")
    counts = np.bincount(entry_of, minlength=len(entries))
    starts = (np.cumsum(counts) - counts).astype(np.int64)
    return Panel(
        criteria=tuple(criteria),
        entries=entries,
        jurors=jurors,
        entry_of=entry_of,
        juror_of=juror_of,
        marks=marks,
        totals=weighted_totals(marks, criteria),
        starts=starts,
        counts=counts,
    )


def card_totals(cards: Sequence[Scorecard], criteria: Sequence[Criterion]) -> dict[tuple, float]:
    """Each card's weighted total, by (juror, entry): `weighted_total` for many cards at once."""
    panel = build_panel(cards, criteria)
    return {
        (panel.jurors[j], panel.entries[e]): float(t)
        for j, e, t in zip(panel.juror_of.tolist(), panel.entry_of.tolist(), panel.totals.tolist())
    }
