"""From the database to `exports`: the results workbook's plain data, and the Excel imports' writes.

The numbers come from `results.round_results` (or, once frozen, from the stored snapshots), exactly as on
the results page; `exports` only lays them out.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from importlib.metadata import PackageNotFoundError, version

from flask_babel import force_locale, gettext as _
from sqlalchemy.orm import joinedload

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
from .domain.organisations import organisations_by_name
from .domain.results import counted_scorecards, round_results
from .errors import Refused
from .extensions import db
from .models import (
    SCORING_METHODS,
    Assignment,
    Category,
    Edition,
    Entry,
    Jury,
    JuryMember,
    Organisation,
    Round,
    User,
    new_session_token,
    utcnow,
)
from .templating import language as page_language
from .text import fold
from .transaction import atomic
from .wording import engine_flag, method_label, translator


def app_version() -> str:
    try:
        return version("milipol-awards")
    except PackageNotFoundError:
        return "dev"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a whole edition's workbook is built, then resumed.

    The export keeps tens of thousands of rows alive while it makes about a million short-lived objects
    (cells, XML elements), so the collector would walk the same rows again and again: about a tenth of the
    export's time (bench/bench_scale.py). Nothing it makes must be freed before the end. The pause is the
    process's: a gunicorn sync worker serves one request at a time, and in the worker's threads the other
    jobs' cyclic garbage merely waits the second or two until it resumes (nested or concurrent pauses leave
    the collector to whoever paused it first).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def results_book(
    edition: Edition,
    *,
    anonymise_jurors: bool = False,
    ceremony: bool = True,
    language: str | None = None,
    only: Category | None = None,
    progress=None,
) -> ResultsBook:
    """The plain data of the results workbook: each category's deciding round, as frozen when it is, with
    names and labels in `language` (default: the page's). `only`: that category alone (its CSV), without
    ranking the others. `progress(done, total)` after each category ranked (a job's or the command's bar).

    The statements sent do not grow with entries, jurors or scorecards: each round's cards and entries are
    read once (`results` keeps them for the unit of work), companies come with the entries, and names,
    titles and assignment counts are read with one query per table."""
    language = language or page_language()
    with force_locale(language):
        categories = [only] if only is not None else list(edition.categories)
        return _results_book(
            edition,
            categories,
            anonymise_jurors=anonymise_jurors,
            ceremony=ceremony,
            language=language,
            progress=progress,
        )


def category_results(category: Category, *, language: str | None = None) -> tuple[CategoryResults, object]:
    """One category's results for its CSV (and the translation of its column titles)."""
    book = results_book(category.edition, ceremony=False, language=language, only=category)
    return book.categories[0], book.translate


def _category_results(category: Category, round_: Round, outcome, entries: dict, language: str) -> CategoryResults:
    check = floor.pairwise_check(round_, outcome.ranking) if round_.on_stand else None
    return CategoryResults(
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


def _results_book(
    edition: Edition,
    categories: list[Category],
    *,
    anonymise_jurors: bool,
    ceremony: bool,
    language: str,
    progress=None,
) -> ResultsBook:
    # The reason of the sign-off override this export is made under, if any: it says so, and no other export does.
    override = rounds.ensure_ceremony_export_allowed(edition) if ceremony else ""
    results, score_rows, fingerprints, notes, deciding = [], [], [], [], []
    titles: dict[int, str] = {}
    frozen_at = None
    for category in categories:
        round_ = rounds.deciding_round(category)
        snapshot = lifecycle.current_snapshot(round_)
        # A frozen round's chances of winning are in its snapshot (taken with them): no resampling.
        outcome = round_results(round_, stability=snapshot is None)
        live_stats = outcome.juror_stats
        if snapshot is not None:
            outcome = lifecycle.with_snapshot(outcome, snapshot)
            frozen_at = snapshot.created_at
        entries = outcome.entries
        missing = [line.entry for line in outcome.ranking if line.entry not in entries]
        if missing:
            entries = entries | {
                e.id: e
                for e in db.session.scalars(
                    db.select(Entry).options(joinedload(Entry.organisation)).where(Entry.id.in_(missing))
                )
            }
        titles.update((entry_id, entry.title) for entry_id, entry in entries.items())
        results.append(_category_results(category, round_, outcome, entries, language))
        deciding.append((category, round_, live_stats))
        if progress is not None:
            progress(len(results), len(categories))
        fingerprints.append(outcome.fingerprint)
        if outcome.combined_note:
            notes.append(f"{category.name(language)}: {outcome.combined_note}")
        score_rows += [(category, round_, card) for card in counted_scorecards(round_)]
    juror_ids = {card.juror_id for _, _, card in score_rows} | {
        juror_id for _, _, stats in deciding for juror_id in stats
    }
    outliers = {flag.juror_id for c in results for row in c.rows for flag in row.flags if flag.juror_id is not None}
    people = list(db.session.scalars(db.select(User).where(User.id.in_(juror_ids | outliers))))
    names = {u.id: (u.name or u.email) for u in people}
    emails = {u.id: u.email for u in people}
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
    if override:
        organiser = db.session.get(User, edition.signoff_override_by_id) if edition.signoff_override_by_id else None
        override_note = _(
            "Exported before every sign-off, on the decision of %(organiser)s: %(reason)s",
            organiser=(organiser.name or organiser.email) if organiser else "?",
            reason=override,
        )
    return ResultsBook(
        edition=edition.name,
        branding=edition.show.branding_name,
        method=edition.scoring_method,
        parameters={"trim": edition.trim, "min_scorecards": edition.min_scorecards, "bootstrap resamples": 1000},
        categories=tuple(results),
        scores=scores,
        jurors=tuple(_juror_rows(deciding, names, emails, language)),
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


def _juror_rows(
    deciding: list[tuple[Category, Round, dict]], names: dict[int, str], emails: dict[int, str], language: str
) -> list[JurorRow]:
    """Each juror's assignments, submissions, mean and severity in each deciding round (the live statistics,
    which a freeze does not store); the assignments are counted for every round in one query."""
    assigned: dict[tuple[int, int], int] = {}
    if deciding:
        assigned = {
            (round_id, juror_id): n
            for round_id, juror_id, n in db.session.execute(
                db.select(Assignment.round_id, Assignment.juror_id, db.func.count(Assignment.id))
                .where(Assignment.round_id.in_([r.id for _, r, _ in deciding]), Assignment.recused_at.is_(None))
                .group_by(Assignment.round_id, Assignment.juror_id)
            )
        }
    rows = []
    for category, round_, stats_by_juror in deciding:
        for juror_id, stats in stats_by_juror.items():
            names.setdefault(juror_id, str(juror_id))
            rows.append(
                JurorRow(
                    juror_id=juror_id,
                    juror=names[juror_id],
                    assigned=assigned.get((round_.id, juror_id), 0),
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


def contested_companies(rows: tuple[ExhibitorRow, ...]) -> list[str]:
    """One message per company of the file that registered itself under another contact address than the
    file's (the preview refuses the file with them, and so does the import itself). Companies and their
    accounts are read in one query each."""
    known = organisations_by_name(row.organisation for row in rows)
    found = {fold(row.organisation): known.get(fold(row.organisation)) for row in rows}
    with_accounts = set(
        db.session.scalars(
            db.select(User.organisation_id).where(
                User.organisation_id.in_([o.id for o in found.values() if o is not None]), User.role == "exhibitor"
            )
        )
    )
    contested = []
    for row in rows:
        organisation = found[fold(row.organisation)]
        if organisation is None or organisation.id not in with_accounts:
            continue
        registered = organisation.contact_email.strip().lower()
        if registered != row.contact_email:
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

    The companies are read in one query and written with one batched INSERT and one batched UPDATE: the
    statements sent do not grow with the rows. Two rows naming the same company (whatever the accents and
    case): the later one wins. `progress(done, total)` is called every few rows (a job's progress bar).

    Refused (409, nothing imported) when a company of the file registered itself with another contact address
    than the file's: the organisers check who that is before the company's data goes to them."""
    contested = contested_companies(rows)
    if contested:
        raise ImportContested(contested)
    known = organisations_by_name(row.organisation for row in rows)
    new: dict[str, dict] = {}
    changed: dict[int, dict] = {}
    for done, row in enumerate(rows, start=1):
        _report(progress, done, len(rows))
        key = fold(row.organisation)
        values = dict(
            country=row.country,
            hall=row.hall,
            stand=row.stand,
            is_startup=row.is_startup,
            contact_email=row.contact_email,
        )
        organisation = known.get(key)
        if organisation is None:
            new[key] = dict(new.get(key, {"name": row.organisation}), **values)
        elif any(getattr(organisation, k) != v for k, v in values.items()) or organisation.id in changed:
            changed[organisation.id] = dict(id=organisation.id, **values)
    if new:
        db.session.execute(
            db.insert(Organisation), [dict(values, name_key=key, created_at=utcnow()) for key, values in new.items()]
        )
    if changed:
        db.session.execute(db.update(Organisation), list(changed.values()))
        for organisation in known.values():  # the objects read above show the new values
            if organisation.id in changed:
                db.session.expire(organisation)
    audit.record(
        actor=actor,
        action="import.exhibitors",
        obj=None,
        object_type="Organisation",  # the company directory, whoever imported it (the CLI has no actor)
        edition_id=None,
        after={"created": len(new), "updated": len(changed)},
    )
    db.session.flush()
    return len(new), len(changed)


def import_jurors(*, actor: User, edition: Edition, rows: tuple[JurorImportRow, ...], progress=None) -> tuple[int, int]:
    """Create jurors (invited later) and seat them on their juries with the jury services the pages use; one
    action: all rows or none. Returns (jurors created, seats added); `progress(done, total)` as for exhibitors.

    Accounts, employers, juries and seats are each read in one query and written in batches: the statements
    sent do not grow with the rows. A later row naming a jury's president takes over from an earlier one."""
    from .domain import juries as jury, seal

    categories = {c.code: c for c in edition.categories}
    with atomic():
        emails = {row.email for row in rows}
        accounts = {u.email: u for u in db.session.scalars(db.select(User).where(User.email.in_(emails)))}
        employers = organisations_by_name(row.organisation for row in rows if row.organisation)
        new: dict[str, dict] = {}
        employed: dict[int, int] = {}  # existing juror id -> employer id, once known
        for done, row in enumerate(rows, start=1):
            _report(progress, done, len(rows))
            juror = accounts.get(row.email)
            if juror is not None and juror.role != "juror":
                raise Refused(_("%(email)s already has an account that is not a juror's.", email=row.email), 409)
            employer = employers.get(fold(row.organisation)) if row.organisation else None
            if juror is None and row.email not in new:
                new[row.email] = dict(
                    email=row.email,
                    name=row.name,
                    role="juror",
                    language=row.language,
                    organisation_id=employer.id if employer else None,
                )
            elif juror is not None and juror.organisation_id is None and employer is not None:
                employed[juror.id] = employer.id  # the employer, and with it the automatic conflict, once known
        if employed:
            # A juror's employer is an input of the results they judged: the seal sees it, as for one juror.
            seal.touched_in_bulk(db.session(), seal.editions_judged_by_any(db.session(), employed))
            db.session.execute(db.update(User), [{"id": i, "organisation_id": o} for i, o in employed.items()])
            for juror_id in employed:
                db.session.expire(db.session.get(User, juror_id))
        if new:
            db.session.execute(
                db.insert(User),
                [dict(values, session_token=new_session_token(), created_at=utcnow()) for values in new.values()],
                execution_options={"render_nulls": True},  # one batch: a None must not split the rows in groups
            )
            accounts.update((u.email, u) for u in db.session.scalars(db.select(User).where(User.email.in_(list(new)))))
        seats: list[tuple[Category, User]] = []
        presidents: dict[int, tuple[Category, User]] = {}
        for row in rows:
            for code in row.juries:
                seats.append((categories[code], accounts[row.email]))
                if row.president:
                    presidents[categories[code].id] = (categories[code], accounts[row.email])
        seated = jury.seat_jurors(actor=actor, seats=seats)
        chosen = [seated[(category.id, juror.id)][0] for category, juror in presidents.values()]
        for member in db.session.scalars(db.select(JuryMember).where(JuryMember.id.in_(chosen))) if chosen else ():
            if not member.is_president:
                jury.set_president(actor=actor, member=member)
        added = sum(new_seat for _, new_seat in seated.values())
        audit.record(
            actor=actor,
            action="import.jurors",
            obj=edition,
            edition_id=edition.id,
            after={"created": len(new), "seats": added},
        )
    return len(new), added


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
    source: str = ""  # the digest of the checked rows previewed (`rows_digest`), when they were kept

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
        return hashlib.sha256(repr((self.kind, self.rows, self.changes, self.source)).encode()).hexdigest()


EXHIBITOR_FIELDS = ("country", "hall", "stand", "is_startup", "contact_email")


def plan_exhibitors(rows: tuple[ExhibitorRow, ...]) -> ImportPlan:
    """What `import_exhibitors` would do with `rows`, without writing anything (companies read in one query)."""
    known = organisations_by_name(row.organisation for row in rows)
    changes = []
    for row in rows:
        organisation = known.get(fold(row.organisation))
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
    jury whose president would change (and who presides today). Accounts and seats are read in one query each."""
    categories = {c.code: c for c in edition.categories}
    names = {c.id: c.name(page_language()) for c in categories.values()}
    accounts = {u.email: u for u in db.session.scalars(db.select(User).where(User.email.in_({r.email for r in rows})))}
    seats: dict[int, list[JuryMember]] = {c.id: [] for c in categories.values()}
    for member, category_id in db.session.execute(
        db.select(JuryMember, Jury.category_id)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .where(Jury.category_id.in_([c.id for c in categories.values()]))
    ):
        seats[category_id].append(member)
    presidents = {
        u.id: u
        for u in db.session.scalars(
            db.select(User).where(User.id.in_({m.user_id for ms in seats.values() for m in ms if m.is_president}))
        )
    }
    changes = []
    for row in rows:
        juror = accounts.get(row.email)
        if juror is not None and juror.role != "juror":
            raise Refused(_("%(email)s already has an account that is not a juror's.", email=row.email), 409)
        if juror is None:
            changes.append(PlannedChange("new juror", row.email, row.name))
        for code in row.juries:
            category = categories[code]
            members = seats[category.id]
            mine = next((m for m in members if juror is not None and m.user_id == juror.id), None)
            if mine is None:
                changes.append(PlannedChange("new seat", row.email, names[category.id]))
            if row.president and not (mine is not None and mine.is_president):
                current = next((m for m in members if m.is_president), None)
                if current is None:
                    changes.append(PlannedChange("new president", row.email, names[category.id]))
                else:
                    president = presidents.get(current.user_id)
                    changes.append(
                        PlannedChange(
                            "president replaced",
                            row.email,
                            _(
                                "%(jury)s: %(new)s replaces %(old)s as president",
                                jury=names[category.id],
                                new=row.name or row.email,
                                old=(president.name or president.email) if president else "?",
                            ),
                        )
                    )
    return ImportPlan("jurors", len(rows), tuple(changes))


# --- one import, whoever runs it: the page (and its job) and `flask import` ---------------------------------------

IMPORT_KINDS = ("exhibitors", "jurors")


def read_import(kind: str, data: bytes, edition: Edition | None):
    """Every row of an import file checked (`exports` reads it): an ImportResult with its rows or its errors."""
    from exports import read_exhibitors, read_jurors

    from .forms import country_codes

    if kind == "exhibitors":
        return read_exhibitors(data, valid_countries=country_codes())
    return read_jurors(data, valid_juries={c.code for c in edition.categories})


def import_problems(result) -> tuple[list[str], int]:
    """Why a read file cannot be imported, in the reader's words, with the HTTP status saying so; ([], 200) when
    it can."""
    from .wording import describe_import_error, describe_too_large

    if result.too_large is not None:  # refused before any row was read
        return [describe_too_large(result.too_large)], 413
    if not result.ok:
        return [describe_import_error(e) for e in result.errors], 400
    if result.rows and isinstance(result.rows[0], ExhibitorRow) and (contested := contested_companies(result.rows)):
        return contested, 409  # the organisers check who registered them first
    return [], 200


def plan_import(kind: str, rows, edition: Edition | None, *, kept: bytes | None = None) -> ImportPlan:
    """What applying the rows would change (the preview), without writing anything. `kept`: the rows as
    `checked_rows` keeps them; the plan's digest then binds the confirmation to those very rows."""
    plan = plan_exhibitors(rows) if kind == "exhibitors" else plan_jurors(edition=edition, rows=rows)
    return plan if kept is None else replace(plan, source=rows_digest(kept))


# The rows of a file once read and checked, kept as plain JSON between the preview and its confirmation (and as a
# job's payload): the confirmation applies them without reading the workbook again.
ROW_TYPES = {"exhibitors": ExhibitorRow, "jurors": JurorImportRow}


def checked_rows(kind: str, rows) -> bytes:
    """`rows` (read and checked by `read_import`) as JSON, one list of field values per row."""
    names = [f.name for f in fields(ROW_TYPES[kind])]
    return json.dumps(
        {"kind": kind, "fields": names, "rows": [[getattr(row, name) for name in names] for row in rows]},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def rows_digest(kept: bytes) -> str:
    return hashlib.sha256(kept).hexdigest()


def kept_rows(kind: str, kept: bytes) -> tuple:
    """The rows `checked_rows` kept; ValueError when `kept` is not rows of that kind."""
    row_type = ROW_TYPES[kind]
    names = [f.name for f in fields(row_type)]
    try:
        content = json.loads(kept)
        if content["kind"] != kind or content["fields"] != names:
            raise ValueError(f"not {kind} rows")
        return tuple(
            row_type(**{name: tuple(v) if isinstance(v, list) else v for name, v in zip(names, values, strict=True)})
            for values in content["rows"]
        )
    except (KeyError, TypeError, UnicodeDecodeError) as broken:
        raise ValueError(f"not {kind} rows") from broken


def apply_import(kind: str, *, actor: User | None, edition: Edition | None, rows, progress=None) -> dict:
    """Apply the rows, all or none (in the caller's transaction): what the job page, the flash and the command say.

    Thousands of rows make thousands of objects that live until the end: the cyclic collector waits meanwhile."""
    with collector_paused():
        if kind == "exhibitors":
            created, updated = import_exhibitors(actor=actor, rows=rows, progress=progress)
            return {"rows": len(rows), "created": created, "updated": updated}
        created, seats = import_jurors(actor=actor, edition=edition, rows=rows, progress=progress)
        return {"rows": len(rows), "created": created, "seats": seats}
