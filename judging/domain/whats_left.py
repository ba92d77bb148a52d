"""What is left to do before the ceremony, for the dashboard's first panel: juries too small, entries
nobody judges yet, jurors behind schedule, drafts not submitted. A fixed number of queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_

from ..extensions import db
from ..models import Assignment, Category, Edition, Entry, Jury, JuryMember, User
from .progress import CategoryProgress


@dataclass(frozen=True)
class ShortJury:
    category: Category
    members: int  # jurors whose marks count
    needed: int  # jurors per entry in the round being judged


@dataclass(frozen=True)
class Unassigned:
    progress: CategoryProgress  # its category and the round being judged
    entries: int


@dataclass(frozen=True)
class WhatsLeft:
    short_juries: list[ShortJury]
    unassigned: list[Unassigned]
    late_jurors: list[User]
    drafts: int
    draft_companies: int

    @property
    def nothing(self) -> bool:
        return not (self.short_juries or self.unassigned or self.late_jurors or self.drafts)


def whats_left(edition: Edition, progress: list[CategoryProgress]) -> WhatsLeft:
    """The gaps of the edition, each category judged on the round the dashboard shows for it."""
    members = dict(
        db.session.execute(
            db.select(Jury.category_id, func.count(JuryMember.id))
            .join(JuryMember, JuryMember.jury_id == Jury.id)
            .join(User, User.id == JuryMember.user_id)
            .join(Category, Category.id == Jury.category_id)
            .where(Category.edition_id == edition.id, JuryMember.role == "member", User.active.is_(True))
            .group_by(Jury.category_id)
        ).all()
    )
    short = []
    for p in progress:
        needed = p.round.jurors_per_entry or p.category.jurors_per_entry
        if members.get(p.category.id, 0) < needed:
            short.append(ShortJury(category=p.category, members=members.get(p.category.id, 0), needed=needed))

    unassigned: dict[int, int] = {}
    if progress:
        without_juror = [
            and_(
                Entry.category_id == p.category.id,
                Entry.round_reached >= p.round.position,
                ~exists().where(
                    Assignment.round_id == p.round.id, Assignment.entry_id == Entry.id, Assignment.recused_at.is_(None)
                ),
            )
            for p in progress
        ]
        unassigned = dict(
            db.session.execute(
                db.select(Entry.category_id, func.count(Entry.id))
                .where(Entry.edition_id == edition.id, Entry.status == "submitted", or_(*without_juror))
                .group_by(Entry.category_id)
            ).all()
        )

    drafts, companies = db.session.execute(
        db.select(func.count(Entry.id), func.count(func.distinct(Entry.organisation_id))).where(
            Entry.edition_id == edition.id, Entry.status == "draft"
        )
    ).one()
    late = {j.juror.id: j.juror for p in progress for j in p.behind}
    return WhatsLeft(
        short_juries=short,
        unassigned=[
            Unassigned(progress=p, entries=unassigned[p.category.id]) for p in progress if unassigned.get(p.category.id)
        ],
        late_jurors=sorted(late.values(), key=lambda u: (u.name or u.email).lower()),
        drafts=drafts,
        draft_companies=companies,
    )


def submissions_by_day(edition: Edition, *, days: int = 14, now=None) -> list[tuple[object, int]]:
    """(local date, entries submitted that day) for the last `days` days up to today or the deadline, whichever
    is first, in the edition's time zone: how fast entries arrive before the deadline."""
    from datetime import timedelta

    from ..models import utcnow
    from .editions import to_local

    now = now or utcnow()
    end = min(now, edition.submission_deadline) if edition.submission_deadline else now
    last_day = to_local(end, edition.timezone).date()
    first_day = last_day - timedelta(days=days - 1)
    counts = dict.fromkeys((first_day + timedelta(days=n) for n in range(days)), 0)
    since = end - timedelta(days=days + 1)
    for (submitted_at,) in db.session.execute(
        db.select(Entry.submitted_at).where(
            Entry.edition_id == edition.id, Entry.submitted_at.is_not(None), Entry.submitted_at >= since
        )
    ):
        day = to_local(submitted_at, edition.timezone).date()
        if day in counts:
            counts[day] += 1
    return list(counts.items())
