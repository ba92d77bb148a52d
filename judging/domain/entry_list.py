"""The organiser's list of entries at the scale of a show (1,100 exhibitors): filters, sorting, page size and
counts per status, as one query each. The page only parses the request and renders what this returns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, nulls_last
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ENTRY_STATUSES, Attachment, Category, Edition, Entry, Organisation
from .organisations import entry_matches

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
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
}
DEFAULT_SORT = "category"


@dataclass(frozen=True)
class EntryFilter:
    """What the organiser asked for; unknown values fall back to the defaults (a list page never refuses)."""

    category_id: int | None = None
    status: str = ""
    search: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_args(cls, args) -> EntryFilter:
        sort = args.get("sort", DEFAULT_SORT)
        per_page = args.get("per_page", DEFAULT_PAGE_SIZE, type=int)
        status = args.get("status", "")
        return cls(
            category_id=args.get("category", type=int),
            status=status if status in ENTRY_STATUSES else "",
            search=args.get("q", "").strip()[:100],
            sort=sort if sort in SORTS else DEFAULT_SORT,
            descending=args.get("dir") == "desc",
            page=max(args.get("page", 1, type=int) or 1, 1),
            per_page=per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        )

    def args(self, **changes) -> dict:
        """The query string of this view of the list, with `changes` (for links: sort, page, status...)."""
        values = {
            "category": self.category_id,
            "status": self.status,
            "q": self.search,
            "sort": self.sort,
            "dir": "desc" if self.descending else "asc",
            "per_page": self.per_page,
            "page": self.page,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass(frozen=True)
class EntryRow:
    entry: Entry
    files: int


def _filtered(edition: Edition, wanted: EntryFilter, *, with_status: bool = True):
    query = db.select(Entry).join(Entry.organisation).join(Entry.category).where(Entry.edition_id == edition.id)
    if wanted.category_id:
        query = query.where(Entry.category_id == wanted.category_id)
    if wanted.search:
        query = query.where(entry_matches(wanted.search))
    if with_status and wanted.status:
        query = query.where(Entry.status == wanted.status)
    return query


@dataclass(frozen=True)
class EntryPage:
    items: list[EntryRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_entries(edition: Edition, wanted: EntryFilter) -> EntryPage:
    """One page of the matching entries, each with its number of files; a page past the end shows the last."""
    total = db.session.scalar(_filtered(edition, wanted).with_only_columns(func.count(Entry.id)))
    page = min(wanted.page, max(1, -(-total // wanted.per_page)))
    columns = [c.desc() if wanted.descending else c.asc() for c in SORTS[wanted.sort]]
    if wanted.sort == "submitted":
        columns = [nulls_last(c) for c in columns]  # drafts (never submitted) last, on both databases
    query = (
        _filtered(edition, wanted)
        .add_columns(_FILES.label("files"))
        .options(selectinload(Entry.organisation), selectinload(Entry.category))
        .order_by(*columns, Entry.id.desc() if wanted.descending else Entry.id)
        .limit(wanted.per_page)
        .offset((page - 1) * wanted.per_page)
    )
    rows = [EntryRow(entry=entry, files=files) for entry, files in db.session.execute(query)]
    return EntryPage(items=rows, total=total, page=page, per_page=wanted.per_page)


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
