"""The organiser's side: the edition, its categories, and every entry."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..domain import editions as services, juries as jury_services, shows as show_services
from ..domain.editions import current_edition
from ..domain.permissions import is_organiser, organiser_may, role_required
from ..domain.progress import edition_progress, entries_by_status
from ..domain.results import round_results
from ..domain.whats_left import submissions_by_day, whats_left
from ..entries.forms import ConfirmForm
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..forms import save_form
from ..links import public_url
from ..models import ENTRY_STATUSES, Category, Edition, Entry, Show
from .forms import CategoryForm, EditionForm, NewEditionForm, ShowForm, UnfreezeForm

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.before_request
@role_required("organiser")
def _organisers_only():
    """Every page of this blueprint is for organisers only, and changes only for the roles that may make them."""
    if not organiser_may(current_user, request.endpoint, request.method):
        abort(403)


@bp.get("/")
def dashboard():
    """Where judging stands: entries, scorecards, late jurors, short entries, and a live leaderboard."""
    edition = current_edition(required=False)
    if edition is None:  # a fresh install: the first thing to do is to create the edition
        return redirect(url_for("organiser.new_edition"))
    return dashboard_page(edition)


def dashboard_page(edition: Edition, *, unfreeze: UnfreezeForm | None = None, status: int = 200):
    """The dashboard, also shown again by its own forms when they are refused (with what was typed)."""
    editions = db.session.scalars(
        db.select(Edition).where(Edition.show_id == edition.show_id).order_by(Edition.id.desc())
    ).all()
    progress = edition_progress(edition)
    leaders = {p.category.id: round_results(p.round, stability=True, resamples=300).ranking[:3] for p in progress}
    titles = {
        e.id: e.title
        for e in db.session.scalars(
            db.select(Entry).where(Entry.id.in_([line.entry for lines in leaders.values() for line in lines]))
        )
    }
    return render_template(
        "organiser/dashboard.html",
        edition=edition,
        by_category=entries_by_status(edition),
        statuses=ENTRY_STATUSES,
        editions=editions,
        confirm=ConfirmForm(),
        unfreeze=unfreeze or UnfreezeForm(formdata=None),
        progress=progress,
        leaders=leaders,
        titles=titles,
        left=whats_left(edition, progress),
        submissions=submissions_by_day(edition),
    ), status


@bp.post("/reminders")
def send_reminders():
    edition = current_edition()
    if ConfirmForm().validate_on_submit():
        sent = jury_services.remind_late_jurors(edition, scoring_url=public_url("jury.my_entries"))
        flash(_("%(n)d juror(s) behind schedule reminded.", n=sent), "success")
    return redirect(url_for("organiser.dashboard", edition=edition.id))


@bp.route("/editions/new", methods=["GET", "POST"])
@keeps_typed_input
def new_edition():
    """Create an edition, empty of entries: from the default categories or as a copy of an earlier edition."""
    editions = db.session.scalars(db.select(Edition).order_by(Edition.id.desc())).all()
    shows = show_services.all_shows() or [show_services.default_show(create=True)]
    form = NewEditionForm(editions=editions, shows=shows)
    if request.method == "GET":  # the show asked for (from its menu), else the show being worked on
        asked = request.args.get("show", type=int)
        working = current_edition(required=False)
        form.show.data = asked or (working.show_id if working else shows[0].id)
    if form.validate_on_submit():
        values = form.utc_values()
        source = db.session.get(Edition, values.pop("clone_from")) if form.clone_from.data else None
        fields = {f: values[f] for f in services.EDITION_FIELDS if f in values and f not in ("name", "venue")}
        venue = values["venue"] or (None if source else "")  # empty on a copy: the copied edition's venue
        try:
            edition = services.create_edition(
                actor=current_user,
                slug=values["slug"] or None,
                name=values["name"],
                venue=venue,
                current=values["make_current"],
                clone_from=source,
                show=db.session.get(Show, values["show"]),
                **fields,
            )
        except Refused as refusal:  # the short name is taken: said beside the field, what was typed kept
            refusal.show_on(form)
        else:
            services.work_on(edition)
            flash(_("Edition %(name)s created.", name=edition.name), "success")
            return redirect(url_for("organiser.dashboard", edition=edition.id))
    status = 400 if request.method == "POST" else 200
    return render_template("organiser/edition.html", form=form, edition=None, first=not editions), status


@bp.route("/edition", methods=["GET", "POST"])
@keeps_typed_input
def edit_edition():
    edition = current_edition()
    form = EditionForm(obj=edition)
    status = save_form(
        form, lambda: services.update_edition(actor=current_user, edition=edition, values=form.utc_values())
    )
    if status is None:
        flash(_("Edition saved."), "success")
        return redirect(url_for("organiser.dashboard", edition=edition.id))
    return render_template("organiser/edition.html", form=form, edition=edition), status


@bp.post("/editions/<int:edition_id>/current")
def make_current(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if ConfirmForm().validate_on_submit():
        services.make_current(actor=current_user, edition=edition)
        flash(
            _("%(name)s is now the current edition of %(show)s.", name=edition.name, show=edition.show.name), "success"
        )
    return redirect(url_for("organiser.dashboard"))


@bp.post("/editions/<int:edition_id>/work")
def work_on_edition(edition_id: int):
    """Switch the organiser's pages to another edition (of any show) for the rest of their session."""
    edition = db.get_or_404(Edition, edition_id)
    if ConfirmForm().validate_on_submit():
        services.work_on(edition)
        flash(_("You are now working on %(edition)s (%(show)s).", edition=edition.name, show=edition.show.name), "info")
    return redirect(url_for("organiser.dashboard"))


@bp.route("/shows", methods=["GET", "POST"])
def shows():
    """Every show with its editions; a new show, renamed shows."""
    form = ShowForm(prefix="new")
    if form.validate_on_submit():
        try:
            show = show_services.create_show(
                actor=current_user, name=form.name.data, branding_name=form.branding_name.data or ""
            )
        except Refused as refusal:
            refusal.show_on(form)
        else:
            flash(_("Show %(name)s created: now create its first edition.", name=show.name), "success")
            return redirect(url_for("organiser.new_edition", show=show.id))
    status = 400 if request.method == "POST" else 200
    all_shows = show_services.all_shows()
    renames = {s.id: ShowForm(prefix=f"show{s.id}", obj=s) for s in all_shows}
    return render_template("organiser/shows.html", form=form, shows=all_shows, renames=renames), status


@bp.post("/shows/<int:show_id>")
def rename_show(show_id: int):
    show = db.get_or_404(Show, show_id)
    form = ShowForm(prefix=f"show{show.id}")
    if form.validate_on_submit():
        try:
            show_services.rename_show(
                actor=current_user, show=show, name=form.name.data, branding_name=form.branding_name.data or ""
            )
        except Refused as refusal:
            refusal.show_on(form)
        else:
            flash(_("Show %(name)s saved.", name=show.name), "success")
            return redirect(url_for("organiser.shows"))
    all_shows = show_services.all_shows()
    renames = {s.id: ShowForm(prefix=f"show{s.id}", obj=s) for s in all_shows}
    renames[show.id] = form
    return render_template(
        "organiser/shows.html", form=ShowForm(prefix="new", formdata=None), shows=all_shows, renames=renames
    ), 400


@bp.app_context_processor
def _office_menu():
    """What the organisers' header shows on every page: the show and edition the page is about, and every show's
    editions to switch to (two statements, whatever the number of shows)."""
    if not (request.blueprint or "").startswith("organiser") or not is_organiser(current_user):
        return {}
    try:
        edition = current_edition(required=False)
    except HTTPException:  # the page is already the refusal of a bad ?edition=: its header names no edition
        edition = None
    return {"office_edition": edition, "office_shows": show_services.all_shows()}


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@keeps_typed_input
def edit_category(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    values = {field: getattr(form, field).data for field in services.CATEGORY_FIELDS}
    status = save_form(form, lambda: services.update_category(actor=current_user, category=category, values=values))
    if status is None:
        flash(_("Category saved."), "success")
        return redirect(url_for("organiser.dashboard", edition=category.edition_id))
    return render_template("organiser/category.html", form=form, category=category), status
