"""A juror's work: the entries assigned to them, in the order they should take them, their rounds and their
declared conflicts. The jury pages ask here and only decide what to show (or 404 when there is nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    Assignment,
    Category,
    Conflict,
    Edition,
    Entry,
    Jury,
    JuryMember,
    Organisation,
    Round,
    Scorecard,
    User,
)
from .permissions import judgeable_by, may_judge

# In a round, what is still to do comes first: drafts, then untouched entries, then what is submitted.
_STILL_TO_DO = {"draft": 0, None: 1, "submitted": 2}


@dataclass(frozen=True)
class Worklist:
    rows: list  # (entry, assignment, round): the round being judged first, what is left to do first in it
    statuses: dict  # (round id, entry id) -> the juror's counted scorecard's status

    def status(self, round_: Round, entry: Entry) -> str | None:
        return self.statuses.get((round_.id, entry.id))

    def next_after(self, entry: Entry, round_: Round):
        """The next entry still to score after this one, in the list's order: (entry, round) or None."""
        for other, _assignment, other_round in self.rows:
            if self.status(other_round, other) != "submitted" and (other.id, other_round.id) != (entry.id, round_.id):
                return other, other_round
        return None


def worklist(juror: User, edition: Edition) -> Worklist:
    """The juror's live assignments on submitted entries of the edition, with their scorecards' statuses."""
    rows = db.session.execute(
        db.select(Entry, Assignment, Round)
        .join(Assignment, Assignment.entry_id == Entry.id)
        .join(Round, Round.id == Assignment.round_id)
        .where(
            Assignment.juror_id == juror.id,
            Assignment.recused_at.is_(None),
            Entry.edition_id == edition.id,
            Entry.status == "submitted",
            judgeable_by(juror),  # a leftover row of a removed or conflicted juror lists nothing
        )
        .options(selectinload(Entry.category), selectinload(Entry.organisation), selectinload(Entry.attachments))
        .order_by(Entry.category_id, Round.position, Entry.title)
    ).all()
    statuses = {
        (card.round_id, card.entry_id): card.status
        for card in db.session.scalars(
            db.select(Scorecard).where(Scorecard.juror_id == juror.id, Scorecard.purpose == "counted")
        )
    }
    rows = sorted(
        rows,
        key=lambda row: (
            row[0].category.position,
            -row[2].position,
            _STILL_TO_DO.get(statuses.get((row[2].id, row[0].id)), 1),
            row[0].title,
        ),
    )
    return Worklist(rows=rows, statuses=statuses)


def live_assignment(juror: User, entry_id: int, round_id: int | None = None) -> Assignment | None:
    """The juror's live assignment on the entry, in the given round, else in the latest round."""
    query = (
        db.select(Assignment)
        .join(Round, Round.id == Assignment.round_id)
        .where(Assignment.entry_id == entry_id, Assignment.juror_id == juror.id, Assignment.recused_at.is_(None))
        .order_by(Round.position.desc())
    )
    if round_id is not None:
        query = query.where(Assignment.round_id == round_id)
    return db.session.scalars(query.limit(1)).first()


def scoring_target(juror: User, entry_id: int, round_id: int | None, *, page: bool = False):
    """(assignment, entry, round) the juror may score now, in one query plus the criteria's; None otherwise.
    The page also loads what it shows; an autosave needs nothing more."""
    query = (
        db.select(Assignment, Entry, Round)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(Round, Round.id == Assignment.round_id)
        .where(Assignment.entry_id == entry_id, Assignment.juror_id == juror.id, Assignment.recused_at.is_(None))
        .order_by(Round.position.desc())
        .limit(1)
        .options(joinedload(Entry.edition), selectinload(Round.criteria))
    )
    if round_id is not None:
        query = query.where(Assignment.round_id == round_id)
    if page:
        query = query.options(selectinload(Entry.attachments), joinedload(Entry.organisation))
    found = db.session.execute(query).first()
    if found is None or not may_judge(juror, found[1]):
        return None
    return found


def rounds_of(juror: User, edition: Edition, *, on_stand_only: bool = False) -> list[Round]:
    """The rounds of the juries the juror sits on, in ceremony order."""
    query = (
        db.select(Round)
        .join(Category, Category.id == Round.category_id)
        .join(Jury, Jury.category_id == Category.id)
        .join(JuryMember, JuryMember.jury_id == Jury.id)
        .where(JuryMember.user_id == juror.id, Category.edition_id == edition.id)
        .order_by(Category.position, Round.position)
    )
    if on_stand_only:
        query = query.where(Round.on_stand.is_(True))
    return db.session.scalars(query).all()


def declared_conflicts(juror: User) -> list:
    """(conflict, company) the juror declared, by company name."""
    return db.session.execute(
        db.select(Conflict, Organisation)
        .join(Organisation, Organisation.id == Conflict.organisation_id)
        .where(Conflict.juror_id == juror.id)
        .order_by(Organisation.name)
    ).all()
