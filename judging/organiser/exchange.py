"""Organiser pages that exchange spreadsheets: the results workbook and CSV, and the Excel imports."""

from __future__ import annotations

import io
import re
import secrets
import time

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired

from exports import (
    IMPORT_LIMITS,
    book_category_csv,
    csv_style,
    exhibitor_template,
    juror_template,
)
from exports.imports import MAX_ROWS as MAX_IMPORT_ROWS

from .. import exporting, jobs
from ..domain.accounts import unclaimed_companies
from ..domain.editions import current_edition
from ..downloads import results_size
from ..entries.forms import ConfirmForm
from ..extensions import db
from ..models import Category
from ..storage import local_root, storage
from ..templating import language as page_language
from ..wording import LANGUAGES, describe_import_limits, import_summary
from .jobs import deliver

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(FlaskForm):
    file = FileField(validators=[FileRequired()])


class ConfirmImportForm(FlaskForm):
    digest = HiddenField(validators=[DataRequired()])


bp = Blueprint("exchange", __name__)


def _export_language() -> str | None:
    """`?lang=fr` or `?lang=en` asks for that language (the stage team may want the other one); else the page's."""
    wanted = request.args.get("lang")
    if wanted is not None and wanted not in LANGUAGES:
        abort(400, description=_("Exports exist in English (en) and French (fr)."))
    return wanted


@bp.get("/results/export.xlsx")
def export_results():
    """The ceremony workbook; refused until every category is signed off (or the gate is overridden). Made by the
    worker for a large edition (the refusal is then said on the job's page)."""
    edition = current_edition()
    params = {"anonymise": request.args.get("anonymise") == "1", "language": _export_language() or page_language()}
    return deliver("export_results", edition=edition, params=params, items=results_size(edition))


@bp.get("/results/<int:category_id>.csv")
def export_category_csv(category_id: int):
    """A category's ranking as CSV for the reader's Excel: in French, columns split on `;` with a decimal
    comma (what French Excel expects on a double-click); in English, `,` and a decimal point. `?lang=` picks
    the language (and so the format), `?anonymise=1` shows jurors as J01, J02..."""
    category = db.get_or_404(Category, category_id)
    language = _export_language() or page_language()
    # Only this category is ranked (with its chance-of-winning figures), not the whole edition.
    book = exporting.results_book(
        category.edition,
        ceremony=False,
        language=language,
        anonymise_jurors=request.args.get("anonymise") == "1",
        only=category,
    )
    results = book.categories[0]
    style = csv_style(language)
    # A byte-order mark so that Excel opens the accents of "Société" right.
    return Response(
        style.bom + book_category_csv(book, results, style),
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


PENDING_IMPORT_HOURS = 24  # a preview waiting for its confirmation is deleted after this


def _pending_name(token: str) -> str:
    return f"pending-import-{token}.json"


def _keep_pending(kept: bytes, kind: str) -> str:
    """Keep the checked rows of an upload (`exporting.checked_rows`) until the organiser confirms its preview; the
    token is bound to their session. They go to the storage every app machine shares: the confirmation may reach
    another machine."""
    files = storage()
    root = local_root(files)
    if root is not None:  # forget previews never confirmed
        cutoff = time.time() - PENDING_IMPORT_HOURS * 3600
        for old in root.glob("pending-import-*"):
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    files.save(_pending_name(token), kept)
    session.setdefault("pending_imports", {})[token] = kind
    session.modified = True
    return token


def _pending(token: str, kind: str) -> tuple[bytes, tuple] | None:
    """The kept rows of the preview `token` (as kept, and read back), or None when there are none."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or "") or session.get("pending_imports", {}).get(token) != kind:
        return None
    try:
        kept = storage().read(_pending_name(token))
        return kept, exporting.kept_rows(kind, kept)
    except (FileNotFoundError, ValueError):
        return None


def _forget_pending(token: str) -> None:
    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        storage().delete(_pending_name(token))
    session.get("pending_imports", {}).pop(token, None)
    session.modified = True


def _refused(edition, kind: str, errors, status: int = 400):
    return _import_page(form=ImportForm(), kind=kind, errors=errors), status


@bp.post("/import/<kind>")
def import_file(kind: str):
    """Upload -> every row checked -> a preview of what would change; nothing is written until it is confirmed."""
    edition = current_edition()
    if kind not in exporting.IMPORT_KINDS:
        abort(404)
    form = ImportForm()
    if not form.validate_on_submit():
        return _refused(edition, kind, [_("Choose an .xlsx file to import.")])
    # Read no more than the limit allows, plus one byte to know it was over.
    data = form.file.data.read(IMPORT_LIMITS.max_file_bytes + 1)
    result = exporting.read_import(kind, data, edition)
    problems, status = exporting.import_problems(result)
    if problems:
        return _refused(edition, kind, problems, status)
    kept = exporting.checked_rows(kind, result.rows)
    plan = exporting.plan_import(kind, result.rows, edition, kept=kept)
    return render_template(
        "organiser/import_preview.html",
        edition=edition,
        kind=kind,
        plan=plan,
        token=_keep_pending(kept, kind),
        form=ConfirmImportForm(digest=plan.digest),
    )


@bp.post("/import/<kind>/confirm")
def confirm_import(kind: str):
    """Apply the previewed import, provided it would still make exactly the changes shown. The rows are those
    checked for the preview (kept with it), not the workbook read again."""
    edition = current_edition()
    if kind not in exporting.IMPORT_KINDS:
        abort(404)
    form = ConfirmImportForm()
    pending = _pending(request.form.get("token", ""), kind) if form.validate_on_submit() else None
    if pending is None:
        return _refused(edition, kind, [_("This preview has expired: upload the file again.")], 409)
    token = request.form["token"]
    kept, rows = pending
    plan = exporting.plan_import(kind, rows, edition, kept=kept)
    if plan.digest != form.digest.data:
        flash(_("Something changed since the preview: check the changes below again before confirming."), "warning")
        return render_template(
            "organiser/import_preview.html",
            edition=edition,
            kind=kind,
            plan=plan,
            token=token,
            form=ConfirmImportForm(formdata=None, digest=plan.digest),
        ), 409
    _forget_pending(token)
    if jobs.in_background(len(rows)):
        # Thousands of rows take a while: the worker imports them, the job's page shows how far it got.
        job = jobs.start(f"import_{kind}", actor=current_user, edition=edition, payload=kept, total=len(rows))
        return redirect(url_for("organiser.jobs.job_page", job_id=job.id))
    try:
        done = exporting.apply_import(kind, actor=current_user, edition=edition, rows=rows)
    except exporting.ImportContested as contested:
        db.session.rollback()
        return _import_page(form=ImportForm(), kind=kind, errors=contested.messages), 409
    flash(import_summary(kind, done), "success")
    return redirect(url_for("organiser.exchange.import_page", edition=edition.id))
