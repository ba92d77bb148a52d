"""The exhibitor's side: their organisation's entries, drafts, attachments, submission and withdrawal."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..domain import entries as services, lifecycle
from ..domain.editions import current_edition
from ..domain.entries import QUESTIONS
from ..domain.permissions import can_view_attachment, owns_entry, role_required
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..forms import options
from ..models import Attachment, Edition, Entry
from ..storage import local_root, storage
from ..uploads import is_stored_name, tablet_rendition
from .forms import INNOVATION_LABELS, MATURITY_LABELS, AttachmentForm, ConfirmForm, EntryForm

bp = Blueprint("entries", __name__, url_prefix="/entries")


def _own_entry(entry_id: int) -> Entry:
    """The entry if it belongs to the current exhibitor's organisation; 404 otherwise (no existence leak)."""
    entry = db.session.get(Entry, entry_id, options=[selectinload(Entry.attachments)])
    if entry is None or not owns_entry(current_user, entry):
        abort(404)
    return entry


def _entry_form(edition, entry: Entry | None = None) -> EntryForm:
    form = EntryForm(obj=entry)
    if entry is not None and request.method == "GET":
        form.category.data = entry.category_id
    lang = current_user.language
    form.category.choices = options((c.id, c.name(lang)) for c in edition.categories)
    return form


KEPT = "kept_files"


def _keep_chosen_files(form: EntryForm) -> list[dict]:
    """The files kept for this form: those kept by an earlier refused try (less the ones the exhibitor removed)
    and those chosen now that pass validation; a refused file is said beside the field. Kept in the session, so
    a refusal of another field does not make the exhibitor choose them again."""
    kept = [f for f in session.get(KEPT, []) if f["stored_name"] in request.form.getlist("keep")]
    services.discard_kept_files([f for f in session.get(KEPT, []) if f not in kept])
    for file in form.files.data or []:
        if not getattr(file, "filename", None):
            continue  # the field left empty
        try:
            kept.append(services.keep_file(data=file.read(), filename=file.filename))
        except Refused as refusal:
            form.files.errors = [*form.files.errors, f"{file.filename}: {refusal.message}"]
    session[KEPT] = kept
    return kept


def _forget_kept_files() -> list[dict]:
    """A form opened afresh starts with no kept files (those of an abandoned try are deleted)."""
    services.discard_kept_files(session.pop(KEPT, []))
    return []


def _values(form: EntryForm) -> dict:
    return {field: getattr(form, field).data for field in services.EDITABLE_FIELDS}


def _question_set(edition, category_id: int | None) -> str | None:
    return next((c.question_set for c in edition.categories if c.id == category_id), None)


@bp.get("/")
@role_required("exhibitor")
def dashboard():
    return dashboard_page()


def dashboard_page(invite=None, status: int = 200):
    """The exhibitor's dashboard; `invite`: the colleague's invitation as typed, refused, shown again."""
    edition = current_edition()
    entries = db.session.scalars(
        db.select(Entry)
        .where(Entry.edition_id == edition.id, Entry.organisation_id == current_user.organisation_id)
        .options(selectinload(Entry.category), selectinload(Entry.attachments))
        .order_by(Entry.created_at)
    ).all()
    others = [
        e
        for e in db.session.scalars(
            db.select(Edition)
            .where(Edition.id != edition.id, Edition.status == "live")
            .options(selectinload(Edition.show))
            .order_by(Edition.id)
        )
        if e.accepts_entries()
    ]
    from ..auth.forms import InviteColleagueForm

    return render_template(
        "entries/dashboard.html",
        edition=edition,
        entries=entries,
        other_editions=others,
        invite=invite or InviteColleagueForm(formdata=None, language=current_user.language),
        organisation=current_user.organisation,
        outcomes=lifecycle.outcomes(edition),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@keeps_typed_input
@role_required("exhibitor")
def new():
    edition = current_edition()
    form = _entry_form(edition)
    if request.method == "GET":
        form.category.data = request.args.get("category", type=int)
        if _question_set(edition, form.category.data) is None:
            # First choose the category: its questions decide the rest of the form.
            return render_template(
                "entries/choose_category.html",
                edition=edition,
                left=services.entries_left(edition, current_user.organisation_id),
            )
    status = 400 if request.method == "POST" else 200
    valid = form.validate_on_submit()
    kept = _keep_chosen_files(form) if request.method == "POST" else _forget_kept_files()
    if valid and not form.files.errors:
        try:
            entry = services.create_entry(
                user=current_user, edition=edition, category_id=form.category.data, values=_values(form)
            )
            services.attach_kept_files(entry=entry, user=current_user, kept=kept)
        except Refused as refusal:  # the same form again, as typed, with the reason beside the field
            db.session.rollback()
            refusal.show_on(form)
            status = refusal.status
        else:
            session.pop(KEPT, None)
            flash(_("Draft saved. Add files if you wish, then submit it before the deadline."), "success")
            return redirect(url_for("entries.show", entry_id=entry.id))
    return render_template(
        "entries/form.html",
        form=form,
        edition=edition,
        entry=None,
        question_set=_question_set(edition, form.category.data),
        left=services.entries_left(edition, current_user.organisation_id),
        kept=session.get(KEPT, []),
    ), status


@bp.get("/<int:entry_id>")
@role_required("exhibitor")
def show(entry_id: int):
    return _entry_page(_own_entry(entry_id))


def _entry_page(entry: Entry, upload_form: AttachmentForm | None = None, status: int = 200):
    """The entry's page; `upload_form`: a refused upload, its reason beside the file field."""
    return render_template(
        "entries/show.html",
        entry=entry,
        edition=entry.edition,
        missing=services.missing_answers(entry),
        upload_form=upload_form or AttachmentForm(formdata=None),
        confirm=ConfirmForm(),
        questions=QUESTIONS,
        innovation_labels=INNOVATION_LABELS,
        maturity_labels=MATURITY_LABELS,
    ), status


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@keeps_typed_input
@role_required("exhibitor")
def edit(entry_id: int):
    entry = _own_entry(entry_id)
    edition = entry.edition
    form = _entry_form(edition, entry)
    status = 400 if request.method == "POST" else 200
    valid = form.validate_on_submit()
    kept = _keep_chosen_files(form) if request.method == "POST" else _forget_kept_files()
    if valid and not form.files.errors:
        try:
            services.update_entry(entry=entry, category_id=form.category.data, values=_values(form))
            services.attach_kept_files(entry=entry, user=current_user, kept=kept)
        except Refused as refusal:  # the same form again, as typed, with the reason beside the field
            db.session.rollback()
            refusal.show_on(form)
            status = refusal.status
        else:
            session.pop(KEPT, None)
            flash(_("Changes saved."), "success")
            return redirect(url_for("entries.show", entry_id=entry.id))
        entry = _own_entry(entry_id)
    return render_template(
        "entries/form.html",
        form=form,
        edition=edition,
        entry=entry,
        question_set=entry.category.question_set,
        kept=session.get(KEPT, []),
    ), status


@bp.post("/<int:entry_id>/submit")
@role_required("exhibitor")
def submit(entry_id: int):
    entry = _own_entry(entry_id)
    if ConfirmForm().validate_on_submit():
        services.submit_entry(entry=entry)
        flash(_("Your entry is submitted. You can still edit it until the deadline."), "success")
    return redirect(url_for("entries.show", entry_id=entry.id))


@bp.post("/<int:entry_id>/withdraw")
@role_required("exhibitor")
def withdraw(entry_id: int):
    entry = _own_entry(entry_id)
    if ConfirmForm().validate_on_submit():
        services.back_to_draft(entry=entry)
        flash(
            _(
                "Your entry is back to draft: it will be judged only if you submit it again before the deadline. "
                "Everything you typed and attached is kept."
            ),
            "info",
        )
    return redirect(url_for("entries.show", entry_id=entry.id))


@bp.post("/<int:entry_id>/attachments")
@keeps_typed_input
@role_required("exhibitor")
def upload(entry_id: int):
    entry = _own_entry(entry_id)
    form = AttachmentForm()
    if not form.validate_on_submit():  # the entry's page again, the reason beside the file field
        return _entry_page(entry, form, 400)
    file = form.file.data
    try:
        services.add_attachment(entry=entry, user=current_user, data=file.read(), filename=file.filename or "")
    except Refused as refusal:  # a type or size refused: said beside the field, the entry unchanged
        db.session.rollback()
        refusal.field = "file"
        refusal.show_on(form)
        return _entry_page(_own_entry(entry_id), form, refusal.status)
    flash(_("File attached."), "success")
    return redirect(url_for("entries.show", entry_id=entry.id))


@bp.post("/<int:entry_id>/attachments/<int:attachment_id>/delete")
@role_required("exhibitor")
def delete_attachment(entry_id: int, attachment_id: int):
    entry = _own_entry(entry_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.entry_id != entry.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_attachment(attachment=attachment)
        flash(_("File removed."), "info")
    return redirect(url_for("entries.show", entry_id=entry.id))


@bp.get("/files/<int:attachment_id>")
def attachment(attachment_id: int, *, tablet_size: bool = False):
    """Serve a file to the people allowed to see its entry: inline for reading on a tablet, never sniffed.
    `tablet_size`: a large image comes as its tablet-size rendition, unless the original is asked for."""
    item = db.session.get(Attachment, attachment_id)
    if item is None or not can_view_attachment(current_user, item):
        abort(404)
    # From the storage every app machine shares: uploaded through one machine, served by any other.
    if not is_stored_name(item.stored_name):
        abort(404)
    files = storage()
    root = local_root(files)
    mimetype, body = item.content_type, None
    if tablet_size and root is not None and not request.args.get("original") and not request.args.get("download"):
        rendition = tablet_rendition(root, item.stored_name, sha256=item.sha256, content_type=item.content_type)
        if rendition is not None:
            body, mimetype = rendition.path, rendition.content_type
    if body is None:
        try:
            body = io.BytesIO(files.read(item.stored_name))
        except FileNotFoundError:
            abort(404)
    response = send_file(
        body,
        mimetype=mimetype,
        as_attachment=bool(request.args.get("download")),
        download_name=item.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # No script may run in the file's origin; the browser's own PDF viewer still works (no sandbox flag).
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
