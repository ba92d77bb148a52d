"""Saved views of the organiser's lists: save the current filters under a name, open one, remove one."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import saved_views as services
from ..entries.forms import ConfirmForm
from ..errors import Refused
from ..extensions import db
from ..models import SAVED_VIEW_PAGES, SavedView
from .forms import SaveViewForm

bp = Blueprint("views", __name__)
LIST_ENDPOINTS = {"entries": "organiser.entries.entries", "companies": "organiser.companies.companies"}


@bp.post("/views/<page>")
def save(page: str):
    """Save the list's filters (sent along as hidden fields) under the typed name, then show the list again."""
    if page not in SAVED_VIEW_PAGES:
        abort(404)
    form = SaveViewForm()
    args = {k: v for k, v in request.form.items() if k not in ("csrf_token", "name") and v}
    back = url_for(LIST_ENDPOINTS[page]) + ("?" + urlencode(args) if args else "")
    if not form.validate_on_submit():
        flash(_("Give the view a name."), "error")
        return redirect(back)
    try:
        services.save_view(user=current_user, page=page, name=form.name.data, args=args)
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        flash(_("View “%(name)s” saved.", name=" ".join(form.name.data.split())), "success")
    return redirect(back)


@bp.post("/views/<int:view_id>/remove")
def remove(view_id: int):
    view = db.get_or_404(SavedView, view_id)
    if view.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    page = view.page
    services.delete_view(user=current_user, view=view)
    flash(_("View removed."), "info")
    return redirect(url_for(LIST_ENDPOINTS[page]))
