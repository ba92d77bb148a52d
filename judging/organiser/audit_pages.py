"""The audit trail, read-only: filter it and take it away as a spreadsheet. Nothing here edits it."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy.orm import selectinload

from ..domain.audit import filtered_events
from ..domain.editions import current_edition
from ..downloads import audit_size
from ..extensions import db
from ..models import AuditEvent
from .jobs import deliver

PAGE_SIZE = 100

bp = Blueprint("audit", __name__)


def _filters() -> dict:
    """The trail's filters as the page's query string gives them (also what an export job redoes)."""
    return {
        "action": request.args.get("action", "").strip()[:50],
        "actor": request.args.get("actor", "").strip().lower()[:254],
        "since": request.args.get("since", ""),
        "until": request.args.get("until", ""),
    }


@bp.get("/audit")
def audit_trail():
    edition = current_edition()
    filters = _filters()
    query = filtered_events(edition, filters).options(selectinload(AuditEvent.actor))
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    actions = db.session.scalars(db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return render_template(
        "organiser/audit.html", edition=edition, pagination=pagination, filters=filters, actions=actions
    )


@bp.get("/audit/export.xlsx")
def audit_export():
    """The filtered audit trail as a workbook; a long trail is made by the worker (a job with its progress)."""
    edition = current_edition()
    filters = _filters()
    return deliver("export_audit", edition=edition, params={"filters": filters}, items=audit_size(edition, filters))
