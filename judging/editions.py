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
