"""Long jobs (large imports, jury packs, large workbooks, announcements to many): a page with a progress bar that
follows the worker, then the result, the download or the reason; and `deliver`, how a download page hands its work
to a job when it is large."""

from __future__ import annotations

import io

from flask import Blueprint, abort, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import jobs
from ..domain.permissions import can_follow_job
from ..extensions import db
from ..models import Job
from ..templating import language
from ..wording import import_summary

bp = Blueprint("jobs", __name__)


def deliver(kind: str, *, edition, params: dict, items: int):
    """The answer of a download page: the file at once when the work is small, else a job (same producer) and its
    page, which offers the file once it is made. The one threshold is `jobs.in_background`."""
    params = {"language": language(), **params}
    if jobs.in_background(items):
        job = jobs.start(kind, actor=current_user, edition=edition, params=params, total=items)
        return redirect(url_for("organiser.jobs.job_page", job_id=job.id))
    made = jobs.produce_now(kind, edition=edition, params=params)
    return _send(made.data, mimetype=made.mimetype, name=made.download_name)


def _send(data: bytes, *, mimetype: str, name: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def _job(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    if not can_follow_job(current_user, job, edition_id=request.args.get("edition", type=int)):
        abort(403)
    return job


@bp.get("/jobs/<int:job_id>")
def job_page(job_id: int):
    job = _job(job_id)
    return render_template("organiser/job.html", job=job, progress=jobs.progress(job), summary=_summary(job))


def _summary(job: Job) -> str | None:
    """What a finished import or bulk action did, in the words its page would have flashed."""
    if job.status != "done":
        return None
    if job.kind.startswith("import_"):
        return import_summary(job.kind.removeprefix("import_"), job.result)
    if job.kind == "bulk_entries":
        from .forms import BULK_LABELS

        return _("%(action)s: done for %(n)d entries.", action=BULK_LABELS[job.result["action"]], n=job.result["done"])
    return None


@bp.get("/jobs/<int:job_id>.json")
def job_status(job_id: int):
    """What the page polls: {status, done, total, percent}."""
    return jsonify(jobs.progress(_job(job_id)))


@bp.get("/jobs/<int:job_id>/file")
def job_file(job_id: int):
    """The file the job made, while it is kept (a day, or until a newer one of the same request replaces it)."""
    job = _job(job_id)
    data = jobs.job_file(job)
    if data is None:
        abort(410, description=_("This file is no longer kept: ask for it again from its page."))
    return _send(data, mimetype=job.result["mimetype"], name=job.result["download_name"])
