"""Webhooks: organisers register endpoints for events; each event becomes one delivery row per endpoint, written in
the transaction of the event itself (so an event that is rolled back is never announced), and `deliver_pending`
(the `flask deliver-webhooks` command, or a worker) sends them, signed, with retries and backoff.

Signature: the body is sent as JSON with the headers

    X-Awards-Event: entry.submitted
    X-Awards-Delivery: 42
    X-Awards-Timestamp: 1764548400                 (seconds since the epoch, UTC)
    X-Awards-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret>

A receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares it in constant time, and refuses
a timestamp more than REPLAY_WINDOW_SECONDS away from its own clock (an old, captured delivery cannot be replayed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _

from ..errors import Refused
from ..extensions import db
from ..models import WEBHOOK_EVENTS, User, WebhookDelivery, WebhookEndpoint, utcnow
from . import audit

REPLAY_WINDOW_SECONDS = 300
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30  # then doubled at each failure: 30 s, 1 min, 2 min ... about an hour for the last one
TIMEOUT_SECONDS = 10
USER_AGENT = "MilipolAwards-Webhooks/1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of X-Awards-Signature for this body sent at this time."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and the timestamp is within the replay window."""
    if not timestamp.isdigit():
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise Refused(_("Give the full address of the endpoint, starting with https://."), 400, field="url")
    return url


def _check_events(events: list[str]) -> list[str]:
    if not events or any(e not in WEBHOOK_EVENTS for e in events):
        raise Refused(_("Choose at least one event."), 400, field="events")
    return sorted(set(events))


def register_endpoint(*, actor: User, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint with its own secret (returned, to be shown once and copied into the receiver)."""
    endpoint = WebhookEndpoint(
        url=_check_url(url), events=_check_events(events), secret=secrets.token_hex(32), created_by_id=actor.id
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(
        actor=actor,
        action="webhook.register",
        obj=endpoint,
        edition_id=None,
        after={"url": endpoint.url, "events": endpoint.events},
    )
    return endpoint, endpoint.secret


def remove_endpoint(*, actor: User, endpoint: WebhookEndpoint) -> None:
    """Stop sending to the endpoint; its delivery log stays readable."""
    if not endpoint.active:
        return
    endpoint.active = False
    db.session.execute(
        db.update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
        .values(status="failed", last_error="endpoint removed")
    )
    audit.record(actor=actor, action="webhook.remove", obj=endpoint, edition_id=None, before={"url": endpoint.url})
    db.session.flush()


def emit(event: str, data: dict) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint that listens to it, in the caller's transaction."""
    if event not in WEBHOOK_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    deliveries = []
    for endpoint in db.session.scalars(db.select(WebhookEndpoint).where(WebhookEndpoint.active)):
        if event in (endpoint.events or []):
            delivery = WebhookDelivery(endpoint_id=endpoint.id, event=event, payload=data)
            db.session.add(delivery)
            deliveries.append(delivery)
    if deliveries:
        db.session.flush()
    return deliveries


def replay(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same event again, as a new delivery in the log (the receiver sees a new delivery id)."""
    if not delivery.endpoint.active:
        raise Refused(_("This endpoint was removed: register it again to send to it."), 409)
    again = WebhookDelivery(endpoint_id=delivery.endpoint_id, event=delivery.event, payload=delivery.payload)
    db.session.add(again)
    db.session.flush()
    audit.record(actor=actor, action="webhook.replay", obj=again, edition_id=None, after={"replay_of": delivery.id})
    return again


def body_of(delivery: WebhookDelivery) -> bytes:
    """The JSON body of a delivery (the same bytes on every attempt)."""
    document = {
        "event": delivery.event,
        "delivery": delivery.id,
        "occurred_at": delivery.created_at.isoformat() + "Z",
        "data": delivery.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def retry_delay(attempts: int) -> timedelta:
    """How long after the `attempts`-th failure the next attempt is made."""
    return timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


def _send(delivery: WebhookDelivery, now: datetime) -> None:
    body = body_of(delivery)
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Awards-Event": delivery.event,
            "X-Awards-Delivery": str(delivery.id),
            "X-Awards-Timestamp": str(timestamp),
            "X-Awards-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    delivery.attempts += 1
    status, error = None, ""
    try:
        # Only http(s) addresses are ever registered (`_check_url`): no file:// or custom scheme reaches here.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # nosec B310
            status = answer.status
    except urllib.error.HTTPError as refusal:
        status, error = refusal.code, f"HTTP {refusal.code}"
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = str(getattr(failure, "reason", failure))[:500]
    delivery.last_status_code = status
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.last_error = "failed", error
    else:
        delivery.last_error = error
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)


def deliver_pending(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send every delivery that is due, each in its own transaction; returns how many went out, will be retried,
    or failed for good. Run by `flask deliver-webhooks` (a timer or the task queue calls it every minute)."""
    from ..transaction import atomic

    now = now or utcnow()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    due = list(
        db.session.scalars(
            db.select(WebhookDelivery.id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )
    for delivery_id in due:
        with atomic():
            # Two workers never send the same delivery: the row is locked, and skipped by the other (PostgreSQL).
            delivery = db.session.scalar(
                db.select(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending")
                .with_for_update(skip_locked=True)
            )
            if delivery is None:
                continue
            _send(delivery, now)
            counts["retrying" if delivery.status == "pending" else delivery.status] += 1
    return counts


def endpoints() -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(db.select(WebhookEndpoint).order_by(WebhookEndpoint.active.desc(), WebhookEndpoint.id))
    )


def deliveries(*, limit: int = 200) -> list[WebhookDelivery]:
    """The delivery log, newest first."""
    return list(db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)))
