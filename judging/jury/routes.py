"""The juror's side: assigned entries, conflicts of interest, recusal (scorecards: see scorecards.py)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from scoring.flags import INCOMPLETE

from ..domain import floor, juries as services, scorecards, worklist
from ..domain.editions import current_edition
from ..domain.permissions import may_judge
from ..entries.forms import ConfirmForm
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..forms import save_form
from ..models import Assignment, Entry, Organisation, Round
from ..templating import language
from .blueprint import bp, my_round, my_rounds
from .forms import CONFLICT_LABELS, ConflictForm, RecuseForm, organisation_choices


def my_assignment(entry_id: int, round_id: int | None = None) -> Assignment:
    """The current juror's live assignment on the entry (in the given round, else the latest), while the juror may
    still judge it (may_judge); 404 otherwise."""
    assignment = worklist.live_assignment(current_user, entry_id, round_id)
    # The seat decides, not the row: a juror removed from the jury, or conflicted since, reaches nothing.
    if assignment is None or not may_judge(current_user, db.session.get(Entry, assignment.entry_id)):
        abort(404)
    return assignment


@bp.get("/")
def my_entries():
    edition = current_edition()
    work = worklist.worklist(current_user, edition)
    rows, statuses = work.rows, work.statuses
    progress: dict[tuple, list[int]] = {}
    for entry, _assignment, round_ in rows:
        counts = progress.setdefault((entry.category.name(language()), round_.display_name(language())), [0, 0])
        counts[1] += 1
        counts[0] += statuses.get((round_.id, entry.id)) == "submitted"
    samples = []
    from ..domain import rounds as rounds_service

    for round_ in my_rounds():
        samples += [(round_, e) for e in rounds_service.calibration_samples(round_) if may_judge(current_user, e)]
    return render_template(
        "jury/my_entries.html",
        edition=edition,
        rows=rows,
        statuses=statuses,
        progress=progress,
        samples=samples,
        presides=[r for r in my_rounds() if rounds_service.is_president(current_user, r.category)],
        finals=[r for r in my_rounds(on_stand_only=True) if any(row[2].id == r.id for row in rows)],
    )


@bp.route("/conflicts", methods=["GET", "POST"])
@keeps_typed_input
def conflicts():
    edition = current_edition()
    form = ConflictForm()
    form.organisation.choices = organisation_choices(services.exhibiting_organisations(edition))
    status = save_form(
        form,
        lambda: services.declare_conflict(
            actor=current_user,
            juror=current_user,
            organisation=db.session.get(Organisation, form.organisation.data),
            kind=form.kind.data,
            reason=form.reason.data,
        ),
    )
    if status is None:
        flash(_("Thank you: you will not judge this company's entries."), "success")
        return redirect(url_for("jury.conflicts"))
    declared = worklist.declared_conflicts(current_user)
    return render_template(
        "jury/conflicts.html", form=form, declared=declared, labels=CONFLICT_LABELS, employer=current_user.organisation
    ), status


@bp.route("/entries/<int:entry_id>/recuse", methods=["GET", "POST"])
@keeps_typed_input
def recuse(entry_id: int):
    assignment = my_assignment(entry_id, request.args.get("round", type=int))
    entry = db.session.get(Entry, entry_id)
    form = RecuseForm()
    status = save_form(
        form, lambda: services.recuse(juror=current_user, assignment=assignment, reason=form.reason.data)
    )
    if status is None:
        flash(_("You no longer judge '%(title)s'. The organisers are informed.", title=entry.title), "info")
        return redirect(url_for("jury.my_entries"))
    return render_template("jury/recuse.html", form=form, entry=entry), status


# --- scoring --------------------------------------------------------------------------------------------------


def _scoring_target(entry_id: int, round_id: int | None, *, page: bool = False):
    """The juror's live assignment on the entry with the entry and its round; 404 otherwise (no existence leak)."""
    found = worklist.scoring_target(current_user, entry_id, round_id, page=page)
    if found is None:
        abort(404)
    return found


def _form_input(form) -> tuple[scorecards.CardInput, int]:
    marks = {key[len("mark-") :]: value for key, value in form.items() if key.startswith("mark-")}
    comments = {key[len("comment-") :]: value for key, value in form.items() if key.startswith("comment-")}
    version = form.get("version", "0")
    return (
        scorecards.CardInput(marks=marks, comments=comments, overall_comment=form.get("overall_comment", "")),
        int(version) if version.isascii() and version.isdigit() else -1,
    )  # "²" is a digit to isdigit()


@bp.route("/entries/<int:entry_id>/score", methods=["GET", "POST"])
@keeps_typed_input
def score(entry_id: int):
    """The scorecard page: a plain form that works without JavaScript; the script adds autosave and offline."""
    assignment, entry, round_ = _scoring_target(entry_id, request.args.get("round", type=int), page=True)
    card = scorecards.find_scorecard(juror=current_user, entry=entry, round_=round_)
    state = scorecards.card_state(card)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values, version = _form_input(request.form)
        submit = request.form.get("action") == "submit"
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        # Shown again only after an expired session (see keeps_typed_input): the marks as typed, nothing saved.
        state.update(marks=values.marks, comments=values.comments, overall_comment=values.overall_comment)
        status = 400
    elif request.method == "POST":
        try:
            scorecards.save_scorecard(
                juror=current_user,
                entry=entry,
                round_=round_,
                values=values,
                version=version,
                submit=submit,
                assignment=assignment,
            )
        except scorecards.InvalidMarks as refusal:
            errors, status = refusal.errors, 400
            state.update(marks=values.marks, comments=values.comments, overall_comment=values.overall_comment)
        except scorecards.StaleScorecard as refusal:
            errors, status = {"version": refusal.message}, 409
            state = scorecards.card_state(refusal.scorecard)
            state["theirs"] = True
        else:
            flash(_("Scorecard submitted. Thank you!") if submit else _("Draft saved."), "success")
            return redirect(url_for("jury.score", entry_id=entry.id, round=round_.id))
    closed = scorecards.closed_reason(juror=current_user, entry=entry, round_=round_, assignment=assignment)
    return render_template(
        "jury/score.html",
        entry=entry,
        round=round_,
        state=state,
        errors=errors,
        closed=None if state["status"] == "submitted" else closed,
        confirm=ConfirmForm(),
        criteria=round_.criteria,
        next_entry=_next_to_score(entry, round_),
        previous=floor.previous_scored(juror=current_user, round_=round_, entry=entry) if round_.on_stand else None,
        compared=floor.pairwise_answer(juror=current_user, round_=round_, entry=entry) if round_.on_stand else None,
    ), status


def _next_to_score(entry: Entry, round_: Round):
    """The juror's next entry still to score after this one, in the list's order: (entry, round) or None."""
    return worklist.worklist(current_user, current_edition()).next_after(entry, round_)


@bp.post("/api/scorecards/<int:round_id>/<int:entry_id>")
def save_scorecard_json(round_id: int, entry_id: int):
    """Autosave from the tablet: JSON in, JSON out; 409 carries the server's copy for the juror to choose.

    Every refusal of the scorecard itself says `refused: true`, so that the tablet tells it from a passing failure
    (an expired session, a proxy's page), which it retries; `read_only: true` when it may no longer change at all."""
    try:
        assignment, entry, round_ = _scoring_target(entry_id, round_id)
    except NotFound:
        return jsonify(error=_("This entry is not assigned to you in this round."), refused=True, read_only=True), 404
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error=_("Send the scorecard as a JSON object."), refused=True), 400
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        return jsonify(error=_("The scorecard version is missing."), refused=True), 400
    values = scorecards.CardInput(
        marks=payload.get("marks") or {},
        comments=payload.get("comments") or {},
        overall_comment=payload.get("overall_comment") or "",
    )
    try:
        card = scorecards.save_scorecard(
            juror=current_user,
            entry=entry,
            round_=round_,
            values=values,
            version=version,
            submit=bool(payload.get("submit")),
            assignment=assignment,
        )
    except scorecards.InvalidMarks as refusal:
        return jsonify(error=refusal.message, fields=refusal.errors, refused=True), 400
    except scorecards.StaleScorecard as refusal:
        return jsonify(error=refusal.message, server=scorecards.card_state(refusal.scorecard)), 409
    except scorecards.ScoringClosed as refusal:
        return jsonify(error=refusal.message, refused=True, read_only=True), refusal.status
    except Refused as refusal:
        return jsonify(error=refusal.message, refused=True), refusal.status
    return jsonify(scorecards.card_state(card) | {"saved_at": card.updated_at.isoformat() + "Z"})


# --- rounds: stand visits, calibration, the president's sign-off ---------------------------------------------------


@bp.get("/schedule")
def schedule():
    """The stand visits of the juror's juries, on the tablet."""
    from ..domain import rounds

    wanted = request.args.get("round", type=int)
    finals = my_rounds(on_stand_only=True)
    round_ = next((r for r in finals if r.id == wanted), finals[0] if finals else None)
    if round_ is None:
        abort(404, description=_("None of your juries visits stands."))
    return render_template(
        "schedule.html",
        round=round_,
        category=round_.category,
        edition=round_.category.edition,
        visits=rounds.visit_schedule(round_),
    )


@bp.route("/calibration/<int:round_id>/<int:entry_id>", methods=["GET", "POST"])
def calibration(round_id: int, entry_id: int):
    """Score a sample entry before the round, then see how the marks compare with the rest of the jury."""
    from ..domain import rounds

    round_ = my_round(round_id)
    entry = db.session.get(Entry, entry_id)
    if (
        entry is None
        or entry.id not in {e.id for e in rounds.calibration_samples(round_)}
        or not may_judge(current_user, entry)
    ):
        abort(404)
    errors, status = {}, 200
    state = {"marks": {}, "comments": {}, "overall_comment": "", "version": 0, "status": "draft"}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        values, _version = _form_input(request.form)
        try:
            scorecards.save_calibration_card(juror=current_user, entry=entry, round_=round_, values=values)
            flash(_("Practice marks saved: compare them with the jury below. They do not count."), "success")
            return redirect(url_for("jury.calibration", round_id=round_.id, entry_id=entry.id))
        except scorecards.InvalidMarks as refusal:
            errors, status = refusal.errors, 400
            state.update(marks=values.marks, comments=values.comments, overall_comment=values.overall_comment)
    comparison = rounds.calibration_comparison(round_, current_user)
    return render_template(
        "jury/calibration.html",
        round=round_,
        entry=entry,
        criteria=round_.criteria,
        state=state,
        errors=errors,
        comparison=comparison,
    ), status


@bp.route("/rounds/<int:round_id>/sign-off", methods=["GET", "POST"])
def president_sign_off(round_id: int):
    """The jury president reviews the round's ranking (scores only, no juror's marks) and signs it off."""
    from ..domain import rounds
    from ..domain.results import round_results

    round_ = my_round(round_id)
    if not rounds.is_president(current_user, round_.category):
        abort(403, description=_("Only the jury president signs off the ranking."))
    status = 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            rounds.sign_off(
                actor=current_user, round_=round_, accept_incomplete=request.form.get("accept_incomplete") == "1"
            )
            flash(_("Ranking signed off. Thank you."), "success")
            return redirect(url_for("jury.president_sign_off", round_id=round_.id))
        except Refused as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
            status = refusal.status
    outcome = round_results(round_)
    incomplete = [line for line in outcome.ranking if INCOMPLETE in line.flags]
    return render_template(
        "jury/sign_off.html",
        round=round_,
        outcome=outcome,
        confirm=ConfirmForm(),
        signoff=rounds.signoff_status(round_),
        incomplete=incomplete,
    ), status
