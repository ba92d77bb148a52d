"""The five ways of turning an entry's scorecards into one score on 0..100, vectorised over a `Panel`.

- mean: the average of the entry's weighted totals.
- median: the middle weighted total (the average of the two middle ones for an even count).
- trimmed: per criterion, the `trim` highest and `trim` lowest marks are dropped when more than 2 x trim
  marks exist (otherwise nothing is dropped), the rest averaged, and the weighted total taken of those means.
- zscore: each juror's totals standardised by that juror's own mean and spread, averaged per entry, and
  put back on the panel's scale: score = panel mean + mean z x panel sd (see `zscores` for jurors who
  cannot be standardised).
- fitted: least squares of total = entry quality + juror offset, reported as panel mean + quality.

zscore and fitted scores are never clipped: an exceptional entry may sit above 100 (or below 0) on the
panel's scale, and clipping would put two such entries level and let a criterion mean overturn the
method's own verdict. The entries are ranked on these values, exactly as shown.
"""

from __future__ import annotations

import numpy as np

from .core import NO_SPREAD, Panel, group_trimmed_means, weighted_totals

METHODS = ("mean", "median", "trimmed", "zscore", "fitted")
# Ridge on the residual juror offsets of `fitted` (card counts sit on the diagonal, so 1e-3 is negligible
# in a connected design). It keeps the system solvable with a single juror or when groups of jurors share
# no entry: there it pulls each group's offsets to their own average, i.e. each juror centred on their mean.
FITTED_RIDGE = 1e-3


def check_method(method: str) -> None:
    """Refuse an unknown method with a message listing the known ones."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")


def median_totals(panel: Panel) -> np.ndarray:
    """Per entry, the median of its scorecards' weighted totals."""
    ordered = panel.totals[np.lexsort((panel.totals, panel.entry_of))]
    low = ordered[panel.starts + (panel.counts - 1) // 2]
    high = ordered[panel.starts + panel.counts // 2]
    return (low + high) / 2.0


def trimmed_criterion_means(panel: Panel, trim: int) -> np.ndarray:
    """Per entry and criterion, the trimmed mean of the marks (the rule of `trimmed_mean`)."""
    means = np.empty((len(panel.entries), len(panel.criteria)))
    for column in range(len(panel.criteria)):
        marks = panel.marks[:, column]
        ordered = marks[np.lexsort((marks, panel.entry_of))]  # sorted within each entry's contiguous block
        means[:, column] = group_trimmed_means(ordered, panel.starts, panel.counts, trim)
    return means


def panel_spread(panel: Panel) -> tuple[float, float]:
    """Mean and population standard deviation of all the panel's weighted totals."""
    return float(panel.totals.mean()), float(panel.totals.std())


def zscores(panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """Each card's standard score, (total - the juror's mean total) / the juror's standard deviation, and
    whether the card counts in its entry's average.

    Two cases cannot be standardised. A juror who gave every entry they saw the same total expressed no
    preference between them: their cards count as 0 (neutral). A juror with a single scorecard has no
    mean or spread of their own to calibrate against: the card is left out of the entry's average (it
    still counts as a scorecard for completeness), rather than pulling the entry towards the average with
    a made-up 0 or letting an uncalibrated level in. An entry with no counted card gets 0. Consequence:
    a constant added to all the marks of any one juror never changes the zscore order.
    """
    jurors = len(panel.jurors)
    count = np.bincount(panel.juror_of, minlength=jurors)
    mean = np.bincount(panel.juror_of, panel.totals, minlength=jurors) / np.maximum(count, 1)
    deviation = panel.totals - mean[panel.juror_of]
    sd = np.sqrt(np.bincount(panel.juror_of, deviation**2, minlength=jurors) / np.maximum(count, 1))
    card_sd = sd[panel.juror_of]
    z = np.where(card_sd > NO_SPREAD, deviation / np.where(card_sd > NO_SPREAD, card_sd, 1.0), 0.0)
    counted = count[panel.juror_of] >= 2
    return np.where(counted, z, 0.0), counted


def weighted_entry_means(panel: Panel, values: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Per entry, the mean of the counted cards' values; 0 for an entry with no counted card."""
    sums = np.add.reduceat(np.where(counted, values, 0.0), panel.starts)
    n = np.add.reduceat(counted.astype(float), panel.starts)
    return np.where(n > 0, sums / np.maximum(n, 1), 0.0)


def fitted_offsets(panel: Panel) -> np.ndarray:
    """Per juror, the offset b_j of the model total_ij = quality_i + b_j, fitted by least squares.

    Each juror's totals are first centred on the juror's own mean m_j; the residual offsets d_j of the
    centred totals are then fitted with a small ridge (FITTED_RIDGE), and b_j = m_j + d_j. Centring first
    makes the fit exactly blind to a constant added to all of one juror's marks (the centred totals do not
    change), and the ridge keeps it solvable for one juror or jurors who share no entry.
    """
    jurors, entries = len(panel.jurors), len(panel.entries)
    j, e = panel.juror_of, panel.entry_of
    count = np.bincount(j, minlength=jurors).astype(float)
    juror_mean = np.bincount(j, panel.totals, minlength=jurors) / count
    centred = panel.totals - juror_mean[j]
    # Normal equations with the entry qualities profiled out: an entry seen by the jurors S (m of them)
    # adds the projector I - 11'/m on S, so matrix = diag(cards per juror) - A' diag(1/m) A (A = incidence).
    incidence = np.zeros((entries, jurors))
    incidence[e, j] = 1.0
    matrix = np.diag(count) - incidence.T @ (incidence / panel.counts[:, None]) + FITTED_RIDGE * np.eye(jurors)
    entry_mean = np.bincount(e, centred, minlength=entries) / panel.counts
    rhs = np.bincount(j, centred - entry_mean[e], minlength=jurors)
    return juror_mean + np.linalg.solve(matrix, rhs)


def card_values(panel: Panel, method: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Per card, the value whose per-entry mean (median for `median`) orders the entries under `method`,
    and which cards count in that mean (None: all of them).

    Totals for mean and median, standard scores for zscore, total minus the juror offset for fitted.
    (`trimmed` works on the marks themselves.) The bootstrap resamples these values.
    """
    if method == "zscore":
        return zscores(panel)
    if method == "fitted":
        return panel.totals - fitted_offsets(panel)[panel.juror_of], None
    return panel.totals, None


def method_scores(panel: Panel, method: str, trim: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Per entry, the score on 0..100 under `method`, and the per-criterion mean marks it rests on.

    The criterion means are on each criterion's own scale: plain means, or trimmed means for `trimmed`.
    """
    check_method(method)
    if method == "trimmed":
        means = trimmed_criterion_means(panel, trim)
        return weighted_totals(means, panel.criteria), means
    means = panel.entry_means(panel.marks)
    if method == "mean":
        return panel.entry_means(panel.totals), means
    if method == "median":
        return median_totals(panel), means
    panel_mean, panel_sd = panel_spread(panel)
    values, counted = card_values(panel, method)
    values = panel.entry_means(values) if counted is None else weighted_entry_means(panel, values, counted)
    if method == "zscore":
        # Back on the panel's own scale so the number stays readable; the order is the z order.
        return panel_mean + values * panel_sd, means
    return panel_mean + values, means
