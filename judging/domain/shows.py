"""Shows: the trade shows whose awards live side by side (Milipol Paris, Qatar, Asia-Pacific, India), each with its
own editions, its current edition and its branding name. One show is the default: the plain public addresses are
about it. Organisers create and rename shows; every change is recorded in the audit trail."""

from __future__ import annotations

from flask_babel import gettext as _

from ..errors import Refused
from ..extensions import db
from ..models import Edition, Show, User
from ..text import slugify
from . import audit

DEFAULT_SHOW = {"slug": "milipol-paris", "name": "Milipol Paris", "branding_name": "Milipol Paris Innovation Awards"}


def default_show(*, create: bool = False) -> Show | None:
    """The show the plain public addresses are about; `create` makes "Milipol Paris" on an empty database."""
    show = db.session.scalar(db.select(Show).where(Show.is_default.is_(True)))
    if show is None:
        show = db.session.scalar(db.select(Show).order_by(Show.id).limit(1))
    if show is None and create:
        show = Show(is_default=True, **DEFAULT_SHOW)
        db.session.add(show)
        db.session.flush()
    return show


def show_by_slug(slug: str) -> Show | None:
    return db.session.scalar(db.select(Show).where(Show.slug == slug))


def find_or_create_show(name_or_slug: str, *, actor: User | None = None) -> Show:
    """The show with this short name or name, else a new show of that name (the command line's --show)."""
    show = db.session.scalar(
        db.select(Show).where((Show.slug == name_or_slug) | (Show.name == name_or_slug.strip())).limit(1)
    )
    return show or create_show(actor=actor, name=name_or_slug)


# Which edition stands for a show (or for all of them): its current one, else its newest.
CURRENT_FIRST = (Edition.is_current.desc(), Edition.id.desc())


def current_of(show: Show) -> Edition | None:
    """The show's current edition, else its newest one."""
    return db.session.scalar(db.select(Edition).where(Edition.show_id == show.id).order_by(*CURRENT_FIRST))


def all_shows() -> list[Show]:
    """Every show, the default first, each with its editions (newest first), in one statement."""
    from sqlalchemy.orm import contains_eager

    return list(
        db.session.scalars(
            db.select(Show)
            .outerjoin(Show.editions)
            .options(contains_eager(Show.editions))
            .order_by(Show.is_default.desc(), Show.name, Show.id, Edition.id.desc())
        ).unique()
    )


def _check_free(*, slug: str, name: str, show: Show | None = None) -> None:
    for column, value, message in (
        (Show.name, name, _("A show is already called %(name)s.", name=name)),
        (Show.slug, slug, _("A show already uses the short name %(slug)s.", slug=slug)),
    ):
        query = db.select(Show.id).where(column == value)
        if show is not None:
            query = query.where(Show.id != show.id)
        if db.session.scalar(query) is not None:
            raise Refused(message, 409, field="slug" if column is Show.slug else "name")


def create_show(*, actor: User | None, name: str, branding_name: str = "", slug: str | None = None) -> Show:
    """A new show, without editions yet; the first show of a database becomes the default one."""
    name = name.strip()
    slug = slug or slugify(name) or "show"
    _check_free(slug=slug, name=name)
    show = Show(
        slug=slug,
        name=name,
        branding_name=branding_name.strip() or f"{name} Innovation Awards",
        is_default=default_show() is None,
    )
    db.session.add(show)
    db.session.flush()
    audit.record(actor=actor, action="show.create", obj=show, edition_id=None, after=_snapshot(show))
    db.session.flush()
    return show


def rename_show(*, actor: User, show: Show, name: str, branding_name: str) -> Show:
    """A new name and branding name; the short name (in public addresses) stays, so that links keep working."""
    name = name.strip()
    _check_free(slug=show.slug, name=name, show=show)
    before = _snapshot(show)
    show.name, show.branding_name = name, branding_name.strip() or show.branding_name
    audit.record(actor=actor, action="show.rename", obj=show, edition_id=None, before=before, after=_snapshot(show))
    db.session.flush()
    return show


def _snapshot(show: Show) -> dict:
    return {"slug": show.slug, "name": show.name, "branding_name": show.branding_name}
