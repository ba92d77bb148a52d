"""The results lifecycle: scoring open -> results frozen -> results published (unfreezing and unpublishing are
recorded). Publishing is one deliberate act checked in one place (`readiness`); telling the exhibitors is a
separate step (`send_result_mails`), done once.

Freezing stores an immutable snapshot of every round's ranking with its method, parameters and the
fingerprint of the scorecards it came from; while frozen, every score change is refused (see
`jury.scorecards.ensure_can_score`), and exports come from the snapshot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask_babel import gettext as _

import scoring
from scoring.flags import INCOMPLETE, TIE_UNDECIDED, FlagKind

from ..errors import Refused
from ..extensions import db
from ..models import Category, Edition, Entry, ResultSnapshot, Round, User, utcnow
from ..templating import language
from . import audit, notifications
from .results import round_results, winners

WINNER, FINALIST = "winner", "finalist"


def _serialise(line: scoring.RankedEntry) -> dict:
    data = asdict(line)
    data["flags"] = [flag.to_dict() for flag in line.flags]
    data["rank_interval"] = list(line.rank_interval) if line.rank_interval else None
    return data


def _deserialise(data: dict) -> scoring.RankedEntry:
    values = dict(data)
    values.pop("tie_break", None)  # snapshots stored before ties were kept as data had it in English words
    tie = values.get("tie")
    values["tie"] = scoring.TieBreak(**{**tie, "shared": tuple(tie.get("shared") or ())}) if tie else None
    values["flags"] = tuple(scoring.Flag.from_dict(flag) for flag in values.get("flags") or ())
    values["rank_interval"] = tuple(values["rank_interval"]) if values.get("rank_interval") else None
    return scoring.RankedEntry(**values)


def freeze(*, actor: User, edition: Edition) -> list[ResultSnapshot]:
    """Snapshot every round of every category and refuse score changes from now on."""
    if edition.results_state != "open":
        raise Refused(_("The results are already frozen."), 409)
    snapshots = []
    for category in edition.categories:
        for round_ in category.rounds:
            outcome = round_results(round_, stability=True)
            snapshot = ResultSnapshot(
                edition_id=edition.id,
                round_id=round_.id,
                created_by_id=actor.id,
                method=outcome.method,
                parameters={
                    "trim": edition.trim,
                    "min_scorecards": edition.min_scorecards,
                    "seed": round_.id,
                    "resamples": 1000,
                },
                fingerprint=outcome.fingerprint,
                ranking=[_serialise(line) for line in outcome.ranking],
            )
            db.session.add(snapshot)
            snapshots.append(snapshot)
    before = {"results_state": edition.results_state}
    edition.results_state = "frozen"
    db.session.flush()
    audit.record(
        actor=actor,
        action="results.freeze",
        obj=edition,
        edition_id=edition.id,
        before=before,
        after={"results_state": "frozen", "fingerprints": {str(s.round_id): s.fingerprint for s in snapshots}},
    )
    db.session.flush()
    return snapshots


def unfreeze(*, actor: User, edition: Edition, reason: str) -> None:
    """Allow score changes again; the snapshots stay, marked superseded, and the reason is recorded."""
    if edition.results_state != "frozen":
        raise Refused(_("Only frozen, unpublished results can be unfrozen."), 409)
    now = utcnow()
    for snapshot in db.session.scalars(
        db.select(ResultSnapshot).where(ResultSnapshot.edition_id == edition.id, ResultSnapshot.superseded_at.is_(None))
    ):
        snapshot.superseded_at = now
    edition.results_state = "open"
    audit.record(
        actor=actor,
        action="results.unfreeze",
        obj=edition,
        edition_id=edition.id,
        before={"results_state": "frozen"},
        after={"results_state": "open", "reason": reason.strip()},
    )
    db.session.flush()


def current_snapshot(round_: Round) -> ResultSnapshot | None:
    return db.session.scalar(
        db.select(ResultSnapshot)
        .where(ResultSnapshot.round_id == round_.id, ResultSnapshot.superseded_at.is_(None))
        .order_by(ResultSnapshot.id.desc())
        .limit(1)
    )


def snapshot_ranking(snapshot: ResultSnapshot) -> list[scoring.RankedEntry]:
    return [_deserialise(line) for line in snapshot.ranking]


def with_snapshot(outcome, snapshot: ResultSnapshot):
    """The live results of a round, with the ranking, method and fingerprint replaced by the frozen ones.

    The frozen ranking may name entries that have left the round since (withdrawn, disqualified): they are
    loaded too, so that every page and export can show them with their status instead of failing.
    """
    from dataclasses import replace

    ranking = snapshot_ranking(snapshot)
    entries = dict(outcome.entries)
    missing = [line.entry for line in ranking if line.entry not in entries]
    if missing:
        entries.update({e.id: e for e in db.session.scalars(db.select(Entry).where(Entry.id.in_(missing)))})
    return replace(outcome, ranking=ranking, method=snapshot.method, fingerprint=snapshot.fingerprint, entries=entries)


# --- publishing: readiness, publication, result mails ---------------------------------------------------------------


def _deciding_ranking(category: Category) -> tuple[Round, ResultSnapshot | None, list[scoring.RankedEntry]]:
    """The round that gives the trophy (`rounds.deciding_round`, the one place that says so), its frozen
    snapshot if any, and the ranking shown for it: the frozen one, else the live one."""
    from . import rounds

    round_ = rounds.deciding_round(category)
    snapshot = current_snapshot(round_)
    ranking = snapshot_ranking(snapshot) if snapshot is not None else round_results(round_).ranking
    return round_, snapshot, ranking


def deciding_ranking(category: Category) -> tuple[Round, ResultSnapshot | None, list[scoring.RankedEntry]]:
    """The deciding round of the category, its frozen snapshot if any, and the ranking shown for it."""
    return _deciding_ranking(category)


def _first_place(ranking: list[scoring.RankedEntry]) -> list[scoring.RankedEntry]:
    """Every scored, complete line at rank 1, decided or not (`results.winners` says who wins)."""
    return [line for line in ranking if line.rank == 1 and line.score is not None and INCOMPLETE not in line.flags]


def _undecided_tie(ranking: list[scoring.RankedEntry]) -> list[int]:
    """Entries sharing first place without the jury's joint-winner decision (never printed as joint winners)."""
    top = _first_place(ranking)
    joint = [line for line in top if any(f.kind is FlagKind.JOINT_WINNER for f in line.flags)]
    if any(TIE_UNDECIDED in line.flags for line in top) or (len(top) > 1 and len(joint) != len(top)):
        return [line.entry for line in top]
    return []


def decided_outcomes(edition: Edition) -> dict[int, str]:
    """Entry id -> 'winner' or 'finalist', from the frozen snapshot of each category's deciding round.

    Winners hold rank 1 (a shared first place makes joint winners); finalists are the rest of the podium
    and every entry that reached the final round. An entry withdrawn or disqualified since is neither.
    """
    result: dict[int, str] = {}
    for category in edition.categories:
        final, snapshot, ranking = _deciding_ranking(category)
        if snapshot is None:
            continue
        won = {line.entry for line in winners(ranking)}
        for line in ranking:
            if line.score is None or INCOMPLETE in line.flags:
                continue
            if line.entry in won:
                result[line.entry] = WINNER
            elif line.rank <= 3:
                result[line.entry] = FINALIST
        if final.position > 1:
            for entry_id in db.session.scalars(
                db.select(Entry.id).where(
                    Entry.category_id == category.id, Entry.status == "submitted", Entry.round_reached >= final.position
                )
            ):
                result.setdefault(entry_id, FINALIST)
    if result:  # the public page and the mails must never name an entry that no longer competes
        gone = set(
            db.session.scalars(db.select(Entry.id).where(Entry.id.in_(list(result)), Entry.status != "submitted"))
        )
        result = {entry_id: outcome for entry_id, outcome in result.items() if entry_id not in gone}
    return result


def outcomes(edition: Edition) -> dict[int, str]:
    """What the public and the exhibitors may know: the decided outcomes, once (and while) published."""
    if edition.results_state != "published":
        return {}
    return decided_outcomes(edition)


@dataclass(frozen=True)
class ResultMail:
    to: User
    language: str
    subject: str
    body: str
    context: dict = field(default_factory=dict, compare=False, repr=False)  # what the template was given


def _result_mail(
    user: User, entries: list[Entry], by_entry: dict[int, str], edition: Edition, language: str
) -> ResultMail:
    context = dict(user=user, edition=edition.name, outcomes=[(e.title, by_entry.get(e.id)) for e in entries])
    subject, body, _html = notifications.render("results", language=language, **context)
    return ResultMail(user, language, subject, body, context)


def _recipients(edition: Edition) -> list[tuple[User, list[Entry]]]:
    """Each exhibitor contact with their company's submitted entries of the edition."""
    rows = []
    users = db.session.scalars(
        db.select(User).where(User.role == "exhibitor", User.organisation_id.is_not(None)).order_by(User.id)
    )
    for user in users:
        entries = db.session.scalars(
            db.select(Entry)
            .where(
                Entry.edition_id == edition.id,
                Entry.organisation_id == user.organisation_id,
                Entry.status == "submitted",
            )
            .order_by(Entry.id)
        ).all()
        if entries:
            rows.append((user, entries))
    return rows


def result_mails(edition: Edition) -> list[ResultMail]:
    """The result mails: to each exhibitor contact, in their language, how each of their
    entries did (won, finalist, not shortlisted), never a score."""
    by_entry = decided_outcomes(edition)
    return [
        _result_mail(user, entries, by_entry, edition, "fr" if user.language == "fr" else "en")
        for user, entries in _recipients(edition)
    ]


@dataclass(frozen=True)
class CategoryReadiness:
    """Where one category stands before publication; every list holds entries, for naming them."""

    category: Category
    round: Round  # the deciding round
    frozen: bool
    signed_off: bool
    incomplete: list  # entries of the deciding round with fewer scorecards than the minimum
    undecided_tie: list  # entries sharing first place without a joint-winner decision
    unfit_winners: list  # winners withdrawn or disqualified since the freeze
    winners: list

    @property
    def complete(self) -> bool:
        return not self.incomplete

    @property
    def ready(self) -> bool:
        return (
            self.frozen
            and self.signed_off
            and not self.incomplete
            and not self.undecided_tie
            and not self.unfit_winners
        )

    def reasons(self, language: str) -> list[str]:
        name = self.category.name(language)
        titles = lambda entries: ", ".join(e.title for e in entries)  # noqa: E731
        reasons = []
        if not self.frozen:
            reasons.append(_("%(category)s: the results are not frozen.", category=name))
        if not self.signed_off:
            reasons.append(
                _("%(category)s: the ranking is not signed off, or changed since its sign-off.", category=name)
            )
        if self.incomplete:
            reasons.append(
                _(
                    "%(category)s: fewer scorecards than the minimum for %(entries)s.",
                    category=name,
                    entries=titles(self.incomplete),
                )
            )
        if self.undecided_tie:
            reasons.append(
                _(
                    "%(category)s: %(entries)s share first place and the jury has not decided the tie.",
                    category=name,
                    entries=titles(self.undecided_tie),
                )
            )
        if self.unfit_winners:
            reasons.append(
                _(
                    "%(category)s: the winner %(entries)s has been withdrawn or disqualified.",
                    category=name,
                    entries=titles(self.unfit_winners),
                )
            )
        return reasons


@dataclass(frozen=True)
class Readiness:
    edition: Edition
    categories: list[CategoryReadiness]
    mails: list[ResultMail]

    @property
    def ready(self) -> bool:
        return self.edition.results_state == "frozen" and all(c.ready for c in self.categories)

    def reasons(self, language: str) -> list[str]:
        reasons = []
        if self.edition.results_state == "open":
            reasons.append(_("The results are not frozen: freeze them first."))
        elif self.edition.results_state == "published":
            reasons.append(_("The results are already published."))
        for category in self.categories:
            reasons += category.reasons(language)
        return reasons

    def mails_per_language(self) -> dict[str, int]:
        counts = {"en": 0, "fr": 0}
        for mail in self.mails:
            counts[mail.language] += 1
        return counts

    def previews(self) -> dict[str, ResultMail | None]:
        """One mail in each language: a real recipient's, else the first recipient's as it would read."""
        by_entry = decided_outcomes(self.edition)
        recipients = _recipients(self.edition)
        previews: dict[str, ResultMail | None] = {}
        for language_ in ("en", "fr"):
            mail = next((m for m in self.mails if m.language == language_), None)
            if mail is None and recipients:
                user, entries = recipients[0]
                mail = _result_mail(user, entries, by_entry, self.edition, language_)
            previews[language_] = mail
        return previews


def readiness(edition: Edition) -> Readiness:
    """Everything publication depends on, per category: frozen, signed off (`rounds.unsigned_categories`),
    complete, no undecided tie at the top, no withdrawn or disqualified winner; and the mails it would send."""
    from . import rounds

    unsigned = {c.id for c in rounds.unsigned_categories(edition)}
    categories = []
    for category in edition.categories:
        round_, snapshot, ranking = _deciding_ranking(category)
        named = {
            e.id: e for e in db.session.scalars(db.select(Entry).where(Entry.id.in_([line.entry for line in ranking])))
        }
        won = [named[line.entry] for line in winners(ranking)]
        categories.append(
            CategoryReadiness(
                category=category,
                round=round_,
                frozen=edition.results_state in ("frozen", "published") and snapshot is not None,
                # A category nobody entered has nothing to sign: it shows "no award" and sends no mail.
                signed_off=category.id not in unsigned or not ranking,
                incomplete=[named[line.entry] for line in ranking if INCOMPLETE in line.flags],
                undecided_tie=[named[entry_id] for entry_id in _undecided_tie(ranking)],
                unfit_winners=[e for e in won if e.status != "submitted"],
                winners=won,
            )
        )
    return Readiness(edition=edition, categories=categories, mails=result_mails(edition))


class NotReady(Refused):
    """Publication refused, with every reason (shown on the readiness page)."""

    def __init__(self, message: str, reasons: list[str], status: int = 409):
        super().__init__(message, status)
        self.reasons = reasons


def publish(*, actor: User, edition: Edition, confirmed: bool) -> Readiness:
    """Make the winners page public, once every category is ready and the organiser confirmed. Sends no mail:
    telling the exhibitors is the separate step `send_result_mails`."""
    if edition.results_state == "published":
        raise NotReady(_("The results are already published."), [], 409)
    state = readiness(edition)
    if not state.ready:
        raise NotReady(_("The results cannot be published yet."), state.reasons(language()), 409)
    if not confirmed:
        raise NotReady(_("Tick the confirmation to publish the results."), [], 400)
    edition.results_state = "published"
    winners_now = {c.category.code: sorted(e.id for e in c.winners) for c in state.categories}
    winners_before = published_winners(edition)
    audit.record(
        actor=actor,
        action="results.publish",
        obj=edition,
        edition_id=edition.id,
        before={"results_state": "frozen"},
        after={"results_state": "published", "winners": winners_now},
    )
    db.session.flush()
    _announce(edition, state, winners_before, winners_now)
    return state


def published_winners(edition: Edition) -> dict[str, list[int]] | None:
    """Category code -> winning entry ids as last published (from the audit trail), None if never published."""
    from ..models import AuditEvent

    event = db.session.scalar(
        db.select(AuditEvent)
        .where(AuditEvent.edition_id == edition.id, AuditEvent.action == "results.publish")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    if event is None or not isinstance(event.after, dict):
        return None
    return {code: sorted(ids) for code, ids in (event.after.get("winners") or {}).items()}


def _winner_data(entry: Entry) -> dict:
    return {"id": entry.id, "title": entry.title, "company": entry.organisation.name}


def _announce(edition: Edition, state: Readiness, before: dict[str, list[int]] | None, now: dict[str, list[int]]):
    """Webhooks of a publication: always `results.published`; `winner.changed` for each category whose winners
    differ from those of the edition's previous publication (results unpublished, changed, published again)."""
    from . import webhooks

    categories = [
        {
            "id": c.category.id,
            "code": c.category.code,
            "name": c.category.name_en,
            "winners": [_winner_data(e) for e in c.winners],
        }
        for c in state.categories
    ]
    webhooks.emit("results.published", {"edition": {"id": edition.id, "slug": edition.slug}, "categories": categories})
    if before is None:
        return
    for category in categories:
        if before.get(category["code"], []) != now.get(category["code"], []):
            webhooks.emit(
                "winner.changed",
                {
                    "edition": {"id": edition.id, "slug": edition.slug},
                    "category": {k: category[k] for k in ("id", "code", "name")},
                    "previous_winner_ids": before.get(category["code"], []),
                    "winners": category["winners"],
                },
            )


def unpublish(*, actor: User, edition: Edition, reason: str) -> None:
    """Hide the winners page again (the results stay frozen); the reason is recorded."""
    if edition.results_state != "published":
        raise NotReady(_("The results are not published."), [], 409)
    if len(reason.strip()) < 5:
        raise NotReady(_("Give the reason for unpublishing the results (it is recorded)."), [], 400)
    edition.results_state = "frozen"
    audit.record(
        actor=actor,
        action="results.unpublish",
        obj=edition,
        edition_id=edition.id,
        before={"results_state": "published"},
        after={"results_state": "frozen", "reason": reason.strip()},
    )
    db.session.flush()


def send_result_mails(*, actor: User, edition: Edition, confirmed: bool) -> int:
    """Tell each exhibitor contact, in their language, how their entries did. Once per edition: the claim on
    `results_mailed_at` is taken in the database, so two clicks (or two organisers) never send twice. The mails
    go out once the commit succeeds; returns how many."""
    if edition.results_state != "published":
        raise NotReady(_("Publish the results before sending the result mails."), [], 409)
    if edition.results_mailed_at is not None:
        raise NotReady(_("The result mails have already been sent; they are never sent twice."), [], 409)
    if not confirmed:
        raise NotReady(_("Tick the confirmation to send the result mails."), [], 400)
    mails = result_mails(edition)
    claimed = db.session.execute(
        db.update(Edition)
        .where(Edition.id == edition.id, Edition.results_mailed_at.is_(None))
        .values(results_mailed_at=utcnow())
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise NotReady(_("The result mails have already been sent; they are never sent twice."), [], 409)
    counts = {"en": 0, "fr": 0}
    for mail in mails:
        counts[mail.language] += 1
    audit.record(
        actor=actor,
        action="results.mail",
        obj=edition,
        edition_id=edition.id,
        after={"mails": len(mails), "per_language": counts},
    )
    for mail in mails:
        notifications.queue(
            "results",
            to=mail.to.email,
            language=mail.language,
            key=f"edition:{edition.id}",
            branding=edition.show.branding_name,
            **mail.context,
        )
    db.session.flush()
    db.session.refresh(edition)
    return len(mails)
