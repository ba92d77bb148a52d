"""One transaction per action: a multi-step action that fails at its last step leaves nothing behind."""

import io

import pytest
from openpyxl import Workbook

from exports import JurorImportRow
from judging import exporting
from judging.errors import Refused
from judging.extensions import db
from judging.models import AuditEvent, JuryMember, User
from support import import_through_preview


def _rows(last_email):
    return (
        JurorImportRow(
            name="Claire Dubois",
            email="claire@police.example.com",
            organisation="",
            juries=("cyber", "drones"),
            language="fr",
            president=True,
        ),
        JurorImportRow(
            name="Last One", email=last_email, organisation="", juries=("cyber",), language="en", president=False
        ),
    )


def test_a_juror_import_failing_at_its_last_row_leaves_no_juror_seat_or_president(make):
    edition = make.edition()
    organiser = make.user("organiser")
    exhibitor = make.user("exhibitor")
    with pytest.raises(Refused):
        exporting.import_jurors(actor=organiser, edition=edition, rows=_rows(exhibitor.email))
    assert db.session.scalar(db.select(User).where(User.email == "claire@police.example.com")) is None
    assert db.session.scalars(db.select(JuryMember)).all() == []
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action.like("jury.%"))) is None
    # The same rows with a valid last line go through the page's own jury services, recorded once each.
    created, seats = exporting.import_jurors(actor=organiser, edition=edition, rows=_rows("last@example.com"))
    assert (created, seats) == (2, 3)
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions.count("jury.add_member") == 3 and actions.count("jury.set_president") == 2


def test_a_refused_import_through_the_page_is_a_clear_409_and_keeps_nothing(client, make, login_as):
    make.edition()
    login_as(make.user("organiser"))
    exhibitor = make.user("exhibitor")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation", "Juries", "Language", "President"])
    sheet.append(["Claire Dubois", "claire@police.example.com", "", "cyber", "fr", "yes"])
    sheet.append(["Someone", exhibitor.email, "", "cyber", "en", "no"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = import_through_preview(client, "jurors", buffer.getvalue())
    assert response.status_code == 409 and "not a juror" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "claire@police.example.com")) is None


def test_a_service_changes_the_session_and_leaves_the_commit_to_its_caller(make):
    """Services never commit: whoever calls them (a request, a command, an import) decides, so a caller that
    gives up keeps nothing of what the service did."""
    from judging.domain import juries

    edition = make.edition()
    organiser, juror = make.user("organiser"), make.user("juror")
    juries.add_member(actor=organiser, category=edition.categories[0], juror=juror)
    assert db.session.scalars(db.select(JuryMember)).all() != []  # visible to the caller's own transaction
    db.session.rollback()
    assert db.session.scalars(db.select(JuryMember)).all() == []
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "jury.add_member")) is None


def test_no_domain_module_commits():
    from pathlib import Path

    import judging.domain

    for path in Path(judging.domain.__file__).parent.glob("*.py"):
        assert ".commit(" not in path.read_text(), f"{path.name} commits; the request or command must do it"
