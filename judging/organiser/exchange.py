"""Organiser pages that exchange spreadsheets: the results workbook and CSV, and the Excel imports."""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from exports import (
    book_category_csv,
    csv_style,
    exhibitor_template,
    juror_template,
    read_exhibitors,
    read_jurors,
    results_workbook_bytes,
)

from .. import exporting
from ..domain.editions import current_edition
from ..extensions import db
from ..forms import country_codes
from ..models import Category
from ..templating import language as page_language
from ..wording import LANGUAGES

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
    """A category's ranking as CSV for the reader's Excel: in French, columns split on `;` with a decimal
    comma (what French Excel expects on a double-click); in English, `,` and a decimal point. `?lang=` picks
    the language (and so the format), `?anonymise=1` shows jurors as J01, J02..."""
    category = db.get_or_404(Category, category_id)
    language = _export_language() or page_language()
    book = exporting.results_book(
        category.edition,
        ceremony=False,
        language=language,
        anonymise_jurors=request.args.get("anonymise") == "1",
    )
    results = next(c for c in book.categories if c.position == category.position)
    style = csv_style(language)
    # A byte-order mark so that Excel opens the accents of "Société" right.
    return Response(
        style.bom + book_category_csv(book, results, style),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{category.code}.csv"'},
    )


@bp.get("/import")
def import_page():
    return render_template("organiser/import.html", edition=current_edition(), form=ImportForm(), errors=[])


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
        return render_template(
            "organiser/import.html",
            edition=edition,
            form=form,
            kind=kind,
            errors=[_("Choose an .xlsx file to import.")],
        ), 400
    data = form.file.data.read()
    if kind == "exhibitors":
        result = read_exhibitors(data, valid_countries=country_codes())
    else:
        result = read_jurors(data, valid_juries={c.code for c in edition.categories})
    if not result.ok:
        return render_template(
            "organiser/import.html",
            edition=edition,
            form=ImportForm(),
            kind=kind,
            errors=[str(e) for e in result.errors],
        ), 400
    if kind == "exhibitors":
        created, updated = exporting.import_exhibitors(actor=current_user, rows=result.rows)
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
