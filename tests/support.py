"""Helpers shared by the tests (imported as `support`; tests/ is on the path, see pyproject)."""

import sqlalchemy as sa

PASSWORD = "correct-horse-42"


def empty_all_tables(attempts: int = 10) -> None:
    """Delete every row, restarting ids, so that a rebuilt world gets the same ids again.

    A browser test's last request (a tablet's keepalive save sent as the page closes) may still be running in a
    live-server thread when the test ends; PostgreSQL then reports the TRUNCATE as a deadlock with it. Waiting a
    moment and trying again lets that request finish first.
    """
    import time

    from judging.extensions import db

    for attempt in range(attempts):
        db.session.remove()
        try:
            _empty(db)
            return
        except sa.exc.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _empty(db) -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
            if connection.execute(sa.text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
                connection.execute(sa.text("DELETE FROM sqlite_sequence"))


def sign_off_as_president(category, *, accept_incomplete: bool = True):
    """The category's jury president (its first member made president if it has none) signs off the deciding round."""
    from judging.domain import rounds
    from judging.extensions import db
    from judging.models import Jury, JuryMember

    members = db.session.scalars(
        db.select(JuryMember)
        .join(Jury, Jury.id == JuryMember.jury_id)
        .where(Jury.category_id == category.id)
        .order_by(JuryMember.id)
    ).all()
    president = next((m for m in members if m.is_president), None)
    if president is None:
        president = members[0]
        president.is_president = True
        db.session.commit()
    return rounds.sign_off(
        actor=president.user, round_=rounds.deciding_round(category), accept_incomplete=accept_incomplete
    )


EXHIBITOR_HEADER = ["Organisation", "Country", "Hall", "Stand", "Start-up", "Contact email"]
JUROR_HEADER = ["Name", "Email", "Organisation", "Juries", "Language", "President"]


def import_workbook(header: list[str], rows) -> bytes:
    """An .xlsx import file as an organiser fills it in: a header row, then one row per exhibitor or juror."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_import(client, kind: str, data: bytes):
    """Upload an import file to its preview (nothing is written yet)."""
    import io

    return client.post(f"/organiser/import/{kind}", data={"file": (io.BytesIO(data), f"{kind}.xlsx")})


def import_through_preview(client, kind: str, data: bytes, *, follow_redirects: bool = False):
    """Upload an import file as the organiser does, then confirm the preview it shows (when it shows one):
    the response of the confirmation, or of the upload when it was refused."""
    import io
    import re

    preview = client.post(f"/organiser/import/{kind}", data={"file": (io.BytesIO(data), f"{kind}.xlsx")})
    html = preview.get_data(as_text=True)
    if preview.status_code != 200 or 'name="token"' not in html:
        return preview
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]+)"', html) or re.search(
        r'id="digest" name="digest" type="hidden" value="([0-9a-f]+)"', html
    )
    return client.post(
        f"/organiser/import/{kind}/confirm",
        data={"token": token, "digest": digest.group(1)},
        follow_redirects=follow_redirects,
    )


def add_attachment(entry, name: str, stored: str) -> None:
    """A file uploaded to an entry: its bytes in the upload folder under `stored`, its row committed (one per flush,
    as uploads do, each taking the next free slot)."""
    from pathlib import Path

    from flask import current_app

    from judging.extensions import db
    from judging.models import Attachment

    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(b"%PDF-1.4 " + name.encode())
    db.session.add(
        Attachment(
            entry_id=entry.id,
            original_name=name,
            stored_name=stored,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        )
    )
    db.session.commit()
