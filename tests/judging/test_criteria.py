"""Criteria: weights total 100%, changes after scoring opens are confirmed, recorded and recomputed."""

from datetime import timedelta

from judging.extensions import db
from judging.models import AuditEvent, Criterion, Scorecard, utcnow


def _form(round_, weights, extra=None):
    data = {"count": str(len(round_.criteria) + 1)}
    for i, c in enumerate(round_.criteria):
        data.update(
            {
                f"key-{i}": c.key,
                f"name_en-{i}": c.name_en,
                f"name_fr-{i}": c.name_fr,
                f"weight-{i}": str(weights[i]),
                f"scale_min-{i}": "0",
                f"scale_max-{i}": "10",
            }
        )
    data.update(extra or {})
    return data


def test_weights_must_total_100_percent(client, make, login_as):
    edition = make.edition()
    round_ = make.category(edition, "cyber").rounds[0]
    login_as(make.user("organiser"))
    response = client.post(f"/organiser/rounds/{round_.id}/criteria", data=_form(round_, [30, 25, 20, 15, 20]))
    assert response.status_code == 400
    assert "The weights total 110%; they must total 100%." in response.get_data(as_text=True)
    assert [
        c.weight
        for c in db.session.scalars(
            db.select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
        )
    ] == [30, 25, 20, 15, 10]
    ok = client.post(f"/organiser/rounds/{round_.id}/criteria", data=_form(round_, [40, 20, 20, 10, 10]))
    assert ok.status_code == 302


def test_adding_and_removing_criteria(client, make, login_as):
    edition = make.edition()
    round_ = make.category(edition, "csr").rounds[0]  # 35, 30, 20, 15
    login_as(make.user("organiser"))
    data = _form(
        round_,
        [35, 30, 20, 15],
        {
            "remove-3": "yes",
            "name_en-4": "Staff training",
            "name_fr-4": "Formation",
            "weight-4": "15",
            "scale_min-4": "1",
            "scale_max-4": "5",
        },
    )
    assert client.post(f"/organiser/rounds/{round_.id}/criteria", data=data).status_code == 302
    keys = [
        c.key
        for c in db.session.scalars(
            db.select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
        )
    ]
    assert keys == ["impact", "results", "replicability", "staff_training"]


def test_a_change_once_scores_exist_needs_confirmation_is_recorded_and_recomputes_totals(client, make, login_as):
    edition = make.edition(deadline_in=timedelta(days=-1))
    edition.scoring_opens_at = utcnow() - timedelta(hours=2)
    round_ = make.category(edition, "cyber").rounds[0]
    entry = make.entry(edition=edition)
    juror = make.user("juror")
    marks = {"innovation": 10, "operational_value": 0, "maturity": 0, "market": 0, "deployment": 0}
    db.session.add(
        Scorecard(
            round_id=round_.id,
            entry_id=entry.id,
            juror_id=juror.id,
            marks=marks,
            weighted_total=30.0,
            status="submitted",
        )
    )
    db.session.commit()
    login_as(make.user("organiser"))
    weights = [50, 20, 10, 10, 10]
    refused = client.post(f"/organiser/rounds/{round_.id}/criteria", data=_form(round_, weights))
    assert refused.status_code == 409 and "tick the confirmation" in refused.get_data(as_text=True)
    confirmed = client.post(f"/organiser/rounds/{round_.id}/criteria", data=_form(round_, weights, {"confirm": "yes"}))
    assert confirmed.status_code == 302
    assert db.session.scalar(db.select(Scorecard)).weighted_total == 50.0
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "criteria.edit"))
    assert event.before["criteria"][0]["weight"] == 30 and event.after["criteria"][0]["weight"] == 50


def test_a_refused_change_shows_the_criteria_as_typed_not_as_stored(client, make, login_as):
    edition = make.edition()
    round_ = make.category(edition, "csr").rounds[0]  # 35, 30, 20, 15
    login_as(make.user("organiser"))
    extra = {"name_en-4": "Staff training", "name_fr-4": "Formation du personnel", "weight-4": "15", "remove-3": "yes"}
    data = _form(round_, [35, 30, 25, 15], extra)  # without the removed 15: 35 + 30 + 25 + 15 = 105
    response = client.post(f"/organiser/rounds/{round_.id}/criteria", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The weights total 105%" in page
    assert 'name="weight-2" value="25"' in page  # the typed weight, not the stored 20
    assert 'value="Staff training"' in page and 'value="Formation du personnel"' in page  # the new row kept
    assert 'name="remove-3" value="yes" checked' in page  # and the removal still ticked
    stored = db.session.scalars(db.select(Criterion.weight).where(Criterion.round_id == round_.id)).all()
    assert sorted(stored) == [15, 20, 30, 35]


def test_an_expired_session_shows_the_criteria_as_typed(app, client, make, login_as):
    edition = make.edition()
    round_ = make.category(edition, "csr").rounds[0]
    login_as(make.user("organiser"))
    app.config["WTF_CSRF_ENABLED"] = True
    data = _form(round_, [40, 30, 20, 10], {"csrf_token": "expired"})
    response = client.post(
        f"/organiser/rounds/{round_.id}/criteria", data=data, headers={"Referer": "http://awards.test/organiser/"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Your session expired" in page
    assert 'name="weight-0" value="40"' in page and 'name="weight-3" value="10"' in page
    assert sorted(db.session.scalars(db.select(Criterion.weight).where(Criterion.round_id == round_.id))) == [
        15,
        20,
        30,
        35,
    ]
