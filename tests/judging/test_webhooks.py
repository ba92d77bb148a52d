"""Webhooks: an event writes one delivery per listening endpoint in its own transaction; `deliver_pending` POSTs it,
signed, to a real HTTP server here, retries with backoff, and the organiser reads the log and replays."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from judging.domain import entries as entry_services, juries as jury_services, lifecycle, rounds, webhooks
from judging.extensions import db
from judging.models import AuditEvent, Entry, WebhookDelivery, utcnow


class Receiver:
    """A real HTTP endpoint on a free local port that verifies each delivery as a receiver would."""

    def __init__(self, secret: str = ""):
        self.secret = secret
        self.received: list[dict] = []
        self.answers: list[int] = []  # statuses to answer in turn; 204 once they run out
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "body": body,
                        "headers": dict(self.headers),
                        "valid": webhooks.verify(
                            receiver.secret,
                            self.headers.get("X-Awards-Timestamp", ""),
                            body,
                            self.headers.get("X-Awards-Signature", ""),
                        ),
                    }
                )
                self.send_response(receiver.answers.pop(0) if receiver.answers else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/awards"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def registered(make, receiver):
    organiser = make.user("organiser")
    endpoint, secret = webhooks.register_endpoint(
        actor=organiser, url=receiver.url, events=["entry.submitted", "results.published", "winner.changed"]
    )
    receiver.secret = secret
    db.session.commit()
    return organiser, endpoint


def test_a_submitted_entry_is_delivered_signed_and_verifiable(make, receiver, registered):
    entry = make.entry(status="draft", title="Drone jammer")
    entry_services.submit_entry(entry=entry)
    db.session.commit()
    [delivery] = db.session.scalars(db.select(WebhookDelivery)).all()
    assert delivery.status == "pending" and receiver.received == []  # nothing leaves inside the request

    assert webhooks.deliver_pending() == {"delivered": 1, "retrying": 0, "failed": 0}
    [got] = receiver.received
    assert got["valid"], got["headers"]
    assert got["headers"]["X-Awards-Event"] == "entry.submitted"
    assert got["headers"]["X-Awards-Delivery"] == str(delivery.id)
    document = json.loads(got["body"])
    assert document["data"]["entry"]["title"] == "Drone jammer" and document["event"] == "entry.submitted"
    db.session.refresh(delivery)
    assert delivery.status == "delivered" and delivery.last_status_code == 204
    assert webhooks.deliver_pending() == {"delivered": 0, "retrying": 0, "failed": 0}  # never sent twice


def test_a_forged_or_replayed_delivery_fails_verification(receiver):
    body = b'{"event":"results.published"}'
    now = 1_800_000_000
    good = webhooks.sign("s3cret", now, body)
    assert webhooks.verify("s3cret", str(now), body, good, now=now + 10)
    assert not webhooks.verify("other", str(now), body, good, now=now)
    assert not webhooks.verify("s3cret", str(now), body + b" ", good, now=now)
    assert not webhooks.verify("s3cret", str(now), body, good, now=now + webhooks.REPLAY_WINDOW_SECONDS + 1)
    assert not webhooks.verify("s3cret", "soon", body, good, now=now)


def test_an_event_rolled_back_is_never_announced(make, registered):
    entry = make.entry(status="draft")
    entry_services.submit_entry(entry=entry)
    db.session.rollback()
    assert db.session.scalars(db.select(WebhookDelivery)).all() == []


def test_a_failing_endpoint_is_retried_with_growing_delays_then_given_up(make, receiver, registered):
    receiver.answers = [500] * webhooks.MAX_ATTEMPTS
    entry = make.entry(status="draft")
    entry_services.submit_entry(entry=entry)
    db.session.commit()
    now = utcnow()
    delays = []
    for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
        counts = webhooks.deliver_pending(now=now)
        delivery = db.session.scalar(db.select(WebhookDelivery))
        db.session.refresh(delivery)
        assert delivery.attempts == attempt and delivery.last_status_code == 500
        if attempt < webhooks.MAX_ATTEMPTS:
            assert counts["retrying"] == 1 and delivery.status == "pending"
            assert webhooks.deliver_pending(now=now) == {"delivered": 0, "retrying": 0, "failed": 0}  # not yet due
            delays.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
        else:
            assert counts["failed"] == 1 and delivery.status == "failed"
    assert delays == sorted(delays) and delays[0] == timedelta(seconds=webhooks.FIRST_RETRY_SECONDS)
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS


def test_an_unreachable_endpoint_is_retried_with_the_reason(make, registered, receiver):
    receiver.close()  # nobody listens on that port any more
    entry = make.entry(status="draft")
    entry_services.submit_entry(entry=entry)
    db.session.commit()
    assert webhooks.deliver_pending()["retrying"] == 1
    delivery = db.session.scalar(db.select(WebhookDelivery))
    db.session.refresh(delivery)
    assert delivery.last_status_code is None and delivery.last_error


def _publish(world):
    president = world["jurors"][0]
    member = next(m for m in jury_services.jury_of(world["category"]).members if m.user_id == president.id)
    jury_services.set_president(actor=world["organiser"], member=member)
    lifecycle.freeze(actor=world["organiser"], edition=world["edition"])
    rounds.sign_off(actor=president, round_=rounds.deciding_round(world["category"]))
    lifecycle.publish(actor=world["organiser"], edition=world["edition"], confirmed=True)
    db.session.commit()


def test_publication_announces_the_winners_and_a_later_change_of_winner(judged, receiver, registered):
    _publish(judged)
    webhooks.deliver_pending()
    [published] = [json.loads(r["body"]) for r in receiver.received]
    assert published["event"] == "results.published"
    category = next(c for c in published["data"]["categories"] if c["code"] == "event-security")
    assert [w["title"] for w in category["winners"]] == ["Gate 9"]

    # The winner is disqualified the documented way (unpublish, unfreeze), and the results published again.
    organiser, edition = judged["organiser"], judged["edition"]
    lifecycle.unpublish(actor=organiser, edition=edition, reason="Patent fraud under investigation")
    lifecycle.unfreeze(actor=organiser, edition=edition, reason="Disqualify the winner")
    entry_services.disqualify_entry(actor=organiser, entry=judged["entries"][0], reason="Patent fraud established")
    db.session.commit()
    lifecycle.freeze(actor=organiser, edition=edition)
    rounds.sign_off(actor=judged["jurors"][0], round_=rounds.deciding_round(judged["category"]))
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    db.session.commit()
    webhooks.deliver_pending()
    events = [json.loads(r["body"]) for r in receiver.received[1:]]
    assert sorted(e["event"] for e in events) == ["results.published", "winner.changed"]
    changed = next(e for e in events if e["event"] == "winner.changed")["data"]
    assert changed["category"]["code"] == "event-security"
    assert changed["previous_winner_ids"] == [judged["entries"][0].id]
    assert [w["title"] for w in changed["winners"]] == ["Gate 8"]
    assert all(r["valid"] for r in receiver.received)


def test_an_endpoint_only_gets_the_events_it_chose(make, receiver):
    organiser = make.user("organiser")
    webhooks.register_endpoint(actor=organiser, url=receiver.url, events=["results.published"])
    entry = make.entry(status="draft")
    entry_services.submit_entry(entry=entry)
    db.session.commit()
    assert db.session.scalars(db.select(WebhookDelivery)).all() == []


def test_the_organiser_registers_reads_the_log_and_replays(client, make, login_as, receiver):
    make.edition()
    organiser = make.user("organiser")
    login_as(organiser)
    refused = client.post("/organiser/webhooks", data={"url": "ftp://x", "events": ["entry.submitted"]})
    assert refused.status_code == 400 and "https://" in refused.get_data(as_text=True)
    response = client.post("/organiser/webhooks", data={"url": receiver.url, "events": ["entry.submitted"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and receiver.url in page
    endpoint = webhooks.endpoints()[0]
    assert endpoint.secret in page  # shown once, on registration
    assert endpoint.secret not in client.get("/organiser/webhooks").get_data(as_text=True)
    receiver.secret = endpoint.secret

    entry = make.entry(status="draft", title="Body camera")
    entry_services.submit_entry(entry=entry)
    db.session.commit()
    webhooks.deliver_pending()
    log = client.get("/organiser/webhooks").get_data(as_text=True)
    assert "An entry is submitted" in log and "delivered" in log
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert client.post(f"/organiser/webhooks/deliveries/{delivery.id}/replay", data={}).status_code == 302
    webhooks.deliver_pending()
    assert len(receiver.received) == 2 and all(r["valid"] for r in receiver.received)
    first, second = (json.loads(r["body"]) for r in receiver.received)
    assert first["data"] == second["data"] and first["delivery"] != second["delivery"]
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "webhook.replay")) is not None

    assert client.post(f"/organiser/webhooks/{endpoint.id}/remove", data={}).status_code == 302
    entry_services.back_to_draft(entry=db.session.get(Entry, entry.id))
    entry_services.submit_entry(entry=db.session.get(Entry, entry.id))
    db.session.commit()
    assert webhooks.deliver_pending() == {"delivered": 0, "retrying": 0, "failed": 0}


def test_the_command_sends_what_is_due(make, registered, receiver, runner):
    entry = make.entry(status="draft")
    entry_services.submit_entry(entry=entry)
    db.session.commit()
    result = runner.invoke(args=["deliver-webhooks"])
    assert result.exit_code == 0 and "Delivered 1" in result.output
    assert len(receiver.received) == 1 and receiver.received[0]["valid"]
