"""Pure scoring logic for the Innovation Awards: weighted totals, rankings, statistics, stability.

No Flask, no database: plain dataclasses in, plain dataclasses out, so the web pages and the Excel export
compute every number through the same functions.

    from scoring import Criterion, Scorecard, rank_entries
    ranking = rank_entries(cards, criteria, method="mean")   # best first
    ranking[0].entry, ranking[0].rank, ranking[0].score      # score on 0..100
"""

from .core import Criterion, Scorecard, card_totals, rescale, trimmed_mean, weighted_total
from .flags import Flag, FlagKind
from .methods import METHODS
from .ranking import (
    RankedEntry,
    TieBreak,
    combine_rankings,
    decimals_to_tell_apart,
    entry_scores,
    rank_entries,
    share_first_place,
)
from .stability import Stability, bootstrap_stability
from .statistics import JurorStats, agreement, juror_statistics, krippendorff_alpha_interval, scores_fingerprint

__all__ = [
    "METHODS",
    "Criterion",
    "Scorecard",
    "RankedEntry",
    "Flag",
    "FlagKind",
    "TieBreak",
    "rank_entries",
    "entry_scores",
    "weighted_total",
    "combine_rankings",
    "share_first_place",
    "decimals_to_tell_apart",
    "trimmed_mean",
    "rescale",
    "card_totals",
    "juror_statistics",
    "JurorStats",
    "agreement",
    "krippendorff_alpha_interval",
    "bootstrap_stability",
    "Stability",
    "scores_fingerprint",
]
