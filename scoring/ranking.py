"""Weighted totals, the five aggregation methods, and the deterministic tie-break chain.

Everything here is plain Python and numpy: the web pages and the Excel export call `rank_entries`, so a
rank or a score is computed in this one place.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np

METHODS = ("mean", "median", "trimmed", "zscore", "fitted")
# Scores closer than this are equal: float noise must never decide a trophy.
TOLERANCE_DIGITS = 9
# Ridge on the juror offsets of the `fitted` method (points squared); only matters when the design is
# disconnected, where it falls back to centring each juror on their own mean.
FITTED_RIDGE = 1e-3


@dataclass(frozen=True)
class Criterion:
    """A weighted criterion marked on a scale from `min` to `max`."""

    key: str
    weight: float
    min: float = 0
    max: float = 10


@dataclass(frozen=True)
class Scorecard:
    """One juror's marks for one entry, by criterion key."""

    juror: Hashable
    entry: Hashable
    scores: Mapping[str, float]


@dataclass
class RankedEntry:
    """One line of a ranking, with what is needed to explain it."""

    entry: Hashable
    rank: int
    score: float | None
    criterion_means: dict[str, float] = field(default_factory=dict)
    n_scorecards: int = 0
    flags: tuple[str, ...] = ()
    tie_break: str | None = None
    median_total: float | None = None
    p_first: float | None = None
    p_top3: float | None = None
    rank_interval: tuple[int, int] | None = None


def pstdev(values: Sequence[float]) -> float:
    """Population standard deviation (statistics.pstdev is exact but far slower than needed here)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = math.fsum(values) / n
    return math.sqrt(max(math.fsum((v - mean) ** 2 for v in values) / n, 0.0))


def _order_key(value) -> tuple:
    return (0, value, "") if isinstance(value, (int, float)) and not isinstance(value, bool) else (1, 0, str(value))


def _check_criteria(criteria: Sequence[Criterion]) -> None:
    if not criteria:
        raise ValueError("At least one criterion is needed.")
    if sum(c.weight for c in criteria) <= 0 or any(c.weight < 0 for c in criteria):
        raise ValueError("Criterion weights must be positive and add up to more than zero.")
    for c in criteria:
        if not c.max > c.min:
            raise ValueError(f"Criterion '{c.key}': the scale maximum must be above its minimum.")


def rescale(mark: float, criterion: Criterion) -> float:
    """A mark on its criterion's scale, mapped to 0..100."""
    return (mark - criterion.min) / (criterion.max - criterion.min) * 100.0


def weighted_total(scores: Mapping[str, float], criteria: Sequence[Criterion]) -> float:
    """A scorecard's weighted total on 0..100: each mark rescaled by its scale, weighted by its weight.

    Raises ValueError when a criterion has no mark or a mark lies outside its scale.
    """
    _check_criteria(criteria)
    total_weight = sum(c.weight for c in criteria)
    total = 0.0
    for c in criteria:
        if c.key not in scores or scores[c.key] is None:
            raise ValueError(f"No mark for criterion '{c.key}'.")
        mark = scores[c.key]
        if not c.min <= mark <= c.max:
            raise ValueError(f"Mark {mark} for '{c.key}' is outside {c.min}..{c.max}.")
        total += c.weight * rescale(mark, c)
    return total / total_weight


def trimmed_mean(values: Sequence[float], trim: int) -> float:
    """Mean after dropping the `trim` highest and `trim` lowest values, as skating and diving panels do.

    When too few values remain (n <= 2 * trim), nothing is dropped: the plain mean is returned.
    """
    if not values:
        raise ValueError("trimmed_mean of no values")
    ordered = sorted(values)
    if trim > 0 and len(ordered) > 2 * trim:
        ordered = ordered[trim:len(ordered) - trim]
    return math.fsum(ordered) / len(ordered)


def _check_unique(cards: Sequence[Scorecard]) -> None:
    if len({(c.juror, c.entry) for c in cards}) != len(cards):
        seen = set()
        for card in cards:
            if (card.juror, card.entry) in seen:
                raise ValueError(f"Juror {card.juror!r} has two scorecards for entry {card.entry!r}.")
            seen.add((card.juror, card.entry))


def _validate_cards(cards: Sequence[Scorecard], criteria: Sequence[Criterion]) -> None:
    _check_unique(cards)
    for card in cards:
        for c in criteria:
            mark = card.scores.get(c.key)
            if mark is None:
                raise ValueError(f"Scorecard of juror {card.juror!r} for entry {card.entry!r} has no mark for '{c.key}'.")
            if not c.min <= mark <= c.max:
                raise ValueError(f"Scorecard of juror {card.juror!r} for entry {card.entry!r}: mark {mark} for "
                                 f"'{c.key}' is outside {c.min}..{c.max}.")


def _group(cards: Iterable[Scorecard]) -> dict:
    grouped: dict = {}
    for card in cards:
        grouped.setdefault(card.entry, []).append(card)
    for entry_cards in grouped.values():
        entry_cards.sort(key=lambda c: _order_key(c.juror))
    return grouped


def card_totals(cards: Sequence[Scorecard], criteria: Sequence[Criterion]) -> dict[tuple, float]:
    """Each card's weighted total, by (juror, entry): `weighted_total` for many cards at once (numpy)."""
    if not cards:
        return {}
    try:
        marks = np.array([[c.scores[k.key] for k in criteria] for c in cards], dtype=float)
    except (KeyError, TypeError):
        _validate_cards(cards, criteria)  # raises the precise message
        raise
    lows = np.array([k.min for k in criteria], dtype=float)
    spans = np.array([k.max - k.min for k in criteria], dtype=float)
    if np.any(marks < lows) or np.any(marks > lows + spans):
        _validate_cards(cards, criteria)
    weights = np.array([k.weight for k in criteria], dtype=float)
    totals = ((marks - lows) / spans * 100.0) @ (weights / weights.sum())
    return {(c.juror, c.entry): float(t) for c, t in zip(cards, totals)}


def zscores(cards: Sequence[Scorecard], criteria: Sequence[Criterion],
            totals: Mapping[tuple, float] | None = None) -> dict[tuple, float]:
    """Each card's weighted total standardised over all cards of its juror: (total - juror mean) / juror sd.

    A juror with a single scorecard, or who gave every entry the same total, cannot be calibrated: their
    cards count as 0 (a neutral vote) rather than letting an uncalibrated mark move the ranking.
    """
    totals = totals if totals is not None else card_totals(cards, criteria)
    by_juror: dict = {}
    for card in cards:
        by_juror.setdefault(card.juror, []).append(totals[(card.juror, card.entry)])
    spread = {}
    for juror, values in by_juror.items():
        mean = math.fsum(values) / len(values)
        spread[juror] = (mean, pstdev(values) if len(values) > 1 else 0.0)
    result: dict[tuple, float] = {}
    for card in cards:
        mean, sd = spread[card.juror]
        result[(card.juror, card.entry)] = (totals[(card.juror, card.entry)] - mean) / sd if sd > 1e-9 else 0.0
    return result


def fitted_offsets(cards: Sequence[Scorecard], criteria: Sequence[Criterion],
                   totals: Mapping[tuple, float] | None = None) -> dict:
    """Per-juror offsets b_j of the model total = quality(entry) + b_j, fitted by least squares.

    Each juror's totals are first centred on their own mean, so adding a constant to all of one juror's
    marks changes nothing; a small ridge on the offsets keeps the system solvable when some jurors share
    no entry (then each juror is simply centred on their own mean).
    """
    jurors = sorted({c.juror for c in cards}, key=_order_key)
    if not jurors:
        return {}
    index = {j: n for n, j in enumerate(jurors)}
    totals = totals if totals is not None else card_totals(cards, criteria)
    sums: dict = {}
    for (juror, _), total in totals.items():
        count, acc = sums.get(juror, (0, 0.0))
        sums[juror] = (count + 1, acc + total)
    juror_mean = {j: sums[j][1] / sums[j][0] for j in jurors}
    # Normal equations, vectorised: an entry seen by jurors S (m of them) adds the projector I - 11'/m on S
    # to the matrix, i.e. matrix = diag(cards per juror) - S' diag(1/m) S, and its centred residuals to rhs.
    entry_index = {e: n for n, e in enumerate({c.entry for c in cards})}
    rows = np.array([entry_index[c.entry] for c in cards])
    cols = np.array([index[c.juror] for c in cards])
    centred = np.array([totals[(c.juror, c.entry)] - juror_mean[c.juror] for c in cards])
    per_entry = np.bincount(rows, minlength=len(entry_index)).astype(float)
    incidence = np.zeros((len(entry_index), len(jurors)))
    incidence[rows, cols] = 1.0
    matrix = (np.diag(incidence.sum(axis=0)) - incidence.T @ (incidence / per_entry[:, None])
              + FITTED_RIDGE * np.eye(len(jurors)))
    entry_means = np.bincount(rows, weights=centred, minlength=len(entry_index)) / per_entry
    rhs = np.bincount(cols, weights=centred - entry_means[rows], minlength=len(jurors))
    offsets = np.linalg.solve(matrix, rhs)
    # b_j on the raw scale = the juror's mean leniency plus the fitted residual offset.
    return {j: float(offsets[index[j]] + juror_mean[j]) for j in jurors}


@dataclass
class _EntryFacts:
    score: float | None
    criterion_means: dict[str, float]  # raw marks, criterion scale
    rescaled_means: dict[str, float]  # 0..100, for the tie-break chain
    n: int
    median_total: float | None


def _entry_facts(cards: Sequence[Scorecard], criteria: Sequence[Criterion], method: str, trim: int,
                 total_of: Mapping[tuple, float]) -> dict:
    grouped = _group(cards)
    z = zscores(cards, criteria, total_of) if method == "zscore" else {}
    offsets = fitted_offsets(cards, criteria, total_of) if method == "fitted" else {}
    all_totals = list(total_of.values())
    panel_mean = math.fsum(all_totals) / len(all_totals) if all_totals else 0.0
    panel_sd = pstdev(all_totals) if len(all_totals) > 1 else 0.0
    grand = panel_mean
    facts = {}
    for entry, entry_cards in grouped.items():
        totals = [total_of[(c.juror, entry)] for c in entry_cards]
        if method == "trimmed":
            means = {c.key: trimmed_mean([card.scores[c.key] for card in entry_cards], trim) for c in criteria}
            score = weighted_total(means, criteria)
        else:
            means = {c.key: math.fsum(card.scores[c.key] for card in entry_cards) / len(entry_cards) for c in criteria}
            if method == "mean":
                score = math.fsum(totals) / len(totals)
            elif method == "median":
                score = float(statistics.median(totals))
            elif method == "zscore":
                mean_z = math.fsum(z[(c.juror, entry)] for c in entry_cards) / len(entry_cards)
                # Back on the panel's 0..100 scale so the number stays readable; the order is the z order.
                score = min(100.0, max(0.0, panel_mean + mean_z * panel_sd))
            else:  # fitted
                quality = math.fsum(t - offsets[c.juror] for c, t in zip(entry_cards, totals)) / len(totals)
                score = min(100.0, max(0.0, quality + grand))
        facts[entry] = _EntryFacts(score=score, criterion_means=means,
                                   rescaled_means={c.key: rescale(means[c.key], c) for c in criteria},
                                   n=len(entry_cards), median_total=float(statistics.median(totals)))
    return facts


def entry_scores(cards: Sequence[Scorecard], criteria: Sequence[Criterion], method: str = "mean",
                 *, trim: int = 1) -> dict:
    """Each scored entry's score on 0..100 under `method` (no ranking, no tie-break)."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    _check_criteria(criteria)
    _check_unique(cards)
    totals = card_totals(cards, criteria)
    return {entry: f.score for entry, f in _entry_facts(cards, criteria, method, trim, totals).items()}


def _round(value: float | None) -> float:
    return round(value, TOLERANCE_DIGITS) if value is not None else -math.inf


def rank_entries(cards: Iterable[Scorecard], criteria: Sequence[Criterion], method: str = "mean", *,
                 trim: int = 1, min_scorecards: int = 1, seed: int = 0, entries: Iterable[Hashable] | None = None,
                 stability: bool = False, resamples: int = 1000) -> list[RankedEntry]:
    """Rank entries best first under `method`, with the documented tie-break chain.

    Tie-break chain: (1) the higher mean on the heaviest criterion, then the next heaviest (criteria of
    equal weight in the order given); (2) the higher median total; (3) still equal: a shared rank, flagged
    "tie: jury decision". Entries with fewer than `min_scorecards` come after the complete ones, flagged
    "incomplete"; entries listed in `entries` with no scorecard come last with no score. With `stability`,
    a seeded bootstrap fills p_first, p_top3 and rank_interval.
    """
    cards = list(cards)
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    _check_criteria(criteria)
    _check_unique(cards)
    totals = card_totals(cards, criteria)  # also refuses missing or out-of-range marks
    facts = _entry_facts(cards, criteria, method, trim, totals)
    all_entries = set(facts) | set(entries or ())
    heaviest_first = sorted(criteria, key=lambda c: -c.weight)  # stable: equal weights keep the given order

    from .statistics import juror_statistics  # local import: statistics imports this module
    outliers = sorted((j for j, s in juror_statistics(cards, criteria, totals).items() if s.outlier), key=_order_key)
    scored_by: dict = {}
    for card in cards:
        scored_by.setdefault(card.entry, set()).add(card.juror)

    chains = {entry: (_round(f.score),) + tuple(_round(f.rescaled_means[c.key]) for c in heaviest_first)
              + (_round(f.median_total),) for entry, f in facts.items()}

    def chain(entry) -> tuple:
        return chains.get(entry, (-math.inf,))

    groups = {
        "complete": sorted((e for e in all_entries if e in facts and facts[e].n >= min_scorecards),
                           key=lambda e: (tuple(-v for v in chain(e)), _order_key(e))),
        "incomplete": sorted((e for e in all_entries if e in facts and facts[e].n < min_scorecards),
                             key=lambda e: (tuple(-v for v in chain(e)), _order_key(e))),
        "unscored": sorted((e for e in all_entries if e not in facts), key=_order_key),
    }
    results: list[RankedEntry] = []
    position = 0
    for group, ordered in groups.items():
        previous_key, previous_rank = None, 0
        for entry in ordered:
            position += 1
            key = chain(entry)
            rank = previous_rank if key == previous_key else position
            previous_key, previous_rank = key, rank
            f = facts.get(entry)
            flags = []
            if group != "complete":
                flags.append("incomplete")
            flags += [f"outlier juror: {j}" for j in outliers if j in scored_by.get(entry, ())]
            results.append(RankedEntry(
                entry=entry, rank=rank, score=f.score if f else None,
                criterion_means=dict(f.criterion_means) if f else {}, n_scorecards=f.n if f else 0,
                flags=tuple(flags), median_total=f.median_total if f else None))
    _explain_ties(results, facts, heaviest_first, chain)
    if stability:
        from .stability import bootstrap_stability
        eligible = [c for c in cards if facts[c.entry].n >= min_scorecards]
        lines = {r.entry: r for r in results}
        for entry, s in bootstrap_stability(eligible, criteria, method, resamples=resamples, seed=seed,
                                            trim=trim).items():
            line = lines[entry]
            line.p_first, line.p_top3, line.rank_interval = s.p_first, s.p_top3, s.rank_interval
    return results


def _explain_ties(results: list[RankedEntry], facts: dict, heaviest_first: Sequence[Criterion], chain) -> None:
    """Flag shared ranks and say, for each tie on score, which step of the chain separated the entries."""
    by_score: dict = {}
    for line in results:
        if line.score is not None:
            by_score.setdefault((_round(line.score), "incomplete" in line.flags), []).append(line)
    for lines in by_score.values():
        if len(lines) < 2:
            continue
        for line in lines:
            shared = [o for o in lines if o is not line and o.rank == line.rank]
            if shared:
                line.flags += ("tie: jury decision",)
                line.tie_break = (f"tied on {line.score:.2f} with " + ", ".join(repr(o.entry) for o in shared)
                                  + " on every criterion and the median: the jury decides")
                continue
            line.flags += ("tie broken",)
            below = [o for o in lines if o.rank > line.rank]
            if not below:
                line.tie_break = f"tied on {line.score:.2f}; ranked below on the tie-break chain"
                continue
            other = below[0]
            mine, theirs = chain(line.entry), chain(other.entry)
            step = next(i for i in range(1, len(mine)) if mine[i] != theirs[i])
            if step <= len(heaviest_first):
                criterion = heaviest_first[step - 1]
                line.tie_break = (f"tied on {line.score:.2f}; ranked above {other.entry!r} on a higher mean for "
                                  f"'{criterion.key}' ({facts[line.entry].criterion_means[criterion.key]:.2f} vs "
                                  f"{facts[other.entry].criterion_means[criterion.key]:.2f})")
            else:
                line.tie_break = (f"tied on {line.score:.2f}; ranked above {other.entry!r} on a higher median "
                                  f"total ({facts[line.entry].median_total:.2f} vs {facts[other.entry].median_total:.2f})")


def combine_rankings(parts: Sequence[tuple[Sequence[RankedEntry], float]]) -> list[RankedEntry]:
    """Combine rounds, e.g. final = 30% pre-selection + 70% final; weights are normalised.

    Only entries ranked with a score in the last part take part (they reached the last round); an entry
    missing from an earlier part counts that part as 0. Ties on the combined score are broken by the last
    part's score, then shared. Per-criterion means and counts are those of the last part.
    """
    if not parts:
        return []
    total_weight = sum(weight for _, weight in parts)
    if total_weight <= 0:
        raise ValueError("The weights of the combined rounds must add up to more than zero.")
    last = {line.entry: line for line in parts[-1][0]}
    scores = {part_index: {line.entry: line.score for line in lines} for part_index, (lines, _) in enumerate(parts)}
    combined = []
    for entry, line in last.items():
        if line.score is None:
            continue
        value = math.fsum((scores[i].get(entry) or 0.0) * weight for i, (_, weight) in enumerate(parts)) / total_weight
        combined.append((entry, value, line))
    combined.sort(key=lambda t: (-_round(t[1]), -_round(t[2].score), _order_key(t[0])))
    result = []
    previous, previous_rank = None, 0
    for position, (entry, value, line) in enumerate(combined, start=1):
        key = (_round(value), _round(line.score))
        rank = previous_rank if key == previous else position
        previous, previous_rank = key, rank
        result.append(RankedEntry(entry=entry, rank=rank, score=value, criterion_means=dict(line.criterion_means),
                                  n_scorecards=line.n_scorecards, flags=line.flags, tie_break=line.tie_break,
                                  median_total=line.median_total, p_first=line.p_first, p_top3=line.p_top3,
                                  rank_interval=line.rank_interval))
    unscored = [line for line in parts[-1][0] if line.score is None]
    for offset, line in enumerate(unscored, start=len(result) + 1):
        result.append(RankedEntry(entry=line.entry, rank=offset, score=None, flags=line.flags))
    return result


def share_first_place(ranking: Sequence[RankedEntry], entries: Iterable[Hashable], reason: str) -> list[RankedEntry]:
    """Joint winners decided by the jury: the given entries all take rank 1, flagged with the reason.

    The entries must be the first ones of the ranking (a shared first place cannot skip a better entry).
    """
    chosen = set(entries)
    top = [line.entry for line in ranking[:len(chosen)]]
    if len(chosen) < 2 or set(top) != chosen:
        raise ValueError("Joint winners must be the entries at the top of the ranking, at least two of them.")
    result = []
    for line in ranking:
        if line.entry in chosen:
            result.append(RankedEntry(**{**line.__dict__, "rank": 1,
                                         "flags": tuple(f for f in line.flags if not f.startswith("tie"))
                                         + (f"joint winner: {reason}",)}))
        else:
            result.append(line)
    return result
