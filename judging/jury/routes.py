"""The juror's side: the entries they are assigned (scoring screens arrive with the tablet issue)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..editions import current_edition
from ..extensions import db
from ..models import Assignment, Entry
from ..permissions import role_required

bp = Blueprint("jury", __name__, url_prefix="/jury")


@bp.get("/")
@role_required("juror")
def my_entries():
    edition = current_edition()
    entries = db.session.scalars(
        db.select(Entry).join(Assignment, Assignment.entry_id == Entry.id)
        .where(Assignment.juror_id == current_user.id, Assignment.recused_at.is_(None),
               Entry.edition_id == edition.id, Entry.status == "submitted")
        .options(selectinload(Entry.category), selectinload(Entry.organisation))
        .order_by(Entry.category_id, Entry.title).distinct()).all()
    return render_template("jury/my_entries.html", edition=edition, entries=entries)
