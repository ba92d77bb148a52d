"""Files organisers take away that can be large: a category's jury pack (zip), the entries workbook with every
answer, the ceremony results workbook and the audit trail workbook.

Each is made by one producer `(edition, params, progress) -> Produced`, whoever calls it: the page at once when the
work is small, the worker as a job otherwise (`judging.jobs`, same producer, same file). `params` are plain JSON
(what the page was asked), so a job can redo the request on another machine.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext as _

from .extensions import db
from .models import Attachment, AuditEvent, Category, Edition, Entry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


@dataclass(frozen=True)
class Produced:
    """A file made for download, and what the job page says of it."""

    data: bytes
    download_name: str
    mimetype: str
    summary: dict


def _report(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


# --- how big each one is: the figure the job threshold (`jobs.in_background`) is compared with ----------------------


def _in_pack(category: Category, everything: bool) -> list:
    """Which entries a jury reads: submitted ones (with `everything`, drafts and the rest too)."""
    return [Entry.category_id == category.id] + ([] if everything else [Entry.status == "submitted"])


def pack_entries(category: Category, everything: bool) -> list[Entry]:
    """The entries of the jury pack, with their companies and files."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.scalars(
            db.select(Entry)
            .where(*_in_pack(category, everything))
            .options(selectinload(Entry.organisation), selectinload(Entry.attachments), selectinload(Entry.category))
            .order_by(Entry.id)
        )
    )


def pack_size(category: Category, everything: bool) -> int:
    """Files in the jury pack (the long part of making it), counted without loading them."""
    return db.session.scalar(db.select(db.func.count(Attachment.id)).join(Entry).where(*_in_pack(category, everything)))


def results_size(edition: Edition) -> int:
    return db.session.scalar(db.select(db.func.count(Entry.id)).where(Entry.edition_id == edition.id)) or 0


def audit_size(edition: Edition, filters: dict) -> int:
    from .domain.audit import filtered_events

    return db.session.scalar(db.select(db.func.count()).select_from(filtered_events(edition, filters).subquery()))


# --- the producers -----------------------------------------------------------------------------------------------


def attachments_zip(edition: Edition, params: dict, progress=None) -> Produced:
    """The jury pack of a category: every file of its submitted entries (`all`: every entry), one folder per entry
    named by its number, company and title, with the answers workbook beside them."""
    from exports import table_workbook_bytes
    from exports.packs import PackFile, safe_part, write_pack

    from .domain.entry_list import answers_table
    from .storage import local_root, storage

    category = db.session.get(Category, params["category_id"])
    if category is None or category.edition_id != edition.id:
        from .errors import Refused

        raise Refused(_("This category no longer exists."), 404)
    with force_locale(params["language"]):
        entries = pack_entries(category, params.get("all", False))
        folder = local_root(storage()) or Path(current_app.config["UPLOAD_FOLDER"])
        files = [
            PackFile(e.id, e.organisation.name, e.title, a.original_name, folder / a.stored_name)
            for e in entries
            for a in e.attachments
        ]
        header, rows = answers_table(entries, language=params["language"], zone=edition.timezone)

        def counted():
            for done, item in enumerate(files, start=1):
                yield item
                _report(progress, done, len(files))

        with tempfile.TemporaryFile() as out:  # a big pack is written to disk, not built in memory
            missing = write_pack(
                counted(), out, extra={_("Entries") + ".xlsx": table_workbook_bytes(_("Entries"), header, rows)}
            )
            out.seek(0)
            data = out.read()
        name = safe_part(f"{edition.slug} {category.code} {_('files')}") + ".zip"
    return Produced(data, name, ZIP, {"entries": len(entries), "files": len(files) - len(missing)})


def entries_workbook(edition: Edition, params: dict, progress=None) -> Produced:
    """Every entry of `ids` (the list's filter or selection), one row each with every answer and its files."""
    from exports import table_workbook_bytes

    from .domain.entry_list import answers_table, entries_in_edition

    with force_locale(params["language"]):
        entries = entries_in_edition(edition, params["ids"])
        _report(progress, 0, len(entries))
        header, rows = answers_table(entries, language=params["language"], zone=edition.timezone)
        _report(progress, len(entries), len(entries))
        data = table_workbook_bytes(_("Entries"), header, rows)
    return Produced(data, f"{edition.slug}-{params.get('name', 'entries')}.xlsx", XLSX, {"rows": len(rows)})


def results_workbook(edition: Edition, params: dict, progress=None) -> Produced:
    """The ceremony workbook; refused (with the reason) until every category is signed off, unless overridden."""
    from exports import results_workbook_bytes

    from .exporting import collector_paused, results_book

    with collector_paused():
        book = results_book(
            edition, anonymise_jurors=params.get("anonymise", False), language=params["language"], progress=progress
        )
        data = results_workbook_bytes(book)
    return Produced(data, f"{edition.slug}-results.xlsx", XLSX, {"categories": len(book.categories)})


def audit_workbook(edition: Edition, params: dict, progress=None) -> Produced:
    """The filtered audit trail as a workbook (who, when, what, before and after)."""
    import json

    from sqlalchemy.orm import selectinload

    from exports import table_workbook_bytes

    from .domain.audit import filtered_events
    from .wording import action_label, object_label

    def cell(value):
        return json.dumps(value, ensure_ascii=False, default=str) if value is not None else ""

    with force_locale(params["language"]):
        query = filtered_events(edition, params["filters"]).options(selectinload(AuditEvent.actor))
        events = list(db.session.scalars(query))
        rows = []
        for done, e in enumerate(events, start=1):
            who = e.actor.email if e.actor else _("system")
            label, kind = action_label(e.action), object_label(e.object_type)
            rows.append([e.at, who, label, e.action, kind, e.object_id, cell(e.before), cell(e.after)])
            if done % 500 == 0 or done == len(events):
                _report(progress, done, len(events))
        header = [
            _("When (UTC)"),
            _("Who"),
            _("Action"),
            _("Action code"),
            _("Object"),
            _("Id"),
            _("Before"),
            _("After"),
        ]
        data = table_workbook_bytes(_("Audit trail"), header, rows)
    return Produced(data, f"{edition.slug}-audit.xlsx", XLSX, {"rows": len(rows)})


PRODUCERS = {
    "attachments_zip": attachments_zip,
    "export_entries": entries_workbook,
    "export_results": results_workbook,
    "export_audit": audit_workbook,
}
