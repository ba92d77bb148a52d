"""The organiser's list of entries at the scale of a show (1,100 exhibitors): filters, sorting, page size and
counts per status, as one query each. The page only parses the request and renders what this returns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, nulls_last
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    ENTRY_STATUSES,
    Assignment,
    Attachment,
    Category,
    Edition,
    Entry,
    Organisation,
    Round,
    Scorecard,
)
from .organisations import entry_matches
from .paging import ListView, Page, one_page

_FILES = db.select(func.count(Attachment.id)).where(Attachment.entry_id == Entry.id).correlate(Entry).scalar_subquery()
# Sort key -> the columns it orders by; every order ends with the entry's id so that pages never overlap.
SORTS = {
    "title": (Entry.title_key,),
    "company": (Organisation.name_key,),
    "stand": (Organisation.hall, Organisation.stand),
    "category": (Category.position,),
    "status": (Entry.status,),
    "submitted": (Entry.submitted_at,),
    "files": (_FILES,),
    # Counted in each category's active round (see `_juror_counts`), and the score of that round's ranking.
    "jurors": (),
    "score": (),
}
DEFAULT_SORT = "category"


@dataclass(frozen=True)
class EntryFilter(ListView):
    """What the organiser asked of the entry list: its filters, and the sort and page (`paging.ListView`)."""

    sort: str = DEFAULT_SORT
    category_id: int | None = None
    status: str = ""
    search: str = ""

    @classmethod
    def from_args(cls, args) -> EntryFilter:
        status = args.get("status", "")
        return cls(
            category_id=args.get("category", type=int),
            status=status if status in ENTRY_STATUSES else "",
            search=args.get("q", "").strip()[:100],
            **cls.paging_from_args(args, sorts=SORTS, default_sort=DEFAULT_SORT),
        )

    def filter_args(self) -> dict:
        return {"category": self.category_id, "status": self.status, "q": self.search}


@dataclass(frozen=True)
class EntryRow:
    """One line of the list: the entry, its files, its jurors in its category's active round (assigned, and
    scorecards submitted) and its place in that round's ranking (`results.round_results`, as on every page)."""

    entry: Entry
    files: int
    assigned: int = 0
    submitted: int = 0
    score: float | None = None
    rank: int | None = None


def _juror_counts(round_ids: list[int]):
    """(assigned, submitted) of the row's entry in the active rounds: correlated counts, sortable in SQL."""
    assigned = (
        db.select(func.count(Assignment.id))
        .where(Assignment.entry_id == Entry.id, Assignment.round_id.in_(round_ids), Assignment.recused_at.is_(None))
        .correlate(Entry)
        .scalar_subquery()
    )
    submitted = (
        db.select(func.count(Scorecard.id))
        .where(
            Scorecard.entry_id == Entry.id,
            Scorecard.round_id.in_(round_ids),
            Scorecard.status == "submitted",
            Scorecard.purpose == "counted",
        )
        .correlate(Entry)
        .scalar_subquery()
    )
    return assigned, submitted


def _active_rounds(edition: Edition) -> tuple[list[Category], list[Round]]:
    """Each category's active round (`progress.active_rounds`), with the categories' rounds and criteria loaded
    in the same few statements (a ranking reads both). The caller keeps the categories while it ranks: the
    session holds its objects only as long as someone does."""
    from .progress import active_rounds

    categories = db.session.scalars(
        db.select(Category)
        .where(Category.edition_id == edition.id)
        .options(selectinload(Category.rounds).selectinload(Round.criteria))
        .order_by(Category.position)
    ).all()
    return list(categories), list(active_rounds(list(categories)).values())


def current_scores(rounds: list[Round]) -> dict[int, tuple[int, float | None]]:
    """Entry id -> (rank, score) in the round being judged in its category, from the one ranking
    (`results.round_results`); every round's inputs are read at once, whatever the number of entries."""
    from .results import previous_round, read_rounds_at_once, round_results

    read_rounds_at_once(rounds + [p for r in rounds if r.previous_round_weight and (p := previous_round(r))])
    scores: dict[int, tuple[int, float | None]] = {}
    for round_ in rounds:
        for line in round_results(round_).ranking:
            scores[line.entry] = (line.rank, line.score)
    return scores


def _filtered(edition: Edition, wanted: EntryFilter, *, with_status: bool = True):
    query = db.select(Entry).join(Entry.organisation).join(Entry.category).where(Entry.edition_id == edition.id)
    if wanted.category_id:
        query = query.where(Entry.category_id == wanted.category_id)
    if wanted.search:
        query = query.where(entry_matches(wanted.search))
    if with_status and wanted.status:
        query = query.where(Entry.status == wanted.status)
    return query


def list_entries(edition: Edition, wanted: EntryFilter) -> Page:
    """One page of the matching entries, each with its number of files, its jurors and its current score; a page
    past the end shows the last. The statements sent do not grow with the number of entries."""
    total = db.session.scalar(_filtered(edition, wanted).with_only_columns(func.count(Entry.id)))
    page = wanted.page_within(total)
    _categories, rounds = _active_rounds(edition)
    scores = current_scores(rounds)
    assigned, submitted = _juror_counts([r.id for r in rounds])
    query = (
        _filtered(edition, wanted)
        .add_columns(_FILES.label("files"), assigned.label("assigned"), submitted.label("submitted"))
        .options(selectinload(Entry.organisation), selectinload(Entry.category))
    )
    if wanted.sort == "score":
        # The ranking is computed in Python (the one ranking function), so this order is too: ids, then the page.
        ids = list(db.session.scalars(_filtered(edition, wanted).with_only_columns(Entry.id)))
        ids.sort(key=lambda i: (i not in scores or scores[i][1] is None, _signed(scores.get(i), wanted), i))
        ids = ids[(page - 1) * wanted.per_page : page * wanted.per_page]
        found = {row[0].id: row for row in db.session.execute(query.where(Entry.id.in_(ids)))}
        result = [found[i] for i in ids if i in found]
    else:
        columns = wanted.ordering({"jurors": (assigned, submitted)}.get(wanted.sort, SORTS[wanted.sort]), Entry.id)
        if wanted.sort == "submitted":  # drafts (never submitted) last, on both databases
            columns = [nulls_last(columns[0]), columns[1]]
        result = db.session.execute(one_page(query.order_by(*columns), view=wanted, page=page)).all()
    rows = [
        EntryRow(
            entry=entry,
            files=files,
            assigned=n_assigned,
            submitted=n_submitted,
            rank=scores.get(entry.id, (None, None))[0],
            score=scores.get(entry.id, (None, None))[1],
        )
        for entry, files, n_assigned, n_submitted in result
    ]
    return Page(items=rows, total=total, page=page, per_page=wanted.per_page)


def _signed(rank_and_score, wanted: EntryFilter) -> float:
    """The score as a sort key: best first when descending; entries without a score always last."""
    score = rank_and_score[1] if rank_and_score and rank_and_score[1] is not None else 0.0
    return -score if wanted.descending else score


def counts_by_status(edition: Edition, wanted: EntryFilter) -> dict[str, int]:
    """How many entries of each status match the other filters (category, search)."""
    query = (
        _filtered(edition, wanted, with_status=False)
        .with_only_columns(Entry.status, func.count(Entry.id))
        .group_by(Entry.status)
    )
    counts = dict.fromkeys(ENTRY_STATUSES, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def matching_ids(edition: Edition, wanted: EntryFilter) -> list[int]:
    """Every entry the filter matches (all pages), in the list's order: "select all matching"."""
    return list(db.session.scalars(_filtered(edition, wanted).with_only_columns(Entry.id).order_by(Entry.id)))


def entries_in_edition(edition: Edition, ids) -> list[Entry]:
    """The entries among `ids` that belong to the edition (anything else sent is ignored), in list order."""
    wanted = {int(i) for i in ids if str(i).isdigit()}
    if not wanted:
        return []
    return list(
        db.session.scalars(
            db.select(Entry)
            .join(Entry.category)
            .where(Entry.edition_id == edition.id, Entry.id.in_(wanted))
            .options(selectinload(Entry.organisation), selectinload(Entry.category), selectinload(Entry.attachments))
            .order_by(Category.position, Entry.id)
        )
    )


# --- actions on many entries at once --------------------------------------------------------------------------------

BULK_ACTIONS = ("disqualify", "reinstate", "move", "export", "message")


@dataclass(frozen=True)
class BulkPlan:
    """What a bulk action will do: the entries it applies to, and those it skips with the reason."""

    action: str
    entries: list[Entry]
    skipped: list[tuple[Entry, str]]


def plan_bulk(action: str, entries: list[Entry], *, category: Category | None = None) -> BulkPlan:
    from flask_babel import gettext as _

    from .entries import move_problem

    applies, skipped = [], []
    for entry in entries:
        if action == "disqualify" and entry.status not in ("draft", "submitted"):
            skipped.append((entry, _("already disqualified or withdrawn")))
        elif action == "reinstate" and entry.status != "disqualified":
            skipped.append((entry, _("not disqualified")))
        elif action == "move" and category is not None and (problem := move_problem(entry, category)):
            skipped.append((entry, problem))
        else:
            applies.append(entry)
    return BulkPlan(action=action, entries=applies, skipped=skipped)


def apply_bulk(*, actor, plan: BulkPlan, reason: str = "", category: Category | None = None, progress=None) -> int:
    """Run the plan with the same services as the one-entry pages, as one action: all of it, or (on a refusal,
    e.g. results frozen meanwhile) none of it. `progress(done, total)` follows it (a job's progress bar)."""
    from . import entries as services

    for done, entry in enumerate(plan.entries, start=1):
        if progress is not None and (done % 50 == 0 or done == len(plan.entries)):
            progress(done, len(plan.entries))
        if plan.action == "disqualify":
            services.disqualify_entry(actor=actor, entry=entry, reason=reason)
        elif plan.action == "reinstate":
            services.reinstate_entry(actor=actor, entry=entry, reason=reason)
        elif plan.action == "move":
            services.move_entry(actor=actor, entry=entry, category=category)
    return len(plan.entries)


# --- the workbook of every answer ----------------------------------------------------------------------------------


def answers_table(entries: list[Entry], *, language: str, zone: str) -> tuple[list[str], list[list]]:
    """(header, rows) of the entries workbook: one row per entry, every question a column, its files listed.
    Times are the edition's local wall-clock time (as on the pages)."""
    from flask_babel import gettext as _

    from ..entries.forms import INNOVATION_LABELS, MATURITY_LABELS
    from ..wording import status_label
    from .editions import to_local

    header = [
        _("Entry no."),
        _("Title"),
        _("Company"),
        _("Country"),
        _("Hall"),
        _("Stand"),
        _("Start-up"),
        _("Contact email"),
        _("Category"),
        _("Status"),
        _("Submitted at (%(zone)s)", zone=zone),
        _("Short summary"),
        _("Type of innovation"),
        _("What is new"),
        _("Operational benefit for security forces"),
        _("Maturity"),
        _("Available from"),
        _("The initiative"),
        _("Its measurable impact"),
        _("Its beneficiaries"),
        _("Disqualification reason"),
        _("Files"),
        _("File names"),
    ]
    rows = []
    for e in entries:
        company = e.organisation
        rows.append(
            [
                e.id,
                e.title,
                company.name,
                company.country,
                company.hall,
                company.stand,
                _("Yes") if company.is_startup else _("No"),
                company.contact_email,
                e.category.name(language),
                status_label(e.status),
                to_local(e.submitted_at, zone) if e.submitted_at else None,
                e.summary,
                str(INNOVATION_LABELS.get(e.innovation_type, e.innovation_type)),
                e.what_is_new,
                e.operational_benefit,
                str(MATURITY_LABELS.get(e.maturity, e.maturity)) if e.maturity else "",
                e.availability_date,
                e.initiative,
                e.measurable_impact,
                e.beneficiaries,
                e.disqualification_reason,
                len(e.attachments),
                "\n".join(a.original_name for a in e.attachments),
            ]
        )
    return header, rows
