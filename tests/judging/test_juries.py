"""Juries, invitations, conflicts of interest and assignment, through the app."""

import re

from judging.domain import juries as services
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, AuditEvent, Conflict, JuryMember, Scorecard, User


def _jury(make, edition, size=4, category="cyber"):
    jurors = [make.user("juror") for _ in range(size)]
    cat = make.category(edition, category)
    organiser = make.user("organiser")
    for juror in jurors:
        services.add_member(actor=organiser, category=cat, juror=juror)
    return cat, jurors, organiser


def _first_round(category):
    return category.rounds[0]


def _live(round_):
    return db.session.scalars(
        db.select(Assignment).where(Assignment.round_id == round_.id, Assignment.recused_at.is_(None))
    ).all()


def test_invited_juror_sets_password_and_language_through_a_single_use_link(client, make, login_as):
    edition = make.edition()
    login_as(make.user("organiser"))
    category = make.category(edition, "drones")
    response = client.post(
        "/organiser/juries/invite",
        data={"name": "Claire Dubois", "email": "claire@police.example", "language": "fr", "category": category.id},
    )
    assert response.status_code == 302
    juror = db.session.scalar(db.select(User).where(User.email == "claire@police.example"))
    assert juror.role == "juror" and juror.password_hash == ""
    assert db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == juror.id)) is not None
    mail = outbox()[-1]
    assert mail.to == "claire@police.example" and "jury" in mail.subject.lower() and "Bonjour" in mail.body
    link = re.search(r"https?://\S+", mail.body).group(0).replace("http://awards.test", "")
    client.post("/auth/logout")
    response = client.post(link, data={"password": "Jury-pass-2027", "confirm": "Jury-pass-2027", "language": "en"})
    assert response.status_code == 302 and response.location.endswith("/jury/")
    db.session.refresh(juror)
    assert juror.language == "en" and juror.check_password("Jury-pass-2027")
    client.post("/auth/logout")
    reused = client.post(link, data={"password": "Other-pass-2027", "confirm": "Other-pass-2027", "language": "en"})
    assert reused.status_code == 400


def test_invitation_form_errors_are_shown_with_a_400(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    response = client.post(
        "/organiser/juries/invite", data={"name": "", "email": "nope", "language": "en", "category": 999999}
    )
    assert response.status_code == 400
    assert "Invalid email address" in response.get_data(as_text=True)


def test_one_president_per_jury(make):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition, size=3)
    members = db.session.scalars(db.select(JuryMember).order_by(JuryMember.id)).all()
    services.set_president(actor=organiser, member=members[0])
    services.set_president(actor=organiser, member=members[1])
    presidents = [m.user_id for m in db.session.scalars(db.select(JuryMember).where(JuryMember.is_president))]
    assert presidents == [jurors[1].id]


def test_automatic_assignment_gives_every_entry_k_jurors_and_balances_load(client, make, login_as):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition, size=5)
    entries = [make.entry(edition=edition, category="cyber") for _ in range(10)]
    round_ = _first_round(category)
    preview = services.apply_assignment(actor=organiser, round_=round_)
    assert preview.plan.problems == [] or list(preview.plan.problems) == []
    live = _live(round_)
    per_entry = {e.id: sum(1 for a in live if a.entry_id == e.id) for e in entries}
    assert set(per_entry.values()) == {3}
    loads = [sum(1 for a in live if a.juror_id == j.id) for j in jurors]
    assert max(loads) - min(loads) <= 1


def test_assignment_never_gives_an_entry_to_a_conflicted_juror(make):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition, size=4)
    company = make.organisation("Rival Corp")
    entry = make.entry(edition=edition, organisation=company)
    services.declare_conflict(
        actor=jurors[0], juror=jurors[0], organisation=company, kind="competitor", reason="We compete on fences"
    )
    jurors[1].organisation_id = company.id  # employed there: conflicted automatically
    db.session.commit()
    round_ = _first_round(category)
    preview = services.apply_assignment(actor=organiser, round_=round_)
    assigned = {a.juror_id for a in _live(round_) if a.entry_id == entry.id}
    assert jurors[0].id not in assigned and jurors[1].id not in assigned
    assert preview.plan.problems and "2 eligible jurors, needs 3" in preview.plan.problems[0].message


def test_manual_assignment_of_a_conflicted_juror_is_refused_with_the_reason(client, make, login_as):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition)
    company = make.organisation()
    entry = make.entry(edition=edition, organisation=company)
    services.declare_conflict(
        actor=organiser, juror=jurors[2], organisation=company, kind="investor", reason="Holds shares"
    )
    login_as(organiser)
    round_ = _first_round(category)
    response = client.post(
        f"/organiser/assignments/{round_.id}/manual", data={"entry": entry.id, "juror": jurors[2].id}
    )
    assert response.status_code == 409 and "conflict of interest (investor)" in response.get_data(as_text=True)
    assert _live(round_) == []
    ok = client.post(f"/organiser/assignments/{round_.id}/manual", data={"entry": entry.id, "juror": jurors[0].id})
    assert ok.status_code == 302 and [a.juror_id for a in _live(round_)] == [jurors[0].id]


def test_rerun_keeps_started_scorecards_and_only_adds_what_is_missing(make):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition, size=5)
    first = [make.entry(edition=edition) for _ in range(4)]
    round_ = _first_round(category)
    services.apply_assignment(actor=organiser, round_=round_)
    started = _live(round_)[0]
    db.session.add(Scorecard(round_id=round_.id, entry_id=started.entry_id, juror_id=started.juror_id, marks={}))
    db.session.commit()
    before = {(a.entry_id, a.juror_id) for a in _live(round_)}
    newcomer = make.entry(edition=edition)
    preview = services.apply_assignment(actor=organiser, round_=round_)
    after = {(a.entry_id, a.juror_id) for a in _live(round_)}
    assert before <= after
    assert {e for e, _ in preview.plan.added} == {newcomer.id}
    assert len(first) == 4


def test_recused_juror_is_replaced_and_the_organiser_sees_why(client, make, login_as):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition, size=4)
    entry = make.entry(edition=edition)
    round_ = _first_round(category)
    services.apply_assignment(actor=organiser, round_=round_)
    leaving = next(a for a in _live(round_) if a.entry_id == entry.id)
    juror = db.session.get(User, leaving.juror_id)
    login_as(juror)
    response = client.post(f"/jury/entries/{entry.id}/recuse?round={round_.id}", data={"reason": "Former colleague"})
    assert response.status_code == 302
    live = {a.juror_id for a in _live(round_) if a.entry_id == entry.id}
    assert juror.id not in live and len(live) == 3
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "assignment.recuse"))
    assert event.after["reason"] == "Former colleague"
    client.post("/auth/logout")
    login_as(organiser)
    page = client.get(f"/organiser/assignments?round={round_.id}").get_data(as_text=True)
    assert "recused" in page and "Former colleague" in page


def test_preview_changes_nothing_and_a_stale_preview_is_refused(client, make, login_as):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition)
    make.entry(edition=edition)
    round_ = _first_round(category)
    login_as(organiser)
    page = client.get(f"/organiser/assignments?round={round_.id}").get_data(as_text=True)
    assert "would add 3" in page and _live(round_) == []
    stale = services.preview_assignment(round_).digest
    make.entry(edition=edition)
    response = client.post(f"/organiser/assignments/{round_.id}/apply", data={"digest": stale})
    assert response.status_code == 409 and _live(round_) == []


def test_juror_declares_a_conflict_and_loses_unstarted_assignments_on_that_company(client, make, login_as):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition, size=3)
    company = make.organisation()
    entry = make.entry(edition=edition, organisation=company)
    round_ = _first_round(category)
    services.apply_assignment(actor=organiser, round_=round_)
    login_as(jurors[0])
    response = client.post(
        "/jury/conflicts", data={"organisation": company.id, "kind": "client", "reason": "They buy from us"}
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(Conflict).where(Conflict.juror_id == jurors[0].id)).kind == "client"
    assert jurors[0].id not in {a.juror_id for a in _live(round_) if a.entry_id == entry.id}


def test_juror_cannot_recuse_from_an_entry_not_assigned_to_them(client, make, login_as):
    edition = make.edition()
    _jury(make, edition)
    entry = make.entry(edition=edition)
    login_as(make.user("juror"))
    assert client.post(f"/jury/entries/{entry.id}/recuse", data={"reason": "whatever"}).status_code == 404


def test_member_with_started_scorecards_cannot_leave_the_jury(make):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition, size=3)
    entry = make.entry(edition=edition)
    round_ = _first_round(category)
    db.session.add(Scorecard(round_id=round_.id, entry_id=entry.id, juror_id=jurors[0].id, marks={}))
    db.session.commit()
    member = db.session.scalar(db.select(JuryMember).where(JuryMember.user_id == jurors[0].id))
    import pytest

    from judging.errors import Refused

    with pytest.raises(Refused):
        services.remove_member(actor=organiser, member=member)


def test_organiser_jury_pages_show_the_jury_its_conflicts_and_the_assignment_matrix(client, make, login_as):
    edition = make.edition()
    category, jurors, organiser = _jury(make, edition)
    entry = make.entry(edition=edition, category=category.code, status="submitted", title="Drone net launcher")
    services.declare_conflict(
        actor=organiser, juror=jurors[0], organisation=entry.organisation, kind="client", reason="Buys their nets"
    )
    db.session.commit()
    login_as(organiser)
    juries_page = client.get("/organiser/juries").get_data(as_text=True)
    assert all(juror.email in juries_page for juror in jurors)
    conflicts_page = client.get("/organiser/conflicts").get_data(as_text=True)
    assert jurors[0].name in conflicts_page and entry.organisation.name in conflicts_page
    matrix = client.get(f"/organiser/assignments?round={category.rounds[0].id}").get_data(as_text=True)
    assert "Drone net launcher" in matrix and all(juror.name in matrix for juror in jurors)
