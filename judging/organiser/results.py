"""Organiser pages for results: the ranking per category and round, and every method side by side."""
from __future__ import annotations

from flask import abort, render_template, request

from ..editions import current_edition
from ..extensions import db
from ..models import SCORING_METHODS, Round
from ..results import juror_names, round_results
from .routes import bp


def _round(edition) -> Round:
    round_id = request.args.get("round", type=int)
    if round_id:
        round_ = db.session.get(Round, round_id)
    else:
        category_id = request.args.get("category", type=int) or edition.categories[0].id
        round_ = db.session.scalar(db.select(Round).where(Round.category_id == category_id).order_by(Round.position))
    if round_ is None or round_.category.edition_id != edition.id:
        abort(404)
    return round_


@bp.get("/results")
def results():
    edition = current_edition()
    round_ = _round(edition)
    method = request.args.get("method")
    if method is not None and method not in SCORING_METHODS:
        abort(400, description="Unknown scoring method. Choose one of: " + ", ".join(SCORING_METHODS) + ".")
    outcome = round_results(round_, method=method, stability=True)
    return render_template("organiser/results.html", edition=edition, round=round_, category=round_.category,
                           outcome=outcome, methods=SCORING_METHODS,
                           names=juror_names(outcome.juror_stats.keys()))


@bp.get("/results/compare")
def compare_methods():
    """The same round ranked by every method, side by side, so a method choice can be defended."""
    edition = current_edition()
    round_ = _round(edition)
    by_method = {method: {r.entry: r for r in round_results(round_, method=method).ranking}
                 for method in SCORING_METHODS}
    base = round_results(round_)
    return render_template("organiser/compare.html", edition=edition, round=round_, category=round_.category,
                           base=base, by_method=by_method, methods=SCORING_METHODS)
