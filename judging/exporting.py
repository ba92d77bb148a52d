"""From the database to `exports`: the results workbook's plain data, and the Excel imports' writes.

The numbers come from `results.round_results` (or, once frozen, from the stored snapshots), exactly as on
the results page; `exports` only lays them out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from flask_babel import force_locale, gettext as _

import scoring
from exports import (
    CategoryResults,
    CriterionInfo,
    ExhibitorRow,
    JurorImportRow,
    JurorRow,
    PairwiseSummary,
    RankedRow,
    ResultsBook,
    ScoreRow,
)
from scoring.flags import INCOMPLETE, TIE_UNDECIDED

from .domain import audit, floor, lifecycle, rounds
from .domain.organisations import find_organisation
from .domain.results import counted_scorecards, round_results
from .errors import Refused
from .extensions import db
from .models import SCORING_METHODS, Assignment, Edition, Entry, Jury, JuryMember, Organisation, User, utcnow
from .templating import language as page_language
from .transaction import atomic
from .wording import engine_flag, method_label, translator


def app_version() -> str:
    try:
        return version("milipol-awards")
    except PackageNotFoundError:
        return "dev"


def results_book(
    edition: Edition, *, anonymise_jurors: bool = False, ceremony: bool = True, language: str | None = None
) -> ResultsBook:
    """The plain data of the results workbook: each category's deciding round, as frozen when it is, with
    names and labels in `language` (default: the page's)."""
    language = language or page_language()
    with force_locale(language):
        return _results_book(edition, anonymise_jurors=anonymise_jurors, ceremony=ceremony, language=language)


def _results_book(edition: Edition, *, anonymise_jurors: bool, ceremony: bool, language: str) -> ResultsBook:
    if ceremony:
        rounds.ensure_ceremony_export_allowed(edition)
    categories, score_rows, fingerprints, notes = [], [], [], []
    juror_ids: set[int] = set()
    frozen_at = None
    for category in edition.categories:
        round_ = rounds.deciding_round(category)
        outcome = round_results(round_, stability=True)
        snapshot = lifecycle.current_snapshot(round_)
        if snapshot is not None:
            outcome = lifecycle.with_snapshot(outcome, snapshot)
            frozen_at = snapshot.created_at
        entries = outcome.entries
        missing = [line.entry for line in outcome.ranking if line.entry not in entries]
        if missing:
            entries = entries | {e.id: e for e in db.session.scalars(db.select(Entry).where(Entry.id.in_(missing)))}
        check = floor.pairwise_check(round_, outcome.ranking) if round_.on_stand else None
        categories.append(
            CategoryResults(
                name=category.name(language),
                position=category.position,
                method=outcome.method,
                round_name=round_.display_name(language),
                combined_note=outcome.combined_note,
                pairwise=None
                if check is None
                else PairwiseSummary(
                    answers=check.answers,
                    agrees=check.agrees,
                    winners=tuple(sorted(entries[e].title for e in check.winners if e in entries)),
                ),
                criteria=tuple(
                    CriterionInfo(key=c.key, name=c.name(language), weight=c.weight, min=c.scale_min, max=c.scale_max)
                    for c in outcome.criteria
                ),
                rows=tuple(
                    RankedRow(
                        rank=line.rank,
                        entry_id=line.entry,
                        title=entries[line.entry].title,
                        organisation=entries[line.entry].organisation.name,
                        country=entries[line.entry].organisation.country,
                        hall=entries[line.entry].organisation.hall,
                        stand=entries[line.entry].organisation.stand,
                        score=line.score,
                        criterion_means=dict(line.criterion_means),
                        n_scorecards=line.n_scorecards,
                        flags=tuple(engine_flag(f) for f in line.flags),
                        p_first=line.p_first,
                        p_top3=line.p_top3,
                        complete=INCOMPLETE not in line.flags,
                        undecided_tie=TIE_UNDECIDED in line.flags,
                    )
                    for line in outcome.ranking
                ),
            )
        )
        fingerprints.append(outcome.fingerprint)
        if outcome.combined_note:
            notes.append(f"{category.name(language)}: {outcome.combined_note}")
        for card in counted_scorecards(round_):
            juror_ids.add(card.juror_id)
            score_rows.append((category, round_, card))
    outliers = {flag.juror_id for c in categories for row in c.rows for flag in row.flags if flag.juror_id is not None}
    people = list(db.session.scalars(db.select(User).where(User.id.in_(juror_ids | outliers))))
    names = {u.id: (u.name or u.email) for u in people}
    emails = {u.id: u.email for u in people}
    titles = {
        e.id: e.title
        for e in db.session.scalars(db.select(Entry).where(Entry.id.in_({card.entry_id for _, _, card in score_rows})))
    }
    scores = tuple(
        ScoreRow(
            juror_id=card.juror_id,
            juror=names[card.juror_id],
            juror_email=emails[card.juror_id],
            category=category.name(language),
            round_name=round_.display_name(language),
            entry_title=titles[card.entry_id],
            marks=dict(card.marks),
            weighted_total=card.weighted_total,
            comment="; ".join(
                [card.overall_comment] * bool(card.overall_comment)
                + [f"{k}: {v}" for k, v in sorted(card.comments.items())]
            ),
            submitted_at=card.submitted_at,
        )
        for category, round_, card in score_rows
    )
    override_note = ""
    override = rounds.active_override(edition) if ceremony and rounds.unsigned_categories(edition) else ""
    if override:  # this export is made under the override: it says so, and no other export does
        organiser = db.session.get(User, edition.signoff_override_by_id) if edition.signoff_override_by_id else None
        override_note = _(
            "Exported before every sign-off, on the decision of %(organiser)s: %(reason)s",
            organiser=(organiser.name or organiser.email) if organiser else "?",
            reason=override,
        )
    return ResultsBook(
        edition=edition.name,
        method=edition.scoring_method,
        parameters={"trim": edition.trim, "min_scorecards": edition.min_scorecards, "bootstrap resamples": 1000},
        categories=tuple(categories),
        scores=scores,
        jurors=tuple(_juror_rows(edition, names, emails, language)),
        generated_at=utcnow(),
        app_version=app_version(),
        fingerprint=scoring.scores_fingerprint([]) if not fingerprints else _combine(fingerprints),
        anonymise_jurors=anonymise_jurors,
        source=(
            _("frozen results of %(when)s UTC", when=f"{frozen_at:%Y-%m-%d %H:%M}") if frozen_at else _("live results")
        ),
        notes=tuple(notes),
        method_names={method: method_label(method) for method in SCORING_METHODS},
        override_note=override_note,
        translate=translator(language),
    )


def _combine(fingerprints: list[str]) -> str:
    return hashlib.sha256("".join(fingerprints).encode()).hexdigest()


def _juror_rows(edition: Edition, names: dict[int, str], emails: dict[int, str], language: str) -> list[JurorRow]:
    rows = []
    for category in edition.categories:
        round_ = rounds.deciding_round(category)
        outcome = round_results(round_)
        assigned = dict(
            db.session.execute(
                db.select(Assignment.juror_id, db.func.count(Assignment.id))
                .where(Assignment.round_id == round_.id, Assignment.recused_at.is_(None))
                .group_by(Assignment.juror_id)
            ).all()
        )
        for juror_id, stats in outcome.juror_stats.items():
            if juror_id not in names:
                user = db.session.get(User, juror_id)
                names[juror_id] = (user.name or user.email) if user else str(juror_id)
                emails[juror_id] = user.email if user else ""
            rows.append(
                JurorRow(
                    juror_id=juror_id,
                    juror=names[juror_id],
                    assigned=assigned.get(juror_id, 0),
                    submitted=stats.n,
                    mean=stats.mean,
                    severity=stats.severity,
                    category=category.name(language),
                    email=emails.get(juror_id, ""),
                )
            )
    return rows


# --- imports ------------------------------------------------------------------------------------------------------


class ImportContested(Refused):
    """Companies of an import file that registered themselves under another address: one message each."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages), 409)
        self.messages = messages


def _registered_under_another_address(row: ExhibitorRow, organisation: Organisation) -> str | None:
    """The address a company registered itself with, when it is not the file's contact (else None).

    Someone may register a company's name before the organisers' import: the import must not then hand that
    person the real company (its stand, its contact, its entries). The organisers decide, with the file."""
    registered = organisation.contact_email.strip().lower()
    if registered == row.contact_email:
        return None
    has_accounts = db.session.scalar(
        db.select(User.id).where(User.organisation_id == organisation.id, User.role == "exhibitor").limit(1)
    )
    return registered if has_accounts is not None else None


def contested_companies(rows: tuple[ExhibitorRow, ...]) -> list[str]:
    """One message per company of the file that registered itself under another contact address than the
    file's (the preview refuses the file with them, and so does the import itself)."""
    contested = []
    for row in rows:
        organisation = find_organisation(row.organisation)
        registered = organisation and _registered_under_another_address(row, organisation)
        if registered:
            contested.append(
                _(
                    "“%(company)s” registered itself with the address %(registered)s, not the file's %(contact)s. "
                    "If that address belongs to the company, put it in the file as the contact; if it does not, "
                    "leave the company out of the file and check who registered it.",
                    company=organisation.name,
                    registered=registered,
                    contact=row.contact_email,
                )
            )
    return contested


PROGRESS_EVERY = 50  # rows between two progress reports of a long import


def _report(progress, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(done, total)


def import_exhibitors(*, actor: User, rows: tuple[ExhibitorRow, ...], progress=None) -> tuple[int, int]:
    """Create or update organisations by name; the same file imported twice changes nothing. (created, updated)

    `progress(done, total)` is called every few rows (a job's progress bar). Refused (409, nothing imported)
    when a company of the file registered itself with another contact address than the file's: the organisers
    check who that is before the company's data goes to them."""
    contested = contested_companies(rows)
    if contested:
        raise ImportContested(contested)
    created = updated = 0
    for done, row in enumerate(rows, start=1):
        _report(progress, done, len(rows))
        organisation = find_organisation(row.organisation)
        values = dict(
            country=row.country,
            hall=row.hall,
            stand=row.stand,
            is_startup=row.is_startup,
            contact_email=row.contact_email,
        )
        if organisation is None:
            db.session.add(Organisation(name=row.organisation, **values))
            created += 1
        elif any(getattr(organisation, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(organisation, key, value)
            updated += 1
    audit.record(
        actor=actor,
        action="import.exhibitors",
        obj=actor,
        edition_id=None,
        after={"created": created, "updated": updated},
    )
    db.session.flush()
    return created, updated


def import_jurors(*, actor: User, edition: Edition, rows: tuple[JurorImportRow, ...], progress=None) -> tuple[int, int]:
    """Create jurors (invited later) and seat them on their juries with the jury services the pages use; one
    action: all rows or none. Returns (jurors created, seats added); `progress(done, total)` as for exhibitors."""
    from .domain import juries as jury

    categories = {c.code: c for c in edition.categories}
    created = seats = 0
    with atomic():
        for done, row in enumerate(rows, start=1):
            _report(progress, done, len(rows))
            juror = db.session.scalar(db.select(User).where(User.email == row.email))
            if juror is not None and juror.role != "juror":
                raise Refused(_("%(email)s already has an account that is not a juror's.", email=row.email), 409)
            employer = find_organisation(row.organisation) if row.organisation else None
            if juror is None:
                juror = User(email=row.email, name=row.name, role="juror", language=row.language, organisation=employer)
                db.session.add(juror)
                db.session.flush()
                created += 1
            elif juror.organisation_id is None and employer is not None:
                juror.organisation = employer  # the employer, and with it the automatic conflict, once known
            for code in row.juries:
                category = categories[code]
                seated = (
                    db.session.scalar(
                        db.select(JuryMember.id)
                        .join(Jury, Jury.id == JuryMember.jury_id)
                        .where(Jury.category_id == category.id, JuryMember.user_id == juror.id)
                    )
                    is not None
                )
                member = jury.add_member(actor=actor, category=category, juror=juror)
                seats += not seated
                if row.president and not member.is_president:
                    jury.set_president(actor=actor, member=member)
        audit.record(
            actor=actor,
            action="import.jurors",
            obj=edition,
            edition_id=edition.id,
            after={"created": created, "seats": seats},
        )
    return created, seats


# --- previews: what an import would change, shown before anything is written ------------------------------------


@dataclass(frozen=True)
class PlannedChange:
    """One line of an import's preview. `action`: "new exhibitor", "updated exhibitor", "new juror", "new seat",
    "new president" or "president replaced" (a warning: the jury's current president stops presiding)."""

    action: str
    subject: str
    detail: str = ""

    @property
    def warning(self) -> bool:
        return self.action == "president replaced"


@dataclass(frozen=True)
class ImportPlan:
    """What applying an import would do; `digest` binds the confirmation to this very preview."""

    kind: str
    rows: int
    changes: tuple[PlannedChange, ...]

    @property
    def unchanged(self) -> int:
        touched = {c.subject for c in self.changes if c.action in ("new exhibitor", "updated exhibitor", "new juror")}
        touched |= {c.subject for c in self.changes if self.kind == "jurors"}
        return max(self.rows - len(touched), 0)

    @property
    def warnings(self) -> tuple[PlannedChange, ...]:
        return tuple(c for c in self.changes if c.warning)

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr((self.kind, self.rows, self.changes)).encode()).hexdigest()


EXHIBITOR_FIELDS = ("country", "hall", "stand", "is_startup", "contact_email")


def plan_exhibitors(rows: tuple[ExhibitorRow, ...]) -> ImportPlan:
    """What `import_exhibitors` would do with `rows`, without writing anything."""
    changes = []
    for row in rows:
        organisation = find_organisation(row.organisation)
        if organisation is None:
            changes.append(PlannedChange("new exhibitor", row.organisation, f"{row.country} · {row.hall} {row.stand}"))
            continue
        changed = [
            f"{key}: {getattr(organisation, key)!s} → {getattr(row, key)!s}"
            for key in EXHIBITOR_FIELDS
            if getattr(organisation, key) != getattr(row, key)
        ]
        if changed:
            changes.append(PlannedChange("updated exhibitor", organisation.name, "; ".join(changed)))
    return ImportPlan("exhibitors", len(rows), tuple(changes))


def plan_jurors(*, edition: Edition, rows: tuple[JurorImportRow, ...]) -> ImportPlan:
    """What `import_jurors` would do with `rows`, without writing anything: new accounts, new seats, and every
    jury whose president would change (and who presides today)."""
    categories = {c.code: c for c in edition.categories}
    changes = []
    for row in rows:
        juror = db.session.scalar(db.select(User).where(User.email == row.email))
        if juror is not None and juror.role != "juror":
            raise Refused(_("%(email)s already has an account that is not a juror's.", email=row.email), 409)
        if juror is None:
            changes.append(PlannedChange("new juror", row.email, row.name))
        for code in row.juries:
            category = categories[code]
            members = db.session.scalars(
                db.select(JuryMember).join(Jury, Jury.id == JuryMember.jury_id).where(Jury.category_id == category.id)
            ).all()
            mine = next((m for m in members if juror is not None and m.user_id == juror.id), None)
            if mine is None:
                changes.append(PlannedChange("new seat", row.email, category.name(page_language())))
            if row.president and not (mine is not None and mine.is_president):
                current = next((m for m in members if m.is_president), None)
                if current is None:
                    changes.append(PlannedChange("new president", row.email, category.name(page_language())))
                else:
                    president = db.session.get(User, current.user_id)
                    changes.append(
                        PlannedChange(
                            "president replaced",
                            row.email,
                            _(
                                "%(jury)s: %(new)s replaces %(old)s as president",
                                jury=category.name(page_language()),
                                new=row.name or row.email,
                                old=(president.name or president.email) if president else "?",
                            ),
                        )
                    )
    return ImportPlan("jurors", len(rows), tuple(changes))
