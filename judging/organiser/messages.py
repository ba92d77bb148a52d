"""Announcements to exhibitors and jurors: write once in English and French, preview who receives what, send,
and read the log of what went to whom."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import jobs
from ..domain import messaging as services
from ..domain.editions import current_edition
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..models import Message
from .forms import MessageForm

bp = Blueprint("messages", __name__)


def _page(edition, form, *, status=200, people=None, samples=None):
    return render_template(
        "organiser/messages.html",
        edition=edition,
        form=form,
        sent=services.sent_messages(edition),
        people=people,
        samples=samples or {},
        placeholders=services.PLACEHOLDERS,
        audiences=services.AUDIENCE_LABELS,
    ), status


@bp.get("/messages")
def messages():
    edition = current_edition()
    form = MessageForm(formdata=None)
    if request.args.get("audience") in services.AUDIENCE_LABELS:
        form.audience.data = request.args["audience"]
    return _page(edition, form)


@bp.post("/messages")
@keeps_typed_input
def send():
    """Without `confirm`: the preview (recipients, and the mail as the first reader of each language gets it).
    With it: sent to each recipient in their language, and logged."""
    edition = current_edition()
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(edition, form, status=400)
    draft = services.Draft(
        audience=form.audience.data,
        subject_en=form.subject_en.data.strip(),
        body_en=form.body_en.data,
        subject_fr=(form.subject_fr.data or "").strip(),
        body_fr=form.body_fr.data or "",
        entry_ids=form.selected_entries(),
    )
    people, samples = services.preview(edition, draft)
    if form.confirm.data != "1" or not people:
        if not people:
            form.audience.errors = [_("Nobody receives this message: choose another audience.")]
        return _page(edition, form, people=people, samples=samples, status=200 if people else 409)
    if jobs.in_background(len(people)):  # many recipients: the worker writes their mails, the job's page follows it
        job = jobs.start("send_message", actor=current_user, edition=edition, params=asdict(draft), total=len(people))
        return redirect(url_for("organiser.jobs.job_page", job_id=job.id))
    try:
        message = services.send_message(actor=current_user, edition=edition, draft=draft)
    except Refused as refusal:  # the audience emptied meanwhile
        db.session.rollback()
        refusal.show_on(form)
        return _page(edition, form, status=refusal.status)
    flash(_("Message sent to %(n)d people, each in their language.", n=len(people)), "success")
    return redirect(url_for("organiser.messages.message", message_id=message.id))


@bp.get("/messages/<int:message_id>")
def message(message_id: int):
    """One message as it was sent, and everyone it went to."""
    item = db.get_or_404(Message, message_id)
    return render_template("organiser/message.html", message=item, audiences=services.AUDIENCE_LABELS)
