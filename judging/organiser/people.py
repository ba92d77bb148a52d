"""The people of the awards: every account (organisers, jurors, exhibitors) with its last login; deactivate and
reactivate, resend an invitation, end every session, set an organiser's role; invite a company's contact."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import throttle
from ..auth.tokens import make_token, sign
from ..domain import accounts as account_services
from ..domain.editions import current_edition
from ..entries.forms import ConfirmForm
from ..errors import Refused
from ..extensions import db
from ..links import public_url
from ..models import ROLES, Organisation, User
from .forms import ORGANISER_ROLE_LABELS, OrganiserRoleForm

bp = Blueprint("people", __name__)


def _back():
    """To the list the organiser came from (its filters kept), else the list of people."""
    from urllib.parse import urlsplit

    came_from = urlsplit(request.referrer or "")
    target = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    same_site = not came_from.netloc or came_from.netloc == request.host
    return redirect(target if same_site and target.startswith("/organiser/") else url_for("organiser.people.people"))


@bp.get("/people")
def people():
    edition = current_edition(required=False)
    wanted = account_services.PeopleFilter.from_args(request.args)
    users, total, page = account_services.list_people(wanted)
    return render_template(
        "organiser/people.html",
        users=users,
        total=total,
        page=page,
        pages=max(1, -(-total // wanted.per_page)),
        wanted=wanted,
        roles=ROLES,
        zone=edition.timezone if edition else "Europe/Paris",
        confirm=ConfirmForm(),
        role_form=OrganiserRoleForm(formdata=None),
        organiser_role_labels=ORGANISER_ROLE_LABELS,
    )


def _act(user_id: int, action, done: str):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(user)
    except Refused as refusal:  # said on the list, which stays as it was
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        flash(done % {"email": user.email}, "success")
    return _back()


@bp.post("/users/<int:user_id>/end-sessions")
def end_sessions(user_id: int):
    return _act(
        user_id,
        lambda user: account_services.end_sessions(user, actor=current_user),
        _("%(email)s is logged out on every device."),
    )


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _act(
        user_id,
        lambda user: account_services.deactivate(actor=current_user, user=user),
        _("%(email)s is deactivated: the account cannot log in and is logged out everywhere."),
    )


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    return _act(
        user_id,
        lambda user: account_services.reactivate(actor=current_user, user=user),
        _("%(email)s can log in again."),
    )


@bp.post("/users/<int:user_id>/resend-invitation")
def resend_invitation(user_id: int):
    return _act(
        user_id,
        lambda user: account_services.resend_invitation(
            actor=current_user,
            user=user,
            url_for_user=lambda u: public_url("auth.accept_invitation", token=make_token(u, "invite")),
        ),
        _("A new invitation is on its way to %(email)s."),
    )


@bp.post("/users/<int:user_id>/organiser-role")
def organiser_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = OrganiserRoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        account_services.set_organiser_role(actor=current_user, user=user, organiser_role=form.organiser_role.data)
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        flash(_("%(email)s's organiser role is saved.", email=user.email), "success")
    return _back()


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
