"""Organiser actions on accounts: end every session of a lost tablet or a stolen cookie; invite a company's contact."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import throttle
from ..auth.tokens import sign
from ..domain import accounts as account_services
from ..entries.forms import ConfirmForm
from ..extensions import db
from ..links import public_url
from ..models import Organisation, User

bp = Blueprint("people", __name__)


@bp.post("/users/<int:user_id>/end-sessions")
def end_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    account_services.end_sessions(user, actor=current_user)
    flash(_("%(email)s is logged out on every device.", email=user.email), "success")
    return redirect(url_for("organiser.juries.juries"))


@bp.post("/companies/<int:organisation_id>/invite-contact")
def invite_company_contact(organisation_id: int):
    """Mail the company's contact address the link that opens its account (an imported company is claimed so)."""
    company = db.get_or_404(Organisation, organisation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # Per recipient only: an organiser inviting a hall of exhibitors in a row is not an attack from one address.
    recipient = (("contact-invite-recipient", company.contact_email.lower(), "MAIL_RECIPIENT_RATE_LIMIT"),)
    throttle.refuse_if_exhausted(*recipient)
    email = account_services.invite_company_contact(
        actor=current_user,
        organisation=company,
        link_for=lambda data: public_url("auth.join_company", token=sign(data, "join")),
    )
    throttle.count(*recipient)
    flash(
        _("We have sent %(company)s's contact, %(email)s, an invitation.", company=company.name, email=email), "success"
    )
    return redirect(url_for("organiser.exchange.import_page"))


@bp.post("/companies/invite-contacts")
def invite_uninvited_contacts():
    """Invite, in one go, the contact of every company nobody manages yet that was never invited."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sent, skipped = account_services.invite_uninvited_contacts(
        actor=current_user, link_for=lambda data: public_url("auth.join_company", token=sign(data, "join"))
    )
    flash(_("Invitations sent: %(sent)d.", sent=sent), "success")
    if skipped:
        flash(
            _(
                "Not invited, because their contact address already has an account: %(n)d. Correct their contact "
                "in the import file.",
                n=skipped,
            ),
            "info",
        )
    return redirect(url_for("organiser.exchange.import_page"))
