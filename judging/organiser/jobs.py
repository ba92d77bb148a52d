"""Long jobs (large imports): a page with a progress bar that follows the worker, then the result or the reason."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from .. import jobs
from ..extensions import db
from ..models import Job

bp = Blueprint("jobs", __name__)


@bp.get("/jobs/<int:job_id>")
def job_page(job_id: int):
    job = db.get_or_404(Job, job_id)
    return render_template("organiser/job.html", job=job, progress=jobs.progress(job))


@bp.get("/jobs/<int:job_id>.json")
def job_status(job_id: int):
    """What the page polls: {status, done, total, percent}."""
    job = db.get_or_404(Job, job_id)
    return jsonify(jobs.progress(job))
