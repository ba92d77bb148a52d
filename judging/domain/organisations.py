"""Finding companies by name: one rule for search, imports, registration and duplicate checks.

Names are compared by their stored key (text.fold), so "Équipements Dupont", "EQUIPEMENTS DUPONT" and
"equipements  dupont" are the same company on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from ..extensions import db
from ..models import Entry, Organisation
from ..text import fold, like_pattern


def find_organisation(name: str) -> Organisation | None:
    """The company with this name, whatever its accents, case and spacing; None when there is none."""
    key = fold(name)
    if not key:
        return None
    return db.session.scalar(
        db.select(Organisation).where(Organisation.name_key == key).order_by(Organisation.id).limit(1)
    )


def organisations_by_name(names) -> dict[str, Organisation]:
    """The companies with these names, by folded name (`text.fold`), in one query; the oldest of a name wins,
    as in `find_organisation`. Names without a company are absent."""
    keys = {fold(name) for name in names} - {""}
    if not keys:
        return {}
    found: dict[str, Organisation] = {}
    for organisation in db.session.scalars(
        db.select(Organisation).where(Organisation.name_key.in_(keys)).order_by(Organisation.id)
    ):
        found.setdefault(organisation.name_key, organisation)
    return found


def entry_matches(search: str) -> ColumnElement[bool]:
    """A filter on entries (joined to their company): every word of `search` is in the title or the company's
    name, folded ("camera eclair" finds "Caméra thermique ÉCLAIR")."""
    words = fold(search).split()[:10] or [""]
    return and_(
        *(
            or_(
                Entry.title_key.like(like_pattern(w), escape="\\"),
                Organisation.name_key.like(like_pattern(w), escape="\\"),
            )
            for w in words
        )
    )
