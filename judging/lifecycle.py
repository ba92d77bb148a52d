"""The results lifecycle: scoring open -> results frozen -> results published (unfreezing is recorded).

Freezing stores an immutable snapshot of every round's ranking with its method, parameters and the
fingerprint of the scorecards it came from; while frozen, every score change is refused (see
`jury.scorecards.ensure_can_score`), and exports come from the snapshot.
"""
from __future__ import annotations

from dataclasses import asdict

from flask_babel import gettext as _

import scoring

from . import audit
from .errors import Refused
from .extensions import db
from .transaction import commit
from .mail import send_in_language
from .models import Category, Edition, Entry, ResultSnapshot, Round, User, utcnow
from .results import round_results, winners

WINNER, FINALIST = "winner", "finalist"


def _serialise(line: scoring.RankedEntry) -> dict:
    data = asdict(line)
    data["flags"] = list(line.flags)
    data["rank_interval"] = list(line.rank_interval) if line.rank_interval else None
    return data


def _deserialise(data: dict) -> scoring.RankedEntry:
    values = dict(data)
    values.pop("tie_break", None)  # snapshots stored before ties were kept as data had it in English words
    tie = values.get("tie")
    values["tie"] = scoring.TieBreak(**{**tie, "shared": tuple(tie.get("shared") or ())}) if tie else None
    values["flags"] = tuple(values.get("flags") or ())
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
                edition_id=edition.id, round_id=round_.id, created_by_id=actor.id, method=outcome.method,
                parameters={"trim": edition.trim, "min_scorecards": edition.min_scorecards, "seed": round_.id,
                            "resamples": 1000},
                fingerprint=outcome.fingerprint, ranking=[_serialise(line) for line in outcome.ranking])
            db.session.add(snapshot)
            snapshots.append(snapshot)
    before = {"results_state": edition.results_state}
    edition.results_state = "frozen"
    db.session.flush()
    audit.record(actor=actor, action="results.freeze", obj=edition, edition_id=edition.id, before=before,
                 after={"results_state": "frozen",
                        "fingerprints": {str(s.round_id): s.fingerprint for s in snapshots}})
    commit()
    return snapshots


def unfreeze(*, actor: User, edition: Edition, reason: str) -> None:
    """Allow score changes again; the snapshots stay, marked superseded, and the reason is recorded."""
    if edition.results_state != "frozen":
        raise Refused(_("Only frozen, unpublished results can be unfrozen."), 409)
    now = utcnow()
    for snapshot in db.session.scalars(db.select(ResultSnapshot).where(
            ResultSnapshot.edition_id == edition.id, ResultSnapshot.superseded_at.is_(None))):
        snapshot.superseded_at = now
    edition.results_state = "open"
    audit.record(actor=actor, action="results.unfreeze", obj=edition, edition_id=edition.id,
                 before={"results_state": "frozen"}, after={"results_state": "open", "reason": reason.strip()})
    commit()


def publish(*, actor: User, edition: Edition) -> int:
    """Publish frozen results: exhibitors learn whether they won or reached the final; returns mails sent."""
    if edition.results_state != "frozen":
        raise Refused(_("Freeze the results before publishing them."), 409)
    edition.results_state = "published"
    audit.record(actor=actor, action="results.publish", obj=edition, edition_id=edition.id,
                 before={"results_state": "frozen"}, after={"results_state": "published"})
    commit()
    return notify_exhibitors(edition)


def current_snapshot(round_: Round) -> ResultSnapshot | None:
    return db.session.scalar(db.select(ResultSnapshot).where(
        ResultSnapshot.round_id == round_.id, ResultSnapshot.superseded_at.is_(None))
        .order_by(ResultSnapshot.id.desc()).limit(1))


def snapshot_ranking(snapshot: ResultSnapshot) -> list[scoring.RankedEntry]:
    return [_deserialise(line) for line in snapshot.ranking]


def with_snapshot(outcome, snapshot: ResultSnapshot):
    """The live results of a round, with the ranking, method and fingerprint replaced by the frozen ones."""
    from dataclasses import replace
    return replace(outcome, ranking=snapshot_ranking(snapshot), method=snapshot.method,
                   fingerprint=snapshot.fingerprint)


def deciding_snapshot(category: Category) -> tuple[Round, ResultSnapshot] | None:
    """The last round whose frozen ranking scored anything (a category may be judged in one round only)."""
    for round_ in sorted(category.rounds, key=lambda r: -r.position):
        snapshot = current_snapshot(round_)
        if snapshot is not None and any(line.get("score") is not None for line in snapshot.ranking):
            return round_, snapshot
    return None


def outcomes(edition: Edition) -> dict[int, str]:
    """Entry id -> 'winner' or 'finalist', from the published snapshot of each category's last round.

    Winners hold rank 1 (a shared first place makes joint winners); finalists are the rest of the podium
    and every entry that reached the final round.
    """
    if edition.results_state != "published":
        return {}
    result: dict[int, str] = {}
    for category in edition.categories:
        decided = deciding_snapshot(category)
        if decided is None:
            continue
        final, snapshot = decided
        ranking = snapshot_ranking(snapshot)
        won = {line.entry for line in winners(ranking)}
        for line in ranking:
            if line.score is None or "incomplete" in line.flags:
                continue
            if line.entry in won:
                result[line.entry] = WINNER
            elif line.rank <= 3:
                result[line.entry] = FINALIST
        if final.position > 1:
            for entry_id in db.session.scalars(db.select(Entry.id).where(
                    Entry.category_id == category.id, Entry.status == "submitted",
                    Entry.round_reached >= final.position)):
                result.setdefault(entry_id, FINALIST)
    return result


def notify_exhibitors(edition: Edition) -> int:
    """Tell each exhibitor contact, in their language, that results are out and how their entries did."""
    by_entry = outcomes(edition)
    sent = 0
    users = db.session.scalars(db.select(User).where(User.role == "exhibitor", User.organisation_id.is_not(None)))
    for user in users:
        entries = db.session.scalars(db.select(Entry).where(
            Entry.edition_id == edition.id, Entry.organisation_id == user.organisation_id,
            Entry.status == "submitted")).all()
        if not entries:
            continue
        lines = []
        for entry in entries:
            outcome = by_entry.get(entry.id)
            if user.language == "fr":
                label = {WINNER: "lauréat", FINALIST: "finaliste"}.get(outcome, "non retenu")
            else:
                label = {WINNER: "winner", FINALIST: "finalist"}.get(outcome, "not shortlisted")
            lines.append(f"- {entry.title}: {label}")
        listing = "\n".join(lines)
        send_in_language(
            user,
            fr=(f"Résultats des Milipol Innovation Awards - {edition.name}",
                f"Bonjour {user.name},\n\nLes résultats sont publiés :\n{listing}\n\nMerci de votre participation."),
            en=(f"Milipol Innovation Awards results - {edition.name}",
                f"Hello {user.name},\n\nThe results are published:\n{listing}\n\nThank you for taking part."))
        sent += 1
    return sent
