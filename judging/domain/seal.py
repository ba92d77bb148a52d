"""What a sign-off and a freeze bind, enforced in one place for every path that writes (pages, imports, CLI).

A round's result is computed from the inputs `results.result_inputs` lists; their fingerprint is stored with
the president's sign-off and with the frozen snapshot. Two session hooks keep them honest:

- while an edition's results are frozen or published, a flush that changes an input of its results is
  refused (`Refused`, 409): unfreeze first, which is recorded;
- when a commit changes an input, every sign-off of that edition whose fingerprint no longer matches is
  voided in the same transaction: recorded in the audit trail with what changed, and the jury president is
  mailed once the commit succeeds. The ceremony export then waits for a new sign-off.
"""

from __future__ import annotations

from flask import has_app_context
from flask_babel import force_locale, gettext as _
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..errors import Refused
from ..models import (
    Assignment,
    Category,
    Conflict,
    Criterion,
    Edition,
    Entry,
    Jury,
    JuryMember,
    Round,
    Scorecard,
    SignOff,
    TieDecision,
    User,
    utcnow,
)

FROZEN_STATES = ("frozen", "published")
# Attributes of each model that feed a result; None: any change (or adding or deleting a row) does.
INPUT_ATTRIBUTES: dict[type, set[str] | None] = {
    Criterion: None,
    TieDecision: None,
    Conflict: None,
    JuryMember: None,
    Round: {"method", "previous_round_weight", "position", "category_id"},
    Edition: {"trim", "min_scorecards", "scoring_method"},
    Entry: {"status", "round_reached", "category_id", "organisation_id"},
    Assignment: {"recused_at"},
    User: {"organisation_id"},  # a juror's employer conflicts them with it
}
# The parts of `results.result_inputs` whose change voids a sign-off (`wording.SIGNOFF_CHANGES` names them).
INPUT_PARTS = ("marks", "cards", "entries", "criteria", "method", "trim", "min_scorecards", "joint_winners", "combined")


def _changed(session: Session, obj, attributes: set[str] | None) -> bool:
    if obj in session.new or obj in session.deleted:
        return attributes is None or not isinstance(obj, (Edition, Round, User, Entry))
    state = inspect(obj)
    names = attributes if attributes is not None else {a.key for a in state.mapper.column_attrs}
    return any(state.attrs[name].history.has_changes() for name in names)


def _was_or_is_submitted(obj: Scorecard) -> bool:
    history = inspect(obj).attrs.status.history
    return obj.purpose == "counted" and ("submitted" in (history.deleted or ()) or obj.status == "submitted")


def _edition_of_round(session: Session, round_id: int | None) -> set[int]:
    round_ = session.get(Round, round_id) if round_id is not None else None
    return {round_.category.edition_id} if round_ is not None else set()


def _editions_judged_by(session: Session, juror_id: int, organisation_id: int | None = None) -> set[int]:
    """Current editions in which the juror has submitted counted scorecards (on that company's entries, if given).

    Conflicts belong to the juror, not to an edition: one declared this year never reopens last year's results."""
    query = (
        session.query(Entry.edition_id)
        .join(Scorecard, Scorecard.entry_id == Entry.id)
        .join(Edition, Edition.id == Entry.edition_id)
        .filter(
            Scorecard.juror_id == juror_id,
            Scorecard.status == "submitted",
            Scorecard.purpose == "counted",
            Edition.is_current.is_(True),
        )
    )
    if organisation_id is not None:
        query = query.filter(Entry.organisation_id == organisation_id)
    return {row[0] for row in query.distinct()}


def editions_touched(session: Session) -> set[int]:
    """Ids of the editions whose results an input change pending in `session` may move."""
    touched: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Scorecard):
            if _was_or_is_submitted(obj) and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
                touched |= _edition_of_round(session, obj.round_id)
            continue
        attributes = INPUT_ATTRIBUTES.get(type(obj), False)
        if attributes is False or not _changed(session, obj, attributes):
            continue
        if isinstance(obj, Edition):
            touched.add(obj.id)
        elif isinstance(obj, Entry):
            touched.add(obj.edition_id)
        elif isinstance(obj, Round):
            touched |= _edition_of_round(session, obj.id) if obj.id else set()
        elif isinstance(obj, (Criterion, TieDecision, Assignment)):
            touched |= _edition_of_round(session, obj.round_id)
        elif isinstance(obj, JuryMember):
            jury = session.get(Jury, obj.jury_id) if obj.jury_id else obj.jury
            if jury is not None:
                touched.add(jury.category.edition_id)
        elif isinstance(obj, Conflict):
            touched |= _editions_judged_by(session, obj.juror_id, obj.organisation_id)
        elif isinstance(obj, User) and obj.id is not None:
            touched |= _editions_judged_by(session, obj.id)
    return touched


def editions_judged_by_any(session: Session, juror_ids) -> set[int]:
    """`_editions_judged_by` for many jurors at once, in one query (the imports change employers in bulk)."""
    juror_ids = list(juror_ids)
    if not juror_ids:
        return set()
    query = (
        session.query(Entry.edition_id)
        .join(Scorecard, Scorecard.entry_id == Entry.id)
        .join(Edition, Edition.id == Entry.edition_id)
        .filter(
            Scorecard.juror_id.in_(juror_ids),
            Scorecard.status == "submitted",
            Scorecard.purpose == "counted",
            Edition.is_current.is_(True),
        )
    )
    return {row[0] for row in query.distinct()}


def touched_in_bulk(session: Session, edition_ids: set[int]) -> None:
    """A write made in bulk (an executemany outside the unit of work, e.g. an import's seats) says which
    editions' results it may move: the same refusal while frozen, and the same voiding of stale sign-offs at
    commit, as for objects flushed one by one. Call it before the write."""
    with session.no_autoflush:
        _refuse_frozen(session, edition_ids)
    session.info.setdefault("seal_editions", set()).update(edition_ids)


def _before_flush(session: Session, _context, _instances) -> None:
    with session.no_autoflush:
        touched = editions_touched(session)
        _refuse_frozen(session, touched)
    session.info.setdefault("seal_editions", set()).update(touched)


def _refuse_frozen(session: Session, touched: set[int]) -> None:
    for edition_id in sorted(touched):
        edition = session.get(Edition, edition_id)
        if edition is not None and edition.results_state in FROZEN_STATES:
            raise Refused(
                _(
                    "The results of %(edition)s are frozen: unfreeze them (the reason is recorded) "
                    "before changing what they were computed from.",
                    edition=edition.name,
                ),
                409,
            )


def changed_parts(signed: dict | None, current: dict) -> list[str]:
    """Which parts of the inputs differ between a sign-off and now (all of them unknown: "marks")."""
    return [key for key in INPUT_PARTS if (signed or {}).get(key) != current.get(key)] or ["marks"]


def void_stale_sign_offs(session: Session, edition_ids) -> list[SignOff]:
    """Void each live sign-off of these editions whose inputs changed; record why and queue the mail."""
    from . import audit
    from .results import inputs_fingerprint, result_inputs

    voided = []
    for sign_off in (
        session.query(SignOff)
        .join(Round, Round.id == SignOff.round_id)
        .join(Round.category)
        .filter(SignOff.voided_at.is_(None), Category.edition_id.in_(list(edition_ids)))
        .all()
    ):
        round_ = session.get(Round, sign_off.round_id)
        inputs = result_inputs(round_)
        if inputs_fingerprint(inputs) == sign_off.fingerprint:
            continue
        reasons = changed_parts(sign_off.inputs, inputs)
        sign_off.voided_at, sign_off.void_reasons = utcnow(), reasons
        audit.record(
            actor=None,
            action="results.sign_off_void",
            obj=sign_off,
            edition_id=round_.category.edition_id,
            before={"fingerprint": sign_off.fingerprint},
            after={"round": round_.id, "changed": reasons},
        )
        _queue_president_mail(session, round_, reasons)
        voided.append(sign_off)
    return voided


def _queue_president_mail(session: Session, round_: Round, reasons: list[str]) -> None:
    from ..wording import signoff_changes
    from . import notifications

    category = round_.category
    presidents = (
        session.query(User)
        .join(JuryMember, JuryMember.user_id == User.id)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .filter(Jury.category_id == category.id, JuryMember.is_president.is_(True))
        .all()
    )
    for president in presidents:
        with force_locale(president.language):
            changed = signoff_changes(reasons)
        notifications.notify(
            president,
            "signoff_void",
            session=session,
            category=category.name(president.language),
            round=round_.display_name(president.language),
            changed=changed,
        )


def _before_commit(session: Session) -> None:
    if not has_app_context():
        return
    session.flush()
    touched = session.info.pop("seal_editions", set())
    if touched:
        with session.no_autoflush:
            void_stale_sign_offs(session, touched)
        session.flush()


def _after_rollback(session: Session, _previous) -> None:
    session.info.pop("seal_editions", None)


def register() -> None:
    """Install the hooks on every session (once per process)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
