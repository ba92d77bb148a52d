"""Pure scoring logic for the Innovation Awards: weighted totals, rankings, statistics, assignment.

No Flask, no database: plain data in, plain data out, so the web pages and the Excel export compute every
number through the same functions.
"""
from .ranking import (METHODS, Criterion, RankedEntry, Scorecard, card_totals, combine_rankings, entry_scores,
                      rank_entries, rescale, share_first_place, trimmed_mean, weighted_total)
from .stability import Stability, bootstrap_stability
from .statistics import JurorStats, agreement, juror_statistics, krippendorff_alpha_interval, scores_fingerprint

__all__ = [
    "METHODS", "Criterion", "Scorecard", "RankedEntry", "rank_entries", "entry_scores", "weighted_total",
    "combine_rankings", "share_first_place",
    "trimmed_mean", "rescale", "card_totals", "juror_statistics", "JurorStats", "agreement",
    "krippendorff_alpha_interval", "bootstrap_stability", "Stability", "scores_fingerprint",
]
