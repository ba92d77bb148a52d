"""Editions: the one helper that finds the edition a page is about, the rules of an edition's dates, and the
organisers' writes on an edition and its categories (create, clone, edit, make current), recorded in the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, has_request_context, request, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from ..errors import Refused
from ..extensions import db
from ..models import Category, Criterion, Edition, Jury, JuryMember, Round, Show, User
from ..text import slugify
from . import audit, shows
from .permissions import is_juror, is_organiser

# The session key of the edition an organiser works on, chosen from the organisers' menu (see `work_on`).
WORKING_EDITION = "working_edition"
# Where the edition found for a request is kept, for that request only (the page and its header share it).
_PAGE_EDITION = "judging.page_edition"


def current_edition(*, required: bool = True) -> Edition | None:
    """The edition a page is about: the one named by `?edition=ID`, else the current one of `?show=SLUG`, else
    the one an organiser chose to work on (or, for a juror, the current edition whose juries they sit on), else the
    current one of the default show; 404 when none.
    Found once per request: the page and its header (the organisers' show and edition) share it."""
    if has_request_context() and _PAGE_EDITION in request.environ:
        edition = request.environ[_PAGE_EDITION]
    else:
        edition = _find_edition()
        if has_request_context():
            request.environ[_PAGE_EDITION] = edition
    if edition is None and required:
        abort(404, description=_("No awards edition has been set up yet. Organisers create one from their dashboard."))
    return edition


def _find_edition() -> Edition | None:
    edition = None
    if request and (wanted := request.args.get("edition", type=int)) is not None:
        edition = db.session.get(Edition, wanted)
    elif request and (slug := request.args.get("show")):
        show = shows.show_by_slug(slug)
        edition = shows.current_of(show) if show is not None else None
    else:
        if request and is_organiser(current_user) and session.get(WORKING_EDITION):
            edition = db.session.get(Edition, session[WORKING_EDITION])
        elif request and is_juror(current_user):
            edition = _seated_edition(current_user)
        if edition is None:
            edition = default_edition()
    return edition


def default_edition() -> Edition | None:
    """The current edition of the default show (what the plain public addresses and the commands are about)."""
    edition = db.session.scalar(
        db.select(Edition)
        .join(Edition.show)
        .where(Show.is_default.is_(True))
        .order_by(*shows.CURRENT_FIRST)
        .options(contains_eager(Edition.show))
        .limit(1)
    )
    if edition is None:  # the default show has no edition yet: any show's newest
        edition = db.session.scalar(db.select(Edition).order_by(*shows.CURRENT_FIRST))
    return edition


def _seated_edition(juror: User) -> Edition | None:
    """The current edition, of whatever show, on whose juries the juror sits (the default show's first)."""
    return db.session.scalar(
        db.select(Edition)
        .join(Edition.show)
        .join(Category, Category.edition_id == Edition.id)
        .join(Jury, Jury.category_id == Category.id)
        .join(JuryMember, JuryMember.jury_id == Jury.id)
        .where(JuryMember.user_id == juror.id, Edition.is_current.is_(True))
        .order_by(Show.is_default.desc(), Edition.id.desc())
        .limit(1)
    )


def work_on(edition: Edition) -> None:
    """Remember, for this organiser's session, the edition their pages are about."""
    session[WORKING_EDITION] = edition.id
    if has_request_context():
        request.environ[_PAGE_EDITION] = edition


def round_from_request(edition: Edition):
    """The round named by `?round=ID`, else the first round of `?category=ID` (or of the first category)."""
    from ..models import Round

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
_STRICTLY_AFTER_PREVIOUS = {
    "submission_deadline": True,
    "scoring_opens_at": False,
    "scoring_closes_at": True,
    "ceremony_at": False,
}


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


EDITION_FIELDS = (
    "name",
    "venue",
    "timezone",
    "show_starts_on",
    "show_ends_on",
    "entries_open_at",
    "submission_deadline",
    "scoring_opens_at",
    "scoring_closes_at",
    "ceremony_at",
    "status",
    "max_entries_per_category",
    "scoring_method",
)
# What a new edition copies from an older one besides its categories (dates belong to the older year).
CLONED_SETTINGS = ("venue", "timezone", "max_entries_per_category", "scoring_method", "trim", "min_scorecards")
CATEGORY_FIELDS = ("name_en", "name_fr", "description_en", "description_fr", "position", "jurors_per_entry")


def _snapshot(obj, fields) -> dict:
    return {f: (v.isoformat() if hasattr(v, "isoformat") else v) for f in fields for v in [getattr(obj, f)]}


def update_edition(*, actor: User, edition: Edition, values: dict) -> Edition:
    before = _snapshot(edition, EDITION_FIELDS)
    for field in EDITION_FIELDS:
        setattr(edition, field, values[field] if values[field] is not None or field not in ("venue",) else "")
    audit.record(
        actor=actor,
        action="edition.update",
        obj=edition,
        edition_id=edition.id,
        before=before,
        after=_snapshot(edition, EDITION_FIELDS),
    )
    db.session.flush()
    return edition


def make_current(*, actor: User, edition: Edition) -> None:
    """Mark one edition current within its show; the database allows only one per show."""
    _set_current(edition)
    audit.record(actor=actor, action="edition.make_current", obj=edition, edition_id=edition.id)
    db.session.flush()


def _set_current(edition: Edition) -> None:
    for other in db.session.scalars(
        db.select(Edition).where(
            Edition.show_id == edition.show_id, Edition.is_current.is_(True), Edition.id != edition.id
        )
    ):
        other.is_current = False
    db.session.flush()
    edition.is_current = True


def update_category(*, actor: User, category: Category, values: dict) -> Category:
    before = _snapshot(category, CATEGORY_FIELDS)
    for field in CATEGORY_FIELDS:
        setattr(category, field, values[field] or ("" if field.startswith("description") else values[field]))
    audit.record(
        actor=actor,
        action="category.update",
        obj=category,
        edition_id=category.edition_id,
        before=before,
        after=_snapshot(category, CATEGORY_FIELDS),
    )
    db.session.flush()
    return category


def unique_slug(name: str) -> str:
    """A free slug made from the name: "Milipol Paris 2027" -> "milipol-paris-2027" (then "-2", "-3"...)."""
    base = slugify(name) or "edition"
    taken = set(db.session.scalars(db.select(Edition.slug).where(Edition.slug.like(f"{base}%"))))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def create_edition(
    *,
    slug: str | None = None,
    name: str,
    venue: str | None = None,
    current: bool = False,
    clone_from: Edition | None = None,
    show: Show | None = None,
    actor: User | None = None,
    **values,
) -> Edition:
    """A new edition of `show` (else of `clone_from`'s show, else of the default show): a copy of `clone_from`'s
    categories, rounds, criteria, juries and settings, or else the six default categories, each with its two
    rounds and default criteria. `values` are Edition columns (UTC)."""
    slug = slug or unique_slug(name)
    if db.session.scalar(db.select(Edition.id).where(Edition.slug == slug)) is not None:
        raise Refused(_("An edition already uses the short name %(slug)s.", slug=slug), 409, field="slug")
    show = show or (clone_from.show if clone_from is not None else shows.default_show(create=True))
    if clone_from is not None and clone_from.show_id != show.id:
        raise Refused(_("An edition is copied from an earlier edition of the same show."), 400, field="clone_from")
    edition = Edition(slug=slug, name=name, show=show, **values)
    if clone_from is not None:
        for setting in CLONED_SETTINGS:
            if values.get(setting) is None:
                setattr(edition, setting, getattr(clone_from, setting))
    if venue is not None or clone_from is None:
        edition.venue = venue or ""
    db.session.add(edition)
    if clone_from is None:
        _add_default_categories(edition)
    else:
        _copy_categories(clone_from, edition)
    db.session.flush()
    if current:
        _set_current(edition)
    audit.record(
        actor=actor,
        action="edition.create",
        obj=edition,
        edition_id=edition.id,
        after={
            "slug": slug,
            "name": name,
            "show": show.slug,
            "copied_from": clone_from.slug if clone_from else None,
        },
    )
    db.session.flush()
    return edition


def _add_default_categories(edition: Edition) -> None:
    from ..defaults import CATEGORIES, ROUNDS, criteria_for

    for position, spec in enumerate(CATEGORIES, start=1):
        category = Category(edition=edition, position=position, **spec)
        db.session.add(Jury(category=category))
        for round_spec in ROUNDS:
            round_ = Round(
                position=round_spec["position"],
                name=round_spec["name"],
                name_fr=round_spec["name_fr"],
                on_stand=round_spec["on_stand"],
            )
            for index, criterion in enumerate(criteria_for(spec["question_set"], final=round_spec["final"])):
                round_.criteria.append(Criterion(position=index, **criterion))
            category.rounds.append(round_)


_CATEGORY_COPY = (
    "code",
    "name_en",
    "name_fr",
    "description_en",
    "description_fr",
    "question_set",
    "position",
    "jurors_per_entry",
)
_ROUND_COPY = (
    "position",
    "name",
    "name_fr",
    "on_stand",
    "jurors_per_entry",
    "method",
    "previous_round_weight",
    "slot_minutes",
)
_CRITERION_COPY = (
    "key",
    "position",
    "name_en",
    "name_fr",
    "guidance_en",
    "guidance_fr",
    "weight",
    "scale_min",
    "scale_max",
)


def _copy(source, fields) -> dict:
    return {field: getattr(source, field) for field in fields}


def _copy_categories(source: Edition, edition: Edition) -> None:
    """Last year's categories with their rounds, criteria and weights, and each jury with its members and president."""
    juries = {
        j.category_id: j
        for j in db.session.scalars(db.select(Jury).join(Jury.category).where(Category.edition_id == source.id))
    }
    for old in source.categories:
        category = Category(edition=edition, **_copy(old, _CATEGORY_COPY))
        jury = Jury(category=category)
        db.session.add(jury)
        for member in juries[old.id].members if old.id in juries else []:
            jury.members.append(JuryMember(user_id=member.user_id, role=member.role, is_president=member.is_president))
        for old_round in old.rounds:
            round_ = Round(**_copy(old_round, _ROUND_COPY))
            round_.criteria.extend(Criterion(**_copy(c, _CRITERION_COPY)) for c in old_round.criteria)
            category.rounds.append(round_)
