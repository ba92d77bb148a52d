"""The organiser's dashboard: progress, late jurors, reminders, leaderboard."""

from datetime import timedelta

from judging.domain import juries as services
from judging.domain.progress import category_progress
from judging.extensions import db
from judging.mail import outbox
from judging.models import Assignment, Scorecard, utcnow


def _half_judged(make):
    edition = make.edition(deadline_in=timedelta(days=-3))
    # Three quarters of the scoring window have passed.
    edition.scoring_opens_at = utcnow() - timedelta(days=3)
    edition.scoring_closes_at = utcnow() + timedelta(days=1)
    category = make.category(edition, "drones")
    organiser = make.user("organiser")
    diligent, late = make.user("juror", language="fr"), make.user("juror")
    for juror in (diligent, late):
        services.add_member(actor=organiser, category=category, juror=juror)
    round_ = category.rounds[0]
    keys = [c.key for c in round_.criteria]
    entries = [make.entry(edition=edition, category="drones", title=f"Drone {n}") for n in range(4)]
    for entry in entries:
        for juror in (diligent, late):
            db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
        db.session.add(
            Scorecard(
                round_id=round_.id,
                entry_id=entry.id,
                juror_id=diligent.id,
                status="submitted",
                marks={k: 7 for k in keys},
                weighted_total=70.0,
            )
        )
    db.session.commit()
    return edition, category, organiser, diligent, late


def test_progress_counts_scorecards_and_spots_the_late_juror(make):
    edition, category, organiser, diligent, late = _half_judged(make)
    progress = category_progress(category)
    assert (progress.submitted, progress.assigned) == (4, 8)
    behind = {j.juror.id: j.behind for j in progress.jurors}
    assert behind == {diligent.id: False, late.id: True}
    assert len(progress.short_entries) == 4 and progress.short_entries[0][1:] == (1, 2)


def test_dashboard_shows_progress_leaderboard_and_reminds_late_jurors(client, make, login_as):
    edition, category, organiser, diligent, late = _half_judged(make)
    login_as(organiser)
    page = client.get("/organiser/").get_data(as_text=True)
    assert "4 of 8 scorecards submitted" in page and "behind schedule" in page
    assert "<svg" in page and "Live leaderboard" in page
    assert client.post(f"/organiser/reminders?edition={edition.id}").status_code == 302
    mails = [m for m in outbox() if "scorecard" in m.subject.lower() or "grille" in m.subject.lower()]
    assert [m.to for m in mails] == [late.email] and "0 of 4" in mails[0].body


def test_remind_command_mails_the_same_jurors(runner, make):
    edition, category, organiser, diligent, late = _half_judged(make)
    result = runner.invoke(args=["remind-jurors", "--edition", str(edition.id)])
    assert result.exit_code == 0 and "1 juror(s) reminded" in result.output


def test_audit_trail_lists_changes_with_before_and_after_and_filters_them(client, make, login_as):
    edition = make.edition()
    organiser = make.user("organiser")
    entry = make.entry(edition=edition, title="Questionable gadget")
    login_as(organiser)
    client.post(f"/organiser/entries/{entry.id}", data={"reason": "Sold since 2015"})
    page = client.get("/organiser/audit?action=entry.disqualify").get_data(as_text=True)
    assert "entry.disqualify" in page and "Sold since 2015" in page and organiser.email in page
    assert "Entry disqualified" in page and "status: submitted → disqualified" in page  # readable at a glance
    assert "Sold since 2015" not in client.get("/organiser/audit?action=results").get_data(as_text=True)


def test_nobody_can_change_the_audit_trail_through_the_app(app):
    # No route of the app writes to it except services recording new events: no edit or delete endpoint.
    audit_routes = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert audit_routes and all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_routes)


def test_audit_trail_exports_to_xlsx_with_the_filters(client, make, login_as):
    import io

    from openpyxl import load_workbook

    edition = make.edition()
    entry = make.entry(edition=edition, title="=cmd|' /C calc'!A0")
    login_as(make.user("organiser"))
    client.post(f"/organiser/entries/{entry.id}", data={"reason": '=HYPERLINK("x")'})
    response = client.get("/organiser/audit/export.xlsx?action=entry.disqualify")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("When (UTC)", "Who", "Action", "Action code") and len(rows) == 2
    assert rows[1][2:4] == ("Entry disqualified", "entry.disqualify")
    assert "HYPERLINK" in rows[1][7]


def test_dashboard_queries_do_not_grow_with_jurors_entries_or_scorecards(client, make, login_as, count_queries):
    edition, category, organiser, diligent, late = _half_judged(make)
    login_as(organiser)

    def dashboard_queries() -> int:
        with count_queries() as statements:
            assert client.get("/organiser/").status_code == 200
        return len(statements)

    few = dashboard_queries()
    round_ = category.rounds[0]
    keys = [c.key for c in round_.criteria]
    jurors = [make.user("juror") for _ in range(6)]
    for juror in jurors:
        services.add_member(actor=organiser, category=category, juror=juror)
    for n in range(12):
        entry = make.entry(edition=edition, category="drones", title=f"Swarm {n}")
        for juror in jurors[n % 3 :: 3]:
            db.session.add(Assignment(round_id=round_.id, entry_id=entry.id, juror_id=juror.id))
            db.session.add(
                Scorecard(
                    round_id=round_.id,
                    entry_id=entry.id,
                    juror_id=juror.id,
                    status="submitted",
                    marks={k: n % 10 for k in keys},
                    weighted_total=10.0 * (n % 10),
                )
            )
    db.session.commit()
    assert dashboard_queries() == few


def test_dashboard_flags_a_juror_far_more_lenient_than_the_panel(client, make, login_as):
    edition, category, organiser, diligent, late = _half_judged(make)  # diligent: 70 on all four entries
    round_ = category.rounds[0]
    keys = [c.key for c in round_.criteria]
    for card in db.session.scalars(db.select(Assignment).where(Assignment.juror_id == late.id)):
        db.session.add(
            Scorecard(
                round_id=round_.id,
                entry_id=card.entry_id,
                juror_id=late.id,
                status="submitted",
                marks={k: 9 for k in keys},
                weighted_total=90.0,
            )
        )
    db.session.commit()
    progress = category_progress(category)
    by_juror = {j.juror.id: j for j in progress.jurors}
    assert by_juror[late.id].leniency == 20.0 and by_juror[diligent.id].leniency == -20.0
    assert by_juror[late.id].stands_out and not progress.behind
    login_as(organiser)
    page = client.get("/organiser/").get_data(as_text=True)
    assert "more lenient than the panel" in page and "harsher than the panel" in page and "+20.0" in page
