"""Pages anyone may open: the welcome page and a health check."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from .auth.forms import LanguageForm
from .domain.editions import current_edition
from .extensions import db

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    edition = current_edition(required=False)
    published = _published(edition.show if edition else None)
    return render_template("public/index.html", edition=edition, published=published)


@bp.get("/shows/<show_slug>")
def show(show_slug: str):
    """A show's own welcome page: its current edition, and the winners of its published editions."""
    from .domain.shows import current_of, show_by_slug

    show = show_by_slug(show_slug)
    if show is None:
        abort(404)
    return render_template("public/index.html", edition=current_of(show), published=_published(show), show=show)


@bp.get("/shows/<show_slug>/winners")
def show_winners(show_slug: str):
    """The winners of a show's latest published edition."""
    from .domain.shows import show_by_slug

    show = show_by_slug(show_slug)
    latest = _published(show)[:1] if show is not None else []
    if not latest:
        abort(404)
    return _winners_page(latest[0])


def _published(show):
    """A show's editions whose results are published, newest first."""
    from .models import Edition

    if show is None:
        return []
    return db.session.scalars(
        db.select(Edition)
        .where(Edition.show_id == show.id, Edition.results_state == "published")
        .order_by(Edition.id.desc())
    ).all()


@bp.get("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.app_context_processor
def _language_form():
    return {"language_form": LanguageForm}


@bp.get("/winners/<slug>")
def winners(slug: str):
    """The public winners page of an edition, once its results are published."""
    from .models import Edition

    edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
    if edition is None or edition.results_state != "published":
        abort(404)
    return _winners_page(edition)


def _winners_page(edition):
    from sqlalchemy.orm import selectinload

    from .domain.lifecycle import FINALIST, WINNER, outcomes
    from .models import Entry

    by_entry = outcomes(edition)
    entries = {
        e.id: e
        for e in db.session.scalars(
            db.select(Entry).where(Entry.id.in_(list(by_entry))).options(selectinload(Entry.organisation))
        )
    }

    def holding(outcome: str) -> dict[int, list[Entry]]:
        return {
            c.id: sorted(
                (entries[i] for i, o in by_entry.items() if o == outcome and entries[i].category_id == c.id),
                key=lambda e: e.title,
            )
            for c in edition.categories
        }

    return render_template("public/winners.html", edition=edition, winners=holding(WINNER), finalists=holding(FINALIST))
