"""Organiser pages for results: the ranking per category and round, and every method side by side."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import floor, lifecycle
from ..domain.editions import current_edition, round_from_request
from ..domain.results import juror_names, round_results
from ..entries.forms import ConfirmForm
from ..errors import keeps_typed_input
from ..models import SCORING_METHODS
from ..templating import language
from ..wording import method_label
from .forms import PublishForm, SendMailsForm, UnfreezeForm, UnpublishForm
from .routes import dashboard_page

bp = Blueprint("results", __name__)


@bp.get("/results")
def results():
    edition = current_edition()
    round_ = round_from_request(edition)
    method = request.args.get("method")
    if method is not None and method not in SCORING_METHODS:
        abort(
            400,
            description=_("Unknown scoring method. Choose one of: %(methods)s.", methods=", ".join(SCORING_METHODS)),
        )
    snapshot = lifecycle.current_snapshot(round_) if method is None else None
    outcome = round_results(round_, method=method, stability=snapshot is None)
    if snapshot is not None:  # frozen: the ranking shown is the stored one, not a recomputation
        outcome = lifecycle.with_snapshot(outcome, snapshot)
    pairwise = floor.pairwise_check(round_, outcome.ranking)
    return render_template(
        "organiser/results.html",
        edition=edition,
        round=round_,
        category=round_.category,
        outcome=outcome,
        pairwise=pairwise,
        pairwise_titles=", ".join(sorted(outcome.entries[e].title for e in pairwise.winners if e in outcome.entries)),
        methods=SCORING_METHODS,
        snapshot=snapshot,
        names=juror_names(outcome.juror_stats.keys()),
        titles={entry_id: entry.title for entry_id, entry in outcome.entries.items()},
        criterion_names={c.key: c.name(language()) for c in outcome.criteria},
    )


@bp.get("/results/compare")
def compare_methods():
    """The same round ranked by every method, side by side, so a method choice can be defended."""
    edition = current_edition()
    round_ = round_from_request(edition)
    by_method = {
        method: {r.entry: r for r in round_results(round_, method=method).ranking} for method in SCORING_METHODS
    }
    base = round_results(round_)
    winners = {
        method: {entry for entry, line in lines.items() if line.rank == 1 and line.score is not None}
        for method, lines in by_method.items()
    }
    # Where another method would crown someone else: what the organisers must be ready to explain.
    disagree = [method_label(method) for method in SCORING_METHODS if winners[method] != winners[base.method]]
    # The jurors' one-tap comparisons, fitted by Bradley–Terry: a cross-check beside the methods, never the result.
    pairwise = floor.pairwise_check(round_, base.ranking)
    if pairwise.agrees is False:
        disagree.append(_("pairwise cross-check (Bradley–Terry)"))
    return render_template(
        "organiser/compare.html",
        edition=edition,
        round=round_,
        category=round_.category,
        base=base,
        by_method=by_method,
        methods=SCORING_METHODS,
        disagree=disagree,
        any_winner=bool(winners[base.method]),
        pairwise=pairwise,
        pairwise_lines={line.entry: line for line in pairwise.ranking},
    )


@bp.post("/results/freeze")
def freeze_results():
    edition = current_edition()
    if ConfirmForm().validate_on_submit():
        snapshots = lifecycle.freeze(actor=current_user, edition=edition)
        flash(_("Results frozen: %(n)d rankings stored. Score changes are now refused.", n=len(snapshots)), "success")
    return redirect(url_for("organiser.dashboard", edition=edition.id))


@bp.post("/results/unfreeze")
@keeps_typed_input
def unfreeze_results():
    edition = current_edition()
    form = UnfreezeForm()
    if not form.validate_on_submit():
        if edition.results_state == "frozen":  # the dashboard again: the problem beside the reason, as typed
            return dashboard_page(edition, unfreeze=form, status=400)
        abort(400, description=_("Give the reason for unfreezing the results (it is recorded)."))
    lifecycle.unfreeze(actor=current_user, edition=edition, reason=form.reason.data)
    flash(_("Results unfrozen. Scores can change again; the reason is in the audit trail."), "info")
    return redirect(url_for("organiser.dashboard", edition=edition.id))


def _readiness_page(edition, *, errors: list[str] | None = None, status: int = 200):
    """The readiness page, with the refusal that brought the organiser back to it, if any."""
    state = lifecycle.readiness(edition)
    return render_template(
        "organiser/readiness.html",
        edition=edition,
        state=state,
        reasons=state.reasons(language()),
        counts=state.mails_per_language(),
        previews=state.previews(),
        errors=errors or [],
        publish=PublishForm(),
        send=SendMailsForm(),
        unpublish=UnpublishForm(),
    ), status


@bp.get("/results/readiness")
def results_readiness():
    """Before publishing: each category frozen, signed off, complete, without undecided tie or unfit winner,
    and the mails that will go out."""
    return _readiness_page(current_edition())


@bp.post("/results/publish")
def publish_results():
    edition = current_edition()
    form = PublishForm()
    form.validate_on_submit()  # CSRF is checked for every POST by CSRFProtect
    try:
        lifecycle.publish(actor=current_user, edition=edition, confirmed=bool(form.confirm.data))
    except lifecycle.NotReady as refusal:
        return _readiness_page(edition, errors=[refusal.message] + refusal.reasons, status=refusal.status)
    flash(
        _(
            "Results published: the winners page is public. The exhibitors are not told yet; send the result "
            "mails when you are ready."
        ),
        "success",
    )
    return redirect(url_for("organiser.results.results_readiness", edition=edition.id))


@bp.post("/results/send-mails")
def send_result_mails():
    edition = current_edition()
    form = SendMailsForm()
    form.validate_on_submit()
    try:
        sent = lifecycle.send_result_mails(actor=current_user, edition=edition, confirmed=bool(form.confirm.data))
    except lifecycle.NotReady as refusal:
        return _readiness_page(edition, errors=[refusal.message] + refusal.reasons, status=refusal.status)
    flash(_("Result mails sent to %(n)d exhibitors.", n=sent), "success")
    return redirect(url_for("organiser.results.results_readiness", edition=edition.id))


@bp.post("/results/unpublish")
def unpublish_results():
    edition = current_edition()
    form = UnpublishForm()
    form.validate_on_submit()
    try:
        lifecycle.unpublish(actor=current_user, edition=edition, reason=form.reason.data or "")
    except lifecycle.NotReady as refusal:
        return _readiness_page(edition, errors=[refusal.message] + refusal.reasons, status=refusal.status)
    flash(_("Results unpublished: the winners page is hidden again; the reason is in the audit trail."), "info")
    return redirect(url_for("organiser.results.results_readiness", edition=edition.id))
