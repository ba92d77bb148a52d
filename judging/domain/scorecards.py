"""Scorecard writes: draft saves (autosave), submission, reopening. Changes the session; the request commits.

Every save carries the version the juror's screen last saw; a save based on an older version is refused
(409) with the server's copy, so two tablets of one juror never overwrite each other silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import scoring

from ..errors import Refused
from ..extensions import db
from ..models import Assignment, Criterion, Edition, Entry, Round, Scorecard, User, utcnow
from ..templating import language
from . import audit
from .permissions import may_judge

COMMENT_LIMIT = 2000


class ScoringClosed(Refused):
    """The juror may not change this scorecard any more (window closed, results frozen, submitted, not assigned):
    the tablet turns the page read-only and shows the reason."""


class StaleScorecard(Refused):
    """The scorecard changed on the server since the juror's screen loaded it."""

    def __init__(self, scorecard: Scorecard):
        super().__init__(_("This scorecard was changed on another device. Choose which version to keep."), 409)
        self.scorecard = scorecard


class InvalidMarks(Refused):
    """Marks out of range, unknown criteria, or missing marks on submission: one message per field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some marks are not valid: %(details)s", details="; ".join(errors.values())), 400)
        self.errors = errors


@dataclass(frozen=True)
class ScoringWindow:
    opens_at: datetime | None
    closes_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return (self.opens_at is None or now >= self.opens_at) and (self.closes_at is None or now <= self.closes_at)


@dataclass
class CardInput:
    marks: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)
    overall_comment: str = ""


def window_of(round_: Round, edition: Edition) -> ScoringWindow:
    """A round's own window, else the edition's."""
    return ScoringWindow(
        round_.scoring_opens_at or edition.scoring_opens_at, round_.scoring_closes_at or edition.scoring_closes_at
    )


def scoring_criteria(round_: Round) -> list[scoring.Criterion]:
    return [scoring.Criterion(key=c.key, weight=c.weight, min=c.scale_min, max=c.scale_max) for c in round_.criteria]


def weighted_total_or_none(marks: dict, criteria: list[Criterion]) -> float | None:
    """The stored total: computed by `scoring.weighted_total` once every criterion has a mark."""
    if any(c.key not in marks for c in criteria):
        return None
    return scoring.weighted_total(
        {c.key: marks[c.key] for c in criteria},
        [scoring.Criterion(key=c.key, weight=c.weight, min=c.scale_min, max=c.scale_max) for c in criteria],
    )


def validate_marks(raw: CardInput, criteria: list[Criterion], *, complete: bool) -> CardInput:
    """Whole-number marks inside each criterion's scale; every criterion marked when `complete`."""
    errors: dict[str, str] = {}
    by_key = {c.key: c for c in criteria}
    marks: dict[str, int] = {}
    if not isinstance(raw.marks, dict) or not isinstance(raw.comments, dict):
        raise InvalidMarks({"marks": _("Marks must be given per criterion.")})
    for key, value in raw.marks.items():
        criterion = by_key.get(key)
        if criterion is None:
            errors[str(key)[:40]] = _("'%(key)s' is not a criterion of this round.", key=str(key)[:40])
            continue
        if value is None or value == "":
            continue  # cleared: a draft may leave a criterion empty
        if isinstance(value, bool) or not isinstance(value, (int, str, float)):
            errors[key] = _("%(name)s: give a whole number.", name=criterion.name(language()))
            continue
        try:
            number = float(value)
        except (ValueError, OverflowError):  # "ten", or a 400-digit number no float holds
            errors[key] = _("%(name)s: give a whole number.", name=criterion.name(language()))
            continue
        if not number.is_integer():
            errors[key] = _("%(name)s: give a whole number.", name=criterion.name(language()))
        elif not criterion.scale_min <= number <= criterion.scale_max:
            errors[key] = _(
                "%(name)s: the mark must be between %(min)d and %(max)d.",
                name=criterion.name(language()),
                min=criterion.scale_min,
                max=criterion.scale_max,
            )
        else:
            marks[key] = int(number)
    comments: dict[str, str] = {}
    for key, text in raw.comments.items():
        if key not in by_key:
            continue
        if not isinstance(text, str):
            errors[f"comment-{key}"] = _("Comments must be text.")
        elif len(text) > COMMENT_LIMIT:
            errors[f"comment-{key}"] = _("A comment is limited to %(n)d characters.", n=COMMENT_LIMIT)
        elif text.strip():
            comments[key] = text.strip()
    overall = raw.overall_comment if isinstance(raw.overall_comment, str) else None
    if overall is None:
        errors["overall_comment"] = _("Comments must be text.")
    elif len(overall) > COMMENT_LIMIT:
        errors["overall_comment"] = _("A comment is limited to %(n)d characters.", n=COMMENT_LIMIT)
    if complete and not errors:
        for criterion in criteria:
            if criterion.key not in marks:
                errors[criterion.key] = _("%(name)s: a mark is needed to submit.", name=criterion.name(language()))
    if errors:
        raise InvalidMarks(errors)
    return CardInput(marks=marks, comments=comments, overall_comment=(overall or "").strip())


def live_assignment(*, juror: User, entry: Entry, round_: Round) -> Assignment | None:
    return db.session.scalar(
        db.select(Assignment).where(
            Assignment.round_id == round_.id,
            Assignment.entry_id == entry.id,
            Assignment.juror_id == juror.id,
            Assignment.recused_at.is_(None),
        )
    )


def find_scorecard(*, juror: User, entry: Entry, round_: Round) -> Scorecard | None:
    return db.session.scalar(
        db.select(Scorecard).where(
            Scorecard.round_id == round_.id,
            Scorecard.entry_id == entry.id,
            Scorecard.juror_id == juror.id,
            Scorecard.purpose == "counted",
        )
    )


def _is_live(assignment: Assignment | None, *, juror: User, entry: Entry, round_: Round) -> bool:
    return (
        assignment is not None
        and assignment.recused_at is None
        and assignment.juror_id == juror.id
        and assignment.entry_id == entry.id
        and assignment.round_id == round_.id
    )


def ensure_can_score(
    *, juror: User, entry: Entry, round_: Round, now: datetime | None = None, assignment: Assignment | None = None
) -> None:
    """Refuse, with the reason, anything but an assigned juror scoring an entry still in the round, in the window.

    `assignment`, when the caller has just loaded it, spares a query; it is only trusted if it is this juror's
    live assignment on this entry in this round."""
    if not _is_live(assignment, juror=juror, entry=entry, round_=round_):
        assignment = live_assignment(juror=juror, entry=entry, round_=round_)
    if entry.category_id != round_.category_id or assignment is None or not may_judge(juror, entry):
        raise ScoringClosed(_("This entry is not assigned to you in this round."), 403)
    if entry.status != "submitted" or entry.round_reached < round_.position:
        raise ScoringClosed(_("This entry is no longer in this round."), 409)
    edition = entry.edition
    if edition.results_state != "open":
        raise ScoringClosed(_("The results are frozen: scores can no longer change."), 409)
    window = window_of(round_, edition)
    if not window.is_open(now or utcnow()):
        raise ScoringClosed(
            _(
                "Scoring is closed for this round (window: %(opens)s to %(closes)s UTC).",
                opens=window.opens_at.strftime("%Y-%m-%d %H:%M") if window.opens_at else "—",
                closes=window.closes_at.strftime("%Y-%m-%d %H:%M") if window.closes_at else "—",
            ),
            403,
        )


def _card_state(card: Scorecard | None) -> dict:
    if card is None:
        return {
            "marks": {},
            "comments": {},
            "overall_comment": "",
            "version": 0,
            "status": "draft",
            "weighted_total": None,
        }
    return {
        "marks": dict(card.marks),
        "comments": dict(card.comments),
        "overall_comment": card.overall_comment,
        "version": card.version,
        "status": card.status,
        "weighted_total": card.weighted_total,
    }


def holds(card: Scorecard, clean: CardInput) -> bool:
    """Whether the server's card already holds exactly these (validated) marks and comments."""
    return (
        dict(card.marks) == clean.marks
        and dict(card.comments) == clean.comments
        and (card.overall_comment or "") == clean.overall_comment
    )


def closed_reason(*, juror: User, entry: Entry, round_: Round, assignment: Assignment | None = None) -> str | None:
    """Why the juror can no longer change this scorecard (shown on a read-only page), or None."""
    try:
        ensure_can_score(juror=juror, entry=entry, round_=round_, assignment=assignment)
    except ScoringClosed as refusal:
        return refusal.message
    return None


def card_state(card: Scorecard | None) -> dict:
    """What a screen needs to show a scorecard (also sent back with a stale-version refusal)."""
    return _card_state(card)


def save_scorecard(
    *,
    juror: User,
    entry: Entry,
    round_: Round,
    values: CardInput,
    version: int,
    submit: bool = False,
    assignment: Assignment | None = None,
) -> Scorecard:
    """Save a draft (or submit it) if `version` is the one on the server; the total is stored on every save.

    Two saves of the same version racing each other (two tablets, a resend crossing its original) cannot both
    land: the UPDATE only matches the version it read (the model's version counter), and a second first save
    meets the unique constraint; the loser gets the winner's copy, as for any stale version."""
    ensure_can_score(juror=juror, entry=entry, round_=round_, assignment=assignment)
    criteria = list(round_.criteria)
    clean = validate_marks(values, criteria, complete=submit)
    card = find_scorecard(juror=juror, entry=entry, round_=round_)
    current_version = card.version if card is not None else 0
    if card is not None and card.status == "submitted" and holds(card, clean):
        return card  # a resend of a submission whose reply was lost: it is done
    if version != current_version:
        if card is None:
            raise Refused(_("This scorecard does not exist on the server yet; reload the page."), 409)
        if not holds(card, clean):
            raise StaleScorecard(card)
        if not submit:
            return card  # a resend whose reply was lost (the server holds exactly this): a success, not a conflict
        # The same marks, still a draft: the juror's submission applies to exactly what the server holds.
    if card is not None and card.status == "submitted":
        raise ScoringClosed(_("This scorecard is submitted and final. An organiser can reopen it."), 409)
    before = _card_state(card) if card is not None else None
    if card is None:
        card = Scorecard(round_id=round_.id, entry_id=entry.id, juror_id=juror.id, purpose="counted", version=0)
        db.session.add(card)
    card.marks = clean.marks
    card.comments = clean.comments
    card.overall_comment = clean.overall_comment
    card.weighted_total = weighted_total_or_none(clean.marks, criteria)
    card.version = current_version + 1
    card.updated_at = utcnow()
    if submit:
        card.status = "submitted"
        card.submitted_at = card.updated_at
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        winner = find_scorecard(juror=juror, entry=entry, round_=round_)
        if winner is not None and holds(winner, clean) and (winner.status == "submitted" or not submit):
            return winner  # the resend crossed its original, which landed: the same content, so a success
        raise StaleScorecard(winner) from None
    audit.record(
        actor=juror,
        action="scorecard.submit" if submit else "scorecard.save",
        obj=card,
        edition_id=entry.edition_id,
        before=before,
        after=_card_state(card),
    )
    db.session.flush()
    return card


def reopen_scorecard(*, actor: User, card: Scorecard) -> Scorecard:
    """An organiser makes a submitted scorecard editable again (recorded)."""
    entry = db.session.get(Entry, card.entry_id)
    if entry.edition.results_state != "open":
        raise Refused(_("The results are frozen: unfreeze them before reopening a scorecard."), 409)
    if card.status != "submitted":
        raise Refused(_("This scorecard is not submitted."), 409)
    before = _card_state(card)
    card.status = "draft"
    card.submitted_at = None
    card.version += 1
    audit.record(
        actor=actor,
        action="scorecard.reopen",
        obj=card,
        edition_id=entry.edition_id,
        before=before,
        after=_card_state(card),
    )
    db.session.flush()
    return card


def save_calibration_card(*, juror: User, entry: Entry, round_: Round, values: CardInput) -> Scorecard:
    """A practice scorecard on a sample entry: saved and compared with the jury, never counted."""
    from ..models import CalibrationSample, Jury, JuryMember

    is_sample = (
        db.session.scalar(
            db.select(CalibrationSample.id).where(
                CalibrationSample.round_id == round_.id, CalibrationSample.entry_id == entry.id
            )
        )
        is not None
    )
    member = (
        db.session.scalar(
            db.select(JuryMember.id)
            .join(Jury, Jury.id == JuryMember.jury_id)
            .where(Jury.category_id == round_.category_id, JuryMember.user_id == juror.id)
        )
        is not None
    )
    if not (is_sample and member and may_judge(juror, entry)):
        raise Refused(_("This entry is not a calibration sample of your jury."), 403)
    criteria = list(round_.criteria)
    clean = validate_marks(values, criteria, complete=True)
    card = db.session.scalar(
        db.select(Scorecard).where(
            Scorecard.round_id == round_.id,
            Scorecard.entry_id == entry.id,
            Scorecard.juror_id == juror.id,
            Scorecard.purpose == "calibration",
        )
    )
    if card is None:
        card = Scorecard(round_id=round_.id, entry_id=entry.id, juror_id=juror.id, purpose="calibration", version=0)
        db.session.add(card)
    card.marks, card.comments, card.overall_comment = clean.marks, clean.comments, clean.overall_comment
    card.weighted_total = weighted_total_or_none(clean.marks, criteria)
    card.version = (card.version or 0) + 1
    card.status, card.updated_at = "submitted", utcnow()
    card.submitted_at = card.updated_at
    db.session.flush()
    return card
