"""Organiser pages for rounds: settings, shortlisting with preview, calibration, stand cards, visits, sign-off."""

from __future__ import annotations

import re

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import rounds
from ..domain.editions import current_edition
from ..domain.results import juror_names, round_results
from ..entries.forms import ConfirmForm
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..links import public_url
from ..models import Entry, Round
from ..templating import language
from .forms import JointWinnersForm, OverrideForm, RoundForm, ShortlistForm
from .results import bp  # rounds and results are one concern: one blueprint

ROUND_FIELDS = rounds.ROUND_FIELDS


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    return round_


def _preview_from(form: ShortlistForm, round_: Round):
    chosen = [int(v) for v in request.values.getlist("entry") if v.isdigit()]
    # The organiser's decision for each entry without a complete score: decide-<entry id> = advance | eliminate.
    decisions = {
        int(key[len("decide-") :]): value
        for key, value in request.values.items()
        if key.startswith("decide-") and key[len("decide-") :].isdigit()
    }
    return rounds.preview_shortlist(
        round_,
        rule=form.rule.data,
        top=form.top.data,
        threshold=float(form.threshold.data) if form.threshold.data is not None else None,
        chosen=chosen,
        decisions=decisions,
    )


def _round_page(
    round_: Round,
    *,
    shortlist: ShortlistForm | None = None,
    preview=None,
    errors: list[str] | None = None,
    status: int = 200,
    settings: RoundForm | None = None,
    joint: JointWinnersForm | None = None,
    override: OverrideForm | None = None,
):
    """The round's page; a form passed in is shown as typed, with the reasons it was refused."""
    settings = settings or RoundForm(obj=round_, zone=round_.category.edition.timezone)
    shortlist = shortlist or ShortlistForm(request.args, meta={"csrf": False})
    outcome = round_results(round_, stability=preview is None, resamples=300) if preview is None else None
    ranking = preview.ranking if preview else outcome.ranking
    entries = {e.id: e for e in db.session.scalars(db.select(Entry).where(Entry.id.in_([l.entry for l in ranking])))}
    signoff = rounds.signoff_status(round_)
    signed = signoff.sign_off
    return render_template(
        "organiser/round.html",
        round=round_,
        category=round_.category,
        edition=round_.category.edition,
        settings=settings,
        shortlist=shortlist,
        preview=preview,
        ranking=ranking,
        entries=entries,
        next_round=rounds.next_round(round_),
        samples={e.id for e in rounds.calibration_samples(round_)},
        signed=signed,
        signoff=signoff,
        signer=juror_names([signed.signed_by_id]) if signed else {},
        confirm=ConfirmForm(),
        joint=joint or JointWinnersForm(formdata=None),
        override=override or OverrideForm(formdata=None),
        ticked=set(request.form.getlist("entry")) if joint else set(),
        errors=errors or [],
        lines={l.entry: l for l in ranking},
        unsigned=rounds.unsigned_categories(round_.category.edition),
    ), status


@bp.get("/rounds/<int:round_id>")
def round_page(round_id: int):
    round_ = _round(round_id)
    shortlist = ShortlistForm(request.args, meta={"csrf": False})
    preview, errors, status = None, [], 200
    if request.args.get("rule") and shortlist.validate():
        try:
            preview = _preview_from(shortlist, round_)
        except Refused as refusal:
            errors, status = [refusal.message], refusal.status
    return _round_page(round_, shortlist=shortlist, preview=preview, errors=errors, status=status)


@bp.post("/rounds/<int:round_id>/settings")
@keeps_typed_input
def round_settings(round_id: int):
    round_ = _round(round_id)
    form = RoundForm(zone=round_.category.edition.timezone)
    if not form.validate_on_submit():  # the round's page again, with the reason beside each field
        return _round_page(round_, settings=form, status=400)
    rounds.update_round(
        actor=current_user,
        round_=round_,
        values={
            name: form.utc(name) if name in form.zoned_fields else getattr(form, name).data for name in ROUND_FIELDS
        },
    )
    flash(_("Round saved."), "success")
    return redirect(url_for("organiser.results.round_page", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/shortlist")
def shortlist(round_id: int):
    round_ = _round(round_id)
    form = ShortlistForm()
    if not form.validate_on_submit():
        return _round_page(
            round_, shortlist=form, status=400, errors=[_("Choose how entries go through and give N or a threshold.")]
        )
    preview = None
    try:
        preview = _preview_from(form, round_)
        rounds.apply_shortlist(actor=current_user, preview=preview, notify=form.notify.data)
    except Refused as refusal:  # shown on the round page, with the preview and the decisions still to take
        return _round_page(
            _round(round_id), shortlist=form, preview=preview, errors=[refusal.message], status=refusal.status
        )
    flash(
        _(
            "%(n)d entries go through to %(round)s; %(m)d stop here.",
            n=len(preview.advancing),
            round=preview.next_round.display_name(language()),
            m=len(preview.eliminated),
        ),
        "success",
    )
    return redirect(url_for("organiser.results.round_page", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/calibration")
def calibration(round_id: int):
    round_ = _round(round_id)
    if ConfirmForm().validate_on_submit():
        rounds.set_calibration_samples(
            actor=current_user, round_=round_, entry_ids=[int(v) for v in request.form.getlist("entry") if v.isdigit()]
        )
        flash(_("Calibration samples saved."), "success")
    return redirect(url_for("organiser.results.round_page", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/joint-winners")
@keeps_typed_input
def joint_winners(round_id: int):
    round_ = _round(round_id)
    form = JointWinnersForm()
    if not form.validate_on_submit():  # the round's page again: the ticked entries and the reason as typed
        return _round_page(round_, status=400, joint=form)
    try:
        rounds.decide_joint_winners(
            actor=current_user,
            round_=round_,
            reason=form.reason.data,
            entry_ids=[int(v) for v in request.form.getlist("entry") if v.isdigit()],
        )
    except Refused as refusal:
        refusal.show_on(form)
        return _round_page(round_, status=refusal.status, joint=form)
    flash(_("Shared first place recorded."), "success")
    return redirect(url_for("organiser.results.round_page", round_id=round_.id))


@bp.post("/signoff-override")
@keeps_typed_input
def signoff_override():
    edition = current_edition()
    form = OverrideForm()
    if not form.validate_on_submit():
        round_ = db.session.get(Round, request.args.get("round", type=int) or 0)
        if round_ is not None and round_.category.edition_id == edition.id:  # its round's page, the reason as typed
            return _round_page(round_, status=400, override=form)
        abort(400, description=_("Give the reason for exporting before every sign-off (it is recorded)."))
    rounds.override_signoff(actor=current_user, edition=edition, reason=form.reason.data)
    flash(_("The ceremony export is allowed before every sign-off; the reason is recorded."), "info")
    return redirect(url_for("organiser.dashboard", edition=edition.id))


def qr_image(url: str) -> str:
    """A QR code as an SVG data URI: it carries only the link, no secret (the juror still logs in)."""
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


@bp.get("/rounds/<int:round_id>/stand-cards")
def stand_cards(round_id: int):
    round_ = _round(round_id)
    cards = []
    for visit in rounds.visit_schedule(round_):
        link = public_url("jury.score", entry_id=visit.entry.id, round=round_.id)
        cards.append((visit.entry, link, qr_image(link)))
    return render_template("organiser/stand_cards.html", round=round_, category=round_.category, cards=cards)


@bp.get("/rounds/<int:round_id>/schedule")
def visit_schedule(round_id: int):
    round_ = _round(round_id)
    return render_template(
        "schedule.html",
        round=round_,
        category=round_.category,
        visits=rounds.visit_schedule(round_),
        edition=round_.category.edition,
    )


def _criteria_rows(form) -> tuple[list[rounds.CriterionInput], list[str]]:
    """The rows of the criteria form; a blank extra row adds nothing, a ticked 'remove' drops its row."""
    rows, errors = [], []
    count = min(form.get("count", type=int) or 0, 30)
    for index in range(count):

        def field(name: str, index: int = index) -> str:
            return (form.get(f"{name}-{index}") or "").strip()

        if field("remove") or not (field("name_en") or field("weight")):
            continue
        key = (
            field("key") or re.sub(r"[^a-z0-9]+", "_", field("name_en").lower()).strip("_")[:40] or f"criterion_{index}"
        )
        try:
            weight = float(field("weight").replace(",", "."))
            low, high = int(field("scale_min") or 0), int(field("scale_max") or 10)
        except ValueError:
            errors.append(_("%(name)s: the weight and the scale must be numbers.", name=field("name_en") or key))
            continue
        rows.append(
            rounds.CriterionInput(
                key=key,
                name_en=field("name_en"),
                name_fr=field("name_fr"),
                guidance_en=field("guidance_en"),
                guidance_fr=field("guidance_fr"),
                weight=weight,
                scale_min=low,
                scale_max=high,
            )
        )
    return rows, errors


CRITERION_FIELDS = ("key", "name_en", "name_fr", "guidance_en", "guidance_fr", "weight", "scale_min", "scale_max")


def _typed_rows(form) -> list[dict]:
    """The criteria rows as they were typed (a refused form shows them again, never the stored ones)."""
    count = min(form.get("count", type=int) or 0, 30)
    rows = [{name: form.get(f"{name}-{index}", "") for name in (*CRITERION_FIELDS, "remove")} for index in range(count)]
    return [row for row in rows if any(row[name].strip() for name in ("key", "name_en", "name_fr", "weight"))]


def _stored_rows(round_: Round) -> list[dict]:
    return [
        {**{name: getattr(c, name) for name in CRITERION_FIELDS}, "weight": "%g" % c.weight, "remove": ""}  # noqa: UP031
        for c in round_.criteria
    ]


@bp.route("/rounds/<int:round_id>/criteria", methods=["GET", "POST"])
@keeps_typed_input
def criteria(round_id: int):
    """Edit a round's criteria: weights must total 100%; once scoring has opened, the change is confirmed."""
    round_ = _round(round_id)
    errors, status = [], 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():  # an expired session: the rows as typed (see keeps_typed_input)
            return _criteria_page(round_, _typed_rows(request.form), [], 400)
        rows, errors = _criteria_rows(request.form)
        if not errors:
            try:
                count = rounds.update_criteria(
                    actor=current_user, round_=round_, rows=rows, confirmed=request.form.get("confirm") == "yes"
                )
            except rounds.CriteriaRefused as refusal:
                errors, status = [refusal.message] + refusal.errors, refusal.status
            else:
                flash(_("Criteria saved; %(n)d stored totals recomputed.", n=count), "success")
                return redirect(url_for("organiser.results.criteria", round_id=round_.id))
        else:
            status = 400
        return _criteria_page(round_, _typed_rows(request.form), errors, status)
    return _criteria_page(round_, _stored_rows(round_), errors, status)


def _criteria_page(round_: Round, rows: list[dict], errors: list[str], status: int):
    return render_template(
        "organiser/criteria.html",
        round=round_,
        category=round_.category,
        rows=rows,
        errors=errors,
        locked=rounds.criteria_locked(round_),
        confirm=ConfirmForm(),
    ), status
