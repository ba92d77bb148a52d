"""The organisers' live floor control during a final: who is where since when, idle jurors, finalists still
lacking visits; send a juror to a stand, close a stand for a while and reopen it (the jury president has the same
page under /jury/rounds/<id>/floor-control)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..domain import floor
from ..domain.editions import current_edition
from ..entries.forms import ConfirmForm
from ..extensions import db
from ..jury.floor import control_from_form
from ..models import Category, Round

bp = Blueprint("floor", __name__)


def _final_from_request():
    """The final named by `?round=ID`, else the first final of the edition (the first category that has one)."""
    edition = current_edition()
    round_id = request.args.get("round", type=int)
    if round_id:
        round_ = db.session.get(Round, round_id)
    else:
        round_ = db.session.scalar(
            db.select(Round)
            .join(Category, Category.id == Round.category_id)
            .where(Category.edition_id == edition.id, Round.on_stand.is_(True))
            .order_by(Category.position, Round.position)
            .limit(1)
        )
    if round_ is None or round_.category.edition_id != edition.id:
        abort(404, description=_("No round of this edition is judged on the stands."))
    if not round_.on_stand:
        abort(404, description=_("This round is not judged on the stands."))
    return edition, round_


def _urls(round_) -> dict:
    return {
        "state": url_for("organiser.floor.floor_state", round=round_.id),
        "send": url_for("organiser.floor.floor_send", round=round_.id),
        "close": url_for("organiser.floor.floor_close", round=round_.id),
        "reopen": url_for("organiser.floor.floor_reopen", round=round_.id),
        "self": url_for("organiser.floor.floor_control", round=round_.id),
    }


@bp.get("/floor")
def floor_control():
    edition, round_ = _final_from_request()
    finals = db.session.scalars(
        db.select(Round)
        .join(Category, Category.id == Round.category_id)
        .where(Category.edition_id == edition.id, Round.on_stand.is_(True))
        .order_by(Category.position, Round.position)
    ).all()
    return render_template(
        "floor_control.html",
        status=floor.floor_status(round_),
        round=round_,
        category=round_.category,
        edition=edition,
        finals=finals,
        urls=_urls(round_),
        confirm=ConfirmForm(),
    )


@bp.get("/floor/state")
def floor_state():
    """Polled every few seconds by the floor control page."""
    _edition, round_ = _final_from_request()
    return jsonify(floor.floor_status_json(floor.floor_status(round_)))


def _action(action: str):
    _edition, round_ = _final_from_request()
    flash(control_from_form(round_, action), "success")
    return redirect(url_for("organiser.floor.floor_control", round=round_.id))


@bp.post("/floor/send")
def floor_send():
    return _action("send")


@bp.post("/floor/close")
def floor_close():
    return _action("close")


@bp.post("/floor/reopen")
def floor_reopen():
    return _action("reopen")
