"""Statistics that make a result defensible: juror severity, agreement between jurors, a fingerprint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from .core import NO_SPREAD, Criterion, Panel, Scorecard, build_panel

# A juror whose totals sit this many points (on 0..100) or more above or below the other jurors of the
# same entries, on average, is flagged; so is one who gives every entry the same total. A fixed number
# of points rather than a multiple of the panel's spread: "15 points more generous than colleagues" is
# something an organiser can check by hand, and it does not shrink when a panel happens to agree closely.
OUTLIER_POINTS = 15.0
# Below this many scorecards a juror's habits cannot be told from the entries they happened to get.
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


def juror_arrays(panel: Panel) -> dict[str, np.ndarray]:
    """Per juror index: n, mean, sd, severity (NaN when the juror shares no entry) and the outlier flag."""
    jurors = len(panel.jurors)
    j, t = panel.juror_of, panel.totals
    n = np.bincount(j, minlength=jurors)
    mean = np.bincount(j, t, minlength=jurors) / np.maximum(n, 1)
    sd = np.sqrt(np.bincount(j, (t - mean[j]) ** 2, minlength=jurors) / np.maximum(n, 1))
    # The other jurors' mean on the same entry: (entry sum - this card) / (entry count - 1).
    entry_sum = np.add.reduceat(t, panel.starts) if len(t) else np.zeros(0)
    others = panel.counts[panel.entry_of] - 1
    shared = others > 0
    gap = np.where(shared, t - (entry_sum[panel.entry_of] - t) / np.maximum(others, 1), 0.0)
    pairs = np.bincount(j, shared.astype(float), minlength=jurors)
    with np.errstate(invalid="ignore", divide="ignore"):
        severity = np.where(pairs > 0, np.bincount(j, gap, minlength=jurors) / pairs, np.nan)
    outlier = (n >= MIN_CARDS_FOR_OUTLIER) & ((np.abs(np.nan_to_num(severity)) >= OUTLIER_POINTS) | (sd < NO_SPREAD))
    return {"n": n, "mean": mean, "sd": sd, "severity": severity, "outlier": outlier}


def juror_statistics(cards: Sequence[Scorecard], criteria: Sequence[Criterion]) -> dict[Hashable, JurorStats]:
    """Per juror: number of scorecards, mean total, spread, severity against the other jurors, outlier flag.

    Severity is the mean, over the juror's entries that others also scored, of (the juror's total minus
    the mean total of the other jurors on that entry); None when the juror shares no entry. A juror with
    at least MIN_CARDS_FOR_OUTLIER cards is an outlier when |severity| >= OUTLIER_POINTS (15 points on
    0..100) or when every one of their totals is the same.
    """
    panel = build_panel(cards, criteria)
    stats = juror_arrays(panel)
    return {
        juror: JurorStats(
            juror=juror,
            n=int(stats["n"][i]),
            mean=float(stats["mean"][i]),
            sd=float(stats["sd"][i]),
            severity=None if np.isnan(stats["severity"][i]) else float(stats["severity"][i]),
            outlier=bool(stats["outlier"][i]),
        )
        for i, juror in enumerate(panel.jurors)
    }


def _alpha(values: np.ndarray, unit_of: np.ndarray) -> float | None:
    """Krippendorff's alpha, interval metric, for values tagged with their unit (any order of units)."""
    units = np.unique(unit_of, return_inverse=True)[1].reshape(-1) if len(unit_of) else unit_of
    size = np.bincount(units) if len(units) else np.zeros(0, dtype=int)
    pairable = size[units] >= 2  # a value alone in its unit has nothing to be compared with
    values, units = values[pairable], units[pairable]
    n = len(values)
    if n < 2:
        return None
    size = np.bincount(units)
    unit_mean = np.bincount(units, values) / np.maximum(size, 1)
    # Sum over the ordered pairs of a unit of (a - b)^2 = 2 m sum (v - unit mean)^2: no m^2 loop, and exactly
    # 0 for a unit where everyone agrees.
    within = 2 * size * np.bincount(units, (values - unit_mean[units]) ** 2, minlength=len(size))
    used = size >= 2
    observed = float(np.sum(within[used] / (size[used] - 1))) / n
    expected = 2 * n * float(np.sum((values - values.mean()) ** 2)) / (n * (n - 1))
    if expected <= NO_SPREAD:
        return None  # every value is the same: there is no variation to agree or disagree on
    return 1.0 - observed / expected


def krippendorff_alpha_interval(units: Sequence[Sequence[float]]) -> float | None:
    """Krippendorff's alpha, interval metric, for units given as lists of the values coders gave them.

    Missing values are simply left out of a unit's list. None when fewer than two values can be paired
    or when all values are equal.
    """
    values = np.array([v for unit in units for v in unit], dtype=float)
    unit_of = np.repeat(np.arange(len(units)), [len(unit) for unit in units])
    return _alpha(values, unit_of)


def agreement(cards: Sequence[Scorecard], criteria: Sequence[Criterion]) -> float | None:
    """Krippendorff's alpha (interval metric) of the jurors on the entries' weighted totals.

    Jurors are the coders and entries the units; an entry a juror did not score is a missing value.
    1 means perfect agreement, 0 agreement no better than chance. None when fewer than two totals can be
    paired (no entry has two scorecards) or when every total is the same.
    """
    panel = build_panel(cards, criteria)
    return _alpha(panel.totals, panel.entry_of)


def scores_fingerprint(cards: Sequence[Scorecard]) -> str:
    """SHA-256 (hex) of the scorecards in a canonical, order-independent form: proves which marks a result used.

    Each card is written as [juror, entry, [[criterion, mark], ...]] with ids as text, criteria sorted and
    marks as floats; the cards are sorted and serialised as compact JSON. Any changed, added or removed
    mark changes the fingerprint; the order the cards come in does not.
    """
    canonical = sorted(
        [str(c.juror), str(c.entry), sorted((str(k), float(v)) for k, v in c.scores.items())] for c in cards
    )
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()
