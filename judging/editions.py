"""The one helper that finds the edition a page is about, and the rules of an edition's dates."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, request
from flask_babel import gettext as _

from .extensions import db
from .models import Edition


def current_edition(*, required: bool = True) -> Edition | None:
    """The edition named by `?edition=ID`, else the current one; 404 when there is none."""
    wanted = request.args.get("edition", type=int) if request else None
    if wanted is not None:
        edition = db.session.get(Edition, wanted)
    else:
        edition = db.session.scalar(db.select(Edition).where(Edition.is_current.is_(True)))
        if edition is None:  # no edition marked current: fall back to the newest
            edition = db.session.scalar(db.select(Edition).order_by(Edition.id.desc()).limit(1))
    if edition is None and required:
        abort(404, description=_("No awards edition has been set up yet. Organisers create one from their dashboard."))
    return edition


def round_from_request(edition: Edition):
    """The round named by `?round=ID`, else the first round of `?category=ID` (or of the first category)."""
    from .models import Round
    round_id = request.args.get("round", type=int)
    if round_id:
        round_ = db.session.get(Round, round_id)
    else:
        category_id = request.args.get("category", type=int) or edition.categories[0].id
        round_ = db.session.scalar(db.select(Round).where(Round.category_id == category_id).order_by(Round.position))
    if round_ is None or round_.category.edition_id != edition.id:
        abort(404)
    return round_


# --- dates of an edition ------------------------------------------------------------------------------------------

# The milestones in the order they must happen; True where the next one must come strictly later
# (entries open < deadline <= scoring opens < scoring closes <= ceremony).
DATE_FIELDS = ("entries_open_at", "submission_deadline", "scoring_opens_at", "scoring_closes_at", "ceremony_at")
_STRICTLY_AFTER_PREVIOUS = {"submission_deadline": True, "scoring_opens_at": False, "scoring_closes_at": True,
                            "ceremony_at": False}


@dataclass(frozen=True)
class DateOrderProblem:
    """`field` comes too early: it must be after (`strict`) or not before `after`, whose value is `when`."""
    field: str
    after: str
    strict: bool
    when: datetime


def date_order_problems(values: Mapping[str, datetime | None]) -> list[DateOrderProblem]:
    """The milestones out of order, each compared with the nearest earlier milestone that is set."""
    problems, previous, strict = [], None, False
    for name in DATE_FIELDS:
        if previous is not None:
            strict = strict or _STRICTLY_AFTER_PREVIOUS[name]
        value = values.get(name)
        if value is None:
            continue
        if previous is not None:
            earlier = values[previous]
            if value < earlier or (strict and value == earlier):
                problems.append(DateOrderProblem(field=name, after=previous, strict=strict, when=earlier))
        previous, strict = name, False
    return problems


def is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def to_local(value: datetime | None, tz: str) -> datetime | None:
    """A stored naive-UTC datetime as the wall-clock time in `tz` (naive), as typed and shown on the pages."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def to_utc(value: datetime | None, tz: str) -> datetime | None:
    """A wall-clock time typed in `tz` as the naive-UTC datetime that is stored."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)
