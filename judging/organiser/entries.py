"""Organiser pages for entries: the filtered list, one entry's dossier, disqualify and reinstate."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..domain import entries as services
from ..domain.editions import current_edition
from ..domain.entry_list import PAGE_SIZES, EntryFilter, counts_by_status, list_entries
from ..entries.forms import INNOVATION_LABELS, MATURITY_LABELS, QUESTIONS
from ..errors import Refused
from ..extensions import db
from ..models import ENTRY_STATUSES, Entry
from ..wording import status_label
from .forms import DisqualifyForm, ReinstateForm

bp = Blueprint("entries", __name__)


@bp.get("/entries")
def entries():
    """Every entry of the edition: filtered, sorted by any column, counted per status, a page at a time."""
    edition = current_edition()
    wanted = EntryFilter.from_args(request.args)
    return render_template(
        "organiser/entries.html",
        edition=edition,
        listing=list_entries(edition, wanted),
        counts=counts_by_status(edition, wanted),
        wanted=wanted,
        statuses=ENTRY_STATUSES,
        page_sizes=PAGE_SIZES,
    )


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
def entry(entry_id: int):
    item = db.session.get(Entry, entry_id, options=[selectinload(Entry.attachments), selectinload(Entry.organisation)])
    if item is None:
        abort(404)
    form = DisqualifyForm()
    if form.validate_on_submit():
        try:
            services.disqualify_entry(actor=current_user, entry=item, reason=form.reason.data)
        except Refused as refusal:  # published, frozen, or already disqualified in another tab: said beside the form
            db.session.rollback()
            form.reason.errors = list(form.reason.errors) + [refusal.message]
            return _entry_page(item, disqualify=form, status=refusal.status)
        else:
            flash(_("Entry disqualified."), "info")
            return redirect(url_for("organiser.entries.entry", entry_id=item.id))
    status = 400 if request.method == "POST" else 200
    return _entry_page(item, disqualify=form, status=status)


@bp.post("/entries/<int:entry_id>/reinstate")
def reinstate_entry(entry_id: int):
    """Undo a disqualification, with the reason recorded in the audit trail."""
    item = db.get_or_404(Entry, entry_id)
    form = ReinstateForm()
    if form.validate_on_submit():
        try:
            services.reinstate_entry(actor=current_user, entry=item, reason=form.reason.data)
        except Refused as refusal:
            db.session.rollback()
            form.reason.errors = list(form.reason.errors) + [refusal.message]
            return _entry_page(item, reinstate=form, status=refusal.status)
        else:
            flash(_("Entry reinstated: it is %(status)s again.", status=status_label(item.status)), "success")
            return redirect(url_for("organiser.entries.entry", entry_id=item.id))
    return _entry_page(item, reinstate=form, status=400)


def _entry_page(item: Entry, *, disqualify=None, reinstate=None, status: int = 200):
    return render_template(
        "organiser/entry.html",
        entry=item,
        form=disqualify or DisqualifyForm(formdata=None),
        reinstate=reinstate or ReinstateForm(formdata=None),
        questions=QUESTIONS,
        innovation_labels=INNOVATION_LABELS,
        maturity_labels=MATURITY_LABELS,
    ), status
