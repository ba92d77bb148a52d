"""Rankings: the chosen method's scores, the deterministic tie-break chain, flags, combined rounds.

Everything here is plain Python and numpy: the web pages and the Excel export call `rank_entries`, so a
rank or a score is computed in this one place.

Tie-break chain (input order never changes the result; numbers are compared rounded to 9 decimals so
float noise never decides):
  1. the higher mean mark, rescaled to 0..100, on the heaviest criterion, then on the next heaviest, and
     so on (criteria of equal weight in the order given); the means are over the scorecards the method
     used (the trimmed means for `trimmed`);
  2. the higher median total;
  3. still equal: the entries share the rank (1, 2, 2, 4), flagged `TIE_UNDECIDED`.
Entries with fewer than `min_scorecards` scorecards are ranked after all complete entries, among
themselves by the same rules, flagged `INCOMPLETE`; entries listed in `entries` without any scorecard
come last, sharing one rank, with no score.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .core import TOLERANCE_DIGITS, Criterion, Panel, Scorecard, build_panel, order_key
from .flags import INCOMPLETE, TIE_BROKEN, TIE_UNDECIDED, Flag, joint_winner, outlier_juror
from .methods import check_method, median_totals, method_scores
from .stability import stability_of
from .statistics import juror_arrays


@dataclass(frozen=True)
class TieBreak:
    """How a tie on score was settled, as data, so that each reader's language can put it in words.

    `decided_by` is "criterion" (the mean mark on `criterion`, on its own scale), "median" (the median
    total), "round" (for combined rounds: the rank in the last round, `mine` and `theirs` being ranks) or "jury"
    (equal at every step: the entries in `shared` hold the same rank and the jury decides).
    For a settled tie, `other` is the entry compared with, `above` whether this entry won, and `mine` and
    `theirs` the deciding values.
    """

    score: float
    decided_by: str
    other: Hashable | None = None
    above: bool | None = None
    criterion: str | None = None
    mine: float | None = None
    theirs: float | None = None
    shared: tuple = ()


def decimals_to_tell_apart(mine: float, theirs: float, at_least: int = 2) -> int:
    """How many decimals show two different values as different numbers (8.30 vs 7.90, 6.667 vs 6.665)."""
    for digits in range(at_least, TOLERANCE_DIGITS + 1):
        if f"{mine:.{digits}f}" != f"{theirs:.{digits}f}":
            return digits
    return TOLERANCE_DIGITS


@dataclass
class RankedEntry:
    """One line of a ranking, with what is needed to explain it.

    `score` is on 0..100 (None without scorecards); `criterion_means` are mean marks on each criterion's
    own scale; `tie` says how a tie on score was settled; `p_first`, `p_top3` and `rank_interval` are
    filled only when stability was asked for.
    """

    entry: Hashable
    rank: int
    score: float | None
    criterion_means: dict[str, float] = field(default_factory=dict)
    n_scorecards: int = 0
    flags: tuple[Flag, ...] = ()
    tie: TieBreak | None = None
    median_total: float | None = None
    p_first: float | None = None
    p_top3: float | None = None
    rank_interval: tuple[int, int] | None = None


def _round(value: float | None) -> float:
    return round(value, TOLERANCE_DIGITS) if value is not None else -math.inf


def _check_options(trim: int, min_scorecards: int, resamples: int) -> None:
    if int(trim) != trim or trim < 0:
        raise ValueError("trim must be a whole number, 0 or more.")
    if min_scorecards < 0:
        raise ValueError("min_scorecards must be 0 or more.")
    if resamples < 1:
        raise ValueError("resamples must be at least 1.")


def entry_scores(
    cards: Sequence[Scorecard], criteria: Sequence[Criterion], method: str = "mean", *, trim: int = 1
) -> dict:
    """Each scored entry's score on 0..100 under `method` (no ranking, no tie-break)."""
    check_method(method)
    panel = build_panel(cards, criteria)
    if not panel.entries:
        return {}
    scores, _ = method_scores(panel, method, int(trim))
    return dict(zip(panel.entries, scores.tolist()))


def _outlier_jurors(panel: Panel) -> dict[int, list]:
    """Per entry index, the outlier jurors (see `juror_statistics`) who scored it, in canonical order."""
    outlier = juror_arrays(panel)["outlier"]
    by_entry: dict[int, list] = {}
    for card in np.flatnonzero(outlier[panel.juror_of]).tolist():  # cards sorted by entry, then juror
        by_entry.setdefault(int(panel.entry_of[card]), []).append(panel.jurors[panel.juror_of[card]])
    return by_entry


def rank_entries(
    cards: Iterable[Scorecard],
    criteria: Sequence[Criterion],
    method: str = "mean",
    *,
    trim: int = 1,
    min_scorecards: int = 1,
    seed: int = 0,
    entries: Iterable[Hashable] | None = None,
    stability: bool = False,
    resamples: int = 1000,
) -> list[RankedEntry]:
    """Rank entries best first under `method` (one of METHODS), with the documented tie-break chain.

    `trim` is the number of highest and lowest marks the `trimmed` method drops per criterion. Entries
    with fewer than `min_scorecards` cards come after the complete ones, flagged `INCOMPLETE`; ids in
    `entries` that have no card are listed last with no score. Entries scored by an outlier juror (see
    `juror_statistics`) are flagged `outlier_juror(<id>)`. With `stability`, a bootstrap of `resamples`
    draws seeded by `seed` fills p_first, p_top3 and rank_interval of the complete entries.
    Raises ValueError for an unknown method, a missing or out-of-range mark, or a duplicated scorecard.
    """
    check_method(method)
    _check_options(trim, min_scorecards, resamples)
    panel = build_panel(cards, criteria)
    scored = set(panel.entries)
    unscored = sorted({e for e in (entries or ()) if e not in scored}, key=order_key)
    results: list[RankedEntry] = []
    if panel.entries:
        results = _rank_scored(panel, method, int(trim), min_scorecards)
        if stability:
            complete = panel.counts >= min_scorecards
            figures = stability_of(panel, method, resamples=resamples, seed=seed, trim=int(trim), include=complete)
            for line in results:
                if line.entry in figures:
                    s = figures[line.entry]
                    line.p_first, line.p_top3, line.rank_interval = s.p_first, s.p_top3, s.rank_interval
    # Entries without a single scorecard share the last rank: there is nothing to order them by.
    last_rank = len(results) + 1
    results += [RankedEntry(entry=e, rank=last_rank, score=None, flags=(INCOMPLETE,)) for e in unscored]
    return results


def _rank_scored(panel: Panel, method: str, trim: int, min_scorecards: int) -> list[RankedEntry]:
    criteria = panel.criteria
    scores, means = method_scores(panel, method, trim)
    medians = median_totals(panel)
    lows = np.array([c.min for c in criteria], dtype=float)
    spans = np.array([c.max - c.min for c in criteria], dtype=float)
    heaviest_first = np.argsort(-np.array([c.weight for c in criteria], dtype=float), kind="stable")
    # One row per entry: the score, then the chain's criterion means (0..100), then the median total.
    chain = np.round(
        np.column_stack([scores, ((means - lows) / spans * 100.0)[:, heaviest_first], medians]), TOLERANCE_DIGITS
    )
    incomplete = panel.counts < min_scorecards
    # lexsort: the last key is the primary one. Complete first, then the chain descending, then the
    # canonical entry order so that a shared rank still lists entries in a fixed order.
    keys = (
        [np.arange(len(panel.entries))]
        + [-chain[:, k] for k in reversed(range(chain.shape[1]))]
        + [incomplete.astype(int)]
    )
    order = np.lexsort(keys).tolist()
    outliers = _outlier_jurors(panel)
    results, previous = [], None
    for position, e in enumerate(order, start=1):
        key = (bool(incomplete[e]), tuple(chain[e].tolist()))
        rank = results[-1].rank if key == previous else position
        previous = key
        flags = ((INCOMPLETE,) if incomplete[e] else ()) + tuple(outlier_juror(j) for j in outliers.get(e, ()))
        results.append(
            RankedEntry(
                entry=panel.entries[e],
                rank=rank,
                score=float(scores[e]),
                criterion_means={c.key: float(means[e, k]) for k, c in enumerate(criteria)},
                n_scorecards=int(panel.counts[e]),
                flags=flags,
                median_total=float(medians[e]),
            )
        )
    _explain_ties(results, [chain[e] for e in order], [criteria[k] for k in heaviest_first])
    return results


def _settled(
    line: RankedEntry, other: RankedEntry, mine: np.ndarray, theirs: np.ndarray, heaviest_first: Sequence[Criterion]
) -> TieBreak:
    """The step of the chain that separates two entries tied on score, from `line`'s point of view."""
    step = next(i for i in range(1, len(mine)) if mine[i] != theirs[i])
    above = bool(mine[step] > theirs[step])
    if step <= len(heaviest_first):
        key = heaviest_first[step - 1].key
        return TieBreak(
            score=line.score,
            decided_by="criterion",
            other=other.entry,
            above=above,
            criterion=key,
            mine=line.criterion_means[key],
            theirs=other.criterion_means[key],
        )
    return TieBreak(
        score=line.score,
        decided_by="median",
        other=other.entry,
        above=above,
        mine=line.median_total,
        theirs=other.median_total,
    )


def _explain_ties(results: list[RankedEntry], chains: list[np.ndarray], heaviest_first: Sequence[Criterion]) -> None:
    """Flag entries tied on score: `TIE_BROKEN` with the deciding step, or `TIE_UNDECIDED` when shared."""
    groups: dict = {}
    for index, line in enumerate(results):
        groups.setdefault((INCOMPLETE in line.flags, float(chains[index][0])), []).append(index)
    for members in groups.values():
        if len(members) < 2:
            continue
        for position, index in enumerate(members):
            line = results[index]
            shared = [results[i].entry for i in members if i != index and results[i].rank == line.rank]
            if shared:
                line.flags += (TIE_UNDECIDED,)
                line.tie = TieBreak(score=line.score, decided_by="jury", shared=tuple(shared))
                continue
            line.flags += (TIE_BROKEN,)
            # Explain against the next entry below in the tie, or for the last one, the entry just above.
            other = members[position + 1] if position + 1 < len(members) else members[position - 1]
            line.tie = _settled(line, results[other], chains[index], chains[other], heaviest_first)


def _incomplete(line: RankedEntry | None) -> bool:
    return line is None or line.score is None or INCOMPLETE in line.flags


def combine_rankings(parts: Sequence[tuple[Sequence[RankedEntry], float]]) -> list[RankedEntry]:
    """Combine rounds, e.g. final = 30% pre-selection + 70% final; the weights are normalised.

    Only entries with a score in the last part are ranked (they reached the last round). An entry is
    complete only when it is complete in every part (an entry missing from an earlier part, or incomplete
    there, is incomplete): incomplete entries come after every complete one, as in `rank_entries`, and
    a missing earlier score counts 0. Ties on the combined score are broken by the last part's ranking
    (which already applied the whole tie chain to that round), then shared, flagged `TIE_UNDECIDED`.
    Criterion means, counts and stability figures are those of the last part; entries of the last part
    without a score follow, sharing the last rank.
    """
    if not parts:
        return []
    total_weight = sum(weight for _, weight in parts)
    if any(weight < 0 for _, weight in parts) or total_weight <= 0:
        raise ValueError("The weights of the combined rounds must not be negative and must add up to more than zero.")
    by_entry = [{line.entry: line for line in lines} for lines, _ in parts]
    combined = []
    for line in parts[-1][0]:
        if line.score is None:
            continue
        lines = [part.get(line.entry) for part in by_entry]
        value = (
            math.fsum(
                ((found.score if found is not None and found.score is not None else 0.0) * weight)
                for found, (_, weight) in zip(lines, parts)
            )
            / total_weight
        )
        combined.append((_round(value), any(_incomplete(found) for found in lines), value, line))
    combined.sort(key=lambda t: (t[1], -t[0], t[3].rank, order_key(t[3].entry)))
    result: list[RankedEntry] = []
    previous = None
    for position, (rounded, incomplete, value, line) in enumerate(combined, start=1):
        key = (incomplete, rounded, line.rank)
        rank = result[-1].rank if key == previous else position
        previous = key
        flags = tuple(f for f in line.flags if f != INCOMPLETE and not f.is_tie)
        result.append(
            replace(
                line,
                rank=rank,
                score=value,
                tie=None,
                criterion_means=dict(line.criterion_means),
                flags=((INCOMPLETE,) if incomplete else ()) + flags,
            )
        )
    _explain_combined_ties(result, {line.entry: line for line in parts[-1][0]})
    last_rank = len(result) + 1
    result += [
        RankedEntry(entry=line.entry, rank=last_rank, score=None, flags=line.flags)
        for line in parts[-1][0]
        if line.score is None
    ]
    return result


def _explain_combined_ties(result: list[RankedEntry], last: dict) -> None:
    """Ties on the combined score: `TIE_BROKEN` by the last round's ranking, or `TIE_UNDECIDED`."""
    groups: dict = {}
    for index, line in enumerate(result):
        groups.setdefault((INCOMPLETE in line.flags, _round(line.score)), []).append(index)
    for members in groups.values():
        if len(members) < 2:
            continue
        for position, index in enumerate(members):
            line = result[index]
            shared = tuple(result[i].entry for i in members if i != index and result[i].rank == line.rank)
            if shared:
                line.flags += (TIE_UNDECIDED,)
                line.tie = TieBreak(score=line.score, decided_by="jury", shared=shared)
                continue
            other = result[members[position + 1] if position + 1 < len(members) else members[position - 1]]
            mine, theirs = last[line.entry].rank, last[other.entry].rank
            line.flags += (TIE_BROKEN,)
            line.tie = TieBreak(
                score=line.score,
                decided_by="round",
                other=other.entry,
                above=mine < theirs,
                mine=float(mine),
                theirs=float(theirs),
            )


def share_first_place(ranking: Sequence[RankedEntry], entries: Iterable[Hashable], reason: str) -> list[RankedEntry]:
    """Joint winners decided by the jury: the given entries all take rank 1, flagged with the reason.

    The entries must be the first ones of the ranking (a shared first place cannot skip a better entry).
    """
    chosen = set(entries)
    top = [line.entry for line in ranking[: len(chosen)]]
    if len(chosen) < 2 or set(top) != chosen:
        raise ValueError("Joint winners must be the entries at the top of the ranking, at least two of them.")
    result = []
    for line in ranking:
        if line.entry in chosen:
            result.append(
                replace(
                    line,
                    rank=1,
                    tie=None,
                    flags=tuple(f for f in line.flags if not f.is_tie) + (joint_winner(reason),),
                )
            )
        else:
            result.append(line)
    return result
