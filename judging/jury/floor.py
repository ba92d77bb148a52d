"""The juror on the show floor during a final: the next stand, "stand unattended — skip", the pairwise one-tap
question after a scorecard, and (for the jury president) the live floor control shared with the organisers."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import floor
from ..domain.rounds import visit_schedule
from ..entries.forms import ConfirmForm
from ..errors import Refused
from ..extensions import db
from ..models import Entry
from .blueprint import bp, my_round, my_rounds


def _final(round_id: int | None):
    finals = my_rounds(on_stand_only=True)
    round_ = next((r for r in finals if r.id == round_id), None) if round_id else (finals[0] if finals else None)
    if round_ is None:
        abort(404, description=_("None of your juries visits stands."))
    return round_


def _next_stand_json(state: floor.JurorFloor) -> dict:
    def stand(entry: Entry | None) -> dict | None:
        if entry is None:
            return None
        return {
            "entry": entry.id,
            "title": entry.title,
            "company": entry.organisation.name,
            "hall": entry.organisation.hall,
            "stand": entry.organisation.stand,
            "score_url": url_for("jury.score", entry_id=entry.id, round=state.round.id),
        }

    return {
        "round": state.round.id,
        "why": state.decision.why.value,
        "next": stand(state.next_entry),
        "current": stand(state.current_entry),
        "sent_to": stand(state.next_entry) if state.decision.why.value == "sent" else None,
        "waiting": list(state.decision.waiting),
        "scored": sorted(state.scored),
        "closed": sorted(state.closed),
    }


@bp.get("/floor")
def next_stand_page():
    """The juror's "next stand" page: where to walk now, with the schedule kept on the tablet for the hall."""
    state = floor.juror_floor(_final(request.args.get("round", type=int)), current_user)
    return render_template(
        "jury/floor.html",
        state=state,
        round=state.round,
        visits=[v for v in visit_schedule(state.round) if v.entry.id in state.mine],
        confirm=ConfirmForm(),
    )


@bp.get("/api/floor/<int:round_id>")
def next_stand_json(round_id: int):
    """Polled by the "next stand" page (never cached by the tablet: /jury/api/ always goes to the network)."""
    state = floor.juror_floor(_final(round_id), current_user)
    return jsonify(_next_stand_json(state))


def _walk(step, round_, entry_id: int) -> None:
    """A juror's move on the floor (go to a stand, skip it): a confirmed form, then the floor's own rule."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        step(juror=current_user, round_=round_, entry_id=entry_id)
    except Refused as refusal:
        abort(refusal.status, description=refusal.message)


@bp.post("/floor/<int:round_id>/go/<int:entry_id>")
def go_to_stand(round_id: int, entry_id: int):
    round_ = _final(round_id)
    _walk(floor.go_to_stand, round_, entry_id)
    return redirect(url_for("jury.score", entry_id=entry_id, round=round_.id))


@bp.post("/floor/<int:round_id>/skip/<int:entry_id>")
def skip_stand(round_id: int, entry_id: int):
    round_ = _final(round_id)
    _walk(floor.skip_stand, round_, entry_id)
    flash(_("Stand skipped: it comes back in your queue later."), "info")
    return redirect(url_for("jury.next_stand_page", round=round_.id))


@bp.post("/rounds/<int:round_id>/entries/<int:entry_id>/compare")
def compare_with_previous(round_id: int, entry_id: int):
    """The one-tap cross-check after a scorecard: better or worse than the previous stand (never counted)."""
    round_ = _final(round_id)
    entry = db.session.get(Entry, entry_id)
    if entry is None or not ConfirmForm().validate_on_submit():
        abort(404 if entry is None else 400)
    answer = request.form.get("answer")
    if answer not in ("better", "worse"):
        abort(400, description=_("Answer 'better' or 'worse'."))
    try:
        floor.answer_pairwise(juror=current_user, round_=round_, entry=entry, better=answer == "better")
    except Refused as refusal:
        abort(refusal.status, description=refusal.message)
    flash(_("Thank you: your comparison is noted (it does not change any mark)."), "success")
    return redirect(url_for("jury.next_stand_page", round=round_.id))


# --- the jury president's floor control (the organisers have the same page under /organiser/floor) -----------------


def _presided(round_id: int):
    from ..domain.rounds import is_president

    round_ = my_round(round_id)
    if not round_.on_stand:
        abort(404)
    if not is_president(current_user, round_.category):
        abort(403, description=_("Only the jury president directs the jurors on the floor."))
    return round_


def control_urls(round_) -> dict:
    return {
        "state": url_for("jury.floor_control_json", round_id=round_.id),
        "send": url_for("jury.floor_send", round_id=round_.id),
        "close": url_for("jury.floor_close", round_id=round_.id),
        "reopen": url_for("jury.floor_reopen", round_id=round_.id),
        "self": url_for("jury.floor_control", round_id=round_.id),
    }


@bp.get("/rounds/<int:round_id>/floor-control")
def floor_control(round_id: int):
    round_ = _presided(round_id)
    return render_template(
        "floor_control.html",
        status=floor.floor_status(round_),
        round=round_,
        category=round_.category,
        edition=round_.category.edition,
        urls=control_urls(round_),
        confirm=ConfirmForm(),
    )


@bp.get("/api/rounds/<int:round_id>/floor-control")
def floor_control_json(round_id: int):
    return jsonify(floor.floor_status_json(floor.floor_status(_presided(round_id))))


def _control_action(round_id: int, action: str):
    round_ = _presided(round_id)
    flash(control_from_form(round_, action), "success")
    return redirect(url_for("jury.floor_control", round_id=round_.id))


def control_from_form(round_, action: str) -> str:
    """A floor-control form (the president's or the organisers'), checked and run; the message to flash.
    A missing choice or a refused action is a 4xx with the reason."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    entry_id = request.form.get("entry", type=int)
    juror_id = request.form.get("juror", type=int)
    if entry_id is None or (action == "send" and juror_id is None):
        abort(400, description=_("Choose a juror and a stand."))
    try:
        return run_control_action(
            actor=current_user, round_=round_, action=action, entry_id=entry_id, juror_id=juror_id
        )
    except Refused as refusal:
        abort(refusal.status, description=refusal.message)


def run_control_action(*, actor, round_, action: str, entry_id: int, juror_id: int | None) -> str:
    """One floor action for the organiser's and the president's pages alike; returns the message to flash."""
    if action == "send":
        floor.send_juror(actor=actor, round_=round_, juror_id=juror_id, entry_id=entry_id)
        return _("Sent: the juror's page now shows this stand.")
    if action == "close":
        floor.close_stand(actor=actor, round_=round_, entry_id=entry_id)
        return _("Stand closed: no juror is sent there until you reopen it.")
    floor.reopen_stand(actor=actor, round_=round_, entry_id=entry_id)
    return _("Stand reopened.")


@bp.post("/rounds/<int:round_id>/floor-control/send")
def floor_send(round_id: int):
    return _control_action(round_id, "send")


@bp.post("/rounds/<int:round_id>/floor-control/close")
def floor_close(round_id: int):
    return _control_action(round_id, "close")


@bp.post("/rounds/<int:round_id>/floor-control/reopen")
def floor_reopen(round_id: int):
    return _control_action(round_id, "reopen")
