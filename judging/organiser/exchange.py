"""Organiser pages that exchange spreadsheets: the results workbook and CSV, and the Excel imports."""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from exports import (
    IMPORT_LIMITS,
    category_csv,
    exhibitor_template,
    juror_template,
    read_exhibitors,
    read_jurors,
    results_workbook_bytes,
)
from exports.imports import MAX_ROWS as MAX_IMPORT_ROWS

from .. import exporting
from ..domain.accounts import unclaimed_companies
from ..domain.editions import current_edition
from ..entries.forms import ConfirmForm
from ..extensions import db
from ..forms import country_codes
from ..models import Category
from ..wording import LANGUAGES, describe_import_limits, describe_too_large

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(FlaskForm):
    file = FileField(validators=[FileRequired()])


bp = Blueprint("exchange", __name__)


def _export_language() -> str | None:
    """`?lang=fr` or `?lang=en` asks for that language (the stage team may want the other one); else the page's."""
    wanted = request.args.get("lang")
    if wanted is not None and wanted not in LANGUAGES:
        abort(400, description=_("Exports exist in English (en) and French (fr)."))
    return wanted


@bp.get("/results/export.xlsx")
def export_results():
    """The ceremony workbook; refused until every category is signed off (or the gate is overridden)."""
    edition = current_edition()
    book = exporting.results_book(
        edition, anonymise_jurors=request.args.get("anonymise") == "1", language=_export_language()
    )
    return send_file(
        io.BytesIO(results_workbook_bytes(book)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{edition.slug}-results.xlsx",
    )


@bp.get("/results/<int:category_id>.csv")
def export_category_csv(category_id: int):
    category = db.get_or_404(Category, category_id)
    book = exporting.results_book(category.edition, ceremony=False, language=_export_language())
    results = next(c for c in book.categories if c.position == category.position)
    # A byte-order mark so that Excel opens the accents of "Société" right.
    return Response(
        "\ufeff" + category_csv(results, book.translate),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{category.code}.csv"'},
    )


def _import_page(*, form, errors, kind=None):
    return render_template(
        "organiser/import.html",
        edition=current_edition(),
        form=form,
        kind=kind,
        errors=errors,
        limits_text=describe_import_limits(IMPORT_LIMITS, MAX_IMPORT_ROWS),
        unclaimed=unclaimed_companies(),
        confirm=ConfirmForm(),
    )


@bp.get("/import")
def import_page():
    return _import_page(form=ImportForm(), errors=[])


@bp.get("/import/<kind>-template.xlsx")
def import_template(kind: str):
    builders = {"exhibitors": exhibitor_template, "jurors": juror_template}
    if kind not in builders:
        abort(404)
    return send_file(
        io.BytesIO(builders[kind]()), mimetype=XLSX, as_attachment=True, download_name=f"{kind}-template.xlsx"
    )


@bp.post("/import/<kind>")
def import_file(kind: str):
    edition = current_edition()
    if kind not in ("exhibitors", "jurors"):
        abort(404)
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form=form, kind=kind, errors=[_("Choose an .xlsx file to import.")]), 400
    # Read no more than the limit allows, plus one byte to know it was over.
    data = form.file.data.read(IMPORT_LIMITS.max_file_bytes + 1)
    if kind == "exhibitors":
        result = read_exhibitors(data, valid_countries=country_codes())
    else:
        result = read_jurors(data, valid_juries={c.code for c in edition.categories})
    if result.too_large is not None:  # refused before any row was read
        return _import_page(form=ImportForm(), kind=kind, errors=[describe_too_large(result.too_large)]), 413
    if not result.ok:
        return _import_page(form=ImportForm(), kind=kind, errors=[str(e) for e in result.errors]), 400
    if kind == "exhibitors":
        try:
            created, updated = exporting.import_exhibitors(actor=current_user, rows=result.rows)
        except exporting.ImportContested as contested:
            db.session.rollback()
            return _import_page(form=ImportForm(), kind=kind, errors=contested.messages), 409
        flash(
            _(
                "%(n)d exhibitors read: %(c)d created, %(u)d updated, the rest unchanged.",
                n=len(result.rows),
                c=created,
                u=updated,
            ),
            "success",
        )
    else:
        created, seats = exporting.import_jurors(actor=current_user, edition=edition, rows=result.rows)
        flash(
            _(
                "%(n)d jurors read: %(c)d new accounts, %(s)d jury seats added. Invite them from the juries page.",
                n=len(result.rows),
                c=created,
                s=seats,
            ),
            "success",
        )
    return redirect(url_for("organiser.exchange.import_page", edition=edition.id))
