"""Where judging stands: per category and per juror, for the organiser's dashboard and the reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func

from ..extensions import db
from ..models import Assignment, Category, Edition, Entry, Round, Scorecard, User, utcnow
from .scorecards import window_of

# A juror this far (points on 0..100) from the rest of the panel on average is worth a look by the organisers.
NOTABLE_LENIENCY = 10.0


@dataclass
class JurorProgress:
    juror: User
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    last_activity: datetime | None = None
    behind: bool = False
    # (panel mean of the other jurors, this juror's total) per entry, for the chart.
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.submitted / self.assigned if self.assigned else 0.0

    @property
    def leniency(self) -> float | None:
        """How many points (on 0..100) this juror's totals sit above the other jurors' on the same entries, on
        average: negative for a harsh juror. None before any shared entry is submitted."""
        if not self.points:
            return None
        return sum(mine - panel for panel, mine in self.points) / len(self.points)

    @property
    def stands_out(self) -> bool:
        return self.leniency is not None and abs(self.leniency) >= NOTABLE_LENIENCY


@dataclass
class CategoryProgress:
    category: Category
    round: Round
    assigned: int = 0
    submitted: int = 0
    short_entries: list[tuple[Entry, int, int]] = field(default_factory=list)  # entry, submitted, needed
    jurors: list[JurorProgress] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.submitted / self.assigned if self.assigned else 0.0

    @property
    def behind(self) -> list[JurorProgress]:
        return [j for j in self.jurors if j.behind]


def expected_share(round_: Round, edition: Edition, now: datetime) -> float:
    """The share of scorecards that should be in by now, if jurors worked evenly through the window."""
    window = window_of(round_, edition)
    if window.opens_at is None or window.closes_at is None or now <= window.opens_at:
        return 0.0
    if now >= window.closes_at:
        return 1.0
    return (now - window.opens_at) / (window.closes_at - window.opens_at)


def active_rounds(categories: list[Category]) -> dict[int, Round]:
    """Per category, the furthest round with assignments (the one being judged), else the first: two queries."""
    rounds = db.session.scalars(
        db.select(Round).where(Round.category_id.in_([c.id for c in categories])).order_by(Round.position)
    ).all()
    with_work = set(
        db.session.scalars(
            db.select(Assignment.round_id).where(Assignment.round_id.in_([r.id for r in rounds])).distinct()
        )
    )
    active: dict[int, Round] = {}
    for round_ in rounds:
        if round_.category_id not in active or round_.id in with_work:
            active[round_.category_id] = round_
    return active


def edition_progress(
    edition: Edition, now: datetime | None = None, categories: list[Category] | None = None
) -> list[CategoryProgress]:
    """Progress of every category (or of the given ones) in their active round, in a fixed number of queries."""
    now = now or utcnow()
    categories = list(edition.categories if categories is None else categories)
    active = active_rounds(categories)
    round_ids = [r.id for r in active.values()]
    live = db.session.execute(
        db.select(Assignment.round_id, Assignment.entry_id, Assignment.juror_id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Assignment.round_id.in_(round_ids), Assignment.recused_at.is_(None), Entry.status == "submitted")
    ).all()
    cards = {
        (c.round_id, c.entry_id, c.juror_id): c
        for c in db.session.execute(
            db.select(
                Scorecard.round_id,
                Scorecard.entry_id,
                Scorecard.juror_id,
                Scorecard.status,
                Scorecard.updated_at,
                Scorecard.weighted_total,
            ).where(Scorecard.round_id.in_(round_ids), Scorecard.purpose == "counted")
        )
    }
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_({j for _, _, j in live})))}
    entries = {e.id: e for e in db.session.scalars(db.select(Entry).where(Entry.id.in_({e for _, e, _ in live})))}
    live_by_round: dict[int, list[tuple[int, int]]] = {}
    for round_id, entry_id, juror_id in live:
        live_by_round.setdefault(round_id, []).append((entry_id, juror_id))
    return [
        _category_progress(
            category,
            active[category.id],
            live_by_round.get(active[category.id].id, []),
            cards,
            users,
            entries,
            expected_share(active[category.id], edition, now),
        )
        for category in categories
        if category.id in active
    ]


def category_progress(category: Category, now: datetime | None = None) -> CategoryProgress:
    """One category's progress (the dashboard computes all of them at once with `edition_progress`)."""
    return edition_progress(category.edition, now, categories=[category])[0]


def _category_progress(
    category: Category,
    round_: Round,
    live: list[tuple[int, int]],
    cards: dict,
    users: dict[int, User],
    entries: dict[int, Entry],
    expected: float,
) -> CategoryProgress:
    progress = CategoryProgress(category=category, round=round_)
    jurors = {juror_id: JurorProgress(juror=users[juror_id]) for _, juror_id in live}
    per_entry: dict[int, list[int]] = {}
    round_cards = {}
    for entry_id, juror_id in live:
        jp = jurors[juror_id]
        jp.assigned += 1
        card = cards.get((round_.id, entry_id, juror_id))
        per_entry.setdefault(entry_id, [0, 0])[1] += 1
        if card is not None:
            round_cards[(entry_id, juror_id)] = card
            jp.last_activity = max(filter(None, [jp.last_activity, card.updated_at]))
            if card.status == "submitted":
                jp.submitted += 1
                per_entry[entry_id][0] += 1
            else:
                jp.drafts += 1
    progress.assigned = sum(j.assigned for j in jurors.values())
    progress.submitted = sum(j.submitted for j in jurors.values())
    for jp in jurors.values():
        jp.behind = jp.submitted < jp.assigned and jp.share + 0.1 < expected
    _chart_points(jurors, round_cards)
    progress.short_entries = sorted(
        ((entries[e], done, needed) for e, (done, needed) in per_entry.items() if done < needed),
        key=lambda t: (t[1] - t[2], t[0].title),
    )
    progress.jurors = sorted(jurors.values(), key=lambda j: (j.share, j.juror.name or "", j.juror.id))
    return progress


def _chart_points(jurors: dict[int, JurorProgress], cards: dict) -> None:
    totals_by_entry: dict[int, dict[int, float]] = {}
    for (entry_id, juror_id), card in cards.items():
        if card.status == "submitted" and card.weighted_total is not None:
            totals_by_entry.setdefault(entry_id, {})[juror_id] = card.weighted_total
    for entry_totals in totals_by_entry.values():
        for juror_id, total in entry_totals.items():
            others = [t for j, t in entry_totals.items() if j != juror_id]
            if others and juror_id in jurors:
                jurors[juror_id].points.append((sum(others) / len(others), total))


def jurors_behind(edition: Edition, now: datetime | None = None) -> list[tuple[User, int, int]]:
    """(juror, submitted, assigned) for every juror behind schedule in any category, once each."""
    totals: dict[int, list] = {}
    for progress in edition_progress(edition, now):
        for jp in progress.jurors:
            if jp.behind:
                entry = totals.setdefault(jp.juror.id, [jp.juror, 0, 0])
                entry[1] += jp.submitted
                entry[2] += jp.assigned
    return [tuple(v) for v in totals.values()]


def entries_by_status(edition: Edition) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for category_id, status, count in db.session.execute(
        db.select(Entry.category_id, Entry.status, func.count(Entry.id))
        .where(Entry.edition_id == edition.id)
        .group_by(Entry.category_id, Entry.status)
    ):
        counts.setdefault(category_id, {})[status] = count
    return counts
