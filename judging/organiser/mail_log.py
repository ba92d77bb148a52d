"""The mail log: every mail the awards sent or are sending, to whom, when, how it went; resend one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import notifications
from ..entries.forms import ConfirmForm
from ..extensions import db
from ..models import OUTBOX_STATUSES, OutboxMessage

PAGE_SIZE = 100

bp = Blueprint("mail_log", __name__)


def _filters() -> dict:
    status = request.args.get("status", "")
    return {
        "status": status if status in OUTBOX_STATUSES else "",
        "to": request.args.get("to", "").strip().lower()[:254],
    }


@bp.get("/mail")
def mail_log():
    filters = _filters()
    query = db.select(OutboxMessage)
    if filters["status"]:
        query = query.where(OutboxMessage.status == filters["status"])
    if filters["to"]:
        query = query.where(OutboxMessage.to.contains(filters["to"], autoescape=True))
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    counts = dict(
        db.session.execute(db.select(OutboxMessage.status, db.func.count()).group_by(OutboxMessage.status)).all()
    )
    return render_template(
        "organiser/mail_log.html",
        pagination=pagination,
        filters=filters,
        counts=counts,
        statuses=OUTBOX_STATUSES,
        confirm=ConfirmForm(),
    )


@bp.post("/mail/<int:mail_id>/resend")
def resend(mail_id: int):
    message = db.get_or_404(OutboxMessage, mail_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notifications.resend(actor=current_user, message=message)
    flash(_("The mail to %(to)s is queued again; it goes out in a moment.", to=message.to), "success")
    return redirect(url_for("organiser.mail_log.mail_log", **_filters()))
