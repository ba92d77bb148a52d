"""Results: the one bridge from the database to `scoring`. Every page, export and mail gets its numbers here.

What counts (the one definition, see README "What counts"): a submitted scorecard, for the ranking (not
calibration practice), of a current jury *member* of the round's category (never an observer or trainee,
nor a juror removed from the jury), who is not conflicted with the entry's company (a conflict declared at
any time, or the juror's employer) and has not recused themselves from that entry in that round; on an
entry still submitted (never withdrawn or disqualified) that reached the round. The ranking itself is
computed by `scoring.rank_entries`, nowhere else.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

import scoring
from scoring.flags import INCOMPLETE, TIE_UNDECIDED

from ..extensions import db
from ..models import Assignment, Conflict, Edition, Entry, Jury, JuryMember, Round, Scorecard, TieDecision, User
from ..templating import language


@dataclass(frozen=True)
class RoundResults:
    round: Round
    method: str
    criteria: list  # models.Criterion, in order
    ranking: list  # scoring.RankedEntry, best first
    entries: dict[int, Entry]
    cards: list  # scoring.Scorecard that were counted
    fingerprint: str  # of `inputs`
    juror_stats: dict
    agreement: float | None
    inputs: dict | None = None  # see `result_inputs`
    combined_note: str = ""  # e.g. "30% Pre-selection + 70% Final", stated wherever the result is shown


def method_of(round_: Round, edition: Edition) -> str:
    return round_.method or edition.scoring_method


def _read_once(kind: str, round_: Round, load):
    """A round's counted cards and entries, read from the database once per unit of work: the results page,
    the ceremony export and its sign-off gate all rank the same rounds, and would otherwise load the same
    thousands of scorecards several times. Any write (pending or flushed), commit or rollback forgets them."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return load()
    memo = session.info.setdefault(_MEMO, {})
    key = (kind, round_.id)
    if key not in memo:
        memo[key] = load()
    return memo[key]


_MEMO = "round_reads"


@sa.event.listens_for(Session, "after_flush")
@sa.event.listens_for(Session, "after_transaction_end")
def _forget_round_reads(session, *_args) -> None:
    session.info.pop(_MEMO, None)


@sa.event.listens_for(Session, "do_orm_execute")
def _forget_after_bulk_writes(state) -> None:
    """A batched INSERT, UPDATE or DELETE (an import) bypasses the flush: it forgets the reads too."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info.pop(_MEMO, None)


# What a ranking and an export read of a counted scorecard.
COUNTED_COLUMNS = (
    Scorecard.id,
    Scorecard.round_id,
    Scorecard.entry_id,
    Scorecard.juror_id,
    Scorecard.marks,
    Scorecard.comments,
    Scorecard.overall_comment,
    Scorecard.weighted_total,
    Scorecard.submitted_at,
)


def read_rounds_at_once(rounds: list[Round]) -> None:
    """Read the counted cards, entries and joint-winner decisions of many rounds in three statements, for the
    unit of work (see `_read_once`): a list ranking every category's round costs the same whatever the rounds."""
    session = db.session()
    if not rounds or session.new or session.dirty or session.deleted:
        return
    ids = [r.id for r in rounds]
    cards: dict[int, list[sa.Row]] = {i: [] for i in ids}
    for card in _counted_scorecards(ids):
        cards[card.round_id].append(card)
    in_categories = _entries_in_categories({r.category_id for r in rounds})
    decisions: dict[int, TieDecision] = {}
    for decision in db.session.scalars(
        db.select(TieDecision).where(TieDecision.round_id.in_(ids)).order_by(TieDecision.id)
    ):
        decisions[decision.round_id] = decision  # the latest one wins, as in `joint_winner_decision`
    memo = session.info.setdefault(_MEMO, {})
    for round_ in rounds:
        memo[("cards", round_.id)] = cards[round_.id]
        memo[("entries", round_.id)] = _reached(in_categories, round_)
        memo[("decision", round_.id)] = decisions.get(round_.id)


def counted_scorecards(round_: Round) -> list[sa.Row]:
    """The scorecards that count in this round's ranking (the definition in this module's docstring), as
    read-only rows of `COUNTED_COLUMNS` (`card.juror_id`, `card.marks`...): an export reads thousands of them,
    and rows cost a fraction of models."""
    return list(_read_once("cards", round_, lambda: _counted_scorecards([round_.id])))


def _counted_scorecards(round_ids: list[int]) -> list[sa.Row]:
    # Looked up from the card's juror (an indexed handful of seats), not by listing the whole jury per card: with
    # thousands of jurors the list made every card scan it again.
    seated = (
        db.select(JuryMember.id)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .join(Round, Round.category_id == Jury.category_id)
        .where(JuryMember.user_id == Scorecard.juror_id, Round.id == Scorecard.round_id, JuryMember.role == "member")
        .exists()
    )
    reached = db.select(Round.position).where(Round.id == Scorecard.round_id).scalar_subquery()
    conflicted = db.exists().where(
        Conflict.juror_id == Scorecard.juror_id, Conflict.organisation_id == Entry.organisation_id
    )
    employed = db.exists().where(User.id == Scorecard.juror_id, User.organisation_id == Entry.organisation_id)
    recused = db.exists().where(
        Assignment.round_id == Scorecard.round_id,
        Assignment.entry_id == Scorecard.entry_id,
        Assignment.juror_id == Scorecard.juror_id,
        Assignment.recused_at.is_not(None),
    )
    return db.session.execute(
        db.select(*COUNTED_COLUMNS)
        .join(Entry, Entry.id == Scorecard.entry_id)
        .where(
            Scorecard.round_id.in_(round_ids),
            Scorecard.status == "submitted",
            Scorecard.purpose == "counted",
            seated,
            Entry.status == "submitted",
            Entry.round_reached >= reached,
            ~conflicted,
            ~employed,
            ~recused,
        )
        .order_by(Scorecard.id)
    ).all()


def entries_in_round(round_: Round) -> dict[int, Entry]:
    """Submitted entries that reached this round, by id (withdrawn and disqualified ones are never ranked), with
    their companies (every page and export of a ranking names them)."""
    return dict(_read_once("entries", round_, lambda: _reached(_entries_in_categories({round_.category_id}), round_)))


def _entries_in_categories(category_ids: set[int]) -> list[Entry]:
    """The submitted entries of these categories, with their companies."""
    return list(
        db.session.scalars(
            db.select(Entry)
            .options(joinedload(Entry.organisation))
            .where(Entry.category_id.in_(category_ids), Entry.status == "submitted")
        )
    )


def _reached(entries: list[Entry], round_: Round) -> dict[int, Entry]:
    return {e.id: e for e in entries if e.category_id == round_.category_id and e.round_reached >= round_.position}


def to_scoring(cards: list[sa.Row]) -> list[scoring.Scorecard]:
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


def joint_winner_decision(round_: Round) -> TieDecision | None:
    return _read_once(
        "decision",
        round_,
        lambda: db.session.scalar(
            db.select(TieDecision).where(TieDecision.round_id == round_.id).order_by(TieDecision.id.desc()).limit(1)
        ),
    )


def result_inputs(round_: Round) -> dict:
    """Everything a round's result is computed from, as plain data: what a sign-off and a freeze bind.

    The counted marks (so conflicts, recusals, removals from the jury, trainees and observers are covered by
    which cards appear), the entries still in the round (disqualifications and withdrawals), the criteria with
    their scales and weights, the method, trim and minimum scorecards, the joint-winner decision, and for a
    combined round the weight and the previous round's own inputs. Computed once per unit of work, like the
    reads they come from: the dict is shared, never change it.
    """
    return _counted_inputs(round_).inputs


@dataclass(frozen=True)
class _CountedInputs:
    cards: list  # scoring.Scorecard
    entries: dict[int, Entry]
    inputs: dict


def _counted_inputs(round_: Round) -> _CountedInputs:
    """The round's counted cards (for `scoring`), entries and inputs, computed once per unit of work: the
    sign-off gate, the override check and the ranking of one export all need them."""

    def load() -> _CountedInputs:
        cards = to_scoring(counted_scorecards(round_))
        entries = entries_in_round(round_)
        return _CountedInputs(cards, entries, _inputs(round_, cards, entries))

    return _read_once("inputs", round_, load)


def _inputs(round_: Round, cards: list[scoring.Scorecard], entries: dict[int, Entry]) -> dict:
    edition = round_.category.edition
    decision = joint_winner_decision(round_)
    previous = previous_round(round_)
    combined = None
    if previous is not None and round_.previous_round_weight:
        combined = {"weight": round_.previous_round_weight, "previous": result_inputs(previous)}
    return {
        "round": round_.id,
        "method": method_of(round_, edition),
        "trim": edition.trim,
        "min_scorecards": edition.min_scorecards,
        "criteria": [[c.key, float(c.weight), c.scale_min, c.scale_max] for c in round_.criteria],
        "entries": sorted(entries),
        "marks": scoring.scores_fingerprint(cards),
        "cards": sorted([card.juror, card.entry] for card in cards),
        "joint_winners": [sorted(decision.entry_ids), decision.reason] if decision is not None else None,
        "combined": combined,
    }


def inputs_fingerprint(inputs: dict) -> str:
    """SHA-256 of the inputs in a canonical form (sorted keys, no spaces)."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _earlier_ranking(previous: Round) -> list:
    """The earlier round of a combination: with its own method and settings, from its snapshot once frozen."""
    from .lifecycle import current_snapshot, snapshot_ranking

    snapshot = current_snapshot(previous)
    if snapshot is not None:
        return snapshot_ranking(snapshot)
    return round_results(previous).ranking


def round_results(
    round_: Round, *, method: str | None = None, stability: bool = False, resamples: int = 1000
) -> RoundResults:
    """Rank a round's entries with its method (or `method`, to compare), with statistics for defending it."""
    edition = round_.category.edition
    method = method or method_of(round_, edition)
    criteria = list(round_.criteria)
    counted = _counted_inputs(round_)
    entries, cards, inputs = dict(counted.entries), list(counted.cards), counted.inputs
    scoring_criteria = [
        scoring.Criterion(key=c.key, weight=c.weight, min=c.scale_min, max=c.scale_max) for c in criteria
    ]
    fingerprint = inputs_fingerprint(inputs)
    key = (method, stability, resamples, fingerprint)
    ranking = _cached(
        key,
        lambda: scoring.rank_entries(
            cards,
            scoring_criteria,
            method=method,
            trim=edition.trim,
            min_scorecards=edition.min_scorecards,
            seed=round_.id,
            entries=sorted(entries),
            stability=stability,
            resamples=resamples,
        ),
    )
    combined_note = ""
    previous = previous_round(round_)
    if previous is not None and round_.previous_round_weight:
        weight = round_.previous_round_weight
        ranking = scoring.combine_rankings([(_earlier_ranking(previous), weight), (ranking, 100 - weight)])
        combined_note = (
            f"{weight}% {previous.display_name(language())} + {100 - weight}% {round_.display_name(language())}"
        )
    decision = joint_winner_decision(round_)
    if decision is not None:
        try:
            ranking = scoring.share_first_place(ranking, decision.entry_ids, decision.reason)
        except ValueError:
            pass  # the scores moved since the decision: it no longer applies, the ranking shows why
    return RoundResults(
        combined_note=combined_note,
        round=round_,
        method=method,
        criteria=criteria,
        ranking=ranking,
        entries=entries,
        cards=cards,
        fingerprint=fingerprint,
        inputs=inputs,
        juror_stats=scoring.juror_statistics(cards, scoring_criteria) if cards else {},
        agreement=scoring.agreement(cards, scoring_criteria) if cards else None,
    )


def winners(ranking: list) -> list:
    """The lines that win the trophy: rank 1, scored and complete, and not an undecided tie (a tie at the top
    is a jury decision: until it is recorded, nobody wins). The one rule every page, export and mail uses."""
    top = [line for line in ranking if line.rank == 1 and line.score is not None and INCOMPLETE not in line.flags]
    if any(TIE_UNDECIDED in line.flags for line in top):
        return []
    return top


def juror_names(ids) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return {u.id: (u.name or u.email) for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))}


def previous_round(round_: Round) -> Round | None:
    earlier = [r for r in round_.category.rounds if r.position < round_.position]
    return max(earlier, key=lambda r: r.position) if earlier else None
