"""Organiser pages for entries: the filtered list, one entry's dossier, disqualify and reinstate."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import jobs
from ..domain import entries as services
from ..domain.editions import current_edition
from ..domain.entries import QUESTIONS
from ..domain.entry_list import (
    EntryFilter,
    apply_bulk,
    counts_by_status,
    entries_in_edition,
    list_entries,
    matching_ids,
    plan_bulk,
)
from ..domain.paging import PAGE_SIZES
from ..domain.saved_views import views_of
from ..downloads import pack_entries, pack_size
from ..entries.forms import INNOVATION_LABELS, MATURITY_LABELS, ConfirmForm
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..forms import options
from ..models import ENTRY_STATUSES, Entry
from ..templating import language
from ..wording import status_label
from .forms import BULK_LABELS, BulkForm, DisqualifyForm, ReinstateForm, SaveViewForm
from .jobs import deliver

bp = Blueprint("entries", __name__)


@bp.get("/entries")
def entries():
    """Every entry of the edition: filtered, sorted by any column, counted per status, a page at a time."""
    edition = current_edition()
    wanted = EntryFilter.from_args(request.args)
    return render_template(
        "organiser/entries.html",
        views=views_of(current_user, "entries"),
        save_view=SaveViewForm(formdata=None),
        confirm=ConfirmForm(),
        edition=edition,
        listing=list_entries(edition, wanted),
        counts=counts_by_status(edition, wanted),
        wanted=wanted,
        statuses=ENTRY_STATUSES,
        page_sizes=PAGE_SIZES,
        bulk=BulkForm(formdata=None),
    )


def _workbook(edition, ids, name: str):
    """The entries workbook (every answer, one row per entry); made by the worker when there are many."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    return deliver("export_entries", edition=edition, params={"ids": ids, "name": name}, items=len(ids))


@bp.get("/entries/export.xlsx")
def export_entries():
    """Every entry matching the list's filter, one row each with every answer and its files."""
    edition = current_edition()
    wanted = EntryFilter.from_args(request.args)
    return _workbook(edition, matching_ids(edition, wanted), "entries")


@bp.post("/entries/bulk")
def bulk():
    """An action on several entries: first a page saying what it will do (and what it skips), then, confirmed,
    all of it at once."""
    edition = current_edition()
    wanted = EntryFilter.from_args(request.form)
    form = BulkForm()
    form.to_category.choices = options([(0, "—")] + [(c.id, c.name(language())) for c in edition.categories])
    back = url_for("organiser.entries.entries", edition=edition.id, **wanted.args())
    ids = matching_ids(edition, wanted) if request.form.get("all_matching") else request.form.getlist("entry")
    entries = entries_in_edition(edition, ids)
    form.validate_on_submit()  # a missing reason or category is said on the confirmation page below
    if form.errors.keys() - {"reason", "to_category"}:  # no token, or an action that does not exist
        abort(400)
    if not entries:
        flash(_("Tick the entries first (or “all entries matching this filter”)."), "error")
        return redirect(back)
    if form.action.data == "export":
        return _workbook(edition, [e.id for e in entries], "selection")
    if form.action.data == "message":  # the message page, addressed to these entries' exhibitors
        from .forms import MessageForm
        from .messages import _page

        message = MessageForm(formdata=None, audience="selected_entries")
        message.entry_ids.data = ",".join(str(e.id) for e in entries)
        return _page(edition, message)
    category = next((c for c in edition.categories if c.id == form.to_category.data), None)
    plan = plan_bulk(form.action.data, entries, category=category)
    status = 200
    if form.confirm.data and not form.errors and plan.entries and (category or plan.action != "move"):
        if jobs.in_background(len(plan.entries)):  # many entries: the worker applies it, its page follows
            params = {
                "action": plan.action,
                "ids": [e.id for e in plan.entries],
                "reason": form.reason.data or "",
                "category_id": category.id if category else None,
            }
            job = jobs.start(
                "bulk_entries", actor=current_user, edition=edition, params=params, total=len(plan.entries)
            )
            return redirect(url_for("organiser.jobs.job_page", job_id=job.id))
        try:
            done = apply_bulk(actor=current_user, plan=plan, reason=form.reason.data or "", category=category)
        except Refused as refusal:  # e.g. results frozen meanwhile: nothing of it is kept, said on the page
            db.session.rollback()
            form.form_errors.append(refusal.message)
            edition = current_edition()
            entries = entries_in_edition(edition, [e.id for e in entries])
            plan = plan_bulk(form.action.data, entries, category=category)
            status = refusal.status
        else:
            flash(_("%(action)s: done for %(n)d entries.", action=BULK_LABELS[plan.action], n=done), "success")
            return redirect(back)
    elif form.errors:
        status = 400
    return render_template(
        "organiser/bulk.html",
        edition=edition,
        form=form,
        plan=plan,
        wanted=wanted,
        action_label=BULK_LABELS[plan.action],
        back=back,
        category=category,
    ), status


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@keeps_typed_input
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
@keeps_typed_input
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


def _category(category_id: int):
    from ..models import Category

    category = db.get_or_404(Category, category_id)
    return category


@bp.get("/categories/<int:category_id>/attachments.zip")
def attachments_zip(category_id: int):
    """The jury pack of a category: every file of its submitted entries, one folder per entry named by its
    number, company and title, with the answers workbook beside them; made by the worker when it is large."""
    category = _category(category_id)
    everything = request.args.get("all") == "1"
    return deliver(
        "attachments_zip",
        edition=category.edition,
        params={"category_id": category.id, "all": everything},
        items=pack_size(category, everything),
    )


@bp.get("/entries/<int:entry_id>/dossier")
def dossier(entry_id: int):
    """One entry's dossier, laid out for printing (or saving as PDF from the browser)."""
    item = db.get_or_404(Entry, entry_id)
    return _dossiers([item], title=item.title)


@bp.get("/categories/<int:category_id>/dossiers")
def category_dossiers(category_id: int):
    """Every submitted entry of a category, one printed page each (with ?all=1, every entry)."""
    category = _category(category_id)
    return _dossiers(pack_entries(category, request.args.get("all") == "1"), title=category.name(language()))


def _dossiers(entries: list[Entry], *, title: str):
    return render_template(
        "organiser/dossier.html",
        entries=entries,
        title=title,
        questions=QUESTIONS,
        innovation_labels=INNOVATION_LABELS,
        maturity_labels=MATURITY_LABELS,
    )
