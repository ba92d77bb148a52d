"""Long lists of the back office (the entry list, the company directory): one way to read a sort, a direction and
a page from the address, to write them back into links, to order a query and to cut one page of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class ListView:
    """The sort, direction and page of a list; each list adds its filters (`filter_args` writes them back).
    Unknown values fall back to the defaults: a list page never refuses."""

    sort: str = ""
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE

    @staticmethod
    def paging_from_args(args, *, sorts, default_sort: str) -> dict[str, Any]:
        """The paging fields read from a request's query string, for a list's `from_args`."""
        sort = args.get("sort", default_sort)
        per_page = args.get("per_page", DEFAULT_PAGE_SIZE, type=int)
        return {
            "sort": sort if sort in sorts else default_sort,
            "descending": args.get("dir") == "desc",
            "page": max(args.get("page", 1, type=int) or 1, 1),
            "per_page": per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        }

    def filter_args(self) -> dict[str, Any]:
        return {}

    def args(self, **changes) -> dict[str, Any]:
        """The query string of this view of the list, with `changes` (for links: sort, page, a filter...)."""
        values = {
            **self.filter_args(),
            "sort": self.sort,
            "dir": "desc" if self.descending else "asc",
            "per_page": self.per_page,
            "page": self.page,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    def ordering(self, columns, tiebreak) -> list:
        """`columns` in the asked direction, then `tiebreak` (the row's id) so that pages never overlap."""
        ordered = [c.desc() if self.descending else c.asc() for c in columns]
        return [*ordered, tiebreak.desc() if self.descending else tiebreak.asc()]

    def page_within(self, total: int) -> int:
        """The page to show: the one asked for, or the last one when it is past the end."""
        return min(self.page, max(1, -(-total // self.per_page)))


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, how many match in all, and where it stands."""

    items: list
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


def one_page(query, *, view: ListView, page: int):
    """`query` cut to the rows of `page` (see `ListView.page_within`)."""
    return query.limit(view.per_page).offset((page - 1) * view.per_page)
