"""Where a juror goes next on the show floor during a final: one pure decision, no Flask, no database.

The rule, in the order it is applied:

1. never a stand the juror may not or need not visit: already scored, conflicted, closed (its exhibitor is away);
2. never a stand a colleague of the same jury opened within the last few minutes and has not left since
   (two jurors of one jury at one stand would hear the same pitch twice and leave another stand waiting);
3. an organiser's "go to this stand" comes first, as long as rules 1 and 2 allow it;
4. otherwise the nearest stand in the visit schedule's order (hall, then stand number): the same hall before another
   hall, then the fewest schedule places away from where the juror stands, ahead in the walk before behind;
5. a stand the juror found unattended and skipped goes back in the queue: it is offered again only once nothing
   else is left, the one skipped longest ago first.

Everything is plain data: `Stand` and `Presence` in, `NextStand` out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum


@dataclass(frozen=True)
class Stand:
    """A finalist's stand, in the visit schedule's order (`order` 0 is the first visit)."""

    entry: int
    order: int
    hall: str = ""
    stand: str = ""
    closed: bool = False  # the organisers closed it for a while (its exhibitor is away)


@dataclass(frozen=True)
class Presence:
    """A juror standing at a stand since `since` (the latest stand they opened and have not left)."""

    juror: int
    entry: int
    since: datetime


class Why(Enum):
    """Why the decision is what it is (the juror's page turns it into words)."""

    SENT = "sent"  # an organiser or the jury president sent the juror there
    NEAREST = "nearest"  # the nearest free stand still to score
    REQUEUED = "requeued"  # only stands skipped earlier are left: the oldest skip comes back
    ALL_BUSY = "all_busy"  # every stand still to score is occupied by a colleague or closed: wait a moment
    DONE = "done"  # nothing left to score


@dataclass(frozen=True)
class NextStand:
    """The decision: the entry to visit (None: wait or done) and why; `waiting` lists what is busy or closed."""

    entry: int | None
    why: Why
    waiting: tuple[int, ...] = ()


def occupied_stands(
    presences: Iterable[Presence], *, juror: int, colleagues: Collection[int], now: datetime, window: timedelta
) -> set[int]:
    """The stands a colleague of the same jury opened within `window` before `now` and has not left."""
    return {
        p.entry
        for p in presences
        if p.juror != juror and p.juror in colleagues and timedelta(0) <= now - p.since < window
    }


def next_stand(
    *,
    juror: int,
    stands: Sequence[Stand],
    scored: Collection[int] = (),
    conflicted: Collection[int] = (),
    occupied: Collection[int] = (),
    skipped: Sequence[int] = (),
    current: int | None = None,
    sent_to: int | None = None,
) -> NextStand:
    """The stand the juror should walk to next (see the module's rule).

    `scored`: entries the juror has submitted; `conflicted`: entries the juror may not judge; `occupied`: stands
    held by a colleague (`occupied_stands`); `skipped`: entries the juror skipped, oldest first; `current`: where the
    juror stands now (None: not on the floor yet, the walk starts at the schedule's first stand); `sent_to`: the
    stand an organiser sent the juror to, if any. The stand the juror is at is never offered again as "next".
    """
    by_entry = {stand.entry: stand for stand in stands}
    to_visit = [
        stand
        for stand in stands
        if stand.entry not in scored and stand.entry not in conflicted and stand.entry != current
    ]
    if not to_visit:
        return NextStand(entry=None, why=Why.DONE)
    free = [stand for stand in to_visit if not stand.closed and stand.entry not in occupied]
    waiting = tuple(stand.entry for stand in to_visit if stand.closed or stand.entry in occupied)
    if sent_to is not None and any(stand.entry == sent_to for stand in free):
        return NextStand(entry=sent_to, why=Why.SENT, waiting=waiting)
    skip_rank = {entry: rank for rank, entry in enumerate(dict.fromkeys(skipped))}
    fresh = [stand for stand in free if stand.entry not in skip_rank]
    if fresh:
        here = by_entry.get(current) if current is not None else None
        best = min(fresh, key=lambda stand: _distance(here, stand))
        return NextStand(entry=best.entry, why=Why.NEAREST, waiting=waiting)
    if free:
        best = min(free, key=lambda stand: skip_rank[stand.entry])
        return NextStand(entry=best.entry, why=Why.REQUEUED, waiting=waiting)
    return NextStand(entry=None, why=Why.ALL_BUSY, waiting=waiting)


def _distance(here: Stand | None, there: Stand) -> tuple:
    if here is None:  # not on the floor yet: the schedule's own order
        return (0, there.order, 0)
    steps = there.order - here.order
    return (there.hall != here.hall, abs(steps), steps < 0)


def schedule_order(stands: Sequence[Stand], *, done: Collection[int] = (), skipped: Sequence[int] = ()) -> list[int]:
    """The offline fallback: the stands in the schedule's order, without the done ones, skipped ones last.

    What the tablet does without a connection (it cannot know where colleagues stand); the same order is kept here
    so that the page and its tests agree on it.
    """
    skip_rank = {entry: rank for rank, entry in enumerate(dict.fromkeys(skipped))}
    left = [stand for stand in sorted(stands, key=lambda s: s.order) if stand.entry not in done]
    return [s.entry for s in left if s.entry not in skip_rank] + sorted(
        (s.entry for s in left if s.entry in skip_rank), key=skip_rank.__getitem__
    )
