"""Organiser pages for juries: composition, invitations, conflicts, and the assignment matrix."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.tokens import make_token
from ..domain import juries as services
from ..domain.editions import current_edition, round_from_request
from ..entries.forms import ConfirmForm
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..forms import save_form
from ..jury.forms import (
    CONFLICT_LABELS,
    ROLE_LABELS,
    AddMemberForm,
    ApplyAssignmentForm,
    InviteJurorForm,
    ManualAssignmentForm,
    OrganiserConflictForm,
    category_choices,
    entry_choices,
    juror_choices,
    organisation_choices,
)
from ..links import public_url
from ..models import Assignment, Category, Conflict, Entry, JuryMember, Organisation, Round, Scorecard, User
from ..templating import language

bp = Blueprint("juries", __name__)


def _invitation_url(juror: User) -> str:
    return public_url("auth.accept_invitation", token=make_token(juror, "invite"))


@bp.get("/juries")
def juries():
    return _juries_page(current_edition())


def _juries_page(edition, invite: InviteJurorForm | None = None, status: int = 200):
    juries = services.juries_of(edition)
    if invite is None:
        invite = InviteJurorForm()
    invite.category.choices = category_choices(edition)
    add = AddMemberForm()
    add.juror.choices = juror_choices(services.juror_accounts())
    return render_template(
        "organiser/juries.html",
        edition=edition,
        juries=juries,
        invite=invite,
        add=add,
        confirm=ConfirmForm(),
        role_labels=ROLE_LABELS,
    ), status


@bp.post("/juries/invite")
@keeps_typed_input
def invite_juror():
    edition = current_edition()
    form = InviteJurorForm()
    form.category.choices = category_choices(edition)
    if not form.validate_on_submit():
        return _juries_page(edition, invite=form, status=400)
    category = db.get_or_404(Category, form.category.data)
    try:
        juror = services.invite_juror(
            actor=current_user,
            category=category,
            email=form.email.data,
            name=form.name.data,
            language=form.language.data,
            invitation_url_for=_invitation_url,
        )
    except Refused as refusal:  # an address that is not a juror's: said beside it, what was typed kept
        db.session.rollback()
        refusal.show_on(form)
        return _juries_page(current_edition(), invite=form, status=refusal.status)
    flash(
        _("%(email)s is on the jury of %(category)s.", email=juror.email, category=category.name(language())), "success"
    )
    return redirect(url_for("organiser.juries.juries", edition=edition.id))


@bp.post("/juries/<int:category_id>/members")
def add_member(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = AddMemberForm()
    form.juror.choices = juror_choices(services.juror_accounts())
    if form.validate_on_submit():
        services.add_member(
            actor=current_user, category=category, juror=db.session.get(User, form.juror.data), role=form.role.data
        )
        flash(_("Juror added."), "success")
    return redirect(url_for("organiser.juries.juries", edition=category.edition_id))


def _member(member_id: int) -> JuryMember:
    member = db.session.get(JuryMember, member_id)
    if member is None:
        abort(404)
    return member


@bp.post("/jury-members/<int:member_id>/remove")
def remove_member(member_id: int):
    member = _member(member_id)
    edition_id = member.jury.category.edition_id
    if ConfirmForm().validate_on_submit():
        services.remove_member(actor=current_user, member=member)
        flash(_("Juror removed from the jury."), "info")
    return redirect(url_for("organiser.juries.juries", edition=edition_id))


@bp.post("/jury-members/<int:member_id>/president")
def make_president(member_id: int):
    member = _member(member_id)
    if ConfirmForm().validate_on_submit():
        services.set_president(actor=current_user, member=member)
        flash(_("%(name)s presides the jury.", name=member.user.name), "success")
    return redirect(url_for("organiser.juries.juries", edition=member.jury.category.edition_id))


@bp.route("/conflicts", methods=["GET", "POST"])
@keeps_typed_input
def conflicts():
    edition = current_edition()
    form = OrganiserConflictForm()
    form.juror.choices = juror_choices(services.juror_accounts())
    form.organisation.choices = organisation_choices(services.exhibiting_organisations(edition))
    status = save_form(
        form,
        lambda: services.declare_conflict(
            actor=current_user,
            juror=db.session.get(User, form.juror.data),
            organisation=db.session.get(Organisation, form.organisation.data),
            kind=form.kind.data,
            reason=form.reason.data,
        ),
    )
    if status is None:
        flash(_("Conflict recorded."), "success")
        return redirect(url_for("organiser.juries.conflicts", edition=edition.id))
    register = services.conflict_register()
    return render_template(
        "organiser/conflicts.html",
        edition=edition,
        form=form,
        rows=register.declared,
        employed=register.employed,
        labels=CONFLICT_LABELS,
        confirm=ConfirmForm(),
    ), status


@bp.post("/conflicts/<int:conflict_id>/remove")
def remove_conflict(conflict_id: int):
    conflict = db.get_or_404(Conflict, conflict_id)
    if ConfirmForm().validate_on_submit():
        services.remove_conflict(actor=current_user, conflict=conflict)
        flash(_("Conflict removed."), "info")
    return redirect(url_for("organiser.juries.conflicts"))


@bp.get("/assignments")
def assignments():
    """The matrix: entries x jurors, with conflicts, assignments, recusals and scorecard status."""
    edition = current_edition()
    round_ = round_from_request(edition)
    matrix = services.assignment_matrix(round_)
    manual = ManualAssignmentForm()
    manual.entry.choices = entry_choices(matrix.entries)
    manual.juror.choices = juror_choices(services.jury_members(round_.category))
    return render_template(
        "organiser/assignments.html",
        edition=edition,
        round=round_,
        category=round_.category,
        entries=matrix.entries,
        jurors=matrix.jurors,
        conflicts=matrix.conflicts,
        cells=matrix.cells,
        cards=matrix.cards,
        preview=matrix.preview,
        manual=manual,
        apply_form=ApplyAssignmentForm(digest=matrix.preview.digest),
        titles={e.id: e.title for e in matrix.entries},
        names={j.id: j.name or j.email for j in matrix.jurors},
        k=matrix.jurors_per_entry,
        confirm=ConfirmForm(),
    )


@bp.post("/assignments/<int:round_id>/apply")
def apply_assignment(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = ApplyAssignmentForm()
    if form.validate_on_submit():
        preview = services.apply_assignment(actor=current_user, round_=round_, expected_digest=form.digest.data)
        flash(
            _(
                "Assignment applied: %(added)d added, %(removed)d removed, %(problems)d problem(s).",
                added=len(preview.plan.added),
                removed=len(preview.plan.removed),
                problems=len(preview.plan.problems),
            ),
            "success",
        )
    return redirect(url_for("organiser.juries.assignments", round=round_.id, edition=round_.category.edition_id))


@bp.post("/assignments/<int:round_id>/manual")
def add_assignment(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = ManualAssignmentForm()
    form.entry.choices = entry_choices(services.entries_in_round(round_))
    form.juror.choices = juror_choices(services.jury_members(round_.category))
    if not form.validate_on_submit():
        abort(400, description=_("Choose an entry of this round and a juror of this jury."))
    services.add_assignment(
        actor=current_user,
        round_=round_,
        entry=db.session.get(Entry, form.entry.data),
        juror=db.session.get(User, form.juror.data),
    )
    flash(_("Juror assigned."), "success")
    return redirect(url_for("organiser.juries.assignments", round=round_.id, edition=round_.category.edition_id))


@bp.post("/assignment-cells/<int:assignment_id>/remove")
def remove_assignment(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    round_ = db.session.get(Round, assignment.round_id)
    if ConfirmForm().validate_on_submit():
        services.remove_assignment(actor=current_user, assignment=assignment)
        flash(_("Assignment removed."), "info")
    return redirect(url_for("organiser.juries.assignments", round=round_.id, edition=round_.category.edition_id))


@bp.post("/scorecards/<int:scorecard_id>/reopen")
def reopen_scorecard(scorecard_id: int):
    from ..domain.scorecards import reopen_scorecard as reopen

    card = db.get_or_404(Scorecard, scorecard_id)
    if ConfirmForm().validate_on_submit():
        reopen(actor=current_user, card=card)
        flash(_("Scorecard reopened: the juror can change it again."), "success")
    return redirect(url_for("organiser.juries.assignments", round=card.round_id))
