"""The audit trail: services call `record` in the same transaction as the change they make."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditEvent, User, utcnow


def record(
    *,
    actor: User | None,
    action: str,
    obj: Any,
    edition_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str | None = None,
) -> AuditEvent:
    """Add one append-only audit event (committed by the calling service). `object_type` names what a change
    without one object touched (an import of many companies)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        edition_id=edition_id,
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def record_many(
    *, actor: User | None, action: str, object_type: str, events: list[tuple[int, int | None, dict | None]]
) -> None:
    """Add one audit event per (object id, edition id, after) of objects of `object_type` in a single batched
    INSERT of plain rows: what an import of thousands of rows records, without a statement or an object per row."""
    if not events:
        return
    at, actor_id = utcnow(), getattr(actor, "id", None)
    db.session.execute(
        db.insert(AuditEvent.__table__),
        [
            dict(
                at=at,
                actor_id=actor_id,
                edition_id=edition_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                before=None,
                after=after,
            )
            for object_id, edition_id, after in events
        ],
    )


def filtered_events(edition, filters: dict):
    """The edition's events (and the edition-less ones) matching the trail's filters, newest first: `action` (a
    prefix), `actor` (part of an e-mail), `since` and `until` (YYYY-MM-DD, both days included)."""
    from datetime import datetime, timedelta

    from ..models import AuditEvent

    def day(value):
        try:
            return datetime.strptime(value, "%Y-%m-%d") if value else None
        except ValueError:
            return None

    query = db.select(AuditEvent).where((AuditEvent.edition_id == edition.id) | AuditEvent.edition_id.is_(None))
    if filters.get("action"):
        query = query.where(AuditEvent.action.like(f"{filters['action']}%"))
    if filters.get("actor"):
        query = query.join(User, User.id == AuditEvent.actor_id).where(User.email.like(f"%{filters['actor']}%"))
    if since := day(filters.get("since")):
        query = query.where(AuditEvent.at >= since)
    if until := day(filters.get("until")):
        query = query.where(AuditEvent.at < until + timedelta(days=1))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
