"""Jury writes: membership, invitations, conflicts of interest, assignments and recusals.

The assignment itself is decided by the pure function `scoring.assignment.assign_jurors`; this module
gathers its inputs from the database and applies its plan. Services change the session and never commit:
the request or command does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _

from scoring.assignment import EntryToAssign, Existing, assign_jurors

from ..errors import Refused
from ..extensions import db
from ..models import (
    Assignment,
    Category,
    Conflict,
    Entry,
    Jury,
    JuryMember,
    Organisation,
    Round,
    Scorecard,
    User,
    utcnow,
)
from . import audit, seal

# --- membership -------------------------------------------------------------------------------------------------


def jury_of(category: Category) -> Jury:
    return juries_for([category])[category.id]


def juries_for(categories: list[Category]) -> dict[int, Jury]:
    """Each category's jury, by category id, read in one query."""
    ids = [c.id for c in categories]
    found = {j.category_id: j for j in db.session.scalars(db.select(Jury).where(Jury.category_id.in_(ids)))}
    missing = [c for c in categories if c.id not in found]
    for category in missing:  # every category has one; created lazily for categories added by hand
        found[category.id] = Jury(category=category)
        db.session.add(found[category.id])
    if missing:
        db.session.flush()
    return found


def add_member(*, actor: User, category: Category, juror: User, role: str = "member") -> JuryMember:
    seat_id, _new = seat_jurors(actor=actor, seats=[(category, juror)], role=role)[(category.id, juror.id)]
    return db.session.get(JuryMember, seat_id)


def seat_jurors(
    *, actor: User | None, seats: list[tuple[Category, User]], role: str = "member"
) -> dict[tuple[int, int], tuple[int, bool]]:
    """Seat each (category, juror) on the category's jury; a juror already seated keeps their seat.

    The one rule for joining a jury, for the jury page (one juror) and the import (thousands): the statements
    sent do not grow with the number of seats, and the seats are read and written as plain rows (no object per
    seat). Returns (seat id, newly added) by (category id, juror id)."""
    if any(juror.role != "juror" for _category, juror in seats):
        raise Refused(_("Only juror accounts can sit on a jury."), 400)
    if any(juror.id is None for _category, juror in seats):
        db.session.flush()  # new accounts get their ids, in one batch
    juries = juries_for(list({category.id: category for category, _juror in seats}.values()))
    by_jury = {jury.id: category_id for category_id, jury in juries.items()}

    def seat_ids(jury_ids, juror_ids) -> dict[tuple[int, int], int]:
        return {
            (by_jury[jury_id], user_id): seat_id
            for seat_id, jury_id, user_id in db.session.execute(
                db.select(JuryMember.id, JuryMember.jury_id, JuryMember.user_id).where(
                    JuryMember.jury_id.in_(list(jury_ids)), JuryMember.user_id.in_(list(juror_ids))
                )
            )
        }

    seated = seat_ids(by_jury, {juror.id for _category, juror in seats})
    new = list({(c.id, j.id): (c, j) for c, j in seats if (c.id, j.id) not in seated}.values())
    if new:
        # One batched INSERT, then one read of the new seats' ids (for the audit trail).
        seal.touched_in_bulk(db.session(), {category.edition_id for category, _juror in new})
        db.session.execute(
            db.insert(JuryMember.__table__),
            [dict(jury_id=juries[c.id].id, user_id=j.id, role=role, is_president=False) for c, j in new],
        )
        added = seat_ids({juries[c.id].id for c, _juror in new}, {j.id for _category, j in new})
        audit.record_many(
            actor=actor,
            action="jury.add_member",
            object_type=JuryMember.__name__,
            events=[
                (added[(c.id, j.id)], c.edition_id, {"juror": j.email, "category": c.code, "role": role})
                for c, j in new
            ],
        )
        seated.update(added)
        for category_id in {c.id for c, _juror in new}:  # a jury's member list read earlier now lacks them
            db.session.expire(juries[category_id], ["members"])
    db.session.flush()
    new_keys = {(c.id, j.id) for c, j in new}
    return {(c.id, j.id): (seated[(c.id, j.id)], (c.id, j.id) in new_keys) for c, j in seats}


def remove_member(*, actor: User, member: JuryMember) -> None:
    category = member.jury.category
    started = db.session.scalar(
        db.select(db.func.count(Scorecard.id))
        .join(Round, Round.id == Scorecard.round_id)
        .where(Round.category_id == category.id, Scorecard.juror_id == member.user_id)
    )
    if started:
        raise Refused(
            _(
                "%(name)s has already started %(n)d scorecard(s) in this category and cannot leave the jury.",
                name=member.user.name or member.user.email,
                n=started,
            ),
            409,
        )
    audit.record(
        actor=actor,
        action="jury.remove_member",
        obj=member,
        edition_id=category.edition_id,
        before={"juror": member.user.email, "category": category.code},
    )
    juror = member.user
    db.session.delete(member)
    db.session.flush()
    # Their dossiers go with the seat: no assignment of a removed juror stays open, and the entries are reassigned.
    end_assignments(
        actor=actor,
        juror=juror,
        reason=_("removed from the jury"),
        why="removed",
        assignments=list(
            db.session.scalars(
                db.select(Assignment)
                .join(Round, Round.id == Assignment.round_id)
                .where(
                    Round.category_id == category.id, Assignment.juror_id == juror.id, Assignment.recused_at.is_(None)
                )
            )
        ),
    )
    db.session.flush()


def set_president(*, actor: User, member: JuryMember) -> None:
    """One president per jury (the database enforces it): the previous one steps down."""
    for other in member.jury.members:
        if other.is_president and other.id != member.id:
            other.is_president = False
    db.session.flush()
    member.is_president = True
    audit.record(
        actor=actor,
        action="jury.set_president",
        obj=member,
        edition_id=member.jury.category.edition_id,
        after={"juror": member.user.email},
    )
    db.session.flush()


INVITATION_MAX_AGE = 14 * 24 * 3600


def invite_juror(*, actor: User, category: Category, email: str, name: str, language: str, invitation_url_for) -> User:
    """Create (or reuse) a juror account without a password, seat it on the jury and mail the invitation.

    `invitation_url_for(user)` builds the link; the token inside is single use because it is tied to the
    account's password state, and it expires after 14 days.
    """
    from .accounts import normalise_email

    email = normalise_email(email)
    juror = db.session.scalar(db.select(User).where(User.email == email))
    if juror is not None and juror.role != "juror":
        raise Refused(_("%(email)s already has an account that is not a juror's.", email=email), 409, field="email")
    if juror is None:
        juror = User(email=email, name=name.strip(), role="juror", language=language)
        db.session.add(juror)
        db.session.flush()
    add_member(actor=actor, category=category, juror=juror)
    if not juror.password_hash:
        send_invitation(juror, invitation_url_for(juror))
    return juror


def send_invitation(juror: User, url: str) -> None:
    from . import notifications

    notifications.notify(juror, "jury_invitation", link=url)


def accept_invitation(*, juror: User, password: str, language: str) -> None:
    juror.set_password(password)  # also voids the invitation token
    juror.language = language
    db.session.flush()


# --- conflicts ----------------------------------------------------------------------------------------------------


def conflicted_organisations(juror: User) -> dict[int, str]:
    """Organisation id -> why the juror may not judge it (declared conflicts, and the juror's employer)."""
    reasons = {
        c.organisation_id: c.kind for c in db.session.scalars(db.select(Conflict).where(Conflict.juror_id == juror.id))
    }
    if juror.organisation_id is not None:
        reasons[juror.organisation_id] = "employer"
    return reasons


def declare_conflict(*, actor: User, juror: User, organisation: Organisation, kind: str, reason: str) -> Conflict:
    """Record a conflict. From then on the juror neither sees nor counts for that company's entries: unstarted
    assignments are withdrawn, drafts closed, submitted scorecards stop counting (see `results.counted_scorecards`),
    each entry gets another juror, and the organisers are told. Refused while those results are frozen."""
    existing = db.session.scalar(
        db.select(Conflict).where(Conflict.juror_id == juror.id, Conflict.organisation_id == organisation.id)
    )
    if existing is not None:
        raise Refused(_("This conflict is already declared."), 409)
    conflict = Conflict(
        juror_id=juror.id, organisation_id=organisation.id, kind=kind, reason=reason.strip(), declared_by_id=actor.id
    )
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        actor=actor,
        action="conflict.declare",
        obj=conflict,
        edition_id=None,
        after={"juror": juror.email, "organisation": organisation.name, "kind": kind, "reason": reason},
    )
    assignments = db.session.scalars(
        db.select(Assignment)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(
            Assignment.juror_id == juror.id, Entry.organisation_id == organisation.id, Assignment.recused_at.is_(None)
        )
    ).all()
    voided = end_assignments(
        actor=actor,
        juror=juror,
        assignments=assignments,
        why="conflict",
        reason=_("conflict of interest declared (%(kind)s)", kind=kind),
    )
    if voided:
        _tell_organisers_of_voided_cards(juror=juror, organisation=organisation, voided=voided)
    db.session.flush()
    return conflict


def end_assignments(
    *, actor: User | None, juror: User, assignments: list[Assignment], why: str, reason: str
) -> list[Scorecard]:
    """The juror stops judging these entries: an unstarted assignment goes, a started one is kept as recused with
    the reason (a draft is closed, its marks kept in the audit trail); each round then gets a juror in their place.
    Returns the submitted scorecards that no longer count."""
    voided, rounds_touched = [], set()
    for assignment in assignments:
        card = db.session.scalar(
            db.select(Scorecard).where(
                Scorecard.round_id == assignment.round_id,
                Scorecard.entry_id == assignment.entry_id,
                Scorecard.juror_id == juror.id,
                Scorecard.purpose == "counted",
            )
        )
        entry = db.session.get(Entry, assignment.entry_id)
        if card is None:
            audit.record(
                actor=actor,
                action="assignment.remove",
                obj=assignment,
                edition_id=entry.edition_id,
                before={"entry": assignment.entry_id, "juror": juror.email},
                after={"why": why},
            )
            db.session.delete(assignment)
        else:
            if card.status == "submitted":
                voided.append(card)
                audit.record(
                    actor=actor,
                    action="scorecard.void",
                    obj=card,
                    edition_id=entry.edition_id,
                    before={"marks": dict(card.marks), "status": card.status},
                    after={"why": why, "counts": False},
                )
            else:
                audit.record(
                    actor=actor,
                    action="scorecard.close_draft",
                    obj=card,
                    edition_id=entry.edition_id,
                    before={"marks": dict(card.marks)},
                    after={"why": why},
                )
                db.session.delete(card)
            assignment.recused_at, assignment.recusal_reason = utcnow(), reason[:500]
        rounds_touched.add(assignment.round_id)
    db.session.flush()
    for round_id in sorted(rounds_touched):
        round_ = db.session.get(Round, round_id)
        _apply_plan(actor=None, round_=round_, plan=preview_assignment(round_).plan)
    return voided


def _tell_organisers_of_voided_cards(*, juror: User, organisation: Organisation, voided: list[Scorecard]) -> None:
    from . import notifications

    titles = ", ".join(sorted({db.session.get(Entry, card.entry_id).title for card in voided}))
    name = juror.name or juror.email
    for organiser in db.session.scalars(db.select(User).where(User.role == "organiser", User.active.is_(True))):
        notifications.notify(
            organiser, "cards_voided", count=len(voided), juror=name, company=organisation.name, titles=titles
        )


def remove_conflict(*, actor: User, conflict: Conflict) -> None:
    juror = db.session.get(User, conflict.juror_id)
    organisation = db.session.get(Organisation, conflict.organisation_id)
    audit.record(
        actor=actor,
        action="conflict.remove",
        obj=conflict,
        edition_id=None,
        before={
            "juror": juror.email,
            "organisation": organisation.name,
            "kind": conflict.kind,
            "reason": conflict.reason,
        },
    )
    db.session.delete(conflict)
    db.session.flush()


# --- assignment ---------------------------------------------------------------------------------------------------


def _started(round_id: int, entry_id: int, juror_id: int) -> bool:
    return (
        db.session.scalar(
            db.select(Scorecard.id)
            .where(
                Scorecard.round_id == round_id,
                Scorecard.entry_id == entry_id,
                Scorecard.juror_id == juror_id,
                Scorecard.purpose == "counted",
            )
            .limit(1)
        )
        is not None
    )


def entries_in_round(round_: Round) -> list[Entry]:
    """Submitted entries that reached this round (eliminated ones are not judged in later rounds)."""
    return db.session.scalars(
        db.select(Entry)
        .where(
            Entry.category_id == round_.category_id, Entry.status == "submitted", Entry.round_reached >= round_.position
        )
        .order_by(Entry.id)
    ).all()


def counting_jurors(category: Category) -> list[User]:
    """Jurors whose marks count (observers and trainees are not assigned automatically)."""
    return _active_jurors(category, JuryMember.role == "member")


def jury_members(category: Category) -> list[User]:
    """Everyone on the category's jury, whatever their role (members, observers, trainees)."""
    return _active_jurors(category)


def _active_jurors(category: Category, *conditions) -> list[User]:
    return db.session.scalars(
        db.select(User)
        .join(JuryMember, JuryMember.user_id == User.id)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .where(Jury.category_id == category.id, User.active.is_(True), *conditions)
        .order_by(User.id)
    ).all()


def jurors_needed(round_: Round, jurors: int) -> int:
    """k: the round's own number, else the category's; a final with no number means the whole jury."""
    if round_.jurors_per_entry:
        return round_.jurors_per_entry
    if round_.position > 1:
        return max(jurors, 1)
    return round_.category.jurors_per_entry


@dataclass(frozen=True)
class AssignmentPreview:
    round: Round
    plan: object  # scoring.assignment.AssignmentPlan
    digest: str  # lets "apply" refuse when the state changed since the preview


def preview_assignment(round_: Round) -> AssignmentPreview:
    """What re-running the automatic assignment would change, without changing anything."""
    category = round_.category
    entries = entries_in_round(round_)
    jurors = counting_jurors(category)
    juror_ids = [j.id for j in jurors]
    conflicts = set()
    for conflict in db.session.scalars(db.select(Conflict).where(Conflict.juror_id.in_(juror_ids))):
        conflicts.add((conflict.juror_id, conflict.organisation_id))
    for juror in jurors:
        if juror.organisation_id is not None:
            conflicts.add((juror.id, juror.organisation_id))
    assignments = db.session.scalars(db.select(Assignment).where(Assignment.round_id == round_.id)).all()
    started = set(
        db.session.execute(
            db.select(Scorecard.entry_id, Scorecard.juror_id).where(
                Scorecard.round_id == round_.id, Scorecard.purpose == "counted"
            )
        ).all()
    )
    existing = [
        Existing(entry=a.entry_id, juror=a.juror_id, started=(a.entry_id, a.juror_id) in started)
        for a in assignments
        if a.recused_at is None
    ]
    recused = [(a.entry_id, a.juror_id) for a in assignments if a.recused_at is not None]
    plan = assign_jurors(
        entries=[EntryToAssign(id=e.id, title=e.title, organisation=e.organisation_id) for e in entries],
        jurors=juror_ids,
        conflicts=conflicts,
        existing=existing,
        k=jurors_needed(round_, len(juror_ids)),
        recused=recused,
    )
    digest = hashlib.sha256(repr((sorted(plan.added), sorted(plan.removed))).encode()).hexdigest()[:16]
    return AssignmentPreview(round=round_, plan=plan, digest=digest)


def apply_assignment(*, actor: User, round_: Round, expected_digest: str | None = None) -> AssignmentPreview:
    """Apply the automatic assignment; refuse when it no longer matches the preview the organiser saw."""
    preview = preview_assignment(round_)
    if expected_digest is not None and preview.digest != expected_digest:
        raise Refused(_("The assignments changed since the preview. Review the new preview before applying."), 409)
    _apply_plan(actor=actor, round_=round_, plan=preview.plan)
    db.session.flush()
    return preview


def assign_round(*, actor: User, round_: Round) -> AssignmentPreview:
    """Run the automatic assignment inside the caller's transaction (flushes, never commits): shortlisting
    uses it to give new finalists the final's jurors in the same transaction as their promotion."""
    preview = preview_assignment(round_)
    _apply_plan(actor=actor, round_=round_, plan=preview.plan)
    db.session.flush()
    return preview


def _apply_plan(*, actor: User | None, round_: Round, plan) -> None:
    removed = set(plan.removed)
    if removed:
        for assignment in db.session.scalars(
            db.select(Assignment).where(Assignment.round_id == round_.id, Assignment.recused_at.is_(None))
        ):
            if (assignment.entry_id, assignment.juror_id) in removed:
                db.session.delete(assignment)
    for entry_id, juror_id in sorted(plan.added):
        db.session.add(Assignment(round_id=round_.id, entry_id=entry_id, juror_id=juror_id))
    if plan.added or plan.removed:
        audit.record(
            actor=actor,
            action="assignment.auto",
            obj=round_,
            edition_id=round_.category.edition_id,
            before={"removed": sorted(map(list, plan.removed))},
            after={"added": sorted(map(list, plan.added)), "problems": [p.message for p in plan.problems]},
        )


def add_assignment(*, actor: User, round_: Round, entry: Entry, juror: User) -> Assignment:
    """A manual override: refused for a conflicted juror, with the reason."""
    if entry.category_id != round_.category_id:
        raise Refused(_("This entry is not in this round's category."), 400)
    reasons = conflicted_organisations(juror)
    if entry.organisation_id in reasons:
        raise Refused(
            _(
                "%(juror)s cannot judge '%(entry)s': conflict of interest (%(kind)s).",
                juror=juror.name or juror.email,
                entry=entry.title,
                kind=reasons[entry.organisation_id],
            ),
            409,
        )
    # Observers and trainees may be given entries by hand: they score, but their marks never count.
    if juror.id not in {j.id for j in jury_members(round_.category)}:
        raise Refused(_("%(juror)s is not a member of this category's jury.", juror=juror.name or juror.email), 409)
    existing = db.session.scalar(
        db.select(Assignment).where(
            Assignment.round_id == round_.id, Assignment.entry_id == entry.id, Assignment.juror_id == juror.id
        )
    )
    if existing is not None and existing.recused_at is None:
        raise Refused(_("This juror is already assigned to this entry."), 409)
    if existing is not None:  # the juror recused earlier: the organiser's decision overrides it
        existing.recused_at, existing.recusal_reason, existing.manual = None, "", True
        assignment = existing
    else:
        assignment = Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id, manual=True)
        db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor=actor,
        action="assignment.add",
        obj=assignment,
        edition_id=entry.edition_id,
        after={"entry": entry.id, "juror": juror.email, "round": round_.id},
    )
    db.session.flush()
    return assignment


def remove_assignment(*, actor: User, assignment: Assignment) -> None:
    if _started(assignment.round_id, assignment.entry_id, assignment.juror_id):
        raise Refused(_("This juror has already started the scorecard: reopen or keep it rather than remove it."), 409)
    entry = db.session.get(Entry, assignment.entry_id)
    audit.record(
        actor=actor,
        action="assignment.remove",
        obj=assignment,
        edition_id=entry.edition_id,
        before={"entry": assignment.entry_id, "juror": assignment.juror_id, "round": assignment.round_id},
    )
    db.session.delete(assignment)
    db.session.flush()


def recuse(*, juror: User, assignment: Assignment, reason: str) -> AssignmentPreview:
    """The juror steps back from an entry; the entry is reassigned at once and the organiser sees why."""
    if assignment.recused_at is not None:
        raise Refused(_("You have already recused yourself from this entry."), 409)
    scorecard = db.session.scalar(
        db.select(Scorecard).where(
            Scorecard.round_id == assignment.round_id,
            Scorecard.entry_id == assignment.entry_id,
            Scorecard.juror_id == juror.id,
            Scorecard.purpose == "counted",
        )
    )
    if scorecard is not None and scorecard.status == "submitted":
        raise Refused(_("This scorecard is already submitted; ask an organiser to reopen it first."), 409)
    draft_marks = None
    if scorecard is not None:  # a draft of a juror who recuses must not count; the audit keeps its marks
        draft_marks = dict(scorecard.marks)
        db.session.delete(scorecard)
    assignment.recused_at = utcnow()
    assignment.recusal_reason = reason.strip()
    entry = db.session.get(Entry, assignment.entry_id)
    audit.record(
        actor=juror,
        action="assignment.recuse",
        obj=assignment,
        edition_id=entry.edition_id,
        before={"draft_marks": draft_marks},
        after={"entry": entry.id, "reason": assignment.recusal_reason},
    )
    db.session.flush()
    round_ = db.session.get(Round, assignment.round_id)
    preview = preview_assignment(round_)
    _apply_plan(actor=None, round_=round_, plan=preview.plan)
    db.session.flush()
    return preview


def remind_late_jurors(edition, *, scoring_url: str, progress=None) -> int:
    """Mail every juror behind schedule, in their language; returns how many were reminded.

    `progress(done, total)` follows the queuing (the command line's progress bar)."""
    from . import notifications
    from .progress import jurors_behind

    sent = 0
    behind = list(jurors_behind(edition))
    for juror, submitted, assigned in behind:
        notifications.notify(
            juror,
            "reminder",
            edition=edition.name,
            submitted=submitted,
            assigned=assigned,
            link=scoring_url,
            branding=edition.show.branding_name,
        )
        if progress is not None:
            progress(sent + 1, len(behind))
        sent += 1
    if sent:
        audit.record(actor=None, action="jury.remind", obj=edition, edition_id=edition.id, after={"reminded": sent})
        db.session.flush()
    return sent


# --- what the organisers' jury pages show -------------------------------------------------------------------


def juror_accounts() -> list[User]:
    """Every juror account, by name: the choices for seating a juror or recording a conflict."""
    return db.session.scalars(db.select(User).where(User.role == "juror").order_by(User.name, User.email)).all()


def juries_of(edition) -> dict[int, Jury]:
    """Each category's jury (by category id) with its members loaded."""
    from sqlalchemy.orm import selectinload

    return {
        j.category_id: j
        for j in db.session.scalars(
            db.select(Jury)
            .join(Category)
            .where(Category.edition_id == edition.id)
            .options(selectinload(Jury.members).selectinload(JuryMember.user))
        )
    }


def exhibiting_organisations(edition) -> list[Organisation]:
    """The companies with an entry in the edition: those a conflict can be declared with."""
    return db.session.scalars(
        db.select(Organisation)
        .where(Organisation.id.in_(db.select(Entry.organisation_id).where(Entry.edition_id == edition.id)))
        .order_by(Organisation.name)
    ).all()


@dataclass(frozen=True)
class ConflictRegister:
    declared: list  # (Conflict, juror, organisation), by juror then company
    employed: list  # (juror, employer): conflicts that need no declaration


def conflict_register() -> ConflictRegister:
    declared = db.session.execute(
        db.select(Conflict, User, Organisation)
        .join(User, User.id == Conflict.juror_id)
        .join(Organisation, Organisation.id == Conflict.organisation_id)
        .order_by(User.name, Organisation.name)
    ).all()
    employed = db.session.execute(
        db.select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == "juror")
    ).all()
    return ConflictRegister(declared=list(declared), employed=list(employed))


@dataclass(frozen=True)
class AssignmentMatrix:
    """Entries x jurors of a round: who is assigned, conflicted, or has a scorecard, and the automatic preview."""

    round: Round
    entries: list[Entry]
    jurors: list[User]
    conflicts: set[tuple[int, int]]  # (juror id, organisation id)
    cells: dict[tuple[int, int], Assignment]  # (entry id, juror id)
    cards: dict[tuple[int, int], Scorecard]  # counted scorecards, (entry id, juror id)
    preview: AssignmentPreview
    jurors_per_entry: int


def assignment_matrix(round_: Round) -> AssignmentMatrix:
    entries = entries_in_round(round_)
    jurors = counting_jurors(round_.category)
    conflicts = {
        (c.juror_id, c.organisation_id)
        for c in db.session.scalars(db.select(Conflict).where(Conflict.juror_id.in_([j.id for j in jurors])))
    }
    conflicts |= {(j.id, j.organisation_id) for j in jurors if j.organisation_id}
    cells = {
        (a.entry_id, a.juror_id): a
        for a in db.session.scalars(db.select(Assignment).where(Assignment.round_id == round_.id))
    }
    cards = {
        (s.entry_id, s.juror_id): s
        for s in db.session.scalars(
            db.select(Scorecard).where(Scorecard.round_id == round_.id, Scorecard.purpose == "counted")
        )
    }
    return AssignmentMatrix(
        round=round_,
        entries=entries,
        jurors=jurors,
        conflicts=conflicts,
        cells=cells,
        cards=cards,
        preview=preview_assignment(round_),
        jurors_per_entry=jurors_needed(round_, len(jurors)),
    )


# --- the whole edition at once --------------------------------------------------------------------------------------


def preview_edition_assignment(edition) -> tuple[list[AssignmentPreview], str]:
    """The automatic assignment of every round of every category (rounds with entries), and one digest of all of
    it: applying refuses when anything changed since this preview."""
    previews = [
        preview_assignment(round_)
        for category in edition.categories
        for round_ in category.rounds
        if entries_in_round(round_)
    ]
    digest = hashlib.sha256("".join(p.digest for p in previews).encode()).hexdigest()[:16]
    return previews, digest


def apply_edition_assignment(*, actor: User, edition, expected_digest: str) -> list[AssignmentPreview]:
    """Apply every round's automatic assignment in one transaction, as previewed."""
    previews, digest = preview_edition_assignment(edition)
    if digest != expected_digest:
        raise Refused(_("The assignments changed since the preview. Review the new preview before applying."), 409)
    for preview in previews:
        _apply_plan(actor=actor, round_=preview.round, plan=preview.plan)
    db.session.flush()
    return previews
