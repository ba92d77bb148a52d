"""The audit trail, read-only: filter it and take it away as a spreadsheet. Nothing here edits it."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.editions import current_edition
from ..extensions import db
from ..models import AuditEvent, User
from ..wording import action_label, object_label

PAGE_SIZE = 100

bp = Blueprint("audit", __name__)


def _filtered_events(edition):
    query = db.select(AuditEvent).options(selectinload(AuditEvent.actor))
    query = query.where((AuditEvent.edition_id == edition.id) | AuditEvent.edition_id.is_(None))
    action = request.args.get("action", "").strip()[:50]
    actor = request.args.get("actor", "").strip().lower()[:254]
    since = _date(request.args.get("since"))
    until = _date(request.args.get("until"))
    if action:
        query = query.where(AuditEvent.action.like(f"{action}%"))
    if actor:
        query = query.join(User, User.id == AuditEvent.actor_id).where(User.email.like(f"%{actor}%"))
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until + timedelta(days=1))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), dict(
        action=action, actor=actor, since=request.args.get("since", ""), until=request.args.get("until", "")
    )


def _date(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d") if value else None
    except ValueError:
        return None


@bp.get("/audit")
def audit_trail():
    edition = current_edition()
    query, filters = _filtered_events(edition)
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    actions = db.session.scalars(db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return render_template(
        "organiser/audit.html", edition=edition, pagination=pagination, filters=filters, actions=actions
    )


@bp.get("/audit/export.xlsx")
def audit_export():
    """The filtered audit trail as a workbook (who, when, what, before and after)."""
    import io
    import json

    from flask import send_file

    from exports import table_workbook_bytes

    edition = current_edition()
    query, _filters = _filtered_events(edition)
    rows = [
        [
            e.at,
            e.actor.email if e.actor else _("system"),
            action_label(e.action),
            e.action,
            object_label(e.object_type),
            e.object_id,
            json.dumps(e.before, ensure_ascii=False, default=str) if e.before is not None else "",
            json.dumps(e.after, ensure_ascii=False, default=str) if e.after is not None else "",
        ]
        for e in db.session.scalars(query)
    ]
    header = [_("When (UTC)"), _("Who"), _("Action"), _("Action code"), _("Object"), _("Id"), _("Before"), _("After")]
    data = table_workbook_bytes(_("Audit trail"), header, rows)
    return send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=f"{edition.slug}-audit.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
