"""The one helper that finds the edition a page is about."""
from __future__ import annotations

from flask import abort, request

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
        abort(404, description="No awards edition has been set up yet.")
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
