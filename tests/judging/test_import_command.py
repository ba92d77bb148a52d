"""`flask import exhibitors|jurors FILE`: the import page's reading, checks and writes on the command line, all
rows or none, with a dry run and a progress bar when asked."""

from judging.extensions import db
from judging.models import AuditEvent, JuryMember, Organisation, User
from support import EXHIBITOR_HEADER, JUROR_HEADER, import_workbook


def _jurors(n: int) -> list[list[str]]:
    return [[f"Juror {i}", f"juror{i:04d}@police.example.com", "", "cyber", "fr", "no"] for i in range(n)]


def _write(tmp_path, header, rows):
    path = tmp_path / "import.xlsx"
    path.write_bytes(import_workbook(header, rows))
    return str(path)


def _jurors_count() -> int:
    return db.session.scalar(db.select(db.func.count(User.id)).where(User.role == "juror"))


def test_the_command_imports_jurors_onto_their_juries(runner, make, tmp_path):
    edition = make.edition()
    result = runner.invoke(args=["import", "jurors", _write(tmp_path, JUROR_HEADER, _jurors(3))])
    assert result.exit_code == 0, result.output
    assert "3 jurors read: 3 new accounts, 3 jury seats added" in result.output
    assert "Importing jurors" not in result.output  # no bar unless asked (or on a terminal)
    assert _jurors_count() == 3 and db.session.scalar(db.select(db.func.count(JuryMember.id))) == 3
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "import.jurors")).edition_id == edition.id


def test_the_command_imports_exhibitors_and_shows_its_progress_when_asked(runner, make, tmp_path):
    rows = [[f"Company {i}", "FR", "5", f"B{i}", "no", f"c{i}@company{i}.example.com"] for i in range(120)]
    result = runner.invoke(args=["import", "exhibitors", _write(tmp_path, EXHIBITOR_HEADER, rows), "--progress"])
    assert result.exit_code == 0, result.output
    assert "Importing exhibitors" in result.output
    assert "120 exhibitors read: 120 created, 0 updated" in result.output
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 120
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "import.exhibitors"))
    assert (event.object_type, event.actor_id, event.after) == ("Organisation", None, {"created": 120, "updated": 0})


def test_a_refused_file_imports_nothing_and_says_why_without_a_traceback(runner, make, tmp_path):
    make.edition()
    rows = _jurors(3) + [["Someone", "someone@police.example.com", "", "cyber", "de", "no"]]
    result = runner.invoke(args=["import", "jurors", _write(tmp_path, JUROR_HEADER, rows)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output and "is not en or fr" in result.output
    assert "Traceback" not in result.output
    assert _jurors_count() == 0


def test_a_row_refused_by_the_rules_leaves_nothing_of_the_others(runner, make, tmp_path):
    make.edition()
    exhibitor = make.user("exhibitor")
    rows = _jurors(3) + [["Someone", exhibitor.email, "", "cyber", "en", "no"]]
    result = runner.invoke(args=["import", "jurors", _write(tmp_path, JUROR_HEADER, rows), "--progress"])
    assert result.exit_code == 1 and "already has an account that is not a juror" in result.output
    assert "Traceback" not in result.output
    assert _jurors_count() == 0 and db.session.scalar(db.select(JuryMember)) is None


def test_a_dry_run_says_what_would_change_and_writes_nothing(runner, make, tmp_path):
    make.edition()
    events = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    result = runner.invoke(args=["import", "jurors", _write(tmp_path, JUROR_HEADER, _jurors(2)), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "new juror: juror0000@police.example.com" in result.output and "nothing was written" in result.output
    assert _jurors_count() == 0 and db.session.scalar(db.select(db.func.count(AuditEvent.id))) == events


def test_an_unknown_edition_is_refused(runner, make, tmp_path):
    make.edition()
    result = runner.invoke(args=["import", "jurors", _write(tmp_path, JUROR_HEADER, _jurors(1)), "--edition", "999"])
    assert result.exit_code == 1 and "No such edition" in result.output and _jurors_count() == 0
