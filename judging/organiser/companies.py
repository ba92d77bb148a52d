"""The company directory: list, search, sort and filter the exhibitors; edit one, see its accounts, invite its
contact or a colleague, merge a duplicate into it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import throttle
from ..auth.tokens import sign
from ..domain import organisations as services
from ..domain.editions import current_edition
from ..domain.paging import PAGE_SIZES
from ..domain.saved_views import views_of
from ..entries.forms import ConfirmForm
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..links import public_url
from ..models import Entry, Organisation
from .forms import CompanyForm, InviteContactForm, MergeForm, SaveViewForm

bp = Blueprint("companies", __name__)


@bp.get("/companies")
def companies():
    """Every company, a page at a time; "has entered" and "drafts only" are about the current edition."""
    edition = current_edition(required=False)
    wanted = services.CompanyFilter.from_args(request.args)
    countries = db.session.scalars(db.select(Organisation.country).distinct().order_by(Organisation.country)).all()
    return render_template(
        "organiser/companies.html",
        views=views_of(current_user, "companies"),
        save_view=SaveViewForm(formdata=None),
        confirm=ConfirmForm(),
        edition=edition,
        listing=services.list_companies(wanted, edition_id=edition.id if edition else None),
        wanted=wanted,
        countries=countries,
        page_sizes=PAGE_SIZES,
    )


def _company_page(company: Organisation, *, form=None, invite=None, merge=None, status: int = 200):
    edition = current_edition(required=False)
    entries = db.session.scalars(
        db.select(Entry).where(Entry.organisation_id == company.id).order_by(Entry.edition_id.desc(), Entry.id)
    ).all()
    users = services.company_users(company)
    if invite is None:
        invite = InviteContactForm(formdata=None)
        if not any(u.role == "exhibitor" for u in users) and company.contact_email:
            invite.email.data = company.contact_email
    return render_template(
        "organiser/company.html",
        company=company,
        edition=edition,
        form=form or CompanyForm(formdata=None, obj=company),
        invite=invite,
        merge=merge or MergeForm(formdata=None),
        users=users,
        entries=entries,
        invited=services.last_invitations(company),
        duplicates=services.likely_duplicates(company),
    ), status


@bp.route("/companies/<int:organisation_id>", methods=["GET", "POST"])
@keeps_typed_input
def company(organisation_id: int):
    company = db.get_or_404(Organisation, organisation_id)
    if request.method == "GET":
        return _company_page(company)
    form = CompanyForm()
    if form.validate_on_submit():
        values = {field: getattr(form, field).data for field in services.COMPANY_FIELDS}
        try:
            services.update_company(actor=current_user, company=company, values=values)
        except Refused as refusal:  # the name of another company: said beside the field, what was typed kept
            db.session.rollback()
            refusal.show_on(form)
        else:
            flash(_("Company saved."), "success")
            return redirect(url_for("organiser.companies.company", organisation_id=company.id))
    return _company_page(db.session.get(Organisation, organisation_id), form=form, status=400)


@bp.post("/companies/<int:organisation_id>/invite")
@keeps_typed_input
def invite(organisation_id: int):
    """Invite (or invite again) the company's contact, or give a colleague access: a single-use link by mail."""
    company = db.get_or_404(Organisation, organisation_id)
    form = InviteContactForm()
    if not form.validate_on_submit():
        return _company_page(company, invite=form, status=400)
    email = form.email.data.strip().lower()
    throttle.guard_mail("invite", email)
    sent = services.invite_contact(
        actor=current_user,
        company=company,
        name=form.name.data,
        email=email,
        language=form.language.data,
        link_for=lambda data: public_url("auth.join_company", token=sign(data, "join")),
    )
    if sent:
        flash(
            _(
                "We have sent %(email)s a link to create their account in %(company)s.",
                email=email,
                company=company.name,
            ),
            "success",
        )
    else:
        flash(
            _("%(email)s already has an account: we told them by mail; no new account was made.", email=email), "info"
        )
    return redirect(url_for("organiser.companies.company", organisation_id=company.id))


@bp.post("/companies/<int:organisation_id>/merge")
@keeps_typed_input
def merge(organisation_id: int):
    """Fold a duplicate into this company: first a preview of what moves, then the confirmed merge."""
    company = db.get_or_404(Organisation, organisation_id)
    form = MergeForm()
    if not form.validate_on_submit():
        return _company_page(company, merge=form, status=400)
    duplicate = services.find_organisation(form.duplicate.data)
    if duplicate is None:
        form.duplicate.errors.append(_("No company is called '%(name)s'.", name=form.duplicate.data.strip()))
        return _company_page(company, merge=form, status=400)
    plan = services.plan_merge(survivor=company, duplicate=duplicate)
    if plan.problems or form.confirm.data != str(duplicate.id):
        return render_template("organiser/merge.html", plan=plan, form=form), 409 if plan.problems else 200
    try:
        services.merge_companies(actor=current_user, survivor=company, duplicate=duplicate)
    except Refused as refusal:  # changed since the preview (another tab): show the preview again, with why
        db.session.rollback()
        company, duplicate = (
            db.session.get(Organisation, organisation_id),
            services.find_organisation(form.duplicate.data),
        )
        plan = services.plan_merge(survivor=company, duplicate=duplicate)
        return render_template("organiser/merge.html", plan=plan, form=form, refusal=refusal.message), 409
    flash(
        _(
            "%(duplicate)s is merged into %(company)s: %(entries)d entries and %(users)d accounts moved.",
            duplicate=plan.duplicate_name,
            company=company.name,
            entries=plan.entries,
            users=plan.users,
        ),
        "success",
    )
    return redirect(url_for("organiser.companies.company", organisation_id=company.id))
