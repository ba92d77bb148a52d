"""Backup and restore round-trip the database and the uploads."""

import io
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from judging.extensions import db
from judging.models import Attachment, Entry, Scorecard, utcnow
from support import empty_all_tables


def _everything():
    db.session.commit()
    with db.engine.connect() as connection:
        return {
            t.name: [tuple(r) for r in connection.execute(sa.select(t).order_by(*t.primary_key.columns))]
            for t in db.metadata.sorted_tables
        }


def test_backup_then_restore_brings_back_every_row_and_file(app, client, runner, make, login_as, tmp_path):
    runner.invoke(args=["demo"])
    owner = make.user("exhibitor", organisation=db.session.scalar(db.select(Entry)).organisation)
    entry = db.session.scalar(db.select(Entry).where(Entry.organisation_id == owner.organisation_id))
    login_as(owner)
    entry.status = "draft"
    entry.edition.submission_deadline = utcnow() + timedelta(days=1)
    db.session.commit()
    pdf = b"%PDF-1.4\nbackup me\n%%EOF\n"
    assert client.post(f"/entries/{entry.id}/attachments", data={"file": (io.BytesIO(pdf), "b.pdf")}).status_code == 302
    entry_id, owner_id = entry.id, owner.id
    before = _everything()
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "b.zip"), "--progress"])
    assert result.exit_code == 0, result.output
    assert "Backing up" in result.output  # the progress bar, when asked (or on a terminal)
    stored = db.session.scalar(db.select(Attachment)).stored_name
    refused = runner.invoke(args=["restore", str(tmp_path / "b.zip")])
    assert refused.exit_code != 0 and "not empty" in refused.output and "Restoring" not in refused.output
    empty_all_tables()
    (Path(app.config["UPLOAD_FOLDER"]) / stored).unlink()
    restored = runner.invoke(args=["restore", str(tmp_path / "b.zip"), "--progress"])
    assert restored.exit_code == 0, restored.output
    assert "Restoring" in restored.output
    assert _everything() == before
    assert (Path(app.config["UPLOAD_FOLDER"]) / stored).read_bytes() == pdf
    # New rows get fresh ids after a restore (sequences moved past the restored ones).
    card = Scorecard(round_id=1, entry_id=entry_id, juror_id=owner_id, marks={}, purpose="calibration")
    db.session.add(card)
    db.session.commit()
    assert card.id > max(row[0] for row in before["scorecard"])
