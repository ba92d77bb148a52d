"""Saved views: an organiser names the filters and sort of a list (entries, companies) to come back to them."""

from __future__ import annotations

from urllib.parse import urlencode

from flask_babel import gettext as _

from ..errors import Refused
from ..extensions import db
from ..models import SAVED_VIEW_PAGES, SavedView, User

MAX_VIEWS = 30


def views_of(user: User, page: str) -> list[SavedView]:
    return list(
        db.session.scalars(
            db.select(SavedView).where(SavedView.user_id == user.id, SavedView.page == page).order_by(SavedView.name)
        )
    )


def save_view(*, user: User, page: str, name: str, args: dict) -> SavedView:
    """Save (or replace, under the same name) the list's current filters; the page number is not kept."""
    name = " ".join(name.split())[:100]
    if page not in SAVED_VIEW_PAGES or not name:
        raise Refused(_("Give the view a name."), 400, field="name")
    query = urlencode({k: v for k, v in args.items() if k not in ("page", "edition")})[:1000]
    view = db.session.scalar(
        db.select(SavedView).where(SavedView.user_id == user.id, SavedView.page == page, SavedView.name == name)
    )
    if view is None:
        if len(views_of(user, page)) >= MAX_VIEWS:
            raise Refused(_("You have %(n)d saved views here: remove one first.", n=MAX_VIEWS), 409, field="name")
        view = SavedView(user_id=user.id, page=page, name=name, query=query)
        db.session.add(view)
    else:
        view.query = query
    db.session.flush()
    return view


def delete_view(*, user: User, view: SavedView) -> None:
    if view.user_id != user.id:
        raise Refused(_("This view is not yours."), 404)
    db.session.delete(view)
    db.session.flush()
