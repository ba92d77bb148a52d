"""Organiser actions on someone's account: end every session of a lost tablet or a stolen cookie."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import accounts as account_services
from ..entries.forms import ConfirmForm
from ..extensions import db
from ..models import User

bp = Blueprint("people", __name__)


@bp.post("/users/<int:user_id>/end-sessions")
def end_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    account_services.end_sessions(user, actor=current_user)
    flash(_("%(email)s is logged out on every device.", email=user.email), "success")
    return redirect(url_for("organiser.juries.juries"))
