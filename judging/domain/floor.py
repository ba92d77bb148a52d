"""The final on the show floor: where each juror goes next, who is where, closed stands, and the pairwise
cross-check. The routing rule itself is the pure `scoring.floor.next_stand`; this module loads its inputs from the
database and records what jurors and organisers do. Services flush, never commit (the request commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from scoring import floor as routing
from scoring.pairwise import Comparison, PairwiseRank, pairwise_ranking, pairwise_winners

from ..errors import Refused
from ..extensions import db
from ..models import (
    Assignment,
    Conflict,
    Entry,
    FloorDispatch,
    FloorVisit,
    Jury,
    JuryMember,
    PairwiseAnswer,
    Round,
    Scorecard,
    StandClosure,
    User,
    utcnow,
)
from . import audit
from .rounds import can_decide, stand_order, visit_schedule

# How long a colleague's opened stand stays "taken" for the routing, at most: the round's slot, at least this.
MIN_BUSY_MINUTES = 5


def busy_window(round_: Round) -> timedelta:
    """A stand a colleague opened within this time (and has not left) is not offered to another juror."""
    return timedelta(minutes=max(MIN_BUSY_MINUTES, round_.slot_minutes or 10))


def ensure_final(round_: Round) -> None:
    if not round_.on_stand:
        raise Refused(_("This round is not judged on the stands."), 404)


# --- loading the floor --------------------------------------------------------------------------------------------


def closed_stands(round_: Round) -> dict[int, StandClosure]:
    return {
        c.entry_id: c
        for c in db.session.scalars(
            db.select(StandClosure).where(StandClosure.round_id == round_.id, StandClosure.reopened_at.is_(None))
        )
    }


def floor_stands(round_: Round) -> list[routing.Stand]:
    """The round's stands as plain data for the routing, in the visit schedule's order, closed ones marked."""
    closed = closed_stands(round_)
    return [
        routing.Stand(entry=entry, order=index, hall=hall, stand=stand, closed=entry in closed)
        for index, (entry, hall, stand) in enumerate(stand_order(round_))
    ]


def jury_of(round_: Round) -> list[JuryMember]:
    return db.session.scalars(
        db.select(JuryMember)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .where(Jury.category_id == round_.category_id)
        .order_by(JuryMember.id)
    ).all()


def open_visits(round_: Round) -> dict[int, FloorVisit]:
    """Juror id -> the visit they have open now."""
    return {
        v.juror_id: v
        for v in db.session.scalars(
            db.select(FloorVisit).where(FloorVisit.round_id == round_.id, FloorVisit.ended_at.is_(None))
        )
    }


def open_dispatches(round_: Round) -> dict[int, FloorDispatch]:
    """Juror id -> the latest dispatch still open."""
    found: dict[int, FloorDispatch] = {}
    for d in db.session.scalars(
        db.select(FloorDispatch)
        .where(FloorDispatch.round_id == round_.id, FloorDispatch.closed_at.is_(None))
        .order_by(FloorDispatch.sent_at, FloorDispatch.id)
    ):
        found[d.juror_id] = d
    return found


def submitted_pairs(round_: Round, juror: User | None = None) -> set[tuple[int, int]]:
    """(juror, entry) of every submitted counted scorecard of the round (of one juror, if given)."""
    query = db.select(Scorecard.juror_id, Scorecard.entry_id).where(
        Scorecard.round_id == round_.id, Scorecard.status == "submitted", Scorecard.purpose == "counted"
    )
    if juror is not None:
        query = query.where(Scorecard.juror_id == juror.id)
    return set(db.session.execute(query).all())


def assigned_pairs(round_: Round, juror: User | None = None) -> set[tuple[int, int]]:
    """(juror, entry) of every live assignment of the round whose juror may judge the entry (no conflict);
    of one juror, if given."""
    query = (
        db.select(Assignment.juror_id, Assignment.entry_id, Entry.organisation_id, User.organisation_id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(User, User.id == Assignment.juror_id)
        .where(Assignment.round_id == round_.id, Assignment.recused_at.is_(None))
    )
    conflict_query = db.select(Conflict.juror_id, Conflict.organisation_id)
    if juror is not None:
        query = query.where(Assignment.juror_id == juror.id)
        conflict_query = conflict_query.where(Conflict.juror_id == juror.id)
    rows = db.session.execute(query).all()
    conflicts = set(db.session.execute(conflict_query).all())
    return {
        (juror, entry)
        for juror, entry, company, employer in rows
        if company != employer and (juror, company) not in conflicts
    }


def skipped_entries(round_: Round, juror: User) -> list[int]:
    """The stands the juror skipped and has not been back to since, the oldest skip first."""
    order: dict[int, bool] = {}
    for visit in db.session.scalars(
        db.select(FloorVisit)
        .where(FloorVisit.round_id == round_.id, FloorVisit.juror_id == juror.id)
        .order_by(FloorVisit.opened_at, FloorVisit.id)
    ):
        order.pop(visit.entry_id, None)  # a later visit of the same stand ends an earlier skip
        if visit.ended_how == "skipped":
            order[visit.entry_id] = True
    return list(order)


@dataclass(frozen=True)
class JurorFloor:
    """What the juror's "next stand" page shows."""

    round: Round
    decision: routing.NextStand
    next_entry: Entry | None
    current: FloorVisit | None
    current_entry: Entry | None
    dispatch: FloorDispatch | None
    mine: set[int]  # entries the juror is to score in this round
    scored: set[int]
    skipped: list[int]
    closed: set[int]


def _entries(ids) -> dict[int, Entry]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {
        e.id: e
        for e in db.session.scalars(db.select(Entry).where(Entry.id.in_(ids)).options(joinedload(Entry.organisation)))
    }


def juror_floor(round_: Round, juror: User, *, now: datetime | None = None) -> JurorFloor:
    """The juror's next stand (scoring.floor.next_stand) with what the page shows around it."""
    now = now or utcnow()
    stands = floor_stands(round_)
    colleagues = {m.user_id for m in jury_of(round_)}
    present = open_visits(round_)
    mine = {entry for _j, entry in assigned_pairs(round_, juror)}
    scored = {entry for _j, entry in submitted_pairs(round_, juror)}
    current = present.get(juror.id)
    dispatch = open_dispatches(round_).get(juror.id)
    skipped = skipped_entries(round_, juror)
    occupied = routing.occupied_stands(
        (routing.Presence(juror=v.juror_id, entry=v.entry_id, since=v.opened_at) for v in present.values()),
        juror=juror.id,
        colleagues=colleagues,
        now=now,
        window=busy_window(round_),
    )
    decision = routing.next_stand(
        juror=juror.id,
        stands=stands,
        scored=scored,
        conflicted={s.entry for s in stands if s.entry not in mine},
        occupied=occupied,
        skipped=skipped,
        current=current.entry_id if current else None,
        sent_to=dispatch.entry_id if dispatch else None,
    )
    shown = _entries([decision.entry, current.entry_id if current else None])
    return JurorFloor(
        round=round_,
        decision=decision,
        next_entry=shown.get(decision.entry),
        current=current,
        current_entry=shown.get(current.entry_id) if current else None,
        dispatch=dispatch,
        mine=mine,
        scored=scored,
        skipped=skipped,
        closed={s.entry for s in stands if s.closed},
    )


# --- what jurors do -----------------------------------------------------------------------------------------------


def _stand_of_round(round_: Round, entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if (
        entry is None
        or entry.category_id != round_.category_id
        or entry.status != "submitted"
        or entry.round_reached < round_.position
    ):
        raise Refused(_("This stand is not in the final."), 404)
    return entry


def _end_open_visit(round_: Round, juror: User, how: str, now: datetime) -> FloorVisit | None:
    visit = open_visits(round_).get(juror.id)
    if visit is not None:
        visit.ended_at, visit.ended_how = now, how
        db.session.flush()  # the one-open-visit index must see it closed before a new one opens
    return visit


def _my_stand(juror: User, round_: Round, entry_id: int):
    """The stand of an entry of this final assigned to the juror, else refused (403)."""
    ensure_final(round_)
    entry = _stand_of_round(round_, entry_id)
    if (juror.id, entry.id) not in assigned_pairs(round_, juror):
        raise Refused(_("This entry is not assigned to you in this round."), 403)
    return entry


def go_to_stand(*, juror: User, round_: Round, entry_id: int, now: datetime | None = None) -> FloorVisit:
    """The juror walks to a stand: it becomes where they are (colleagues are routed elsewhere meanwhile)."""
    now = now or utcnow()
    entry = _my_stand(juror, round_, entry_id)
    current = open_visits(round_).get(juror.id)
    if current is not None and current.entry_id == entry.id:
        return current
    _end_open_visit(round_, juror, "moved", now)
    visit = FloorVisit(round_id=round_.id, juror_id=juror.id, entry_id=entry.id, opened_at=now)
    db.session.add(visit)
    dispatch = open_dispatches(round_).get(juror.id)
    if dispatch is not None and dispatch.entry_id == entry.id:
        dispatch.closed_at = now
    db.session.flush()
    return visit


def skip_stand(*, juror: User, round_: Round, entry_id: int, now: datetime | None = None) -> FloorVisit:
    """ "Stand unattended": the juror leaves (or never reaches) the stand; it goes back in their queue for later."""
    now = now or utcnow()
    entry = _my_stand(juror, round_, entry_id)
    current = open_visits(round_).get(juror.id)
    if current is not None and current.entry_id == entry.id:
        current.ended_at, current.ended_how = now, "skipped"
        visit = current
    else:  # skipped from the "next stand" suggestion, on the way there
        visit = FloorVisit(
            round_id=round_.id, juror_id=juror.id, entry_id=entry.id, opened_at=now, ended_at=now, ended_how="skipped"
        )
        db.session.add(visit)
    dispatch = open_dispatches(round_).get(juror.id)
    if dispatch is not None and dispatch.entry_id == entry.id:
        dispatch.closed_at = now  # the organisers see the stand unattended and the juror free again
    db.session.flush()
    return visit


# --- what organisers and the jury president do --------------------------------------------------------------------


def ensure_can_control(actor: User, round_: Round) -> None:
    ensure_final(round_)
    if not can_decide(actor, round_.category):
        raise Refused(_("Only an organiser or the jury president can direct the jurors on the floor."), 403)


def send_juror(*, actor: User, round_: Round, juror_id: int, entry_id: int, now: datetime | None = None):
    """Send a juror to a stand: the juror's page shows it first (if they still have to score it)."""
    ensure_can_control(actor, round_)
    now = now or utcnow()
    if juror_id not in {m.user_id for m in jury_of(round_)}:
        raise Refused(_("This juror does not sit on this jury."), 400)
    entry = _stand_of_round(round_, entry_id)
    if (juror_id, entry.id) not in assigned_pairs(round_):
        raise Refused(_("This juror may not judge this entry (not assigned, or a conflict of interest)."), 409)
    if (juror_id, entry.id) in submitted_pairs(round_):
        raise Refused(_("This juror has already scored this entry."), 409)
    for earlier in db.session.scalars(
        db.select(FloorDispatch).where(
            FloorDispatch.round_id == round_.id, FloorDispatch.juror_id == juror_id, FloorDispatch.closed_at.is_(None)
        )
    ):
        earlier.closed_at = now
    dispatch = FloorDispatch(round_id=round_.id, juror_id=juror_id, entry_id=entry.id, sent_by_id=actor.id, sent_at=now)
    db.session.add(dispatch)
    db.session.flush()
    audit.record(
        actor=actor,
        action="floor.send",
        obj=dispatch,
        edition_id=round_.category.edition_id,
        after={"juror": juror_id, "entry": entry.id},
    )
    return dispatch


def close_stand(*, actor: User, round_: Round, entry_id: int, now: datetime | None = None) -> StandClosure:
    """Close a stand for a while (its exhibitor is away): no juror is routed there until it reopens."""
    ensure_can_control(actor, round_)
    entry = _stand_of_round(round_, entry_id)
    closure = closed_stands(round_).get(entry.id)
    if closure is not None:
        return closure
    closure = StandClosure(round_id=round_.id, entry_id=entry.id, closed_by_id=actor.id, closed_at=now or utcnow())
    db.session.add(closure)
    db.session.flush()
    audit.record(actor=actor, action="floor.close_stand", obj=closure, edition_id=round_.category.edition_id)
    return closure


def reopen_stand(*, actor: User, round_: Round, entry_id: int, now: datetime | None = None) -> None:
    ensure_can_control(actor, round_)
    entry = _stand_of_round(round_, entry_id)
    closure = closed_stands(round_).get(entry.id)
    if closure is None:
        return
    closure.reopened_at = now or utcnow()
    db.session.flush()
    audit.record(actor=actor, action="floor.reopen_stand", obj=closure, edition_id=round_.category.edition_id)


# --- the live floor -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JurorOnFloor:
    juror: User
    role: str
    entry: Entry | None  # where the juror stands (None: idle)
    since: datetime | None
    scored_here: bool  # has submitted the stand they are at: about to move on
    sent_to: Entry | None
    scored: int
    to_score: int
    left: list[Entry]  # the stands the juror may still be sent to, in walking order

    @property
    def idle(self) -> bool:
        return self.entry is None or self.scored_here


@dataclass(frozen=True)
class StandOnFloor:
    entry: Entry
    order: int
    closed_since: datetime | None
    here: list[User]
    scored: int
    expected: int

    @property
    def missing(self) -> int:
        return self.expected - self.scored


@dataclass(frozen=True)
class FloorStatus:
    round: Round
    jurors: list[JurorOnFloor]
    stands: list[StandOnFloor]
    now: datetime


def floor_status(round_: Round, *, now: datetime | None = None) -> FloorStatus:
    """Who is at which stand since when, who is idle, and which finalists still lack visits."""
    ensure_final(round_)
    now = now or utcnow()
    visits = visit_schedule(round_)
    by_id = {v.entry.id: v.entry for v in visits}
    closed = closed_stands(round_)
    present = open_visits(round_)
    dispatches = open_dispatches(round_)
    assigned = assigned_pairs(round_)
    submitted = submitted_pairs(round_) & assigned
    members = jury_of(round_)
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_([m.user_id for m in members])))}
    jurors = []
    for member in members:
        visit = present.get(member.user_id)
        dispatch = dispatches.get(member.user_id)
        jurors.append(
            JurorOnFloor(
                juror=users[member.user_id],
                role=member.role,
                entry=by_id.get(visit.entry_id) if visit else None,
                since=visit.opened_at if visit else None,
                scored_here=bool(visit) and (member.user_id, visit.entry_id) in submitted,
                sent_to=by_id.get(dispatch.entry_id) if dispatch else None,
                scored=sum(1 for j, e in submitted if j == member.user_id and e in by_id),
                to_score=sum(1 for j, e in assigned if j == member.user_id and e in by_id),
                left=[
                    v.entry
                    for v in visits
                    if (member.user_id, v.entry.id) in assigned and (member.user_id, v.entry.id) not in submitted
                ],
            )
        )
    stands = [
        StandOnFloor(
            entry=v.entry,
            order=index,
            closed_since=closed[v.entry.id].closed_at if v.entry.id in closed else None,
            here=[users[j] for j, visit in present.items() if visit.entry_id == v.entry.id and j in users],
            scored=sum(1 for _j, e in submitted if e == v.entry.id),
            expected=sum(1 for _j, e in assigned if e == v.entry.id),
        )
        for index, v in enumerate(visits)
    ]
    return FloorStatus(round=round_, jurors=jurors, stands=stands, now=now)


def floor_status_json(status: FloorStatus) -> dict:
    """The live floor as the control page polls it (plain JSON, no markup)."""

    def stand_label(entry: Entry | None) -> dict | None:
        if entry is None:
            return None
        return {
            "entry": entry.id,
            "title": entry.title,
            "hall": entry.organisation.hall,
            "stand": entry.organisation.stand,
        }

    def minutes(since: datetime | None) -> int | None:
        return None if since is None else max(0, int((status.now - since).total_seconds() // 60))

    return {
        "round": status.round.id,
        "now": status.now.isoformat() + "Z",
        "jurors": [
            {
                "juror": j.juror.id,
                "name": j.juror.name or j.juror.email,
                "at": stand_label(j.entry),
                "since": j.since.isoformat() + "Z" if j.since else None,
                "minutes": minutes(j.since),
                "idle": j.idle,
                "scored_here": j.scored_here,
                "sent_to": stand_label(j.sent_to),
                "scored": j.scored,
                "to_score": j.to_score,
            }
            for j in status.jurors
        ],
        "stands": [
            {
                **stand_label(s.entry),
                "closed": s.closed_since is not None,
                "closed_minutes": minutes(s.closed_since),
                "here": [u.name or u.email for u in s.here],
                "scored": s.scored,
                "expected": s.expected,
                "missing": s.missing,
            }
            for s in status.stands
        ],
    }


# --- the pairwise cross-check -------------------------------------------------------------------------------------


def previous_scored(*, juror: User, round_: Round, entry: Entry) -> Entry | None:
    """The stand the juror submitted a scorecard for just before this one in the round (None for the first)."""
    mine = db.session.scalar(
        db.select(Scorecard).where(
            Scorecard.round_id == round_.id,
            Scorecard.juror_id == juror.id,
            Scorecard.entry_id == entry.id,
            Scorecard.purpose == "counted",
        )
    )
    query = db.select(Scorecard).where(
        Scorecard.round_id == round_.id,
        Scorecard.juror_id == juror.id,
        Scorecard.entry_id != entry.id,
        Scorecard.purpose == "counted",
        Scorecard.status == "submitted",
    )
    if mine is not None and mine.submitted_at is not None:
        query = query.where(Scorecard.submitted_at <= mine.submitted_at)
    card = db.session.scalars(query.order_by(Scorecard.submitted_at.desc(), Scorecard.id.desc()).limit(1)).first()
    return db.session.get(Entry, card.entry_id) if card else None


def pairwise_answer(*, juror: User, round_: Round, entry: Entry) -> PairwiseAnswer | None:
    return db.session.scalar(
        db.select(PairwiseAnswer).where(
            PairwiseAnswer.round_id == round_.id,
            PairwiseAnswer.juror_id == juror.id,
            PairwiseAnswer.entry_id == entry.id,
        )
    )


def answer_pairwise(*, juror: User, round_: Round, entry: Entry, better: bool) -> PairwiseAnswer:
    """Store (or change) the juror's "better or worse than the previous stand" for a submitted scorecard."""
    ensure_final(round_)
    if (juror.id, entry.id) not in submitted_pairs(round_, juror):
        raise Refused(_("Submit your scorecard for this stand first."), 409)
    previous = previous_scored(juror=juror, round_=round_, entry=entry)
    if previous is None:
        raise Refused(_("This is the first stand you scored: there is nothing to compare it with yet."), 409)
    answer = pairwise_answer(juror=juror, round_=round_, entry=entry)
    if answer is None:
        answer = PairwiseAnswer(round_id=round_.id, juror_id=juror.id, entry_id=entry.id)
        db.session.add(answer)
    answer.previous_entry_id, answer.better, answer.answered_at = previous.id, better, utcnow()
    db.session.flush()
    return answer


def comparisons(round_: Round) -> list[Comparison]:
    """Every answer of the round as winner/loser pairs (counted jurors and entries still in the round only)."""
    members = {m.user_id for m in jury_of(round_) if m.role == "member"}
    in_round = {entry for entry, _hall, _stand in stand_order(round_)}
    found = []
    for answer in db.session.scalars(db.select(PairwiseAnswer).where(PairwiseAnswer.round_id == round_.id)):
        if answer.juror_id not in members or not {answer.entry_id, answer.previous_entry_id} <= in_round:
            continue
        winner, loser = (
            (answer.entry_id, answer.previous_entry_id)
            if answer.better
            else (answer.previous_entry_id, answer.entry_id)
        )
        found.append(Comparison(winner=winner, loser=loser))
    return found


@dataclass(frozen=True)
class PairwiseCheck:
    """The cross-check beside a round's official ranking; `agrees` is None without answers or without a winner."""

    ranking: list[PairwiseRank]
    answers: int
    winners: set[int]
    official_winners: set[int]

    @property
    def agrees(self) -> bool | None:
        if not self.answers or not self.official_winners or not self.winners:
            return None
        return self.winners == self.official_winners


def pairwise_check(round_: Round, official_ranking) -> PairwiseCheck:
    """The Bradley–Terry ranking of the round's answers, and whether it crowns the official winner(s)."""
    found = comparisons(round_) if round_.on_stand else []
    ranking = pairwise_ranking(found)
    official = {line.entry for line in official_ranking if line.rank == 1 and line.score is not None}
    return PairwiseCheck(
        ranking=ranking, answers=len(found), winners=pairwise_winners(ranking), official_winners=official
    )
