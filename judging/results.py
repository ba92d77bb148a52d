"""Results: the one bridge from the database to `scoring`. Every page and export gets its numbers here.

Only submitted scorecards of jury members count (observers, trainees and calibration cards do not), on
entries still in the round. The ranking itself is computed by `scoring.rank_entries`, nowhere else.
"""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass

import scoring

from .extensions import db
from .models import Category, Edition, Entry, Jury, JuryMember, Round, Scorecard, TieDecision, User
from .templating import language


@dataclass(frozen=True)
class RoundResults:
    round: Round
    method: str
    criteria: list  # models.Criterion, in order
    ranking: list  # scoring.RankedEntry, best first
    entries: dict[int, Entry]
    cards: list  # scoring.Scorecard that were counted
    fingerprint: str
    juror_stats: dict
    agreement: float | None
    combined_note: str = ""  # e.g. "30% Pre-selection + 70% Final", stated wherever the result is shown


def method_of(round_: Round, edition: Edition) -> str:
    return round_.method or edition.scoring_method


def counted_scorecards(round_: Round) -> list[Scorecard]:
    """Submitted, counted scorecards of jury members on entries still in this round."""
    members = (db.select(JuryMember.user_id).join(Jury, Jury.id == JuryMember.jury_id)
               .where(Jury.category_id == round_.category_id, JuryMember.role == "member"))
    return db.session.scalars(
        db.select(Scorecard).join(Entry, Entry.id == Scorecard.entry_id)
        .where(Scorecard.round_id == round_.id, Scorecard.status == "submitted", Scorecard.purpose == "counted",
               Scorecard.juror_id.in_(members), Entry.status == "submitted",
               Entry.round_reached >= round_.position)
        .order_by(Scorecard.id)).all()


def to_scoring(cards: list[Scorecard]) -> list[scoring.Scorecard]:
    return [scoring.Scorecard(juror=c.juror_id, entry=c.entry_id, scores=dict(c.marks)) for c in cards]


_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 128


def _cached(key: tuple, compute):
    """A ranking depends only on its inputs (the fingerprint covers every counted mark), so a dashboard
    refreshed every few seconds re-ranks only when a scorecard was submitted or the settings changed."""
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return copy.deepcopy(_CACHE[key])
    value = compute()
    with _CACHE_LOCK:
        _CACHE[key] = copy.deepcopy(value)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def round_results(round_: Round, *, method: str | None = None, stability: bool = False,
                  resamples: int = 1000) -> RoundResults:
    """Rank a round's entries with the edition's method (or `method`), with statistics for defending it."""
    edition = round_.category.edition
    method = method or method_of(round_, edition)
    criteria = list(round_.criteria)
    entries = {e.id: e for e in db.session.scalars(
        db.select(Entry).where(Entry.category_id == round_.category_id, Entry.status == "submitted",
                               Entry.round_reached >= round_.position))}
    cards = to_scoring(counted_scorecards(round_))
    scoring_criteria = [scoring.Criterion(key=c.key, weight=c.weight, min=c.scale_min, max=c.scale_max)
                        for c in criteria]
    fingerprint = scoring.scores_fingerprint(cards)
    key = (round_.id, method, edition.trim, edition.min_scorecards, stability, resamples, fingerprint,
           tuple(sorted(entries)), tuple((c.key, c.weight, c.scale_min, c.scale_max) for c in criteria))
    ranking = _cached(key, lambda: scoring.rank_entries(
        cards, scoring_criteria, method=method, trim=edition.trim, min_scorecards=edition.min_scorecards,
        seed=round_.id, entries=sorted(entries), stability=stability, resamples=resamples))
    combined_note = ""
    previous = previous_round(round_)
    if previous is not None and round_.previous_round_weight:
        earlier = round_results(previous, method=method).ranking
        weight = round_.previous_round_weight
        ranking = scoring.combine_rankings([(earlier, weight), (ranking, 100 - weight)])
        combined_note = (f"{weight}% {previous.display_name(language())} + "
                         f"{100 - weight}% {round_.display_name(language())}")
    decision = db.session.scalar(db.select(TieDecision).where(TieDecision.round_id == round_.id)
                                 .order_by(TieDecision.id.desc()).limit(1))
    if decision is not None:
        try:
            ranking = scoring.share_first_place(ranking, decision.entry_ids, decision.reason)
        except ValueError:
            pass  # the scores moved since the decision: it no longer applies, the ranking shows why
    return RoundResults(combined_note=combined_note, round=round_, method=method, criteria=criteria, ranking=ranking,
                        entries=entries, cards=cards, fingerprint=fingerprint,
                        juror_stats=scoring.juror_statistics(cards, scoring_criteria) if cards else {},
                        agreement=scoring.agreement(cards, scoring_criteria) if cards else None)


def juror_names(ids) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return {u.id: (u.name or u.email) for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))}


def rounds_of(category: Category) -> list[Round]:
    return list(category.rounds)


def previous_round(round_: Round) -> Round | None:
    earlier = [r for r in round_.category.rounds if r.position < round_.position]
    return max(earlier, key=lambda r: r.position) if earlier else None
