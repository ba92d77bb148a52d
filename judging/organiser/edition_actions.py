"""Whole-edition actions: assign every round of every category in one go, and shortlist every category in one go,
each previewed first."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import juries, rounds
from ..domain.editions import current_edition
from ..entries.forms import ConfirmForm
from ..errors import Refused
from ..extensions import db
from ..jury.forms import ApplyAssignmentForm

bp = Blueprint("whole", __name__)


def _page(edition, *, top: int | None, errors=(), status: int = 200):
    previews, digest = juries.preview_edition_assignment(edition)
    shortlists = []
    if top:
        try:
            shortlists = rounds.preview_edition_shortlist(edition, top=top)
        except Refused as refusal:
            errors = [*errors, refusal.message]
    return render_template(
        "organiser/whole_edition.html",
        edition=edition,
        previews=previews,
        apply_form=ApplyAssignmentForm(digest=digest),
        shortlists=shortlists,
        top=top,
        confirm=ConfirmForm(),
        errors=errors,
    ), status


def _top() -> int | None:
    value = request.values.get("top", type=int)
    return value if value and 1 <= value <= 100 else None


@bp.get("/whole-edition")
def whole_edition():
    """What assigning every round, and shortlisting every category, would do; nothing changes here."""
    return _page(current_edition(), top=_top())


@bp.post("/whole-edition/assign")
def assign_all():
    edition = current_edition()
    form = ApplyAssignmentForm()
    if not form.validate_on_submit():
        return _page(edition, top=None, errors=[_("Review the preview, then apply it.")], status=400)
    try:
        previews = juries.apply_edition_assignment(
            actor=current_user, edition=edition, expected_digest=form.digest.data
        )
    except Refused as refusal:
        db.session.rollback()
        return _page(current_edition(), top=None, errors=[refusal.message], status=refusal.status)
    flash(
        _(
            "Every round assigned: %(added)d assignments added, %(removed)d removed, %(problems)d entries short of "
            "jurors.",
            added=sum(len(p.plan.added) for p in previews),
            removed=sum(len(p.plan.removed) for p in previews),
            problems=sum(len(p.plan.problems) for p in previews),
        ),
        "success",
    )
    return redirect(url_for("organiser.whole.whole_edition", edition=edition.id))


@bp.post("/whole-edition/shortlist")
def shortlist_all():
    edition = current_edition()
    top = _top()
    if top is None or not ConfirmForm().validate_on_submit():
        return _page(edition, top=None, errors=[_("Give how many entries go through (at least 1).")], status=400)
    try:
        previews = rounds.apply_edition_shortlist(actor=current_user, edition=edition, top=top)
    except Refused as refusal:  # nothing of any category is kept; the preview says which one needs a decision
        db.session.rollback()
        return _page(current_edition(), top=top, errors=[refusal.message], status=refusal.status)
    flash(
        _(
            "%(categories)d categories shortlisted: %(n)d entries go through.",
            categories=len(previews),
            n=sum(len(p.advancing) for p in previews),
        ),
        "success",
    )
    return redirect(url_for("organiser.whole.whole_edition", edition=edition.id))
