"""Judging rounds: shortlisting to the next round, stand visits, calibration, joint winners and sign-off.

A category is judged in ordered rounds (pre-selection on the dossier, final on the stand). An entry takes
part in a round when its `round_reached` is at least the round's position; shortlisting raises it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from scoring.flags import INCOMPLETE

from ..errors import Refused
from ..extensions import db
from ..models import (
    CalibrationSample,
    Category,
    Edition,
    Entry,
    Jury,
    JuryMember,
    Organisation,
    Round,
    Scorecard,
    SignOff,
    TieDecision,
    User,
    utcnow,
)
from ..templating import language
from . import audit, notifications
from .results import inputs_fingerprint, result_inputs, round_results

SHORTLIST_RULES = ("top", "threshold", "manual")


def next_round(round_: Round) -> Round | None:
    later = [r for r in round_.category.rounds if r.position > round_.position]
    return min(later, key=lambda r: r.position) if later else None


SHORTLIST_DECISIONS = ("advance", "eliminate")


@dataclass(frozen=True)
class ShortlistPreview:
    round: Round
    next_round: Round
    advancing: list[int]
    eliminated: list[int]
    ranking: list  # scoring.RankedEntry, for showing scores and stability beside the choice
    # Entries without a complete score (fewer counted scorecards than the minimum): the rule never decides for
    # them. `decided` holds the organiser's choice for each; `undecided` those still waiting for one.
    unscored: list[int] = field(default_factory=list)
    decided: dict[int, str] = field(default_factory=dict)
    undecided: list[int] = field(default_factory=list)


def preview_shortlist(
    round_: Round,
    *,
    rule: str,
    top: int | None = None,
    threshold: float | None = None,
    chosen: list[int] | None = None,
    decisions: dict[int, str] | None = None,
) -> ShortlistPreview:
    """Who would go through to the next round: the top N, those at or above a score, or a hand-picked list.

    The rule only decides among entries with a complete score. An entry short of scorecards is listed apart
    and goes through or stops only by the organiser's explicit decision (`decisions`: entry id -> 'advance' or
    'eliminate'; ticking it in a hand-picked list is a decision to advance it).
    """
    following = next_round(round_)
    if following is None:
        raise Refused(_("This is the last round: there is no round to shortlist for."), 409)
    if rule not in SHORTLIST_RULES:
        raise Refused(_("Choose top N, a score threshold, or a hand-picked list."), 400)
    ranking = round_results(round_, stability=True, resamples=500).ranking
    scored = [line for line in ranking if line.score is not None and INCOMPLETE not in line.flags]
    unscored = [line.entry for line in ranking if line.score is None or INCOMPLETE in line.flags]
    if rule == "top":
        if not top or top < 1:
            raise Refused(_("Give how many entries go through (at least 1)."), 400)
        # Entries sharing the last place that goes through all go through.
        cutoff = scored[top - 1].rank if len(scored) >= top else None
        advancing = [l.entry for l in scored if cutoff is None or l.rank <= cutoff]
    elif rule == "threshold":
        if threshold is None or not 0 <= threshold <= 100:
            raise Refused(_("Give a score threshold between 0 and 100."), 400)
        advancing = [l.entry for l in scored if l.score >= threshold - 1e-9]
    else:
        in_round = {l.entry for l in ranking}
        unknown = set(chosen or ()) - in_round
        if unknown or not chosen:
            raise Refused(_("Pick entries of this round."), 400)
        advancing = [l.entry for l in scored if l.entry in set(chosen)]
    decided = {entry_id: "advance" for entry_id in unscored if rule == "manual" and entry_id in set(chosen)}
    decided.update(
        {
            entry_id: choice
            for entry_id, choice in (decisions or {}).items()
            if entry_id in unscored and choice in SHORTLIST_DECISIONS
        }
    )
    advancing += [entry_id for entry_id in unscored if decided.get(entry_id) == "advance"]
    eliminated = [
        l.entry
        for l in ranking
        if l.entry not in set(advancing) and (l.entry not in unscored or decided.get(l.entry) == "eliminate")
    ]
    undecided = [entry_id for entry_id in unscored if entry_id not in decided]
    return ShortlistPreview(
        round=round_,
        next_round=following,
        advancing=advancing,
        eliminated=eliminated,
        ranking=ranking,
        unscored=unscored,
        decided=decided,
        undecided=undecided,
    )


def _finalists_without_jurors(following: Round, entry_ids: list[int]) -> list[Entry]:
    """Advancing entries left with no live assignment in the next round (its jury empty, or all conflicted)."""
    from ..models import Assignment

    covered = set(
        db.session.scalars(
            db.select(Assignment.entry_id).where(
                Assignment.round_id == following.id, Assignment.entry_id.in_(entry_ids), Assignment.recused_at.is_(None)
            )
        )
    )
    return [db.session.get(Entry, entry_id) for entry_id in entry_ids if entry_id not in covered]


def apply_shortlist(*, actor: User, preview: ShortlistPreview, notify: bool = False) -> None:
    """Move the advancing entries to the next round and give them its jurors, in one transaction.

    Refused, with nothing changed, when an entry without a complete score has no decision, when the results
    are frozen or published, when an entry dropped from an earlier shortlist was already scored in the next
    round, or when a finalist would get no juror in the next round (so that its stand card's QR code opens a
    scorecard for the final's jurors, never "Not found"). Entries dropped from an earlier shortlist come back.
    """
    from . import juries as jury_services

    following = preview.next_round
    edition = preview.round.category.edition
    if edition.results_state != "open":
        raise Refused(_("The results are frozen: unfreeze them before changing the shortlist."), 409)
    if preview.undecided:
        titles = ", ".join(db.session.get(Entry, entry_id).title for entry_id in preview.undecided)
        raise Refused(
            _(
                "Decide by hand whether these entries without a complete score go through or stop: %(titles)s.",
                titles=titles,
            ),
            409,
        )
    entries = {
        e.id: e
        for e in db.session.scalars(db.select(Entry).where(Entry.id.in_(preview.advancing + preview.eliminated)))
    }
    try:
        for entry_id in preview.eliminated:
            entry = entries[entry_id]
            if entry.round_reached >= following.position:
                started = db.session.scalar(
                    db.select(Scorecard.id)
                    .where(Scorecard.round_id == following.id, Scorecard.entry_id == entry_id)
                    .limit(1)
                )
                if started is not None:
                    raise Refused(
                        _(
                            "'%(title)s' has already been scored in %(round)s and cannot be taken out.",
                            title=entry.title,
                            round=following.display_name(language()),
                        ),
                        409,
                    )
                entry.round_reached = preview.round.position
        for entry_id in preview.advancing:
            entries[entry_id].round_reached = max(entries[entry_id].round_reached, following.position)
        db.session.flush()
        assignment = jury_services.assign_round(actor=actor, round_=following)
        lacking = _finalists_without_jurors(following, preview.advancing)
        if lacking:
            raise Refused(
                _(
                    "No juror of %(round)s can judge %(titles)s (the jury is empty, or every member is "
                    "conflicted with the company): add jurors to the jury, then shortlist again.",
                    round=following.display_name(language()),
                    titles=", ".join(f"'{e.title}'" for e in lacking),
                ),
                409,
            )
    except Refused:
        db.session.rollback()  # nothing half-applied
        raise
    audit.record(
        actor=actor,
        action="round.shortlist",
        obj=preview.round,
        edition_id=preview.round.category.edition_id,
        after={
            "next_round": following.id,
            "advancing": preview.advancing,
            "eliminated": preview.eliminated,
            "decided_by_hand": {str(k): v for k, v in sorted(preview.decided.items())},
            "assigned": len(assignment.plan.added),
        },
    )
    if notify:  # in the same transaction: the mails exist exactly when the shortlist does
        notify_shortlist(preview, entries)
    db.session.flush()


def notify_shortlist(preview: ShortlistPreview, entries: dict[int, Entry]) -> int:
    """Tell each exhibitor contact, in their language, whether their entry goes through."""
    sent = 0
    for entry_id in preview.advancing + preview.eliminated:
        entry = entries[entry_id]
        through = entry_id in preview.advancing
        for user in db.session.scalars(
            db.select(User).where(User.organisation_id == entry.organisation_id, User.role == "exhibitor")
        ):
            stand = f"{entry.organisation.hall} {entry.organisation.stand}".strip()
            notifications.notify(
                user,
                "shortlist",
                key=f"round:{preview.round.id}:entry:{entry.id}:{'finalist' if through else 'out'}",
                title=entry.title,
                through=through,
                stand=stand,
            )
            sent += 1
    return sent


# --- stand visits -------------------------------------------------------------------------------------------------


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text or "")]


@dataclass(frozen=True)
class Visit:
    entry: Entry
    starts_at: datetime | None
    ends_at: datetime | None


def walking_order(hall: str, stand: str, entry_id: int) -> tuple:
    """The visit schedule's order: hall, then stand number (B9 before B10), then the entry."""
    return (_natural(hall), _natural(stand), entry_id)


def stand_order(round_: Round) -> list[tuple[int, str, str]]:
    """(entry id, hall, stand) of the round's finalists in walking order: the schedule without loading entries."""
    rows = db.session.execute(
        db.select(Entry.id, Organisation.hall, Organisation.stand)
        .join(Organisation, Organisation.id == Entry.organisation_id)
        .where(
            Entry.category_id == round_.category_id, Entry.status == "submitted", Entry.round_reached >= round_.position
        )
    ).all()
    return sorted(((entry, hall, stand) for entry, hall, stand in rows), key=lambda r: walking_order(r[1], r[2], r[0]))


def visit_schedule(round_: Round) -> list[Visit]:
    """The finalists in walking order (hall, then stand number) with one slot each."""
    entries = db.session.scalars(
        db.select(Entry)
        .where(
            Entry.category_id == round_.category_id, Entry.status == "submitted", Entry.round_reached >= round_.position
        )
        .options(joinedload(Entry.organisation))
    ).all()
    entries = sorted(entries, key=lambda e: walking_order(e.organisation.hall, e.organisation.stand, e.id))
    slot = timedelta(minutes=round_.slot_minutes or 10)
    visits = []
    for index, entry in enumerate(entries):
        start = round_.visit_starts_at + index * slot if round_.visit_starts_at else None
        visits.append(Visit(entry=entry, starts_at=start, ends_at=start + slot if start else None))
    return visits


# --- joint winners and sign-off -----------------------------------------------------------------------------------


def is_president(user: User, category: Category) -> bool:
    return (
        db.session.scalar(
            db.select(JuryMember.id)
            .join(Jury, Jury.id == JuryMember.jury_id)
            .where(Jury.category_id == category.id, JuryMember.user_id == user.id, JuryMember.is_president.is_(True))
        )
        is not None
    )


def can_decide(user: User, category: Category) -> bool:
    """Organisers and the category's jury president may sign off and decide ties."""
    return user.role == "organiser" or is_president(user, category)


def decide_joint_winners(*, actor: User, round_: Round, entry_ids: list[int], reason: str) -> TieDecision:
    if not can_decide(actor, round_.category):
        raise Refused(_("Only an organiser or the jury president can decide a tie."), 403)
    if not reason.strip():
        raise Refused(_("Give the reason for the shared first place."), 400)
    ranking = round_results(round_).ranking
    top = [line for line in ranking[: len(entry_ids)]]
    if (
        len(entry_ids) < 2
        or {l.entry for l in top} != set(entry_ids)
        or not all(any(f.is_tie for f in l.flags) for l in top)
    ):
        raise Refused(_("Joint winners must be tied entries at the top of the ranking."), 409)
    decision = TieDecision(
        round_id=round_.id, entry_ids=sorted(entry_ids), reason=reason.strip(), decided_by_id=actor.id
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor=actor,
        action="results.joint_winners",
        obj=decision,
        edition_id=round_.category.edition_id,
        after={"entries": sorted(entry_ids), "reason": reason},
    )
    db.session.flush()
    return decision


def deciding_round(category: Category) -> Round:
    """The round whose ranking gives the trophy: the furthest round that has entries in it."""
    for round_ in sorted(category.rounds, key=lambda r: -r.position):
        if db.session.scalar(
            db.select(Entry.id)
            .where(
                Entry.category_id == category.id, Entry.status == "submitted", Entry.round_reached >= round_.position
            )
            .limit(1)
        ):
            return round_
    return min(category.rounds, key=lambda r: r.position)


@dataclass(frozen=True)
class SignOffStatus:
    """Where a round's sign-off stands: "missing", "valid" or "void" (`changed`: the kinds of input that moved)."""

    state: str
    sign_off: SignOff | None = None
    changed: tuple[str, ...] = ()


def signoff_status(round_: Round) -> SignOffStatus:
    """A sign-off holds only while the fingerprint of the round's inputs is the one the president approved."""
    from .seal import changed_parts

    signed = db.session.scalar(db.select(SignOff).where(SignOff.round_id == round_.id))
    if signed is None:
        return SignOffStatus("missing")
    inputs = result_inputs(round_)  # the fingerprint of the inputs is enough: no ranking computed here
    if signed.voided_at is None and signed.fingerprint == inputs_fingerprint(inputs):
        return SignOffStatus("valid", signed)
    changed = tuple(signed.void_reasons or changed_parts(signed.inputs, inputs))
    return SignOffStatus("void", signed, changed)


def sign_off(*, actor: User, round_: Round, accept_incomplete: bool = False) -> SignOff:
    """The jury president approves the round's ranking as it stands now (its inputs and their fingerprint are
    stored with the approval). Entries with too few scorecards need an explicit confirmation."""
    if not is_president(actor, round_.category):
        raise Refused(
            _(
                "Only the jury president signs off the ranking. An organiser can let the ceremony export "
                "go ahead without it, with a recorded reason."
            ),
            403,
        )
    outcome = round_results(round_)
    incomplete = [
        outcome.entries[line.entry].title
        for line in outcome.ranking
        if INCOMPLETE in line.flags and line.entry in outcome.entries
    ]
    if incomplete and not accept_incomplete:
        raise Refused(
            _(
                "%(n)d entries have fewer scorecards than required: %(titles)s. Tick the confirmation to "
                "sign off anyway.",
                n=len(incomplete),
                titles=", ".join(incomplete),
            ),
            409,
        )
    existing = db.session.scalar(db.select(SignOff).where(SignOff.round_id == round_.id))
    if existing is None:
        existing = SignOff(round_id=round_.id)
        db.session.add(existing)
    existing.signed_by_id, existing.fingerprint, existing.inputs = actor.id, outcome.fingerprint, outcome.inputs
    existing.signed_at, existing.voided_at, existing.void_reasons = utcnow(), None, None
    db.session.flush()
    audit.record(
        actor=actor,
        action="results.sign_off",
        obj=existing,
        edition_id=round_.category.edition_id,
        after={"round": round_.id, "fingerprint": outcome.fingerprint, "incomplete": incomplete},
    )
    db.session.flush()
    return existing


def unsigned_categories(edition: Edition) -> list[Category]:
    """Categories whose deciding round has no valid sign-off (none, or voided by a change since). A category
    without a single submitted entry has nothing to award, so nothing to sign off."""
    return [
        category
        for category in edition.categories
        if _has_entries(category) and signoff_status(deciding_round(category)).state != "valid"
    ]


def _has_entries(category: Category) -> bool:
    return (
        db.session.scalar(
            db.select(Entry.id).where(Entry.category_id == category.id, Entry.status == "submitted").limit(1)
        )
        is not None
    )


def override_fingerprint(edition: Edition) -> str:
    """The fingerprint of every category's deciding result: an override holds for these results only."""
    return inputs_fingerprint(
        {str(c.id): inputs_fingerprint(result_inputs(deciding_round(c))) for c in edition.categories}
    )


def active_override(edition: Edition) -> str:
    """The organiser's recorded reason for exporting without every sign-off, if it still holds ('' otherwise)."""
    if edition.signoff_override_reason and edition.signoff_override_fingerprint == override_fingerprint(edition):
        return edition.signoff_override_reason
    return ""


def ensure_ceremony_export_allowed(edition: Edition) -> str:
    """The ceremony export waits for every valid sign-off, unless an organiser overrode the gate for these very
    results (recorded as the organiser's, with the reason; any later change to the results ends it). Returns
    the override's reason when the export goes ahead under it, '' when every sign-off holds."""
    missing = unsigned_categories(edition)
    if not missing:
        return ""
    override = active_override(edition)
    if not override:
        raise Refused(
            _(
                "The ceremony export waits for the sign-off of: %(names)s.",
                names=", ".join(c.name(language()) for c in missing),
            ),
            409,
        )
    return override


def override_signoff(*, actor: User, edition: Edition, reason: str) -> None:
    if actor.role != "organiser":
        raise Refused(_("Only an organiser can override the sign-off."), 403)
    if len(reason.strip()) < 5:
        raise Refused(_("Give the reason for exporting before every sign-off."), 400)
    edition.signoff_override_reason = reason.strip()
    edition.signoff_override_by_id = actor.id
    edition.signoff_override_fingerprint = override_fingerprint(edition)
    audit.record(
        actor=actor,
        action="results.signoff_override",
        obj=edition,
        edition_id=edition.id,
        after={
            "reason": reason.strip(),
            "unsigned": [c.code for c in unsigned_categories(edition)],
            "fingerprint": edition.signoff_override_fingerprint,
        },
    )
    db.session.flush()


# --- settings -------------------------------------------------------------------------------------------------------

ROUND_FIELDS = (
    "name",
    "name_fr",
    "scoring_opens_at",
    "scoring_closes_at",
    "jurors_per_entry",
    "method",
    "previous_round_weight",
    "visit_starts_at",
    "slot_minutes",
)


def update_round(*, actor: User, round_: Round, values: dict) -> Round:
    """Change a round's settings (recorded); an empty method means the edition's."""
    before = {f: str(getattr(round_, f)) for f in ROUND_FIELDS}
    for name in ROUND_FIELDS:
        if name in values:
            setattr(round_, name, values[name])
    round_.method = round_.method or None
    audit.record(
        actor=actor,
        action="round.update",
        obj=round_,
        edition_id=round_.category.edition_id,
        before=before,
        after={f: str(getattr(round_, f)) for f in ROUND_FIELDS},
    )
    db.session.flush()
    return round_


# --- calibration --------------------------------------------------------------------------------------------------


def set_calibration_samples(*, actor: User, round_: Round, entry_ids: list[int]) -> None:
    db.session.execute(db.delete(CalibrationSample).where(CalibrationSample.round_id == round_.id))
    for entry_id in sorted(set(entry_ids)):
        entry = db.session.get(Entry, entry_id)
        if entry is None or entry.category_id != round_.category_id:
            raise Refused(_("Calibration samples must be entries of this category."), 400)
        db.session.add(CalibrationSample(round_id=round_.id, entry_id=entry_id))
    audit.record(
        actor=actor,
        action="round.calibration_samples",
        obj=round_,
        edition_id=round_.category.edition_id,
        after={"entries": sorted(set(entry_ids))},
    )
    db.session.flush()


def calibration_samples(round_: Round) -> list[Entry]:
    return db.session.scalars(
        db.select(Entry)
        .join(CalibrationSample, CalibrationSample.entry_id == Entry.id)
        .where(CalibrationSample.round_id == round_.id)
        .order_by(Entry.id)
    ).all()


def calibration_comparison(round_: Round, juror: User) -> list[tuple[Entry, float | None, float | None, int]]:
    """(sample, the juror's total, the other jurors' mean, how many others) for each calibration sample."""
    rows = []
    for entry in calibration_samples(round_):
        cards = db.session.scalars(
            db.select(Scorecard).where(
                Scorecard.round_id == round_.id,
                Scorecard.entry_id == entry.id,
                Scorecard.purpose == "calibration",
                Scorecard.weighted_total.is_not(None),
            )
        ).all()
        mine = next((c.weighted_total for c in cards if c.juror_id == juror.id), None)
        others = [c.weighted_total for c in cards if c.juror_id != juror.id]
        rows.append((entry, mine, sum(others) / len(others) if others else None, len(others)))
    return rows


# --- criteria -----------------------------------------------------------------------------------------------------


@dataclass
class CriterionInput:
    key: str
    name_en: str
    name_fr: str
    guidance_en: str
    guidance_fr: str
    weight: float
    scale_min: int
    scale_max: int


class CriteriaRefused(Refused):
    def __init__(self, message: str, errors: list[str], status: int = 400):
        super().__init__(message, status)
        self.errors = errors


def criteria_locked(round_: Round) -> bool:
    """Once the round's scoring has opened or scores exist, a change needs explicit confirmation."""
    from ..models import utcnow
    from .scorecards import window_of

    window = window_of(round_, round_.category.edition)
    opened = window.opens_at is not None and utcnow() >= window.opens_at
    return (
        opened or db.session.scalar(db.select(Scorecard.id).where(Scorecard.round_id == round_.id).limit(1)) is not None
    )


# A criterion's key names its mark in forms, JSON and the tablet's script: a slug, never a quote or a space.
CRITERION_KEY = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")
SCALE_LIMIT = 1000


def validate_criteria(rows: list[CriterionInput]) -> list[str]:
    """Clear messages for every problem: keys, names, scales, unique keys, and weights totalling exactly 100%."""
    errors = []
    if not rows:
        errors.append(_("A round needs at least one criterion."))
    for row in rows:
        if len(row.key) > 40 or not CRITERION_KEY.fullmatch(row.key):
            errors.append(
                _(
                    "%(key)s: a criterion's key uses only lower-case letters, digits, '-' and '_' (at most 40).",
                    key=row.key[:40],
                )
            )
        if not -SCALE_LIMIT <= row.scale_min <= SCALE_LIMIT or not -SCALE_LIMIT <= row.scale_max <= SCALE_LIMIT:
            errors.append(
                _(
                    "%(name)s: the scale must stay between -%(limit)d and %(limit)d.",
                    name=row.name_en or row.key,
                    limit=SCALE_LIMIT,
                )
            )
        if not row.name_en.strip() or not row.name_fr.strip():
            errors.append(_("Every criterion needs a name in English and in French."))
        if row.weight <= 0:
            errors.append(_("%(name)s: the weight must be above 0.", name=row.name_en or row.key))
        if row.scale_max <= row.scale_min:
            errors.append(_("%(name)s: the scale maximum must be above its minimum.", name=row.name_en or row.key))
    keys = [row.key for row in rows]
    if len(set(keys)) != len(keys):
        errors.append(_("Two criteria have the same name."))
    total = sum(row.weight for row in rows)
    if rows and abs(total - 100) > 0.01:
        errors.append(_("The weights total %(total)s%%; they must total 100%%.", total=f"{total:g}"))
    return errors


def update_criteria(*, actor: User, round_: Round, rows: list[CriterionInput], confirmed: bool) -> int:
    """Replace the round's criteria; recorded, and the stored totals recomputed. Returns the cards recomputed."""
    from ..models import Criterion

    errors = validate_criteria(rows)
    if errors:
        raise CriteriaRefused(_("The criteria were not saved."), errors)
    if criteria_locked(round_) and not confirmed:
        raise CriteriaRefused(
            _("Scoring has opened for this round: tick the confirmation to change its criteria."),
            [_("Scores already given keep their marks; their totals are recomputed with the new weights.")],
            409,
        )
    before = [
        {"key": c.key, "name": c.name_en, "weight": c.weight, "min": c.scale_min, "max": c.scale_max}
        for c in round_.criteria
    ]
    existing = {c.key: c for c in round_.criteria}
    kept = set()
    for position, row in enumerate(rows):
        criterion = existing.get(row.key) or Criterion(round_id=round_.id, key=row.key)
        if criterion.id is None:
            db.session.add(criterion)
        criterion.position, criterion.name_en, criterion.name_fr = position, row.name_en.strip(), row.name_fr.strip()
        criterion.guidance_en, criterion.guidance_fr = row.guidance_en.strip(), row.guidance_fr.strip()
        criterion.weight, criterion.scale_min, criterion.scale_max = row.weight, row.scale_min, row.scale_max
        kept.add(row.key)
    for key, criterion in existing.items():
        if key not in kept:
            db.session.delete(criterion)
    db.session.flush()
    db.session.expire(round_, ["criteria"])
    audit.record(
        actor=actor,
        action="criteria.edit",
        obj=round_,
        edition_id=round_.category.edition_id,
        before={"criteria": before},
        after={
            "criteria": [
                {"key": r.key, "name": r.name_en, "weight": r.weight, "min": r.scale_min, "max": r.scale_max}
                for r in rows
            ],
            "confirmed": confirmed,
        },
    )
    count = recompute_totals(round_)
    db.session.flush()
    return count


def recompute_totals(round_: Round) -> int:
    """Store every scorecard's weighted total again with the round's current criteria (after a weight change)."""
    from .scorecards import weighted_total_or_none

    criteria = list(round_.criteria)
    cards = db.session.scalars(db.select(Scorecard).where(Scorecard.round_id == round_.id)).all()
    for card in cards:
        marks = {
            c.key: card.marks[c.key]
            for c in criteria
            if c.key in card.marks and c.scale_min <= card.marks[c.key] <= c.scale_max
        }
        card.weighted_total = weighted_total_or_none(marks, criteria)
    return len(cards)


# --- the whole edition at once --------------------------------------------------------------------------------------


def preview_edition_shortlist(edition: Edition, *, top: int) -> list[ShortlistPreview]:
    """The top `top` of every category's first round go through to its next round (ties at the cut included)."""
    previews = []
    for category in edition.categories:
        first = category.rounds[0] if category.rounds else None
        if first is None or next_round(first) is None or not _has_entries(category):
            continue
        previews.append(preview_shortlist(first, rule="top", top=top))
    return previews


def apply_edition_shortlist(*, actor: User, edition: Edition, top: int) -> list[ShortlistPreview]:
    """Shortlist every category as previewed, in one transaction: a refusal in one category (an entry without a
    complete score, a finalist without a juror) leaves every category as it was."""
    previews = preview_edition_shortlist(edition, top=top)
    for preview in previews:
        apply_shortlist(actor=actor, preview=preview)
    return previews
