"""The audit trail: services call `record` in the same transaction as the change they make."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditEvent, User


def record(
    *,
    actor: User | None,
    action: str,
    obj: Any,
    edition_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add one append-only audit event (committed by the calling service)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        edition_id=edition_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
