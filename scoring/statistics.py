"""Statistics that make a result defensible: juror severity, agreement between jurors, a fingerprint."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

from .ranking import Criterion, Scorecard, card_totals, pstdev

# A juror whose totals sit this many points (on 0..100) above or below the other jurors of the same
# entries, on average, is flagged; so is one who gives every entry the same total.
OUTLIER_POINTS = 15.0
MIN_CARDS_FOR_OUTLIER = 3


@dataclass(frozen=True)
class JurorStats:
    """A juror's marks against the panel: severity < 0 is harsh, > 0 lenient (points on 0..100)."""

    juror: Hashable
    n: int
    mean: float
    sd: float
    severity: float | None
    outlier: bool


def juror_statistics(cards: Sequence[Scorecard], criteria: Sequence[Criterion],
                     totals: Mapping[tuple, float] | None = None) -> dict:
    """Per juror: number of scorecards, mean total, spread, severity against the other jurors, outlier flag.

    Severity is the mean, over the juror's entries that others also scored, of (the juror's total minus
    the mean total of the other jurors on that entry); None when the juror shares no entry.
    """
    totals = totals if totals is not None else card_totals(cards, criteria)
    by_entry: dict = {}
    for (juror, entry), total in totals.items():
        by_entry.setdefault(entry, {})[juror] = total
    by_juror: dict = {}
    for (juror, entry), total in totals.items():
        by_juror.setdefault(juror, []).append((entry, total))
    result = {}
    for juror, items in by_juror.items():
        values = [t for _, t in items]
        gaps = []
        for entry, total in items:
            others = [t for j, t in by_entry[entry].items() if j != juror]
            if others:
                gaps.append(total - math.fsum(others) / len(others))
        severity = math.fsum(gaps) / len(gaps) if gaps else None
        sd = pstdev(values) if len(values) > 1 else 0.0
        outlier = len(values) >= MIN_CARDS_FOR_OUTLIER and (
            (severity is not None and abs(severity) >= OUTLIER_POINTS) or sd < 1e-9)
        result[juror] = JurorStats(juror=juror, n=len(values), mean=math.fsum(values) / len(values), sd=sd,
                                   severity=severity, outlier=outlier)
    return result


def agreement(cards: Sequence[Scorecard], criteria: Sequence[Criterion]) -> float | None:
    """Krippendorff's alpha (interval metric) on the weighted totals; copes with missing scorecards.

    1 means perfect agreement, 0 agreement no better than chance. None when fewer than two entries have
    two or more scorecards, or when every total is the same (no variation to agree on).
    """
    totals = card_totals(cards, criteria)
    units: dict = {}
    for (juror, entry), total in totals.items():
        units.setdefault(entry, []).append(total)
    return krippendorff_alpha_interval(list(units.values()))


def krippendorff_alpha_interval(units: Sequence[Sequence[float]]) -> float | None:
    """Krippendorff's alpha, interval metric, for units given as lists of the values coders gave them."""
    pairable = [list(u) for u in units if len(u) >= 2]
    n = sum(len(u) for u in pairable)
    if len(pairable) < 1 or n < 2:
        return None
    observed = 0.0
    for values in pairable:
        m = len(values)
        observed += sum((a - b) ** 2 for a in values for b in values) / (m - 1)
    observed /= n
    expected = _expected_disagreement([v for u in pairable for v in u])
    if expected <= 1e-12:
        return None
    return 1.0 - observed / expected


def _expected_disagreement(values: Sequence[float]) -> float:
    # The sum over ordered pairs of (a - b)^2 equals 2 n sum(v^2) - 2 (sum v)^2: O(n) instead of O(n^2).
    n = len(values)
    total, squares = math.fsum(values), math.fsum(v * v for v in values)
    return (2 * n * squares - 2 * total * total) / (n * (n - 1))


def scores_fingerprint(cards: Sequence[Scorecard]) -> str:
    """SHA-256 of the scorecards in a canonical, order-independent form: proves which marks a result used."""
    canonical = sorted(
        [str(c.juror), str(c.entry), sorted((str(k), float(v)) for k, v in c.scores.items())] for c in cards)
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()
